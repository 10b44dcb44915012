"""Shared helpers: the planned IAM documents of a stack, per role, and request contexts."""

from __future__ import annotations

from typing import Any

from mlopsctl.commands.access import Cell, naming_of, resolve
from mlopsctl.plan import Plan
from tests.conftest import policy_document

SAGEMAKER_PREFIXES = ("sagemaker:", "sagemaker-mlflow:")


def role_documents(plan: Plan) -> dict[str, dict[str, Any]]:
    """role logical name -> {name, trust, policies} from the planned resources."""
    roles: dict[str, dict[str, Any]] = {}
    for role in plan.of_type("aws:iam/role:Role"):
        roles[role.name] = {
            "name": role.inputs["name"],
            "trust": policy_document(role.inputs["assumeRolePolicy"]),
            "policies": [],
        }
    for policy in plan.of_type("aws:iam/rolePolicy:RolePolicy"):
        names = {r.inputs["name"]: r.name for r in plan.of_type("aws:iam/role:Role")}
        owner = names.get(policy.inputs["role"])
        assert owner is not None, f"{policy.name}: attached to an unknown role"
        roles[owner]["policies"].append(policy_document(policy.inputs["policy"]))
    return roles


def key_arns(plans: dict[str, Plan]) -> dict[str, str]:
    return {
        stack: p.exports.get("teamKmsKeyArn") or p.exports.get("environmentKmsKeyArn")
        for stack, p in plans.items()
    }


def request_context(cell: Cell, keys: dict[str, str]) -> dict[str, Any]:
    """A compliant SageMaker request of the resource's team, overridden by the cell's context."""
    context: dict[str, Any] = {}
    if cell.action.startswith(SAGEMAKER_PREFIXES):
        owner = cell.resource.split(":")[1] if cell.resource.startswith("arn:") else cell.stack
        context = {
            "aws:ResourceTag/team": naming_of(owner).team,
            "sagemaker:VpcSubnets": ["subnet-0123456789abcdef0"],
            "sagemaker:VpcSecurityGroupIds": ["sg-0123456789abcdef0"],
            "sagemaker:VolumeKmsKey": keys[cell.stack],
            "sagemaker:InterContainerTrafficEncryption": "true",
            "sagemaker:DirectInternetAccess": "Disabled",
            "sagemaker:RootAccess": "Disabled",
        }
    context.update(cell.context)
    return context


def resolved(cell: Cell, keys: dict[str, str]) -> str:
    return resolve(cell.resource, keys)
