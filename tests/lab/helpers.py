"""Shared helpers of the lab tests: the planned lab resources and decoded lifecycle scripts."""

from __future__ import annotations

import base64
import subprocess

from mlopsctl.plan import Plan, plan_stack
from mlopsctl.plan.engine import stack_config
from tests.conftest import deep_merge
from tests.containers.container_test_utils import COMMAND_TIMEOUT

DOMAIN = "aws:sagemaker/domain:Domain"
PROFILE = "aws:sagemaker/userProfile:UserProfile"
SPACE = "aws:sagemaker/space:Space"
STUDIO_LCC = "aws:sagemaker/studioLifecycleConfig:StudioLifecycleConfig"
NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance"
NOTEBOOK_LCC = (
    "aws:sagemaker/notebookInstanceLifecycleConfiguration:NotebookInstanceLifecycleConfiguration"
)
REPOSITORY = "aws:sagemaker/codeRepository:CodeRepository"
KMS_KEY = "aws:kms/key:Key"

SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:210987654321:secret:AmazonSageMaker-fraud-git-AbC123"
# fraud-dev's members on notebook instances: ml.m5.large is a Studio type that
# CreateNotebookInstance does not offer (botocore's InstanceType enum), ml.m5.xlarge is both.
NOTEBOOK_MEMBERS = [
    {"name": "alice", "persona": "data-scientist", "defaultInstanceType": "ml.t3.medium"},
    {"name": "bob", "persona": "ml-engineer", "defaultInstanceType": "ml.m5.xlarge"},
    {"name": "carol", "persona": "data-steward", "defaultInstanceType": "ml.t3.medium"},
]
# fraud-dev as notebook instances, with a private repository (credentials from Secrets Manager).
NOTEBOOK_CHANGES = {
    "mlops:lab": {
        "kind": "notebook-instance",
        "members": NOTEBOOK_MEMBERS,
        "codeRepositories": [
            {
                "name": "fraud-models",
                "url": "https://git.internal.example.com/fraud/fraud-models.git",
            },
            {
                "name": "fraud-features",
                "url": "https://git.internal.example.com/fraud/features.git",
                "branch": "main",
                "secretArn": SECRET_ARN,
            },
        ],
    }
}


def plan_changed(stack: str, changes: dict) -> Plan:
    """Like the `plan_with` fixture, usable from module-scoped fixtures."""
    config = stack_config(stack)
    return plan_stack(
        stack, overrides={k: deep_merge(config.get(k), v) for k, v in changes.items()}
    )


def decode(content: str) -> str:
    return base64.b64decode(content, validate=True).decode("utf-8")


def team_key_arn(plan: Plan) -> str:
    return plan.exports["teamKmsKeyArn"]


def bash_syntax_ok(script: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-n"], input=script, text=True, capture_output=True, timeout=COMMAND_TIMEOUT
    )
