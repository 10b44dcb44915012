"""Permission policies of the team's SageMaker execution roles (personas, endpoint, pipeline)."""

from __future__ import annotations

from typing import Any

from components.documents.iam import (
    JOB_ACTIONS,
    LIST_BUCKET,
    READ_OBJECT,
    TeamAccess,
    document,
    statement,
)
from components.documents.registry_statements import pipeline_registry_statements
from components.documents.retraining import MONITOR_REPORTS_PREFIX
from components.documents.team_statements import (
    bucket_statements,
    ecr_pull_statements,
    kms_statement,
    mlflow_statements,
    pass_role,
)


def runtime_statements(a: TeamAccess) -> list[dict[str, Any]]:
    """What any SageMaker job/app needs to run in the team's VPC: logs, ENIs, images, key."""
    return [
        # Log groups are shared by every team (one per job kind); streams are the team's own.
        statement(
            "CreateSageMakerLogGroups",
            ["logs:CreateLogGroup"],
            [a.arn("logs", "log-group:/aws/sagemaker/*")],
        ),
        statement(
            "WriteTeamLogStreams", ["logs:CreateLogStream", "logs:PutLogEvents"], a.log_streams
        ),
        # VPC mode: SageMaker creates ENIs in the team's subnets. EC2 Describe* and
        # CreateNetworkInterface support no useful resource scoping here (read 2026-11); the
        # account condition keeps them in this account.
        # VPC mode: SageMaker creates ENIs in the team's subnets (in this account and region);
        # EC2 Describe* supports no resource-level permission (EC2 authorization reference,
        # read 2026-11).
        statement(
            "VpcNetworkInterfaces",
            [
                "ec2:CreateNetworkInterface",
                "ec2:CreateNetworkInterfacePermission",
                "ec2:DeleteNetworkInterface",
                "ec2:DeleteNetworkInterfacePermission",
            ],
            a.arn("ec2", "*"),
        ),
        statement(
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
        *ecr_pull_statements(a),
        kms_statement(a),
    ]


def persona_execution_policy(a: TeamAccess, persona: str) -> dict[str, Any]:
    """SageMaker acting for a persona (Studio profile, notebooks): the persona's data access."""
    if persona == "data-steward":
        readable = sorted(
            p
            for p, c in a.bucket_classifications.items()
            if c in a.steward_readable_classifications
        )
        data = bucket_statements(a, "Steward", readable, [])
        extra: list[dict[str, Any]] = []
    else:
        read = ["raw", "curated"] + (["capture"] if persona == "ml-engineer" else [])
        data = bucket_statements(a, "Team", read, ["dvc", "artifacts"])
        extra = mlflow_statements(a)
    return document(
        *data,
        *runtime_statements(a),
        *extra,
    )


def endpoint_execution_policy(a: TeamAccess) -> dict[str, Any]:
    """Endpoints and models: read model artifacts, write data capture, pull images."""
    return document(
        statement("ListModelBuckets", LIST_BUCKET, a.buckets("artifacts", "capture")),
        statement("ReadModelArtifacts", READ_OBJECT, a.objects("artifacts")),
        statement(
            "WriteDataCapture", ["s3:PutObject", "s3:AbortMultipartUpload"], a.objects("capture")
        ),
        *runtime_statements(a),
    )


def pipeline_execution_policy(a: TeamAccess) -> dict[str, Any]:
    """Pipelines, training and processing: data in, models and DVC out, MLflow, child jobs."""
    return document(
        *bucket_statements(a, "Team", ["raw", "curated", "capture"], ["dvc", "artifacts"]),
        *runtime_statements(a),
        *mlflow_statements(a),
        statement(
            "RunTeamJobs",
            [*JOB_ACTIONS, "sagemaker:AddTags"],
            [
                a.sagemaker("training-job"),
                a.sagemaker("processing-job"),
                a.sagemaker("hyper-parameter-tuning-job"),
                a.sagemaker("transform-job"),
            ],
        ),
        *pipeline_step_job_statements(a),
        *pipeline_registry_statements(a),
        *monitor_report_statements(a),
        pass_role(a, "PassPipelineRoleToJobs", ["pipeline"]),
    )


PIPELINE_STEP_KINDS = ("training-job", "processing-job", "transform-job")
PIPELINE_STEP_CREATE = [
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTransformJob",
    "sagemaker:AddTags",
]
PIPELINE_STEP_MANAGE = [
    "sagemaker:StopTrainingJob",
    "sagemaker:StopProcessingJob",
    "sagemaker:StopTransformJob",
    "sagemaker:DescribeTrainingJob",
    "sagemaker:DescribeProcessingJob",
    "sagemaker:DescribeTransformJob",
]
PIPELINE_EXECUTION_TAG = "sagemaker:pipeline-execution-arn"


def pipeline_step_job_statements(a: TeamAccess) -> list[dict[str, Any]]:
    """The jobs SageMaker Pipelines starts for the team's pipelines' steps.

    Pipelines names them `pipelines-<execution-id>-<step>-<token>` (no team prefix) and tags
    them `sagemaker:pipeline-execution-arn`. The Service Authorization Reference for SageMaker
    AI (read 2026-11) documents no condition key naming the pipeline or execution on
    CreateTrainingJob/CreateProcessingJob/CreateTransformJob; what it documents there is
    `aws:RequestTag/${TagKey}`, `aws:TagKeys` and job-configuration keys (instance types, VPC,
    KMS, network isolation, inter-container encryption), and `aws:ResourceTag/${TagKey}` on
    the job resource types. So the tie to the team's pipelines is that tag: in the request
    (create) and on the job (stop, describe), it must name an execution of `pipeline/<scope>-*`.
    That the tag is in the create request's context is not stated in the reference (SageMaker
    Pipelines documents only that step jobs carry it). The guardrail policy attached to every
    team role keeps VPC, team KMS key, inter-container encryption and instance types applying.
    """
    jobs = [a.arn("sagemaker", f"{kind}/pipelines-*") for kind in PIPELINE_STEP_KINDS]
    executions = a.sagemaker("pipeline") + "/execution/*"
    return [
        statement(
            "RunTeamPipelineStepJobs",
            PIPELINE_STEP_CREATE,
            jobs,
            condition={"StringLike": {f"aws:RequestTag/{PIPELINE_EXECUTION_TAG}": executions}},
        ),
        statement(
            "ManageTeamPipelineStepJobs",
            PIPELINE_STEP_MANAGE,
            jobs,
            condition={"StringLike": {f"aws:ResourceTag/{PIPELINE_EXECUTION_TAG}": executions}},
        ),
    ]


def monitor_report_statements(a: TeamAccess) -> list[dict[str, Any]]:
    """Model Monitor's data-quality job (it runs with this role) writes its reports under
    `monitoring/` of the capture bucket, and nowhere else there; they are encrypted with the
    team key, which `UseTeamKey` (runtime statements) already lets this role use."""
    reports = f"{a.bucket_arns['capture']}/{MONITOR_REPORTS_PREFIX}/*"
    return [statement("WriteMonitorReports", ["s3:PutObject", "s3:AbortMultipartUpload"], reports)]
