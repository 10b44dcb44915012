"""Grants across the account boundary, and what the platform runs that comes from elsewhere.

The platform's accounts are the pack config's facts `trustedAccountIds` and `accountId` (the
stack's account, its environment's, and the accounts of principals the settings name on
purpose); without pack config, the AWS provider's `allowedAccountIds` stands in
(`platform_accounts`). When neither is known the rules judge nothing rather than guess.

- **accounts-no-foreign-grant**: an Allow statement of a bucket policy, KMS key policy
  (`aws:kms/key` `policy` or `aws:kms/keyPolicy`), ECR repository policy, Secrets Manager secret
  policy or IAM role trust policy (`assumeRolePolicy`) that names a principal of an account
  outside the platform's: an account id, `arn:aws:iam::<acct>:root`, a role/user ARN, a
  federated provider ARN; a principal condition (`aws:SourceAccount`, `aws:SourceArn`,
  `aws:SourceOwner`, `aws:PrincipalAccount`, `aws:PrincipalArn`) naming an outside account,
  which is how a service principal acts for another account; a `CanonicalUser` principal (an
  account the policy does not name); and any Allow with `NotPrincipal` (it allows everyone but
  the principals named, anonymous users included). The account ARN and the bare account id
  both delegate to the whole account (IAM User Guide, "AWS JSON policy elements: Principal";
  "NotPrincipal": "Using it with Effect Allow is not supported" / "might grant access to
  anonymous users", read 2026-12). Checkov: CKV_AWS_70 (S3 Allow with NotPrincipal) is the
  nearest; none checks the account against a trusted list (IAM Access Analyzer's "zone of
  trust" does at deploy time).
- **accounts-trust-external-id**: a role trust policy letting an outside account assume the
  role (`sts:AssumeRole`) without an `sts:ExternalId` condition: the confused-deputy guard AWS
  documents for third parties (IAM User Guide, "The confused deputy problem" and "Access to AWS
  accounts owned by third parties", read 2026-12). An outside account WITH an external id is
  still a cross-account grant, so accounts-no-foreign-grant reports it; this second rule is
  what still holds once a reviewed vendor role is exempted from the first (`mlops:
  policyExemptions` is per rule): the vendor's trust must carry its external id. Trusted
  cross-account principals (the settings name them) need none: they are the platform's own.
  Datadog def-000-au9 and AWS IAM guardrail IAM-STS-1 are the equivalents.
- **accounts-model-artifacts-owned**: a SageMaker Model's images (`primaryContainer.image`,
  `containers[].image`) come from the ECR of a platform account, its model data
  (`modelDataUrl`, `modelDataSource.s3DataSource.s3Uri`) from a bucket the platform owns
  (`ownedBucketPatterns`), its `modelPackageName` ARN from a platform account. SageMaker pulls
  images from ECR or "a Docker registry that is accessible from the same VPC" (API
  ContainerDefinition, read 2026-12), so both an outside account's ECR and a private registry
  are outside the platform's scanning. AWS's prebuilt-image registries are NOT allowed by
  default (the platform serves its own inference image); a stack that means to use them lists
  the registry account ids of its region in `allowedImageAccounts`.
- **accounts-task-images-from-platform-ecr**: ECS task definitions (self-hosted MLflow) run
  images from a platform account's ECR only, not Docker Hub (an unqualified `mlflow:latest` is
  Docker Hub), `ghcr.io`, `quay.io` or `public.ecr.aws`. Kubernetes images are
  k8s-images-from-team-ecr's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from pulumi_policy import Severity

from policies.documents import action_matches, actions, allows, document, statements
from policies.factory import resource_rule
from policies.platform_facts import account_of, bucket_of, facts, is_owned_bucket, trusted_accounts
from policies.props import as_list, get_path, is_sequence
from policies.resource_types import (
    ECR_REPOSITORY_POLICY,
    ECS_TASK_DEFINITION,
    IAM_ROLE,
    KMS_KEY,
    KMS_KEY_POLICY,
    S3_BUCKET_POLICY,
    SAGEMAKER_MODEL,
    SECRETSMANAGER_SECRET,
)

ECR_IMAGE = re.compile(r"^(\d{12})\.dkr\.ecr(?:-fips)?\.[a-z0-9-]+\.amazonaws\.com(?:\.cn)?/")
# Condition keys whose values name the principal's (or the calling service's) account.
PRINCIPAL_CONDITION_KEYS = (
    "aws:sourceaccount",
    "aws:sourcearn",
    "aws:sourceowner",
    "aws:principalaccount",
    "aws:principalarn",
)
GRANT_POLICIES = S3_BUCKET_POLICY | KMS_KEY | KMS_KEY_POLICY | ECR_REPOSITORY_POLICY
GRANTING = GRANT_POLICIES | SECRETSMANAGER_SECRET | IAM_ROLE
ACCOUNT_FACTS = facts("trustedAccountIds", "accountId")


def platform_accounts(config: Mapping[str, Any], resources: Iterable[Any] = ()) -> set[str]:
    """The platform's accounts: the pack config's facts, else the AWS providers'."""
    return {a for a in trusted_accounts(config, resources) if account_of(a)}


