"""Documents of experiment tracking and the DVC remote (pure functions).

IAM policies of the tracking servers and their schedules, the self-hosted MLflow task's
container definition, and the client settings of the DVC remote.
"""

from __future__ import annotations

from typing import Any

# The prefixes the platform writes under in the team buckets.
MLFLOW_PREFIX = "mlflow"
DVC_PREFIX = "dvc"
DVC_REMOTE_NAME = "storage"


def artifact_store_statements(
    bucket_arn: str, prefix: str, kms_key_arn: str
) -> list[dict[str, Any]]:
    """Read/write objects under `prefix/` of one bucket, encrypted with one key, nothing else."""
    return [
        {
            "Sid": "ListArtifactPrefix",
            "Effect": "Allow",
            "Action": "s3:ListBucket",
            "Resource": bucket_arn,
            "Condition": {"StringLike": {"s3:prefix": [prefix, f"{prefix}/*"]}},
        },
        {
            "Sid": "LocateArtifactBucket",
            "Effect": "Allow",
            "Action": "s3:GetBucketLocation",
            "Resource": bucket_arn,
        },
        {
            "Sid": "ReadWriteArtifacts",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"],
            "Resource": f"{bucket_arn}/{prefix}/*",
        },
        {
            "Sid": "UseTeamKeyThroughS3",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": kms_key_arn,
            "Condition": {"StringLike": {"kms:ViaService": "s3.*.amazonaws.com"}},
        },
    ]


def model_registration_statements(
    *, partition: str, region: str, account_id: str, scope: str
) -> list[dict[str, Any]]:
    """What SageMaker MLflow needs to mirror registered models into the SageMaker Model Registry.

    Action list from the SageMaker developer guide ("Set up IAM permissions for MLflow",
    automatic model registration, read 2026-11). Group names follow the MLflow model names
    users choose: the team registers models as `<scope>-<model>`, so the grant is the team's.
    """
    base = f"arn:{partition}:sagemaker:{region}:{account_id}"
    return [
        {
            "Sid": "RegisterModelsInSageMakerRegistry",
            "Effect": "Allow",
            "Action": [
                "sagemaker:AddTags",
                "sagemaker:CreateModelPackageGroup",
                "sagemaker:CreateModelPackage",
                "sagemaker:UpdateModelPackage",
                "sagemaker:DescribeModelPackageGroup",
            ],
            # The team's groups only: registered model names start with the team's scope
            # (`<scope>-<model>`), the group takes the name and a version is `<group>/<n>`.
            "Resource": [
                f"{base}:model-package-group/{scope}-*",
                f"{base}:model-package/{scope}-*/*",
            ],
        }
    ]


def tracking_server_policy(
    *,
    bucket_arn: str,
    kms_key_arn: str,
    automatic_model_registration: bool,
    partition: str,
    region: str,
    account_id: str,
    scope: str,
) -> dict[str, Any]:
    """The SageMaker MLflow tracking server's own role: artifacts, team key, model registry."""
    statements = artifact_store_statements(bucket_arn, MLFLOW_PREFIX, kms_key_arn)
    if automatic_model_registration:
        statements += model_registration_statements(
            partition=partition, region=region, account_id=account_id, scope=scope
        )
    return {"Version": "2012-10-17", "Statement": statements}


# EventBridge Scheduler universal targets (Scheduler user guide, "Using universal targets",
# read 2026-11): arn:<partition>:scheduler:::aws-sdk:<service>:<apiAction>.
WORKING_HOURS_ACTIONS = {
    "start": "StartMlflowTrackingServer",
    "stop": "StopMlflowTrackingServer",
}


def working_hours_target_arn(action: str, partition: str = "aws") -> str:
    """The universal target that calls SageMaker's Start/StopMlflowTrackingServer."""
    api = WORKING_HOURS_ACTIONS[action]
    return f"arn:{partition}:scheduler:::aws-sdk:sagemaker:{api[0].lower()}{api[1:]}"


def working_hours_input(tracking_server_name: str) -> dict[str, str]:
    """The request of both API calls: the one tracking server they act on."""
    return {"TrackingServerName": tracking_server_name}


def working_hours_schedule_policy(tracking_server_arn: str) -> dict[str, Any]:
    """The working-hours schedules' role: stop and start one tracking server, nothing else."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "StopAndStartTrackingServer",
                "Effect": "Allow",
                "Action": sorted(f"sagemaker:{a}" for a in WORKING_HOURS_ACTIONS.values()),
                "Resource": tracking_server_arn,
            }
        ],
    }


def mlflow_task_policy(*, bucket_arn: str, kms_key_arn: str) -> dict[str, Any]:
    """The self-hosted MLflow container's task role: proxied artifacts only."""
    return {
        "Version": "2012-10-17",
        "Statement": artifact_store_statements(bucket_arn, MLFLOW_PREFIX, kms_key_arn),
    }


