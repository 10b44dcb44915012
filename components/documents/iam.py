"""IAM documents of the personas, their SageMaker execution roles and the auditor.

Pure functions from plain values (`TeamAccess`): no Pulumi here, so tests evaluate the very
documents the program plans. Conventions the documents rely on:

- every team resource is named `<prefix>-<team>-<env>-...` (`scope`), so an ARN pattern
  `.../<scope>-*` is the team's and no other team's (team names contain no hyphen);
- services that support it are also guarded by the `team` resource tag (ABAC): an explicit deny
  on any SageMaker resource tagged for another team;
- guardrails are explicit denies, so no other policy attached later can lift them.

Condition keys and the actions that support them: "Actions, resources, and condition keys for
Amazon SageMaker AI" and "... for Amazon S3" (Service Authorization Reference, read 2026-11).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

VERSION = "2012-10-17"
SAGEMAKER_SERVICE = "sagemaker.amazonaws.com"
# SAML sign-in audience for console federation (IAM "Enabling SAML 2.0 federated users",
# read 2026-11).
SAML_AUDIENCE = "https://signin.aws.amazon.com/saml"
# Studio's default JupyterServer / KernelGateway apps run on the pseudo instance type "system".
SYSTEM_INSTANCE_TYPE = "system"

READ_OBJECT = ["s3:GetObject", "s3:GetObjectVersion", "s3:GetObjectTagging"]
WRITE_OBJECT = ["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"]
LIST_BUCKET = ["s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"]
# Configuration reads of a bucket (what governance inspects).
BUCKET_CONFIG_READ = [
    "s3:GetBucketPolicy",
    "s3:GetBucketPolicyStatus",
    "s3:GetBucketTagging",
    "s3:GetEncryptionConfiguration",
    "s3:GetBucketVersioning",
    "s3:GetLifecycleConfiguration",
    "s3:GetBucketPublicAccessBlock",
    "s3:GetBucketLogging",
    "s3:GetBucketOwnershipControls",
    "s3:GetBucketLocation",
]
# What no persona may ever do to team buckets: history, protection and policy stay intact.
BUCKET_PROTECTION = [
    "s3:DeleteObjectVersion",
    "s3:DeleteBucket",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketPolicy",
    "s3:PutBucketVersioning",
    "s3:PutLifecycleConfiguration",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutEncryptionConfiguration",
    "s3:PutBucketObjectLockConfiguration",
    "s3:BypassGovernanceRetention",
]
KMS_USE = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey", "kms:DescribeKey"]
ECR_PULL = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"]
ECR_PUSH = [
    "ecr:PutImage",
    "ecr:InitiateLayerUpload",
    "ecr:UploadLayerPart",
    "ecr:CompleteLayerUpload",
]
ENDPOINT_CHANGES = [
    "sagemaker:CreateEndpoint",
    "sagemaker:UpdateEndpoint",
    "sagemaker:DeleteEndpoint",
    "sagemaker:CreateEndpointConfig",
    "sagemaker:DeleteEndpointConfig",
    "sagemaker:UpdateEndpointWeightsAndCapacities",
    "sagemaker:CreateModel",
    "sagemaker:DeleteModel",
]
PIPELINE_CHANGES = [
    "sagemaker:CreatePipeline",
    "sagemaker:UpdatePipeline",
    "sagemaker:DeletePipeline",
    "sagemaker:StartPipelineExecution",
    "sagemaker:StopPipelineExecution",
]
# Lab: Studio apps and spaces, notebook instances. CreateApp/CreateSpace/CreateNotebookInstance
# and the job APIs carry `sagemaker:InstanceTypes`.
LAB_ACTIONS = [
    "sagemaker:CreatePresignedDomainUrl",
    "sagemaker:CreateApp",
    "sagemaker:DeleteApp",
    "sagemaker:CreateSpace",
    "sagemaker:UpdateSpace",
    "sagemaker:DeleteSpace",
    "sagemaker:StartNotebookInstance",
    "sagemaker:StopNotebookInstance",
    "sagemaker:CreatePresignedNotebookInstanceUrl",
]
JOB_ACTIONS = [
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateTransformJob",
    "sagemaker:StopTrainingJob",
    "sagemaker:StopProcessingJob",
]
INSTANCE_TYPE_ACTIONS = [
    "sagemaker:CreateApp",
    "sagemaker:CreateSpace",
    "sagemaker:UpdateSpace",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:UpdateNotebookInstance",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateTransformJob",
    "sagemaker:CreateEndpointConfig",
]
# Actions that create compute on a VPC / with volumes (guardrail denies).
VPC_ACTIONS = [
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateModel",
]
VOLUME_KMS_ACTIONS = [
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateTransformJob",
    "sagemaker:CreateNotebookInstance",
    "sagemaker:CreateEndpointConfig",
]
INTER_CONTAINER_ACTIONS = [
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateHyperParameterTuningJob",
]
READ_ONLY_SAGEMAKER = ["sagemaker:Describe*", "sagemaker:List*", "sagemaker:Search"]


@dataclass(frozen=True)
class TeamAccess:
    """Everything a team's documents are built from, as plain values."""

    partition: str
    account_id: str
    region: str
    team: str
    scope: str  # naming.scope, e.g. mlops-fraud-dev
    production: bool
    bucket_arns: dict[str, str]  # purpose -> arn:aws:s3:::name
    bucket_classifications: dict[str, str]  # purpose -> data classification
    kms_key_arn: str
    mlflow_tracking_server_arn: str
    instance_types: list[str]  # what the team may start (GPU types included if allowed)
    role_arns: dict[str, str]  # persona -> human role ARN
    execution_role_arns: dict[str, str]  # persona | endpoint | pipeline -> exec role ARN
    steward_readable_classifications: list[str] = field(default_factory=list)

    def arn(self, service: str, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{self.region}:{self.account_id}:{resource}"

    def sagemaker(self, kind: str) -> str:
        """Team-scoped SageMaker ARN pattern; SageMaker lower-cases names in ARNs."""
        return self.arn("sagemaker", f"{kind}/{self.scope}-*")

    @property
    def ecr_repositories(self) -> str:
        return self.arn("ecr", f"repository/{self.scope}/*")

    @property
    def log_groups(self) -> list[str]:
        return [
            self.arn("logs", f"log-group:/aws/sagemaker/*:log-stream:{self.scope}-*"),
            self.arn("logs", f"log-group:/{self.scope}/*"),
        ]

    def buckets(self, *purposes: str) -> list[str]:
        return [self.bucket_arns[p] for p in purposes]

    def objects(self, *purposes: str) -> list[str]:
        return [f"{self.bucket_arns[p]}/*" for p in purposes]


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": VERSION, "Statement": list(statements)}


def _statement(
    sid: str,
    actions: list[str],
    resources: list[str] | str,
    effect: str = "Allow",
    condition: dict[str, Any] | None = None,
) -> dict[str, Any]:
    statement: dict[str, Any] = {
        "Sid": sid,
        "Effect": effect,
        "Action": sorted(set(actions)),
        "Resource": resources if isinstance(resources, str) else sorted(set(resources)),
    }
    if condition:
        statement["Condition"] = condition
    return statement


# -- trust policies -------------------------------------------------------------------------


def human_trust_policy(
    principals: list[str], *, account_id: str, team: str, persona: str, partition: str = "aws"
) -> dict[str, Any]:
    """Who may assume a human role: the configured principals, never `*`.

    Role/user ARNs are AWS principals; a SAML provider is a federated principal with the sign-in
    audience. Without principals: only this account's principals tagged team/persona (ABAC).
    """
    if any("*" in p for p in principals):
        raise ValueError("a trust policy principal must not contain '*'")
    aws = sorted(p for p in principals if ":saml-provider/" not in p)
    saml = sorted(p for p in principals if ":saml-provider/" in p)
    statements: list[dict[str, Any]] = []
    if aws:
        statements.append(
            {
                "Sid": "ConfiguredPrincipals",
                "Effect": "Allow",
                "Principal": {"AWS": aws},
                "Action": ["sts:AssumeRole", "sts:SetSourceIdentity"],
            }
        )
    if saml:
        statements.append(
            {
                "Sid": "SamlFederation",
                "Effect": "Allow",
                "Principal": {"Federated": saml},
                "Action": "sts:AssumeRoleWithSAML",
                "Condition": {"StringEquals": {"SAML:aud": SAML_AUDIENCE}},
            }
        )
    if not statements:
        statements.append(
            {
                "Sid": "TaggedPrincipalsOfThisAccount",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {
                    "StringEquals": {
                        "aws:PrincipalTag/team": team,
                        "aws:PrincipalTag/persona": persona,
                        "aws:PrincipalAccount": account_id,
                    }
                },
            }
        )
    return document(*statements)


# -- building blocks ------------------------------------------------------------------------


def _bucket_statements(
    a: TeamAccess, prefix: str, read: list[str], read_write: list[str]
) -> list[dict[str, Any]]:
    statements = []
    listed = sorted(set(read) | set(read_write))
    if listed:
        statements.append(_statement(f"{prefix}ListTeamBuckets", LIST_BUCKET, a.buckets(*listed)))
    if read:
        statements.append(_statement(f"{prefix}ReadData", READ_OBJECT, a.objects(*read)))
    if read_write:
        statements.append(
            _statement(f"{prefix}ReadWriteData", READ_OBJECT + WRITE_OBJECT, a.objects(*read_write))
        )
    return statements


def _kms_statement(a: TeamAccess, sid: str = "UseTeamKey") -> dict[str, Any]:
    return _statement(sid, KMS_USE, a.kms_key_arn)


def _mlflow_statements(a: TeamAccess) -> list[dict[str, Any]]:
    return [
        _statement(
            "TrackExperimentsInTeamMlflow",
            [
                "sagemaker-mlflow:*",
                "sagemaker:CreatePresignedMlflowTrackingServerUrl",
                "sagemaker:DescribeMlflowTrackingServer",
            ],
            a.mlflow_tracking_server_arn,
        )
    ]


def _start_mlflow_statement(a: TeamAccess) -> dict[str, Any]:
    """People may start their team's tracking server outside its working-hours schedule."""
    return _statement(
        "StartTeamMlflowOutsideWorkingHours",
        ["sagemaker:StartMlflowTrackingServer"],
        a.mlflow_tracking_server_arn,
    )


def _ecr_pull_statements(a: TeamAccess) -> list[dict[str, Any]]:
    return [
        # GetAuthorizationToken supports no resource-level permission (ECR authorization
        # reference, read 2026-11); it grants no image access by itself.
        _statement("EcrLogin", ["ecr:GetAuthorizationToken"], "*"),
        _statement("PullTeamImages", [*ECR_PULL, "ecr:DescribeImages"], a.ecr_repositories),
    ]


def _pass_role(a: TeamAccess, sid: str, role_keys: list[str]) -> dict[str, Any]:
    return _statement(
        sid,
        ["iam:PassRole"],
        [a.execution_role_arns[k] for k in role_keys],
        condition={"StringEquals": {"iam:PassedToService": SAGEMAKER_SERVICE}},
    )


def _lab_statements(a: TeamAccess) -> list[dict[str, Any]]:
    resources = [
        a.arn("sagemaker", f"user-profile/*/{a.scope}-*"),
        a.arn("sagemaker", f"space/*/{a.scope}-*"),
        a.arn("sagemaker", f"app/*/{a.scope}-*"),
        a.sagemaker("notebook-instance"),
    ]
    return [
        _statement("UseTeamLab", LAB_ACTIONS, resources),
        _statement(
            "RunTeamJobs",
            JOB_ACTIONS,
            [
                a.sagemaker("training-job"),
                a.sagemaker("processing-job"),
                a.sagemaker("hyper-parameter-tuning-job"),
                a.sagemaker("transform-job"),
            ],
        ),
        _statement("ReadSageMaker", READ_ONLY_SAGEMAKER, "*"),
    ]


def _endpoint_statements(a: TeamAccess, sid: str) -> dict[str, Any]:
    return _statement(
        sid,
        ENDPOINT_CHANGES,
        [a.sagemaker("endpoint"), a.sagemaker("endpoint-config"), a.sagemaker("model")],
    )


def guardrail_statements(a: TeamAccess) -> list[dict[str, Any]]:
    """Explicit denies every persona and execution role carries."""
    team_tag = "aws:ResourceTag/team"
    allowed_types = sorted(set(a.instance_types) | {SYSTEM_INSTANCE_TYPE})
    return [
        _statement(
            "DenyBucketHistoryAndProtectionChanges",
            BUCKET_PROTECTION,
            [*a.bucket_arns.values(), *(f"{b}/*" for b in a.bucket_arns.values())],
            effect="Deny",
        ),
        _statement(
            "DenyOtherTeamsSageMakerResources",
            ["sagemaker:*"],
            "*",
            effect="Deny",
            condition={
                "Null": {team_tag: "false"},
                "StringNotEquals": {team_tag: a.team},
            },
        ),
        _statement(
            "DenyInstanceTypesNotAllowed",
            INSTANCE_TYPE_ACTIONS,
            "*",
            effect="Deny",
            condition={"ForAnyValue:StringNotLike": {"sagemaker:InstanceTypes": allowed_types}},
        ),
        _statement(
            "DenyWithoutVpcSubnets",
            VPC_ACTIONS,
            "*",
            effect="Deny",
            condition={"Null": {"sagemaker:VpcSubnets": "true"}},
        ),
        _statement(
            "DenyWithoutVpcSecurityGroups",
            VPC_ACTIONS,
            "*",
            effect="Deny",
            condition={"Null": {"sagemaker:VpcSecurityGroupIds": "true"}},
        ),
        _statement(
            "DenyVolumesWithoutTeamKey",
            VOLUME_KMS_ACTIONS,
            "*",
            effect="Deny",
            condition={"ArnNotEquals": {"sagemaker:VolumeKmsKey": a.kms_key_arn}},
        ),
        _statement(
            "DenyDirectInternetAccess",
            ["sagemaker:CreateNotebookInstance"],
            "*",
            effect="Deny",
            condition={"StringNotEquals": {"sagemaker:DirectInternetAccess": "Disabled"}},
        ),
        _statement(
            "DenyRootAccess",
            ["sagemaker:CreateNotebookInstance", "sagemaker:UpdateNotebookInstance"],
            "*",
            effect="Deny",
            condition={"StringNotEquals": {"sagemaker:RootAccess": "Disabled"}},
        ),
        _statement(
            "DenyInterContainerTrafficUnencrypted",
            INTER_CONTAINER_ACTIONS,
            "*",
            effect="Deny",
            condition={"Bool": {"sagemaker:InterContainerTrafficEncryption": "false"}},
        ),
        _statement(
            "DenyInterContainerTrafficEncryptionUnset",
            INTER_CONTAINER_ACTIONS,
            "*",
            effect="Deny",
            condition={"Null": {"sagemaker:InterContainerTrafficEncryption": "true"}},
        ),
    ]


# -- persona permission policies ------------------------------------------------------------


def data_scientist_policy(a: TeamAccess) -> dict[str, Any]:
    """Read raw/curated, read/write DVC and MLflow artifacts, lab within the allowed types."""
    statements = [
        *_bucket_statements(a, "Team", ["raw", "curated"], ["dvc", "artifacts"]),
        _kms_statement(a),
        *_mlflow_statements(a),
        _start_mlflow_statement(a),
        *_ecr_pull_statements(a),
        *_lab_statements(a),
        _pass_role(a, "PassOwnExecutionRole", ["data-scientist"]),
    ]
    if a.production:
        statements += [
            _statement("DenyEndpointChangesInProduction", ENDPOINT_CHANGES, "*", effect="Deny"),
            _statement("DenyImagePushInProduction", ECR_PUSH, "*", effect="Deny"),
        ]
    else:
        # In development a data scientist may try a model behind a team endpoint and push
        # experiment images; production denies both explicitly.
        statements += [
            _endpoint_statements(a, "ExperimentWithTeamEndpoints"),
            _statement("PushTeamImages", ECR_PUSH, a.ecr_repositories),
        ]
    return document(*statements, *guardrail_statements(a))


def ml_engineer_policy(a: TeamAccess) -> dict[str, Any]:
    """The data scientist's access plus ECR push, endpoints and pipelines of the team."""
    statements = [
        *_bucket_statements(a, "Team", ["raw", "curated", "capture"], ["dvc", "artifacts"]),
        _kms_statement(a),
        *_mlflow_statements(a),
        _start_mlflow_statement(a),
        *_ecr_pull_statements(a),
        *_lab_statements(a),
        _statement("PushTeamImages", ECR_PUSH, a.ecr_repositories),
        _endpoint_statements(a, "DeployTeamEndpoints"),
        _statement(
            "ManageTeamPipelines",
            PIPELINE_CHANGES,
            [a.sagemaker("pipeline"), a.sagemaker("pipeline") + "/*"],
        ),
        _pass_role(a, "PassTeamExecutionRoles", ["ml-engineer", "endpoint", "pipeline"]),
    ]
    return document(*statements, *guardrail_statements(a))


def data_steward_policy(a: TeamAccess) -> dict[str, Any]:
    """Read-only governance: configurations, tags, policies, logs; classification tags only."""
    readable = sorted(
        p for p, c in a.bucket_classifications.items() if c in a.steward_readable_classifications
    )
    statements = [
        _statement(
            "ReadBucketConfiguration",
            [*BUCKET_CONFIG_READ, "s3:ListBucket"],
            a.buckets(*a.bucket_arns),
        ),
        _statement("ReadObjectTags", ["s3:GetObjectTagging"], a.objects(*a.bucket_arns)),
        _statement(
            "ChangeObjectClassificationTag",
            ["s3:PutObjectTagging"],
            a.objects(*a.bucket_arns),
            condition={
                "ForAllValues:StringEquals": {"s3:RequestObjectTagKeys": ["data-classification"]}
            },
        ),
        _statement(
            "ChangeSageMakerClassificationTag",
            ["sagemaker:AddTags", "sagemaker:DeleteTags"],
            a.arn("sagemaker", "*"),
            condition={
                "ForAllValues:StringEquals": {"aws:TagKeys": ["data-classification"]},
                "StringEquals": {"aws:ResourceTag/team": a.team},
            },
        ),
        _statement("ReadSageMaker", READ_ONLY_SAGEMAKER, "*"),
        _statement(
            "ReadTeamRoles",
            [
                "iam:GetRole",
                "iam:GetRolePolicy",
                "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies",
            ],
            f"arn:{a.partition}:iam::{a.account_id}:role/{a.scope}-*",
        ),
        _statement(
            "ReadTeamKeyConfiguration",
            ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus"],
            a.kms_key_arn,
        ),
        _statement(
            "ReadTeamLogs",
            ["logs:GetLogEvents", "logs:FilterLogEvents", "logs:DescribeLogStreams"],
            a.log_groups,
        ),
        _statement(
            "ReadTeamRepositoryConfiguration",
            [
                "ecr:DescribeRepositories",
                "ecr:DescribeImages",
                "ecr:GetRepositoryPolicy",
                "ecr:GetLifecyclePolicy",
                "ecr:DescribeImageScanFindings",
            ],
            a.ecr_repositories,
        ),
        # Tag and log-group discovery support no resource-level permission (read 2026-11).
        _statement(
            "DiscoverResources",
            ["tag:GetResources", "tag:GetTagKeys", "tag:GetTagValues", "logs:DescribeLogGroups"],
            "*",
        ),
        _statement(
            "DenyDataWritesAndDeploys",
            [
                "s3:PutObject",
                "s3:DeleteObject",
                *ENDPOINT_CHANGES,
                *PIPELINE_CHANGES,
                *ECR_PUSH,
                "sagemaker:CreateTrainingJob",
                "sagemaker:CreateProcessingJob",
            ],
            "*",
            effect="Deny",
        ),
    ]
    if readable:
        statements[1:1] = [
            _statement("ReadAllowedClassifiedData", READ_OBJECT, a.objects(*readable)),
            _statement(
                "DecryptAllowedClassifiedData", ["kms:Decrypt", "kms:DescribeKey"], a.kms_key_arn
            ),
        ]
    return document(*statements, *guardrail_statements(a))


PERSONA_POLICIES = {
    "data-scientist": data_scientist_policy,
    "ml-engineer": ml_engineer_policy,
    "data-steward": data_steward_policy,
}


# -- SageMaker execution roles --------------------------------------------------------------


def _runtime_statements(a: TeamAccess) -> list[dict[str, Any]]:
    """What any SageMaker job/app needs to run in the team's VPC: logs, ENIs, images, key."""
    return [
        _statement(
            "WriteSageMakerLogs",
            ["logs:CreateLogStream", "logs:PutLogEvents", "logs:CreateLogGroup"],
            a.arn("logs", "log-group:/aws/sagemaker/*"),
        ),
        # VPC mode: SageMaker creates ENIs in the team's subnets. EC2 Describe* and
        # CreateNetworkInterface support no useful resource scoping here (read 2026-11); the
        # account condition keeps them in this account.
        # VPC mode: SageMaker creates ENIs in the team's subnets (in this account and region);
        # EC2 Describe* supports no resource-level permission (EC2 authorization reference,
        # read 2026-11).
        _statement(
            "VpcNetworkInterfaces",
            [
                "ec2:CreateNetworkInterface",
                "ec2:CreateNetworkInterfacePermission",
                "ec2:DeleteNetworkInterface",
                "ec2:DeleteNetworkInterfacePermission",
            ],
            a.arn("ec2", "*"),
        ),
        _statement(
            "DescribeNetwork",
            [
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeVpcs",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeDhcpOptions",
            ],
            "*",
        ),
        *_ecr_pull_statements(a),
        _kms_statement(a),
    ]


def persona_execution_policy(a: TeamAccess, persona: str) -> dict[str, Any]:
    """SageMaker acting for a persona (Studio profile, notebooks): the persona's data access."""
    if persona == "data-steward":
        readable = sorted(
            p
            for p, c in a.bucket_classifications.items()
            if c in a.steward_readable_classifications
        )
        data = _bucket_statements(a, "Steward", readable, [])
        extra: list[dict[str, Any]] = []
    else:
        read = ["raw", "curated"] + (["capture"] if persona == "ml-engineer" else [])
        data = _bucket_statements(a, "Team", read, ["dvc", "artifacts"])
        extra = _mlflow_statements(a)
    return document(*data, *_runtime_statements(a), *extra, *guardrail_statements(a))


def endpoint_execution_policy(a: TeamAccess) -> dict[str, Any]:
    """Endpoints and models: read model artifacts, write data capture, pull images."""
    return document(
        _statement("ListModelBuckets", LIST_BUCKET, a.buckets("artifacts", "capture")),
        _statement("ReadModelArtifacts", READ_OBJECT, a.objects("artifacts")),
        _statement(
            "WriteDataCapture", ["s3:PutObject", "s3:AbortMultipartUpload"], a.objects("capture")
        ),
        *_runtime_statements(a),
        *guardrail_statements(a),
    )


def pipeline_execution_policy(a: TeamAccess) -> dict[str, Any]:
    """Pipelines, training and processing: data in, models and DVC out, MLflow, child jobs."""
    return document(
        *_bucket_statements(a, "Team", ["raw", "curated", "capture"], ["dvc", "artifacts"]),
        *_runtime_statements(a),
        *_mlflow_statements(a),
        _statement(
            "RunTeamJobs",
            [*JOB_ACTIONS, "sagemaker:AddTags"],
            [
                a.sagemaker("training-job"),
                a.sagemaker("processing-job"),
                a.sagemaker("hyper-parameter-tuning-job"),
                a.sagemaker("transform-job"),
            ],
        ),
        _statement("ReadSageMaker", READ_ONLY_SAGEMAKER, "*"),
        _pass_role(a, "PassPipelineRoleToJobs", ["pipeline"]),
        *guardrail_statements(a),
    )


# -- environment layer ----------------------------------------------------------------------


def auditor_policy(
    *,
    partition: str,
    account_id: str,
    region: str,
    name_prefix: str,
    environment: str,
    audit_bucket_arn: str,
    environment_key_arn: str,
) -> dict[str, Any]:
    """Environment-wide governance: read configurations, policies, logs and audit data only."""

    def arn(service: str, resource: str, regional: bool = True) -> str:
        where = region if regional else ""
        return f"arn:{partition}:{service}:{where}:{account_id}:{resource}"

    env_buckets = f"arn:{partition}:s3:::{name_prefix}-*-{environment}-*"
    return document(
        _statement("ReadBucketConfiguration", BUCKET_CONFIG_READ, env_buckets),
        _statement("ListAuditBucket", ["s3:ListBucket"], audit_bucket_arn),
        _statement(
            "ReadAuditData", ["s3:GetObject", "s3:GetObjectVersion"], f"{audit_bucket_arn}/*"
        ),
        _statement("DecryptAuditData", ["kms:Decrypt", "kms:DescribeKey"], environment_key_arn),
        _statement(
            "ReadRolesAndPolicies",
            [
                "iam:GetRole",
                "iam:GetRolePolicy",
                "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies",
                "iam:GetPolicy",
                "iam:GetPolicyVersion",
            ],
            [
                arn("iam", f"role/{name_prefix}-*", False),
                arn("iam", f"policy/{name_prefix}-*", False),
            ],
        ),
        _statement(
            "ReadKeyConfiguration",
            ["kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:DescribeKey"],
            arn("kms", "key/*"),
        ),
        _statement(
            "ReadLogs",
            ["logs:GetLogEvents", "logs:FilterLogEvents", "logs:DescribeLogStreams"],
            [arn("logs", f"log-group:/{name_prefix}/*"), arn("logs", "log-group:/aws/sagemaker/*")],
        ),
        _statement("ReadSageMaker", READ_ONLY_SAGEMAKER, "*"),
        # Discovery and audit-trail reads support no resource-level permission (read 2026-11).
        _statement(
            "DiscoverAndReadAuditTrail",
            [
                "tag:GetResources",
                "tag:GetTagKeys",
                "tag:GetTagValues",
                "logs:DescribeLogGroups",
                "cloudtrail:LookupEvents",
                "iam:ListRoles",
                "iam:ListPolicies",
                "kms:ListKeys",
                "kms:ListAliases",
            ],
            "*",
        ),
        _statement(
            "DenyDataAccessAndChanges",
            [
                "s3:PutObject",
                "s3:DeleteObject",
                "s3:DeleteObjectVersion",
                *ENDPOINT_CHANGES,
                *PIPELINE_CHANGES,
                *ECR_PUSH,
            ],
            "*",
            effect="Deny",
        ),
    )
