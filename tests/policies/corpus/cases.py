"""What a corpus case is, the type tokens the cases name, and the edits they make."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from mlopsctl.plan.model import Plan
from tests.policies.helpers import (
    add,
    change,
    edit_document,
    notebook_instance,
)

BUCKET = "aws:s3/bucket:Bucket"
PAB = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock"
SSE = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration"
BUCKET_POLICY = "aws:s3/bucketPolicy:BucketPolicy"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
DOMAIN = "aws:sagemaker/domain:Domain"
SPACE = "aws:sagemaker/space:Space"
NOTEBOOK = "aws:sagemaker/notebookInstance:NotebookInstance"
ENDPOINT_CONFIG = "aws:sagemaker/endpointConfiguration:EndpointConfiguration"
MODEL = "aws:sagemaker/model:Model"
MLFLOW = "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer"
MLFLOW_APP = "aws:sagemaker/mlflowApp:MlflowApp"
REPO = "aws:ecr/repository:Repository"
REPO_POLICY = "aws:ecr/repositoryPolicy:RepositoryPolicy"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
KEY = "aws:kms/key:Key"


@dataclass
class Case:
    id: str
    stack: str
    policy: str
    mutate: Callable[[Plan], Any] | None = None
    config: dict[str, Any] = field(default_factory=dict)  # plan_with changes
    pack: dict[str, Any] = field(default_factory=dict)  # pack config changes


def put(key: str, value: Any) -> Callable[[dict], None]:
    def run(props: dict) -> None:
        target = props
        *path, last = key.split(".")
        for part in path:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if value is None:
            target.pop(last, None)
        else:
            target[last] = value

    return run


def add_statement(statement: dict) -> Callable[[dict], None]:
    return edit_document("policy", lambda d: d["Statement"].append(statement))


def first_role_policy(plan: Plan, persona: str, edit) -> None:
    name = next(r.name for r in plan.of_type(ROLE_POLICY) if r.name.startswith(persona))
    change(plan, ROLE_POLICY, name, edit)


def add_notebook(**overrides: Any) -> Callable[[Plan], Any]:
    return lambda plan: add(plan, NOTEBOOK, "notebook", notebook_instance(plan, **overrides))