def _granting_documents(args) -> Iterator[tuple[str, dict[str, Any]]]:
    """(property, document) of the resource's resource-based policies."""
    prop = "assumeRolePolicy" if IAM_ROLE.matches(args) else "policy"
    doc = document(args.props.get(prop))
    if doc:
        yield prop, doc


def _sid(statement: Mapping[str, Any]) -> str:
    return str(statement.get("Sid", "(no Sid)"))


def _principal_values(statement: Mapping[str, Any], *kinds: str) -> list[str]:
    principal = statement.get("Principal")
    if not isinstance(principal, Mapping):
        return []
    return [str(v) for kind in kinds for v in as_list(principal.get(kind))]


def _not_principal_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    named = _principal_values({"Principal": value}, "AWS", "Service", "Federated")
    return ", ".join(named) or "unreadable"


def _condition_values(statement: Mapping[str, Any], keys: tuple[str, ...]) -> list[str]:
    values: list[str] = []
    condition = statement.get("Condition")
    for operator in condition.values() if isinstance(condition, Mapping) else []:
        for key, value in operator.items() if isinstance(operator, Mapping) else []:
            if str(key).lower() in keys:
                values.extend(str(v) for v in as_list(value))
    return values


def granted_accounts(statement: Mapping[str, Any]) -> Iterator[tuple[str, str]]:
    """(account, what names it) for each account a statement's principals or principal
    conditions name."""
    for value in _principal_values(statement, "AWS", "Federated"):
        account = account_of(value)
        if account:
            yield account, f"principal {value}"
    for value in _condition_values(statement, PRINCIPAL_CONDITION_KEYS):
        account = account_of(value)
        if account:
            yield account, f"condition value {value}"


def _foreign_grants(args, config):
    accounts = platform_accounts(config, [args])
    for prop, doc in _granting_documents(args):
        for statement in statements(doc):
            if not allows(statement):
                continue
            where = f"{prop} statement {_sid(statement)}"
            if statement.get("NotPrincipal") is not None:
                excluded = _not_principal_text(statement["NotPrincipal"])
                yield (
                    f"{where} is an Allow with NotPrincipal ({excluded}): it "
                    "grants every principal but those, anonymous users included"
                )
            for value in _principal_values(statement, "CanonicalUser"):
                yield f"{where} grants CanonicalUser {value}, an account it does not name"
            if not accounts:
                continue
            for account, via in granted_accounts(statement):
                if account not in accounts:
                    yield (
                        f"{where} grants {via} of account {account}, outside the platform's "
                        f"accounts ({', '.join(sorted(accounts))})"
                    )


def _has_external_id(statement: Mapping[str, Any]) -> bool:
    return bool(_condition_values(statement, ("sts:externalid",)))


def _trust_external_id(args, config):
    accounts = platform_accounts(config, [args])
    if not accounts:
        return
    for statement in statements(document(args.props.get("assumeRolePolicy"))):
        assumes = any(action_matches(a, "sts:AssumeRole") for a in actions(statement))
        if not (allows(statement) and assumes) or _has_external_id(statement):
            continue
        for value in _principal_values(statement, "AWS"):
            account = account_of(value)
            if account and account not in accounts:
                yield (
                    f"assumeRolePolicy statement {_sid(statement)} lets {value} (account "
                    f"{account}, outside the platform) assume the role without an "
                    "sts:ExternalId condition (confused deputy)"
                )


def _image_problem(image: str, accounts: set[str]) -> str | None:
    """Why `image` is not a platform account's ECR image; None when it is."""
    match = ECR_IMAGE.match(image)
    if match:
        account = match.group(1)
        return None if account in accounts else f"the ECR registry of account {account}"
    first = image.split("/", 1)[0]
    if "/" in image and ("." in first or ":" in first or first == "localhost"):
        return f"registry {first}, not a platform account's ECR"
    return "Docker Hub (an unqualified name), not a platform account's ECR"


