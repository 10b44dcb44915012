"""The vocabulary of the IAM documents: actions, `TeamAccess`, statements, human trust policies.

The documents themselves are split by topic: `team_statements` (allow building blocks),
`guardrails` (the explicit denies every team role carries), `persona_policies` (the human
roles), `execution_policies` (the SageMaker execution roles) and `auditor` (the environment's
governance role). Pure functions from plain values (`TeamAccess`): no Pulumi here, so tests
evaluate the very documents the program plans. Conventions the documents rely on:

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

from components.lab_names import user_profile_name

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
# List* calls support no resource-level permission (Service Authorization Reference for
# SageMaker AI, read 2026-11): they take `*`. Describe* is granted on team resources only.
LIST_SAGEMAKER = ["sagemaker:List*"]
# Describe calls of the team's resource types, each on the type it reads (`<type>/<scope>-*`).
DESCRIBE_TEAM_RESOURCES = {
    "training-job": ["sagemaker:DescribeTrainingJob"],
    "processing-job": ["sagemaker:DescribeProcessingJob"],
    "transform-job": ["sagemaker:DescribeTransformJob"],
    "hyper-parameter-tuning-job": ["sagemaker:DescribeHyperParameterTuningJob"],
    "endpoint": ["sagemaker:DescribeEndpoint"],
    "endpoint-config": ["sagemaker:DescribeEndpointConfig"],
    "model": ["sagemaker:DescribeModel"],
    "model-package-group": ["sagemaker:DescribeModelPackageGroup"],
    "model-package": ["sagemaker:DescribeModelPackage"],
    "pipeline": ["sagemaker:DescribePipeline", "sagemaker:DescribePipelineExecution"],
    "mlflow-tracking-server": ["sagemaker:DescribeMlflowTrackingServer"],
    "monitoring-schedule": ["sagemaker:DescribeMonitoringSchedule"],
    "notebook-instance": ["sagemaker:DescribeNotebookInstance"],
}
# The environment's auditor reads every team's SageMaker resources (read-only).
AUDIT_READ_SAGEMAKER = ["sagemaker:Describe*", "sagemaker:List*", "sagemaker:Search"]
# Registry history: never hard-deleted in production (versions are deprecated, not deleted).
REGISTRY_DELETES = [
    "sagemaker:DeleteModelPackage",
    "sagemaker:DeleteModelPackageGroup",
    "sagemaker-mlflow:DeleteModelVersion",
    "sagemaker-mlflow:DeleteRegisteredModel",
]
# What Studio calls with the execution role inside a member's space (SageMaker developer guide,
# "Studio domain space permissions" / private spaces, read 2026-11).
STUDIO_APP_ACTIONS = ["sagemaker:CreateApp", "sagemaker:DeleteApp"]
STUDIO_SPACE_ACTIONS = ["sagemaker:CreateSpace", "sagemaker:UpdateSpace", "sagemaker:DeleteSpace"]
STUDIO_LIST_ACTIONS = [
    "sagemaker:ListApps",
    "sagemaker:ListDomains",
    "sagemaker:ListSpaces",
    "sagemaker:ListUserProfiles",
]
STUDIO_DESCRIBE_ACTIONS = [
    "sagemaker:DescribeApp",
    "sagemaker:DescribeDomain",
    "sagemaker:DescribeSpace",
    "sagemaker:DescribeUserProfile",
]
NOTEBOOK_INSTANCE_ACTIONS = [
    "sagemaker:StartNotebookInstance",
    "sagemaker:StopNotebookInstance",
    "sagemaker:CreatePresignedNotebookInstanceUrl",
    "sagemaker:DescribeNotebookInstance",
]


@dataclass(frozen=True)
class LabAccess:
    """The team's lab as the grants see it: its kind, domain and who is a member as what."""

    kind: str = "studio"  # studio | notebook-instance
    auth_mode: str = "IAM"  # IAM | SSO
    domain_id: str = ""  # the Studio domain's id (known at deploy time); "" without Studio
    members: dict[str, str] = field(default_factory=dict)  # member -> persona
    notebook_instances: dict[str, str] = field(default_factory=dict)  # member -> instance name

    def members_of(self, persona: str) -> list[str]:
        return sorted(m for m, p in self.members.items() if p == persona)

    @property
    def studio(self) -> bool:
        return self.kind == "studio" and bool(self.domain_id)


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
    # The team's MLflow: the app's or tracking server's ARN (`mlflow_kind` says which).
    mlflow_tracking_server_arn: str
    instance_types: list[str]  # what the team may start (GPU types included if allowed)
    role_arns: dict[str, str]  # persona -> human role ARN
    execution_role_arns: dict[str, str]  # persona | endpoint | pipeline -> exec role ARN
    steward_readable_classifications: list[str] = field(default_factory=list)
    lab: LabAccess = field(default_factory=LabAccess)
    # Objects never overwritten or deleted in production: what is served, the lab's environment
    # file (S3 object ARNs).
    protected_objects: list[str] = field(default_factory=list)
    # `app` (serverless MLflow App) or `tracking-server` (managed server; self-hosted MLflow is
    # reached over HTTPS and its grants on the unused server ARN are inert).
    mlflow_kind: str = "tracking-server"

    def arn(self, service: str, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{self.region}:{self.account_id}:{resource}"

    def sagemaker_name(self, kind: str, name: str) -> str:
        """One SageMaker resource's ARN; SageMaker lower-cases names in ARNs."""
        return self.arn("sagemaker", f"{kind}/{name.lower()}")

    def sagemaker(self, kind: str) -> str:
        """Team-scoped SageMaker ARN pattern; SageMaker lower-cases names in ARNs."""
        return self.arn("sagemaker", f"{kind}/{self.scope}-*")

    @property
    def ecr_repositories(self) -> str:
        return self.arn("ecr", f"repository/{self.scope}/*")

    def studio(self, kind: str, *parts: str) -> str:
        """An ARN in the team's Studio domain: `space/<domain-id>/<name>`, `app/<domain-id>/*`."""
        return self.arn("sagemaker", "/".join([kind, self.lab.domain_id, *parts]))

    def profile_arns(self, members: list[str]) -> list[str]:
        return [self.studio("user-profile", user_profile_name(m)) for m in members]

    @property
    def studio_resources(self) -> list[str]:
        """The team's Studio domain and what is in it (profiles, spaces, apps)."""
        if not self.lab.studio:
            return []
        return [
            self.studio("domain"),
            self.studio("user-profile", "*"),
            self.studio("space", "*"),
            self.studio("app", "*"),
        ]

    def team_arns(self, kind: str) -> list[str]:
        """`<kind>/<scope>-*`, and its children (`model-package/<group>/<n>`, executions)."""
        return [self.sagemaker(kind), self.sagemaker(kind) + "/*"]

    @property
    def log_groups(self) -> list[str]:
        return [*self.log_streams, self.arn("logs", f"log-group:/{self.scope}/*")]

    @property
    def log_streams(self) -> list[str]:
        """The team's own SageMaker log streams (CloudWatch Logs names as SageMaker writes them:
        jobs `<job>/<host>`, endpoints a group per endpoint, Studio apps
        `<domain-id>/<space>/<app-type>/<app-name>`; SageMaker developer guide, "Log Amazon
        SageMaker AI events with CloudWatch", read 2026-11)."""
        group = "log-group:/aws/sagemaker"
        streams = [
            self.arn("logs", f"{group}/{jobs}:log-stream:{self.scope}-*")
            for jobs in ("TrainingJobs", "ProcessingJobs", "TransformJobs", "NotebookInstances")
        ]
        streams.append(self.arn("logs", f"{group}/Endpoints/{self.scope}-*"))
        if self.lab.studio:
            streams.append(self.arn("logs", f"{group}/studio:log-stream:{self.lab.domain_id}/*"))
        return streams

    def buckets(self, *purposes: str) -> list[str]:
        return [self.bucket_arns[p] for p in purposes]

    def objects(self, *purposes: str) -> list[str]:
        return [f"{self.bucket_arns[p]}/*" for p in purposes]


def document(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": VERSION, "Statement": list(statements)}


def statement(
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
    principals: list[str], *, account_id: str, partition: str = "aws"
) -> dict[str, Any]:
    """Who may assume a human role: the configured principals, never `*`.

    Role/user ARNs are AWS principals; a SAML provider is a federated principal with the sign-in
    audience. Without principals: nobody (an explicit deny; the role waits for its principals).
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
        # No principals configured: nobody may assume the role (an Allow for tagged principals
        # would let anyone in the account who can tag themselves in).
        statements.append(
            {
                "Sid": "NoPrincipalsConfigured",
                "Effect": "Deny",
                "Principal": {"AWS": f"arn:{partition}:iam::{account_id}:root"},
                "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"],
            }
        )
    return document(*statements)
