"""Insecure variants: IAM escalation, and permissions that reach a role by any path.

Written as a careless engineer or an attacker with a foothold in the program would: the grant
moved into an attached customer-managed policy, an AWS-managed policy by ARN, a wildcard in a
condition, a second trust statement, a role named by ARN instead of by name.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from mlopsctl.plan.model import Plan
from tests.policies.corpus.cases import (
    BUCKET_POLICY,
    ROLE,
    Case,
    add_statement,
    first_role_policy,
    put,
)
from tests.policies.helpers import account, add, change, edit_document, resource

POLICY = "aws:iam/policy:Policy"
ATTACHMENT = "aws:iam/rolePolicyAttachment:RolePolicyAttachment"
POLICY_ATTACHMENT = "aws:iam/policyAttachment:PolicyAttachment"
AWS_POLICY = "arn:aws:iam::aws:policy/"


def _role_name(plan: Plan, logical: str) -> str:
    return str(resource(plan, ROLE, logical).inputs["name"])


def _role_arn(plan: Plan, logical: str) -> str:
    return str(resource(plan, ROLE, logical).outputs["arn"])


def attach(logical_role: str, policy_arn: str, *, by_arn: bool = False) -> Callable[[Plan], Any]:
    """A new RolePolicyAttachment of `policy_arn` to a planned role (by name or by ARN)."""

    def run(plan: Plan) -> Any:
        role = _role_arn(plan, logical_role) if by_arn else _role_name(plan, logical_role)
        return add(
            plan, ATTACHMENT, f"{logical_role}-extra", {"role": role, "policyArn": policy_arn}
        )

    return run


def managed_arns(logical_role: str, *names: str) -> Callable[[Plan], Any]:
    """`managedPolicyArns` on the role itself (the deprecated, still accepted v7 input)."""
    return lambda p: change(
        p, ROLE, logical_role, put("managedPolicyArns", [AWS_POLICY + n for n in names])
    )


def attached_policy(
    logical_role: str, statement: dict[str, Any], *, by_dependency: bool = False
) -> Callable[[Plan], Any]:
    """A new customer-managed policy holding `statement`, attached to a planned role."""

    def run(plan: Plan) -> None:
        name = f"{_role_name(plan, logical_role)}-helper"
        arn = f"arn:aws:iam::{account(plan)}:policy/{name}"
        doc = {"Version": "2012-10-17", "Statement": [statement]}
        policy = add(plan, POLICY, "helper-policy", {"name": name, "policy": json.dumps(doc)})
        policy.outputs["arn"] = arn
        role = resource(plan, ROLE, logical_role)
        # by_dependency: the policy ARN is not known at preview, only the dependency is.
        inputs = (
            {"role": role.inputs["name"]}
            if by_dependency
            else {"role": role.inputs["name"], "policyArn": arn}
        )
        add(
            plan,
            ATTACHMENT,
            "helper-attachment",
            inputs,
            property_dependencies={"policyArn": [policy.urn], "role": [role.urn]},
        )

    return run


def to_policy(logical: str, statement: dict[str, Any]) -> Callable[[Plan], Any]:
    """Append `statement` to a planned customer-managed policy (already attached)."""
    return lambda p: change(p, POLICY, logical, add_statement(statement))


def trust(logical_role: str, edit: Callable[[dict], None]) -> Callable[[Plan], Any]:
    return lambda p: change(p, ROLE, logical_role, edit_document("assumeRolePolicy", edit))


def _drop_conditions(doc: dict) -> None:
    for statement in doc["Statement"]:
        statement.pop("Condition", None)


def _wildcard_source(doc: dict) -> None:
    for statement in doc["Statement"]:
        statement["Condition"] = {"StringLike": {"aws:SourceAccount": "*"}}


def _also_events(doc: dict) -> None:
    doc["Statement"].append(
        {
            "Effect": "Allow",
            "Principal": {"Service": ["events.amazonaws.com"]},
            "Action": "sts:AssumeRole",
        }
    )


def pod_identity_role(plan: Plan) -> Any:
    """A role for EKS Pod Identity with the trust most examples show: no condition at all."""
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
            }
        ],
    }
    name = f"mlops-{plan.stack}-model-server-pod"
    return add(plan, ROLE, "pod-identity-role", {"name": name, "assumeRolePolicy": json.dumps(doc)})


def _passrole(service: Any, resource_arn: str, operator: str = "StringEquals") -> dict:
    return {
        "Sid": "PassForJobs",
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": resource_arn,
        "Condition": {operator: {"iam:PassedToService": service}},
    }


def _on_roles(plan: Plan, pattern: str) -> str:
    return f"arn:aws:iam::{account(plan)}:role/{pattern}"


def _allow(action: Any, resource_arn: Any, sid: str = "Helper") -> dict[str, Any]:
    return {"Sid": sid, "Effect": "Allow", "Action": action, "Resource": resource_arn}


def _raw_reader(plan: Plan) -> dict[str, Any]:
    raw = resource(plan, "aws:s3/bucket:Bucket", "raw-bucket").inputs["bucket"]
    return _allow(["s3:GetObject"], f"arn:aws:s3:::{raw}/*", sid="ReadRaw")


def _steward_in_bucket_policy(plan: Plan) -> None:
    statement = {
        **_raw_reader(plan),
        "Principal": {"AWS": _role_arn(plan, "data-steward")},
    }
    change(plan, BUCKET_POLICY, "raw-bucket-policy", add_statement(statement))


READERS = "governance-restricted-data-readers"
ESCALATION = "iam-privilege-escalation"
ADMIN = "iam-no-admin-managed-policy"
PASSROLE = "iam-passrole-restricted"
TRUST = "iam-service-trust-source-condition"

CASES = [
    # --- AWS-managed policies by ARN -----------------------------------------------------------
    Case(
        "escalation-admin-attached-to-data-scientist",
        "fraud-dev",
        ADMIN,
        attach("data-scientist", AWS_POLICY + "AdministratorAccess"),
    ),
    Case(
        "escalation-poweruser-attached-by-role-arn",
        "churn-dev",
        ADMIN,
        attach("ml-engineer", AWS_POLICY + "PowerUserAccess", by_arn=True),
    ),
    Case(
        "escalation-iamfullaccess-in-managed-arns",
        "vision-dev",
        ESCALATION,
        managed_arns("ml-engineer-exec", "IAMFullAccess"),
    ),
    Case(
        "escalation-admin-by-policy-attachment",
        "churn-dev",
        ADMIN,
        lambda p: add(
            p,
            POLICY_ATTACHMENT,
            "break-glass",
            {
                "name": "break-glass",
                "roles": [_role_name(p, "pipeline-exec")],
                "policyArn": AWS_POLICY + "AdministratorAccess",
            },
        ),
    ),
    Case(
        "escalation-sagemaker-full-access-passes-any-role",
        "fraud-dev",
        ESCALATION,
        managed_arns("data-scientist", "AmazonSageMakerFullAccess"),
    ),
    # --- restricted data reached through attached policies ------------------------------------
    Case(
        "escalation-customer-policy-reads-restricted",
        "fraud-dev",
        READERS,
        lambda p: attached_policy("data-steward-exec", _raw_reader(p))(p),
    ),
    Case(
        "escalation-s3-full-access-on-steward",
        "fraud-prod",
        READERS,
        managed_arns("data-steward", "AmazonS3FullAccess"),
    ),
    Case(
        "escalation-s3-readonly-attached-to-endpoint",
        "fraud-dev",
        READERS,
        attach("endpoint-exec", AWS_POLICY + "AmazonS3ReadOnlyAccess"),
    ),
    Case(
        "escalation-steward-named-in-raw-bucket-policy",
        "fraud-prod",
        READERS,
        _steward_in_bucket_policy,
    ),
    # --- iam:PassRole ---------------------------------------------------------------------------
    Case(
        "escalation-passrole-to-any-service",
        "fraud-dev",
        PASSROLE,
        lambda p: first_role_policy(
            p,
            "ml-engineer",
            add_statement(_passrole("*", _on_roles(p, "mlops-fraud-dev-pipeline-exec"))),
        ),
    ),
    Case(
        "escalation-passrole-sagemaker-glob",
        "vision-dev",
        PASSROLE,
        lambda p: first_role_policy(
            p,
            "data-scientist",
            add_statement(
                _passrole(
                    "sagemaker*", _on_roles(p, "mlops-vision-dev-data-scientist-exec"), "StringLike"
                )
            ),
        ),
    ),
    Case(
        "escalation-passrole-every-role",
        "churn-dev",
        PASSROLE,
        lambda p: first_role_policy(
            p,
            "pipeline-exec",
            add_statement(_passrole("sagemaker.amazonaws.com", _on_roles(p, "*"))),
        ),
    ),
    # --- IAM write actions ---------------------------------------------------------------------
    Case(
        "escalation-create-policy-version-in-team-read",
        "fraud-dev",
        ESCALATION,
        to_policy("team-read", _allow("iam:CreatePolicyVersion", "*")),
    ),
    Case(
        "escalation-put-role-policy-on-own-roles",
        "fraud-dev",
        ESCALATION,
        lambda p: first_role_policy(
            p,
            "data-scientist",
            add_statement(_allow("iam:PutRolePolicy", _on_roles(p, "mlops-fraud-dev-*"))),
        ),
    ),
    Case(
        "escalation-attach-role-policy-on-pipeline-role",
        "fraud-prod",
        ESCALATION,
        lambda p: first_role_policy(
            p,
            "pipeline-exec",
            add_statement(
                {
                    **_allow(
                        "iam:AttachRolePolicy", _on_roles(p, "mlops-fraud-prod-pipeline-exec")
                    ),
                    "Condition": {"ArnLike": {"iam:PolicyARN": "arn:aws:iam::*:policy/*"}},
                }
            ),
        ),
    ),
    Case(
        "escalation-update-star-wildcard",
        "churn-dev",
        ESCALATION,
        lambda p: first_role_policy(
            p,
            "ml-engineer",
            add_statement(_allow("iam:Update*", _on_roles(p, "mlops-churn-dev-*"))),
        ),
    ),
    Case(
        "escalation-set-default-version-inline",
        "vision-dev",
        ESCALATION,
        lambda p: change(
            p,
            ROLE,
            "ml-engineer",
            put(
                "inlinePolicies",
                [
                    {
                        "name": "policy-admin",
                        "policy": json.dumps(
                            {
                                "Version": "2012-10-17",
                                "Statement": [
                                    _allow(
                                        ["iam:SetDefaultPolicyVersion"],
                                        f"arn:aws:iam::{account(p)}:policy/mlops-vision-dev-*",
                                    )
                                ],
                            }
                        ),
                    }
                ],
            ),
        ),
    ),
    Case(
        "escalation-auditor-creates-access-keys",
        "dev",
        ESCALATION,
        lambda p: change(
            p,
            "aws:iam/rolePolicy:RolePolicy",
            None,
            add_statement(_allow("iam:CreateAccessKey", f"arn:aws:iam::{account(p)}:user/*")),
        ),
    ),
    Case(
        "escalation-assume-any-role",
        "fraud-prod",
        ESCALATION,
        lambda p: first_role_policy(p, "ml-engineer", add_statement(_allow("sts:AssumeRole", "*"))),
    ),
    Case(
        "escalation-notaction-in-attached-policy",
        "churn-dev",
        ESCALATION,
        attached_policy(
            "data-scientist",
            {"Sid": "AllButS3", "Effect": "Allow", "NotAction": ["s3:*"], "Resource": "*"},
        ),
    ),
    Case(
        "escalation-attachment-known-by-dependency",
        "vision-dev",
        ESCALATION,
        attached_policy("pipeline-exec", _allow("iam:AttachRolePolicy", "*"), by_dependency=True),
    ),
    # --- service trusts (confused deputy) -------------------------------------------------------
    Case(
        "escalation-scheduler-trust-without-source",
        "fraud-dev",
        TRUST,
        trust("retraining-scheduler-role", _drop_conditions),
    ),
    Case(
        "escalation-sagemaker-trust-any-source-account",
        "fraud-prod",
        TRUST,
        trust("pipeline-exec", _wildcard_source),
    ),
    Case(
        "escalation-events-trust-added",
        "vision-dev",
        TRUST,
        trust("pipeline-exec", _also_events),
    ),
    Case("escalation-pod-identity-unscoped", "vision-dev", TRUST, pod_identity_role),
]
