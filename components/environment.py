"""The environment layer: network, environment KMS key, access-log and audit buckets.

Everything here is shared by every team of the environment; team stacks read the exports
through a StackReference (see `components/team.py`).
"""

from __future__ import annotations

import json

import pulumi
import pulumi_aws as aws

from components.documents.iam import auditor_policy, human_trust_policy
from components.documents.storage import access_log_delivery_statement, flow_log_delivery_statements
from components.encryption import KmsKey, KmsKeyArgs
from components.naming import Naming
from components.network import Network, NetworkArgs
from components.settings import EnvironmentSettings
from components.storage import LifecycleRules, SecureBucket, SecureBucketArgs

FLOW_LOG_PREFIX = "flow-logs/"


class EnvironmentLayer(pulumi.ComponentResource):
    exports: dict[str, pulumi.Input]

    def __init__(self, settings: EnvironmentSettings, naming: Naming, opts: pulumi.ResourceOptions):
        super().__init__("mlops:layer:Environment", naming.scope, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        production = settings.production

        key = KmsKey(
            "environment-key",
            KmsKeyArgs(
                alias=naming.kms_alias("environment"),
                description=f"Environment {settings.environment}: logs and audit data",
                account_id=settings.account_id,
                region=settings.region,
                production=production,
                service_principals=("delivery.logs.amazonaws.com",),
                log_group_prefix=f"/{settings.name_prefix}/",
            ),
            child,
        )
        retention = settings.governance.audit_log_retention_days
        access_logs_name = naming.bucket("access-logs")
        access_logs = SecureBucket(
            "access-logs",
            SecureBucketArgs(
                bucket_name=access_logs_name,
                purpose="access-logs",
                data_classification="internal",
                kms_key_arn=None,  # S3 access-log delivery supports SSE-S3 targets only
                access_log_bucket=None,  # a log bucket does not log into itself
                lifecycle=LifecycleRules(
                    expiration_days=retention, noncurrent_version_expiration_days=30
                ),
                production=production,
                extra_policy_statements=[
                    access_log_delivery_statement(
                        naming.bucket_arn("access-logs"), settings.account_id
                    )
                ],
            ),
            child,
        )
        audit_arn = naming.bucket_arn("audit")
        audit = SecureBucket(
            "audit",
            SecureBucketArgs(
                bucket_name=naming.bucket("audit"),
                purpose="audit",
                data_classification="confidential",
                kms_key_arn=key.arn,
                access_log_bucket=access_logs.name,
                lifecycle=LifecycleRules(
                    expiration_days=retention, noncurrent_version_expiration_days=30
                ),
                production=production,
                extra_policy_statements=flow_log_delivery_statements(
                    audit_arn, settings.account_id, settings.region, FLOW_LOG_PREFIX
                ),
            ),
            child,
        )
        net = settings.network
        network = Network(
            "network",
            NetworkArgs(
                mode=net.mode,
                region=settings.region,
                name=naming.name("vpc"),
                cidr=net.cidr,
                availability_zones=list(net.availability_zones),
                interface_endpoints=list(net.interface_endpoints),
                flow_log_destination_arn=audit.arn.apply(lambda arn: f"{arn}/{FLOW_LOG_PREFIX}"),
                vpc_id=net.vpc_id,
                subnet_ids=list(net.subnet_ids),
                security_group_ids=list(net.security_group_ids),
            ),
            child,
        )
        auditor = _auditor_role(settings, naming, audit.arn, key.arn, child)
        self.exports = {
            "layer": "environment",
            "environment": settings.environment,
            "production": production,
            "region": settings.region,
            "accountId": settings.account_id,
            "vpcId": network.vpc_id,
            "privateSubnetIds": network.subnet_ids,
            "workloadSecurityGroupIds": network.workload_security_group_ids,
            "environmentKmsKeyArn": key.arn,
            "accessLogBucket": access_logs.name,
            "auditBucket": audit.name,
            "auditorRoleArn": auditor.arn,
        }
        self.register_outputs(self.exports)


def _auditor_role(
    settings: EnvironmentSettings,
    naming: Naming,
    audit_bucket_arn: pulumi.Output[str],
    key_arn: pulumi.Output[str],
    opts: pulumi.ResourceOptions,
) -> aws.iam.Role:
    """The environment-wide governance role: read-only on configurations, logs and audit data."""
    role = aws.iam.Role(
        "auditor",
        name=naming.name("auditor"),
        description=f"Governance auditor of environment {settings.environment} (read-only)",
        assume_role_policy=json.dumps(
            human_trust_policy(
                list(settings.governance.auditor_principals),
                account_id=settings.account_id,
                team=naming.team,
                persona="auditor",
                partition=naming.partition,
            )
        ),
        max_session_duration=4 * 3600,
        tags={"persona": "auditor"},
        opts=opts,
    )
    aws.iam.RolePolicy(
        "auditor-permissions",
        role=role.name,
        name="permissions",
        policy=pulumi.Output.all(audit_bucket_arn, key_arn).apply(
            lambda arns: json.dumps(
                auditor_policy(
                    partition=naming.partition,
                    account_id=settings.account_id,
                    region=settings.region,
                    name_prefix=settings.name_prefix,
                    environment=settings.environment,
                    audit_bucket_arn=arns[0],
                    environment_key_arn=arns[1],
                )
            )
        ),
        opts=opts,
    )
    return role
