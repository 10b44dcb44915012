"""IAM privilege escalation: what a role can grant itself, whoever attached it.

Checkov equivalents: CKV_AWS_286 (privilege escalation), CKV_AWS_274 (AdministratorAccess
attached), CKV_AWS_60/61 (trust). These rules read every way a permission reaches a role
(`policies.iam_graph`: inline, `RolePolicy`, attachments, `managedPolicyArns`, AWS-managed
policies by name), so a grant moved into an attached policy is judged like an inline one.

- **Escalation methods** come from cloudsplaining 0.9.1 (`cloudsplaining.shared.constants.
  PRIVILEGE_ESCALATION_METHODS`, Rhino Security Labs' methods plus pathfinding.cloud's), imported
  lazily (about 0.07 s). Without cloudsplaining, `FALLBACK_METHODS` (Rhino Security Labs, "AWS IAM
  Privilege Escalation - Methods and Mitigation") stands in. A method made of one `iam:` action
  (PutRolePolicy, AttachRolePolicy, CreatePolicyVersion, SetDefaultPolicyVersion, CreateAccessKey,
  UpdateAssumeRolePolicy, ...) fails on any resource: scoped to the team's own roles it still lets
  the team rewrite its permissions. Other methods fail, as cloudsplaining judges them, when every
  action of the method is granted unrestricted (Resource `*`, a NotResource, or every role for
  iam:PassRole). `sts:AssumeRole` on Resource `*` fails too (any role that trusts the account).
- **Admin-class AWS-managed policies** (`forbiddenManagedPolicies`, by name) fail when attached
  to any role. AdministratorAccess grants `*` on `*`; PowerUserAccess everything but IAM;
  IAMFullAccess `iam:*` (AWS Managed Policy Reference Guide, read 2026-12).
- **Service trusts** (confused deputy): a trust statement allowing a service principal must carry
  `aws:SourceAccount`, `aws:SourceArn` (or `aws:SourceOrgID`/`aws:SourceOrgPaths`) with a value
  that is not only a wildcard. IAM User Guide, "The confused deputy problem"; SageMaker AI
  "Cross-service confused deputy prevention"; EventBridge Scheduler and Amazon ECS task roles
  document `aws:SourceAccount` in the trust policy (read 2026-12). EKS Pod Identity's documented
  trust (`pods.eks.amazonaws.com`, "Create IAM role with trust policy required by EKS Pod
  Identity") scopes by session tags: `aws:RequestTag/eks-cluster-arn` or `eks-cluster-name` count
  there. EC2 instance roles and Lambda execution roles get no source keys from the service
  (prowler-cloud/prowler#2810), so `exemptServices` lists them.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from pulumi_policy import Severity

from policies.documents import allows, document, statements
from policies.factory import resource_rule, stack_rule
from policies.iam_graph import Grant, action_matcher, identity_grants
from policies.props import as_list
from policies.resource_types import IAM_ROLE

# Rhino Security Labs' methods, used only when cloudsplaining is not installed.
FALLBACK_METHODS: dict[str, list[str]] = {
    "CreateAccessKey": ["iam:createaccesskey"],
    "CreateLoginProfile": ["iam:createloginprofile"],
    "UpdateLoginProfile": ["iam:updateloginprofile"],
    "AddUserToGroup": ["iam:addusertogroup"],
    "CreateNewPolicyVersion": ["iam:createpolicyversion"],
    "SetExistingDefaultPolicyVersion": ["iam:setdefaultpolicyversion"],
    "AttachUserPolicy": ["iam:attachuserpolicy"],
    "AttachGroupPolicy": ["iam:attachgrouppolicy"],
    "AttachRolePolicy": ["iam:attachrolepolicy"],
    "PutUserPolicy": ["iam:putuserpolicy"],
    "PutGroupPolicy": ["iam:putgrouppolicy"],
    "PutRolePolicy": ["iam:putrolepolicy"],
    "UpdateRolePolicyToAssumeIt": ["iam:updateassumerolepolicy"],
    "CreateEC2WithExistingIP": ["iam:passrole", "ec2:runinstances"],
    "PassExistingRoleToNewLambdaThenInvoke": [
        "iam:passrole",
        "lambda:createfunction",
        "lambda:invokefunction",
    ],
    "PassExistingRoleToNewGlueDevEndpoint": ["iam:passrole", "glue:createdevendpoint"],
    "PassExistingRoleToCloudFormation": ["iam:passrole", "cloudformation:createstack"],
    "PassExistingRoleToNewSageMakerNotebookInstance": [
        "iam:passrole",
        "sagemaker:createnotebookinstance",
    ],
    "UpdateExistingGlueDevEndpoint": ["glue:updatedevendpoint"],
    "EditExistingLambdaFunctionWithRole": ["lambda:updatefunctioncode"],
}
ADMIN_MANAGED_POLICIES = ["AdministratorAccess", "PowerUserAccess", "IAMFullAccess"]
SOURCE_KEYS = ("aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths")
POD_IDENTITY_KEYS = ("aws:requesttag/eks-cluster-arn", "aws:requesttag/eks-cluster-name")
MAX_SHOWN = 6  # methods named per message
EXEMPT_SERVICES = ["ec2.amazonaws.com", "lambda.amazonaws.com", "edgelambda.amazonaws.com"]


@functools.cache
def escalation_methods() -> dict[str, tuple[str, ...]]:
    """cloudsplaining's privilege-escalation methods (lower-case actions), else Rhino's."""
    try:
        from cloudsplaining.shared.constants import PRIVILEGE_ESCALATION_METHODS as methods
    except ImportError:
        methods = FALLBACK_METHODS
    return {name: tuple(a.lower() for a in acts) for name, acts in methods.items() if acts}


def unrestricted(statement: Mapping[str, Any], action: str) -> bool:
    """Granted on every resource: `*`, a NotResource, or every role (`...:role/*`) for PassRole."""
    if statement.get("NotResource") is not None:
        return True
    for pattern in (str(r) for r in as_list(statement.get("Resource"))):
        if pattern == "*" or (action == "iam:passrole" and pattern.endswith(":role/*")):
            return True
    return False


def _by_role(args) -> dict[str, list[Grant]]:
    found: dict[str, list[Grant]] = {}
    for grant in identity_grants(args.resources):
        if allows(grant.statement):
            found.setdefault(grant.role, []).append(grant)
    return found


def _methods_of(grants: list[Grant]) -> dict[tuple[str, str], list[str]]:
    """{(urn, via) of the grant giving the method's first action: [method names]}."""
    found: dict[tuple[str, str], list[str]] = {}
    matchers = [(g, action_matcher(g.statement)) for g in grants]
    memo: dict[tuple[str, bool], Grant | None] = {}  # methods share actions (iam:PassRole)

    def giver(action: str, anywhere: bool) -> Grant | None:
        """The first grant giving `action` (on any resource, or unrestricted)."""
        if (action, anywhere) not in memo:
            memo[(action, anywhere)] = next(
                (
                    g
                    for g, grants_it in matchers
                    if grants_it(action) and (anywhere or unrestricted(g.statement, action))
                ),
                None,
            )
        return memo[(action, anywhere)]

    for method, acts in escalation_methods().items():
        single_iam = len(acts) == 1 and acts[0].startswith("iam:")
        givers = [giver(a, single_iam) for a in acts]
        if givers and all(givers):
            where = givers[0]
            assert where is not None
            found.setdefault((where.urn, where.via), []).append(method)
    assume = giver("sts:assumerole", anywhere=False)
    if assume:
        found.setdefault((assume.urn, assume.via), []).append(
            "AssumeAnyRole (sts:AssumeRole on '*')"
        )
    return found


def _escalation(args, config):
    for role, grants in _by_role(args).items():
        for (urn, via), methods in _methods_of(grants).items():
            shown = ", ".join(methods[:MAX_SHOWN])
            more = f" and {len(methods) - MAX_SHOWN} more" if len(methods) > MAX_SHOWN else ""
            yield (
                f"role {role} may escalate its privileges through {via}: {shown}{more} "
                "(cloudsplaining privilege-escalation methods)",
                urn,
            )


def _admin_managed(args, config):
    forbidden = {str(n) for n in config["forbiddenManagedPolicies"]}
    seen: set[tuple[str, str, str]] = set()
    for grant in identity_grants(args.resources):
        key = (grant.role, grant.managed or "", grant.urn)
        if grant.managed in forbidden and key not in seen:
            seen.add(key)
            yield (
                f"role {grant.role} has the AWS-managed policy {grant.managed} attached "
                f"(policyArn arn:aws:iam::aws:policy/{grant.managed})",
                grant.urn,
            )


def _condition_keys(statement: Mapping[str, Any]) -> dict[str, list[str]]:
    """Condition keys (lower-case) and their values, across operators."""
    keys: dict[str, list[str]] = {}
    condition = statement.get("Condition")
    for values in condition.values() if isinstance(condition, Mapping) else []:
        for key, value in (values or {}).items() if isinstance(values, Mapping) else []:
            keys.setdefault(str(key).lower(), []).extend(str(v) for v in as_list(value))
    return keys


def _services(statement: Mapping[str, Any]) -> list[str]:
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping):
        return []
    return [str(s) for s in as_list(principal.get("Service"))]