def task_execution_policy(
    *,
    secret_arns: list[str],
    kms_key_arn: str,
    log_group_arn: str,
    repository_arn: str | None,
) -> dict[str, Any]:
    """What ECS needs to start the task: pull the image, write logs, read its two secrets."""
    statements: list[dict[str, Any]] = [
        {
            "Sid": "ReadTaskSecrets",
            "Effect": "Allow",
            "Action": "secretsmanager:GetSecretValue",
            "Resource": sorted(secret_arns),
        },
        {
            "Sid": "DecryptTaskSecrets",
            "Effect": "Allow",
            "Action": "kms:Decrypt",
            "Resource": kms_key_arn,
            "Condition": {"StringLike": {"kms:ViaService": "secretsmanager.*.amazonaws.com"}},
        },
        {
            "Sid": "WriteTaskLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"{log_group_arn}:log-stream:*",
        },
    ]
    if repository_arn is not None:
        statements += [
            {
                # GetAuthorizationToken has no resource-level permissions (Service
                # Authorization Reference, Amazon ECR, read 2026-11).
                "Sid": "EcrLogin",
                "Effect": "Allow",
                "Action": "ecr:GetAuthorizationToken",
                "Resource": "*",
            },
            {
                "Sid": "PullMlflowImage",
                "Effect": "Allow",
                "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                "Resource": repository_arn,
            },
        ]
    return {"Version": "2012-10-17", "Statement": statements}


def dvc_remote_url(bucket: str) -> str:
    """The one URL of the team's DVC remote: the exported `dvcRemote`, the handbook's commands
    and the retraining pipeline's `MLOPS_DVC_REMOTE_URL` all come from here."""
    return f"s3://{bucket}/{DVC_PREFIX}"


def dvc_remote(*, bucket: str, region: str, kms_key_arn: str) -> dict[str, str]:
    """The team's DVC remote: every object written with SSE-KMS under the team key."""
    return {
        "name": DVC_REMOTE_NAME,
        "url": dvc_remote_url(bucket),
        "region": region,
        "sse": "aws:kms",
        "sse_kms_key_id": kms_key_arn,
    }


def dvc_remote_commands(remote: dict[str, str]) -> list[str]:
    """The exact commands that configure a DVC project for `remote` (run in the repo root)."""
    name = remote["name"]
    commands = [f"dvc remote add --default --force {name} {remote['url']}"]
    for option in ("region", "sse", "sse_kms_key_id"):
        commands.append(f"dvc remote modify {name} {option} {remote[option]}")
    return commands


# -- self-hosted MLflow: the ECS container definition ------------------------------------------

MLFLOW_PORT = 5000
DB_PORT = 5432
MLFLOW_DB_NAME = "mlflow"
# RFC 1918 ranges in MLflow's host-pattern syntax.
PRIVATE_HOST_PATTERNS = ("10.*", "192.168.*", *(f"172.{i}.*" for i in range(16, 32)))
# The container's entrypoint wants one SQLAlchemy URI; ECS injects the RDS-managed credentials
# as separate secret values, so this wrapper URL-encodes them into the URI, then hands over.
BACKEND_URI_WRAPPER = (
    "import os; from urllib.parse import quote; e = os.environ; "
    "e['MLFLOW_BACKEND_STORE_URI'] = 'postgresql://%s:%s@%s:%s/%s' % ("
    "quote(e.pop('DB_USERNAME'), safe=''), quote(e.pop('DB_PASSWORD'), safe=''), "
    "e['DB_HOST'], e['DB_PORT'], e['DB_NAME']); "
    "os.execv('/usr/local/bin/mlflow-entrypoint', ['mlflow-entrypoint'])"
)


def mlflow_container_definition(
    *,
    image: str,
    artifacts_destination: str,
    db_host: str,
    db_secret_arn: str,
    auth_secret_arn: str,
    log_group: str,
    alb_dns_name: str,
    region: str,
) -> dict[str, Any]:
    """The MLflow container of the self-hosted task: basic auth, PostgreSQL, proxied artifacts."""
    env = {
        "MLFLOW_ARTIFACTS_DESTINATION": artifacts_destination,
        "MLFLOW_HOST": "0.0.0.0",
        "MLFLOW_PORT": str(MLFLOW_PORT),
        "MLFLOW_AUTH_DEFAULT_PERMISSION": "READ",
        # Host-header allow-list: the load balancer's name, and private addresses for its
        # health checks (which use the task's IP).
        "MLFLOW_SERVER_ALLOWED_HOSTS": ",".join((alb_dns_name, *PRIVATE_HOST_PATTERNS)),
        "DB_HOST": db_host,
        "DB_PORT": str(DB_PORT),
        "DB_NAME": MLFLOW_DB_NAME,
        "AWS_REGION": region,
    }
    secrets = {
        "DB_USERNAME": f"{db_secret_arn}:username::",
        "DB_PASSWORD": f"{db_secret_arn}:password::",
        "MLFLOW_AUTH_ADMIN_PASSWORD": f"{auth_secret_arn}:admin_password::",
        "MLFLOW_FLASK_SERVER_SECRET_KEY": f"{auth_secret_arn}:flask_secret_key::",
    }
    return {
        "name": "mlflow",
        "image": image,
        "essential": True,
        "entryPoint": ["python", "-c", BACKEND_URI_WRAPPER],
        "portMappings": [{"containerPort": MLFLOW_PORT, "protocol": "tcp"}],
        "environment": [{"name": k, "value": v} for k, v in sorted(env.items())],
        "secrets": [{"name": k, "valueFrom": v} for k, v in sorted(secrets.items())],
        "user": "10001:10001",
        "logConfiguration": {
            "logDriver": "awslogs",
            "options": {
                "awslogs-group": log_group,
                "awslogs-region": region,
                "awslogs-stream-prefix": "mlflow",
            },
        },
    }