def _containers(props: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any]]]:
    primary = props.get("primaryContainer")
    if isinstance(primary, Mapping):
        yield "primaryContainer", primary
    for index, container in enumerate(as_list(props.get("containers"))):
        if isinstance(container, Mapping):
            yield f"containers[{index}]", container


def _model_data_problem(uri: str, config: Mapping[str, Any], accounts: set[str]) -> str | None:
    bucket = bucket_of(uri) if uri.startswith(("s3://", "arn:")) else None
    if bucket and is_owned_bucket(bucket, config, accounts):
        return None
    return f"bucket {bucket}, which the platform does not own" if bucket else "not an S3 URI"


def _model_sources(args, config):
    accounts = platform_accounts(config, [args])
    if not accounts:
        return
    images_from = accounts | {str(a) for a in as_list(config.get("allowedImageAccounts")) if a}
    for where, container in _containers(args.props):
        image = container.get("image")
        problem = _image_problem(image, images_from) if isinstance(image, str) else None
        if problem:
            yield f"{where}.image {image!r} comes from {problem}"
        uris = {
            "modelDataUrl": container.get("modelDataUrl"),
            "modelDataSource.s3DataSource.s3Uri": get_path(
                container, "modelDataSource", "s3DataSource", "s3Uri"
            ),
        }
        for prop, uri in uris.items():
            problem = _model_data_problem(uri, config, accounts) if isinstance(uri, str) else None
            if problem:
                yield f"{where}.{prop} {uri!r}: {problem}"
        package = container.get("modelPackageName")
        account = account_of(package) if isinstance(package, str) else None
        if account and account not in accounts:
            yield (
                f"{where}.modelPackageName {package!r} is a model package of account {account}, "
                "outside the platform"
            )


def container_definitions(value: Any) -> list[Mapping[str, Any]]:
    """An ECS task definition's `containerDefinitions` (a JSON string, or a list)."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return []
    return [c for c in value if isinstance(c, Mapping)] if is_sequence(value) else []


def _task_images(args, config):
    accounts = platform_accounts(config, [args])
    if not accounts:
        return
    for index, container in enumerate(
        container_definitions(args.props.get("containerDefinitions"))
    ):
        image = container.get("image")
        problem = _image_problem(image, accounts) if isinstance(image, str) else None
        if problem:
            name = container.get("name", "")
            yield f"containerDefinitions[{index}] ({name}) image {image!r} comes from {problem}"


POLICIES = [
    resource_rule(
        "accounts-no-foreign-grant",
        selector=GRANTING,
        severity=Severity.CRITICAL,
        description="Bucket, key, repository and secret policies and role trust policies "
        "Allow no principal of an account outside the platform's, and no NotPrincipal.",
        remediation="Grant roles of the platform's accounts only (or add the account to the "
        "settings that name it on purpose); replace Allow+NotPrincipal with named principals.",
        check=_foreign_grants,
        defaults=ACCOUNT_FACTS,
    ),
    resource_rule(
        "accounts-trust-external-id",
        selector=IAM_ROLE,
        severity=Severity.HIGH,
        description="A role an outside account may assume requires an sts:ExternalId "
        "condition (confused-deputy guard).",
        remediation="Add Condition StringEquals sts:ExternalId <the vendor's id for you> to the "
        "trust statement, or trust the platform's own accounts only.",
        check=_trust_external_id,
        defaults=ACCOUNT_FACTS,
    ),
    resource_rule(
        "accounts-model-artifacts-owned",
        selector=SAGEMAKER_MODEL,
        severity=Severity.HIGH,
        description="SageMaker models run images from the platform's ECR, load model data "
        "from the platform's buckets and model packages of the platform's accounts.",
        remediation="Push the image to the team's ECR repository and copy the model data into "
        "the team's artifacts bucket (register it as a model package there).",
        check=_model_sources,
        defaults={
            **facts("trustedAccountIds", "accountId", "ownedBucketPatterns", "namePrefix"),
            "allowedImageAccounts": [],
        },
    ),
    resource_rule(
        "accounts-task-images-from-platform-ecr",
        selector=ECS_TASK_DEFINITION,
        severity=Severity.HIGH,
        description="ECS task definitions (self-hosted MLflow) run images from the ECR of a "
        "platform account, never from Docker Hub, ghcr.io, quay.io or public.ecr.aws.",
        remediation="Leave mlops:tracking.selfHosted.image empty (the platform builds and pushes "
        "containers/mlflow to the team's ECR) or copy the image into the team's ECR.",
        check=_task_images,
        defaults=ACCOUNT_FACTS,
    ),
]