def _scoped(keys: dict[str, list[str]], wanted: tuple[str, ...]) -> bool:
    """A wanted key with at least one value that is not only wildcards."""
    return any(v.strip("*?") for key in wanted for v in keys.get(key, []))


def _service_trust(args, config):
    exempt = {str(s) for s in config["exemptServices"]}
    for statement in statements(document(args.props.get("assumeRolePolicy"))):
        if not allows(statement):
            continue
        keys = _condition_keys(statement)
        for service in _services(statement):
            wanted = SOURCE_KEYS + (
                POD_IDENTITY_KEYS if service == "pods.eks.amazonaws.com" else ()
            )
            if service in exempt or _scoped(keys, wanted):
                continue
            yield (
                f"assumeRolePolicy statement {statement.get('Sid', '(no Sid)')} trusts service "
                f"{service} without an aws:SourceAccount or aws:SourceArn condition naming a "
                "source (confused deputy)"
            )


POLICIES = [
    stack_rule(
        "iam-privilege-escalation",
        severity=Severity.CRITICAL,
        description="No role is granted a privilege-escalation method (cloudsplaining's list: "
        "PutRolePolicy, AttachRolePolicy, CreatePolicyVersion, PassRole with a compute "
        "service, ...) or sts:AssumeRole on '*', through any policy that reaches it.",
        remediation="Remove the IAM write actions from team roles (the platform pipeline owns "
        "IAM); scope iam:PassRole and sts:AssumeRole to named role ARNs.",
        check=_escalation,
    ),
    stack_rule(
        "iam-no-admin-managed-policy",
        severity=Severity.CRITICAL,
        description="No role has an administrator-class AWS-managed policy attached "
        "(AdministratorAccess, PowerUserAccess, IAMFullAccess).",
        remediation="Detach the AWS-managed policy; grant the persona's actions on the team's "
        "resources in a customer-managed policy.",
        check=_admin_managed,
        defaults={"forbiddenManagedPolicies": ADMIN_MANAGED_POLICIES},
    ),
    resource_rule(
        "iam-service-trust-source-condition",
        selector=IAM_ROLE,
        severity=Severity.HIGH,
        description="A role trusting an AWS service principal limits it with aws:SourceAccount "
        "or aws:SourceArn (confused-deputy guard).",
        remediation="Add Condition StringEquals aws:SourceAccount <this account> (or ArnLike "
        "aws:SourceArn <the resource ARN>) to the trust statement.",
        check=_service_trust,
        defaults={"exemptServices": EXEMPT_SERVICES},
    ),
]
