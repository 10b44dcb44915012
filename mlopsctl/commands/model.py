"""`mlopsctl model versions|serve <stack>`: which Model Registry version a team stack serves.

A team stack serves one version of its SageMaker Model Registry group, pinned in its file as
`mlops:inference.model.version: N`; the program derives the package ARN
`arn:<partition>:sagemaker:<region>:<account>:model-package/<group>/<N>` from it. Pinning a
number (rather than resolving "latest approved" at every `pulumi up`) means an unrelated
`pulumi up` never rolls out a new model, and the served version is reviewed in git.

`versions` lists the group's versions from AWS; `serve` checks that the version asked for exists
and is Approved (`--allow-unapproved` outside production only), writes it with the round-trip
editor (comments kept), then validates, plans and judges the file, rolling it back on failure.
The group's name comes from the stack's plan, its region and account from the stack's settings;
boto3 takes credentials from the standard chain and honours AWS_ENDPOINT_URL. Every refusal and
AWS error is one ConfigError line (exit 2).
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.console import Console
from rich.table import Table

from mlopsctl.commands.onboard import check_stack
from mlopsctl.plan import Plan, plan_stack
from settings import (
    ConfigError,
    Project,
    TeamSettings,
    dump_edited,
    load_for_editing,
    load_stack,
    read_stack_file,
    stack_file_transaction,
    team_stacks,
)

GROUP_TYPE = "aws:sagemaker/modelPackageGroup:ModelPackageGroup"
APPROVED = "Approved"
VERSION_PATH = ("inference", "model", "version")  # under the project's namespace


# -- the stack: its group, account, region and what it serves now -----------------------------


def planned_model_package_group(plan: Plan | Mapping[str, Any]) -> str:
    """The `modelPackageGroupName` of the plan's one ModelPackageGroup (a Plan or its JSON)."""
    if isinstance(plan, Plan):
        stack = plan.stack
        groups = [r.inputs for r in plan.of_type(GROUP_TYPE)]
    else:
        stack = str(plan.get("stack", "?"))
        groups = [r.get("inputs", {}) for r in plan["resources"] if r.get("type") == GROUP_TYPE]
    names = [str(g["modelPackageGroupName"]) for g in groups if g.get("modelPackageGroupName")]
    if len(names) != 1:
        raise ConfigError(
            f"stack '{stack}': the plan has {len(names)} model package groups ({GROUP_TYPE}) "
            f"{names}; allowed: exactly one (the team's Model Registry group)"
        )
    return names[0]


def partition_of(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


@dataclass(frozen=True)
class Target:
    """What `model` works on: one team stack's registry group and its served version."""

    stack: str
    region: str
    account: str
    group: str
    production: bool
    backend: str
    served: int | None

    def package_arn(self, version: int) -> str:
        partition = partition_of(self.region)
        return (
            f"arn:{partition}:sagemaker:{self.region}:{self.account}:"
            f"model-package/{self.group}/{version}"
        )


def served_version(project: Project, stack: str) -> int | None:
    """`mlops:inference.model.version` as the stack file says (None when not set)."""
    value: Any = read_stack_file(project, stack).config.get(f"{project.name}:{VERSION_PATH[0]}")
    for key in VERSION_PATH[1:]:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def load_target(project: Project, stack: str, console: Console) -> Target:
    settings = load_stack(project, stack)
    if not isinstance(settings, TeamSettings):
        raise ConfigError(
            f"stack '{stack}' is an environment stack; a team stack serves models; allowed: "
            + (", ".join(team_stacks(project)) or "none")
        )
    with console.status(f"planning {stack} offline…"):
        plan = plan_stack(stack, project_dir=project.root)
    return Target(
        stack=stack,
        region=settings.region,
        account=settings.account_id,
        group=planned_model_package_group(plan),
        production=settings.production,
        backend=settings.inference.backend,
        served=served_version(project, stack),
    )


# -- the registry in AWS ------------------------------------------------------------------------


@dataclass(frozen=True)
class PackageVersion:
    version: int
    approval: str
    status: str
    created: datetime | None


def _package(summary: Mapping[str, Any]) -> PackageVersion:
    return PackageVersion(
        version=int(summary["ModelPackageVersion"]),
        approval=str(summary.get("ModelApprovalStatus", "?")),
        status=str(summary.get("ModelPackageStatus", "?")),
        created=summary.get("CreationTime"),
    )


@contextmanager
def aws_errors(target: Target, doing: str) -> Iterator[None]:
    """Turn botocore's errors into one ConfigError line naming what was asked."""
    from botocore.exceptions import BotoCoreError, ClientError, NoCredentialsError

    where = f"account {target.account}, {target.region}"
    try:
        yield
    except NoCredentialsError:
        raise ConfigError(
            f"stack '{target.stack}': {doing}: no AWS credentials found; allowed: credentials "
            f"for account {target.account} from the standard chain (AWS_PROFILE, "
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, SSO, an instance role)"
        ) from None
    except ClientError as error:
        details = error.response.get("Error", {})
        code, message = details.get("Code", "Error"), details.get("Message", str(error))
        raise ConfigError(
            f"stack '{target.stack}': {doing} ({where}) failed: {code}: {message}"
        ) from None
    except BotoCoreError as error:  # EndpointConnectionError, partial credentials, ...
        raise ConfigError(f"stack '{target.stack}': {doing} ({where}) failed: {error}") from None


