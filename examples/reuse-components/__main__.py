"""A minimal team data platform from the blueprint's components, with plain values.

Only `components.*` is imported: no `settings`, no stack files of the blueprint, no
StackReference to its environment stack. The network and the execution roles already exist and
come in as this project's own config (see Pulumi.yaml and README.md).
"""

from __future__ import annotations

import pulumi

from components.encryption import KmsKey, KmsKeyArgs
from components.lab import Lab, LabArgs, LabMember
from components.naming import Naming
from components.provider import aws_provider
from components.storage import SecureBucket, SecureBucketArgs
from components.tags import standard_tags
from components.tracking import Tracking, TrackingArgs, WorkingHours

config = pulumi.Config()
account_id = config.require("accountId")
region = pulumi.Config("aws").require("region")
team = config.require("team")
environment = config.require("environment")
classification = config.require("dataClassification")

naming = Naming(
    prefix=config.require("namePrefix"),
    team=team,
    environment=environment,
    account_id=account_id,
    region=region,
)
execution_role_arns = {
    "data-scientist": config.require("dataScientistRoleArn"),
    "ml-engineer": config.require("mlEngineerRoleArn"),
}
members = []
for member in config.require_object("members"):
    if member.get("persona") not in execution_role_arns:
        raise pulumi.RunError(
            f"members: {member.get('name')!r} has persona {member.get('persona')!r}; "
            f"allowed: {', '.join(execution_role_arns)}"
        )
    members.append(LabMember(name=member["name"], persona=member["persona"]))

# Every taggable resource gets the standard tags; the provider refuses any other account.
provider = aws_provider(
    region=region,
    account_id=account_id,
    tags=standard_tags(
        team=team,
        environment=environment,
        owner=config.require("owner"),
        cost_center=config.require("costCenter"),
        data_classification=classification,
    ),
)
options = pulumi.ResourceOptions(providers={"aws": provider})

key = KmsKey(
    "key",
    KmsKeyArgs(
        alias=naming.kms_alias("data"),
        description=f"Team {team} in {environment}: data, notebooks, MLflow artifacts",
        account_id=account_id,
        region=region,
        # Studio (home EFS, spaces) and the MLflow server use the key for this account only.
        service_principals=("sagemaker.amazonaws.com",),
    ),
    options,
)

bucket = SecureBucket(
    "data",
    SecureBucketArgs(
        bucket_name=config.get("dataBucketName") or naming.bucket("data"),
        purpose="data",
        data_classification=classification,
        kms_key_arn=key.arn,
        access_log_bucket=config.require("accessLogBucket"),
    ),
    options,
)

lab = Lab(
    "lab",
    LabArgs(
        naming=naming,
        team=team,
        kms_key_arn=key.arn,
        vpc_id=config.require("vpcId"),
        subnet_ids=config.require_object("subnetIds"),
        security_group_ids=config.require_object("securityGroupIds"),
        execution_role_arns=execution_role_arns,
        members=members,
        allowed_instance_types=config.require_object("instanceTypes"),
    ),
    options,
)

tracking = Tracking(
    "tracking",
    TrackingArgs(
        naming=naming,
        kms_key_arn=key.arn,
        artifacts_bucket=bucket.name,
        artifacts_bucket_arn=bucket.arn,
        # A managed tracking server (the default kind is a serverless MLflow App), stopped
        # outside working hours (Mon-Fri 07:00-20:00 UTC) to save its hourly price.
        kind="sagemaker",
        working_hours=WorkingHours(),
    ),
    options,
)

pulumi.export("kmsKeyArn", key.arn)
pulumi.export("dataBucket", bucket.name)
pulumi.export("labDomainId", lab.domain_id)
pulumi.export("labDomainUrl", lab.domain_url)
pulumi.export("labUserProfiles", lab.user_profiles)
pulumi.export("trackingServerArn", tracking.tracking_server_arn)
pulumi.export("artifactStoreUri", tracking.artifact_store_uri)
pulumi.export("mlflowEnvironment", tracking.environment)