class Registry:
    """The stack's model package group, through boto3 (standard credentials and endpoints)."""

    def __init__(self, target: Target) -> None:
        import boto3

        self.target = target
        self._session = boto3.Session(region_name=target.region)
        self._sagemaker: Any = self._session.client("sagemaker")

    def check_account_and_group(self) -> None:
        """Refuse credentials of another account, and a group that does not exist (yet)."""
        target = self.target
        with aws_errors(target, "reading the caller's account (sts get-caller-identity)"):
            account = self._session.client("sts").get_caller_identity()["Account"]
        if account != target.account:
            raise ConfigError(
                f"stack '{target.stack}' is account {target.account}, but the AWS credentials "
                f"are for account {account}; allowed: credentials for account {target.account}"
            )
        from botocore.exceptions import ClientError

        with aws_errors(target, f"describing model package group '{target.group}'"):
            try:
                self._sagemaker.describe_model_package_group(ModelPackageGroupName=target.group)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "ValidationException":
                    raise
                raise ConfigError(
                    f"stack '{target.stack}': model package group '{target.group}' does not "
                    f"exist in account {target.account}, {target.region}; it is created by "
                    f"`pulumi up --stack {target.stack}` and filled by the retraining pipeline"
                ) from None

    def versions(self) -> list[PackageVersion]:
        """Every version of the group, newest first."""
        target = self.target
        found = []
        with aws_errors(target, f"listing the versions of '{target.group}'"):
            pages = self._sagemaker.get_paginator("list_model_packages").paginate(
                ModelPackageGroupName=target.group,
                ModelPackageType="Versioned",
                SortBy="CreationTime",
                SortOrder="Descending",
            )
            for page in pages:
                found += [_package(s) for s in page.get("ModelPackageSummaryList", [])]
        return sorted(found, key=lambda p: p.version, reverse=True)

    def latest_approved(self) -> int | None:
        target = self.target
        with aws_errors(target, f"finding the latest approved version of '{target.group}'"):
            summaries = self._sagemaker.list_model_packages(
                ModelPackageGroupName=target.group,
                ModelPackageType="Versioned",
                ModelApprovalStatus=APPROVED,
                SortBy="CreationTime",
                SortOrder="Descending",
                MaxResults=1,
            ).get("ModelPackageSummaryList", [])
        return int(summaries[0]["ModelPackageVersion"]) if summaries else None

    def describe(self, version: int) -> PackageVersion | None:
        """The version by its ARN, or None when the group has no such version."""
        from botocore.exceptions import ClientError

        arn = self.target.package_arn(version)
        with aws_errors(self.target, f"describing {arn}"):
            try:
                return _package(self._sagemaker.describe_model_package(ModelPackageName=arn))
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "ValidationException":
                    raise
                return None


def _listed(versions: list[PackageVersion]) -> str:
    return ", ".join(f"{p.version} ({p.approval})" for p in versions) or "none"


def _approved(versions: list[PackageVersion]) -> str:
    return ", ".join(str(p.version) for p in versions if p.approval == APPROVED) or "none"


# -- commands -----------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    command = {"versions": run_versions, "serve": run_serve}[args.action]
    return command(args)


def run_versions(args: argparse.Namespace) -> int:
    console = Console()
    target = load_target(args.project, args.stack, console)
    registry = Registry(target)
    registry.check_account_and_group()
    versions = registry.versions()
    table = Table(title=f"{target.group} ({target.account}, {target.region})")
    for column in ("version", "approval", "status", "created", "served"):
        table.add_column(column)
    for p in versions:
        created = p.created.strftime("%Y-%m-%d %H:%M:%S %Z").strip() if p.created else "?"
        served = "← served" if p.version == target.served else ""
        table.add_row(str(p.version), p.approval, p.status, created, served)
    console.print(table)
    key = f"{args.project.name}:{'.'.join(VERSION_PATH)}"
    if target.served is None:
        console.print(f"{args.stack} serves no version ({key} is not set: no endpoint)")
    elif target.served not in {p.version for p in versions}:
        console.print(f"{args.stack} serves version {target.served}, which the group lacks")
    else:
        console.print(f"{args.stack} serves version {target.served} ({key})")
    return 0


def resolve_version(registry: Registry, args: argparse.Namespace) -> PackageVersion:
    """The version asked for, checked to exist and to be allowed in this stack."""
    target = registry.target
    if args.latest_approved:
        version = registry.latest_approved()
        if version is None:
            raise ConfigError(
                f"stack '{target.stack}': --latest-approved: group '{target.group}' has no "
                f"Approved version; versions: {_listed(registry.versions())}; allowed: approve "
                "one (aws sagemaker update-model-package --model-approval-status Approved)"
            )
    else:
        version = args.version
        if version < 1:
            raise ConfigError(f"--version {version}: allowed: a version number, 1 or more")
    package = registry.describe(version)
    if package is None:
        versions = registry.versions()
        raise ConfigError(
            f"stack '{target.stack}': --version {version}: group '{target.group}' has no version "
            f"{version}; versions: {_listed(versions)}; allowed: an Approved version "
            f"({_approved(versions)})"
        )
    if package.approval == APPROVED:
        return package
    if args.allow_unapproved and not target.production:
        return package
    if target.production:
        allowed = "an Approved version (--allow-unapproved is refused in production)"
    else:
        allowed = "an Approved version, or --allow-unapproved outside production"
    raise ConfigError(
        f"stack '{target.stack}': version {version} of '{target.group}' is {package.approval}; "
        f"allowed: {allowed}; approved: {_approved(registry.versions())}"
    )


def _child_map(parent: Any, key: str) -> Any:
    """`parent[key]`, a new mapping if unset, placed so comments stay above their own keys: a
    new `model` goes right after `backend` (else first), anything else at the end."""
    from ruamel.yaml.comments import CommentedMap

    child = parent.get(key)
    if child is not None:
        return child
    child = CommentedMap()
    keys = list(parent)
    if key == VERSION_PATH[1] and key not in keys:
        parent.insert(keys.index("backend") + 1 if "backend" in keys else 0, key, child)
    else:
        parent[key] = child
    return child


def write_version(project: Project, stack: str, version: int, console: Console) -> Any:
    """Pin the version in the stack file (comments kept), then check it; roll back on failure."""
    document = load_for_editing(project, stack)
    node = document["config"]
    keys = [f"{project.name}:{VERSION_PATH[0]}", *VERSION_PATH[1:-1]]
    for key in keys:
        node = _child_map(node, key)
        if not isinstance(node, dict):
            raise ConfigError(f"stack '{stack}': {'.'.join(keys)} is not a mapping")
    node[VERSION_PATH[-1]] = version
    with stack_file_transaction(project, stack) as path:
        path.write_text(dump_edited(document))
        plan, _ = check_stack(stack, project, console)
    return plan


def _rollout(target: Target) -> str:
    if target.backend == "kubernetes":
        return "the Kubernetes deployment rolls its pods over to the new version"
    return (
        "the SageMaker endpoint moves to a new endpoint config blue/green, rolled back "
        "automatically on its 5XX or latency alarm"
    )


def run_serve(args: argparse.Namespace) -> int:
    console = Console()
    project: Project = args.project
    target = load_target(project, args.stack, console)
    registry = Registry(target)
    registry.check_account_and_group()
    package = resolve_version(registry, args)
    arn = target.package_arn(package.version)
    key = f"{project.name}:{'.'.join(VERSION_PATH)}"
    if package.version == target.served:
        console.print(f"{args.stack} already serves version {package.version} ({arn}); no change")
        return 0
    plan = write_version(project, args.stack, package.version, console)
    path = project.stack_path(args.stack)
    console.print(
        f"{path}: {key} = {package.version} ({package.approval}; was "
        f"{target.served if target.served is not None else 'not set'}); validated, planned "
        f"({sum(1 for r in plan.resources if r.custom)} resources), policy pack passed"
    )
    console.print(f"model package: {arn}")
    console.print(
        f"next: review the change in git, then mlopsctl pack-config {args.stack} --output "
        f"{args.stack}-pack.json && pulumi up --stack {args.stack} --policy-pack policies "
        f"--policy-pack-config {args.stack}-pack.json"
    )
    console.print(f"on deploy, {_rollout(target)}")
    return 0
