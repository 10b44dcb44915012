"""The lab: SageMaker Studio domains, user profiles, spaces and notebook instances.

Checkov covers notebooks (CKV_AWS_122/306/307/22) and domain KMS (CKV_AWS_187); Studio VpcOnly,
idle shutdown, execution roles and production retention are this pack's own.

- **Idle shutdown** (SageMaker API reference, IdleSettings / SpaceIdleSettings, read 2026-12;
  botocore `sagemaker` shapes: every timeout 60-525600 minutes, `LifecycleManagement`
  ENABLED|DISABLED): a user profile's `userSettings` and a space's `spaceSettings` override
  the domain's, so a profile with `lifecycleManagement: DISABLED`, or a timeout (or a
  `maxIdleTimeoutInMinutes`, the most a member may choose in the Studio UI) above
  `maxIdleTimeoutMinutes`, undoes the domain's shutdown. JupyterLab and Code Editor apps both
  take idle settings. Absent settings inherit the domain's (judged by
  `sagemaker-domain-idle-shutdown`). The limit defaults to 240 minutes, the domain rule's.
- **Execution roles**: a domain, profile, notebook, model, pipeline (and its steps) or
  monitoring job runs with the role it names; a role outside the stack's team scope (fact
  `teamScope`, e.g. `mlops-fraud-dev`: role names `mlops-fraud-dev-*`) gives the members
  another team's data. Without the fact, the role names the stack plans are the allowed set
  (skipped when it plans none).
- **Production retention**: `governance-production-protection` covers buckets, keys and file
  systems, not Studio. A domain's home EFS is deleted with it when
  `retentionPolicy.homeEfsFileSystem` is Delete (the AWS default is Retain: "The default is
  Retain, which specifies to keep the data stored on the Amazon EFS volume", API reference,
  RetentionPolicy, read 2026-12); in production the domain and the members' spaces (their EBS
  volumes) must also be protected (and, offline, retained on delete).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import PolicyResource, Severity

from policies.factory import resource_rule, stack_rule
from policies.platform_facts import facts
from policies.props import as_list, get_path, number
from policies.resource_types import (
    IAM_ROLE,
    SAGEMAKER_DATA_QUALITY_JOB_DEFINITION,
    SAGEMAKER_DOMAIN,
    SAGEMAKER_MODEL,
    SAGEMAKER_NOTEBOOK,
    SAGEMAKER_PIPELINE,
    SAGEMAKER_SPACE,
    SAGEMAKER_USER_PROFILE,
    ResourceTypes,
)
from policies.rules.sagemaker_pipeline import pipeline_role_arns

# Studio apps that take idle settings (`<app>.appLifecycleManagement.idleSettings`).
IDLE_APPS = ("jupyterLabAppSettings", "codeEditorAppSettings")
IDLE_TIMEOUT_KEYS = ("idleTimeoutInMinutes", "maxIdleTimeoutInMinutes")
# What each role-bearing resource names its execution role in (nested paths).
ROLE_PATHS: dict[str, tuple[tuple[str, ...], ...]] = {
    SAGEMAKER_DOMAIN.token: (
        ("defaultUserSettings", "executionRole"),
        ("defaultSpaceSettings", "executionRole"),
    ),
    SAGEMAKER_USER_PROFILE.token: (("userSettings", "executionRole"),),
    SAGEMAKER_NOTEBOOK.token: (("roleArn",),),
    SAGEMAKER_MODEL.token: (("executionRoleArn",),),
    SAGEMAKER_DATA_QUALITY_JOB_DEFINITION.token: (("roleArn",),),
}
ROLE_BEARING = ResourceTypes(
    SAGEMAKER_DOMAIN,
    SAGEMAKER_USER_PROFILE,
    SAGEMAKER_NOTEBOOK,
    SAGEMAKER_MODEL,
    SAGEMAKER_DATA_QUALITY_JOB_DEFINITION,
    SAGEMAKER_PIPELINE,
)


def _domain_vpc_only(args, config):
    mode = args.props.get("appNetworkAccessType")
    if mode != "VpcOnly":
        yield f"appNetworkAccessType is {mode!r}: Studio traffic must stay in the VPC (VpcOnly)"
    if not as_list(args.props.get("subnetIds")) or not args.props.get("vpcId"):
        yield "no vpcId/subnetIds: the domain must run in the environment's private subnets"


def _domain_kms(args, config):
    if not args.props.get("kmsKeyId"):
        yield "no kmsKeyId: the Studio home EFS volume is encrypted with an AWS-managed key"


def idle_findings(
    settings: Any, where: str, limit: float, keys: tuple[str, ...] = IDLE_TIMEOUT_KEYS
) -> Iterator[str]:
    """Idle settings of each Studio app in `settings` that turn shutdown off or exceed `limit`
    (absent or unknown values are not judged: they inherit the level above)."""
    for app in IDLE_APPS:
        idle = get_path(settings, app, "appLifecycleManagement", "idleSettings")
        if not isinstance(idle, Mapping):
            continue
        path = f"{where}.{app}.appLifecycleManagement.idleSettings"
        if idle.get("lifecycleManagement") == "DISABLED":
            yield f"{path}.lifecycleManagement is DISABLED: idle apps run until stopped by hand"
        for key in keys:
            value = number(idle.get(key))
            if value > limit:
                yield f"{path}.{key} is {value:g}; allowed: at most {limit:g} minutes"


def _domain_idle(args, config):
    limit = number(config["maxIdleTimeoutMinutes"])
    defaults = args.props.get("defaultUserSettings")
    idle = get_path(defaults, "jupyterLabAppSettings", "appLifecycleManagement", "idleSettings")
    if not isinstance(idle, Mapping) or idle.get("lifecycleManagement") != "ENABLED":
        yield "JupyterLab idle shutdown (appLifecycleManagement.idleSettings) is not ENABLED"
    else:
        timeout = number(idle.get("idleTimeoutInMinutes"))
        if not 0 < timeout <= limit:
            yield f"idleTimeoutInMinutes is {timeout:g}; allowed: 1-{limit:g}"
        ceiling = number(idle.get("maxIdleTimeoutInMinutes"))
        if ceiling > limit:
            yield (
                f"maxIdleTimeoutInMinutes is {ceiling:g}: members may raise their timeout "
                f"above {limit:g} minutes"
            )
    code_editor = {"codeEditorAppSettings": get_path(defaults, "codeEditorAppSettings")}
    yield from idle_findings(code_editor, "defaultUserSettings", limit)
    yield from idle_findings(args.props.get("defaultSpaceSettings"), "defaultSpaceSettings", limit)


def _member_idle(args, config):
    limit = number(config["maxIdleTimeoutMinutes"])
    where = "userSettings" if SAGEMAKER_USER_PROFILE.matches(args) else "spaceSettings"
    yield from idle_findings(args.props.get(where), where, limit)


def role_name(arn: str) -> str:
    """The role name of a role ARN (`arn:aws:iam::1:role/path/name`), or the value itself."""
    return arn.rsplit("/", 1)[-1] if ":role/" in arn else arn


def _roles_of(resource: PolicyResource) -> Iterator[tuple[str, Any]]:
    """(property, role ARN) of each execution role the resource names."""
    if SAGEMAKER_PIPELINE.matches(resource):
        yield from pipeline_role_arns(resource.props)
        return
    for path in ROLE_PATHS.get(resource.resource_type, ()):
        yield ".".join(path), get_path(resource.props, *path)


def _team_roles(args, config):
    scope = str(config.get("teamScope") or "")
    planned = {str(r.props.get("name")) for r in IAM_ROLE.select(args) if r.props.get("name")}
    if not scope and not planned:
        return  # nothing to judge against
    for resource in ROLE_BEARING.select(args):
        for where, arn in _roles_of(resource):
            if not isinstance(arn, str) or ":role/" not in arn:
                continue  # unknown at preview time, or not a role ARN
            name = role_name(arn)
            ours = name.startswith(f"{scope}-") if scope else name in planned
            if not ours:
                allowed = f"roles {scope}-*" if scope else "the roles this stack plans"
                yield (
                    f"{resource.name}: {where} is {arn}, not a role of this team ({allowed})",
                    resource.urn,
                )


def _production_retention(args, config):
    if not config["production"]:
        return
    kind = "domain" if SAGEMAKER_DOMAIN.matches(args) else "space"
    if not args.opts.protect:
        yield f"production Studio {kind} is not protected (opts.protect is false)"
    # CrossGuard does not expose retainOnDelete; the offline runner adds it to opts.
    if getattr(args.opts, "retain_on_delete", None) is False:
        yield f"production Studio {kind} is not retained on delete"
    retention = get_path(args.props, "retentionPolicy", "homeEfsFileSystem")
    if retention == "Delete":
        yield (
            "retentionPolicy.homeEfsFileSystem is Delete: deleting the domain deletes every "
            "member's home EFS data"
        )


def _notebook_internet(args, config):
    value = args.props.get("directInternetAccess")
    if value != "Disabled":
        yield f"directInternetAccess is {value!r} (the AWS default is Enabled); set Disabled"


def _notebook_root(args, config):
    value = args.props.get("rootAccess")
    if value != "Disabled":
        yield f"rootAccess is {value!r} (the AWS default is Enabled); set Disabled"


def _notebook_vpc(args, config):
    if not args.props.get("subnetId"):
        yield "no subnetId: the notebook runs outside the VPC"
    if not as_list(args.props.get("securityGroups")):
        yield "no securityGroups"


def _notebook_kms(args, config):
    if not args.props.get("kmsKeyId"):
        yield "no kmsKeyId: the ML storage volume uses an AWS-managed key"


POLICIES = [
    resource_rule(
        "sagemaker-domain-vpc-only",
        selector=SAGEMAKER_DOMAIN,
        severity=Severity.HIGH,
        description="Studio domains use appNetworkAccessType VpcOnly in the private subnets.",
        remediation="Set appNetworkAccessType VpcOnly with the environment's vpcId/subnetIds.",
        check=_domain_vpc_only,
    ),
    resource_rule(
        "sagemaker-domain-kms",
        selector=SAGEMAKER_DOMAIN,
        severity=Severity.HIGH,
        description="Studio domains encrypt their home volume with the team's KMS key.",
        remediation="Set kmsKeyId to the team key ARN.",
        check=_domain_kms,
    ),
    resource_rule(
        "sagemaker-domain-idle-shutdown",
        selector=SAGEMAKER_DOMAIN,
        severity=Severity.MEDIUM,
        description="Studio domains shut idle JupyterLab apps down (cost control).",
        remediation="Set defaultUserSettings.jupyterLabAppSettings.appLifecycleManagement."
        "idleSettings with lifecycleManagement ENABLED and idleTimeoutInMinutes.",
        check=_domain_idle,
        defaults={"maxIdleTimeoutMinutes": 240},
    ),
    resource_rule(
        "sagemaker-member-idle-shutdown",
        selector=SAGEMAKER_USER_PROFILE | SAGEMAKER_SPACE,
        severity=Severity.MEDIUM,
        description="User profiles and spaces do not turn the domain's idle shutdown off nor "
        "raise its timeout above maxIdleTimeoutMinutes.",
        remediation="Remove the profile's or space's appLifecycleManagement.idleSettings (the "
        "domain's apply), or keep lifecycleManagement ENABLED and the timeouts within the limit.",
        check=_member_idle,
        defaults={"maxIdleTimeoutMinutes": 240},
    ),
    stack_rule(
        "sagemaker-team-execution-role",
        severity=Severity.HIGH,
        description="Studio domains, user profiles, notebooks, models, pipelines (and steps) "
        "and monitoring jobs run with an execution role of the stack's team scope.",
        remediation="Use the team persona's execution role (mlops-<team>-<env>-*-exec), never "
        "another team's.",
        check=_team_roles,
        defaults=facts("teamScope"),
    ),
    resource_rule(
        "sagemaker-production-domain-retained",
        selector=SAGEMAKER_DOMAIN | SAGEMAKER_SPACE,
        severity=Severity.HIGH,
        description="In production, Studio domains and spaces are protected and retained, and "
        "the domain keeps its home EFS on delete (retentionPolicy Retain).",
        remediation="Create them with ResourceOptions(protect=True, retain_on_delete=True) and "
        "retentionPolicy.homeEfsFileSystem Retain.",
        check=_production_retention,
        defaults=facts("production"),
    ),
    resource_rule(
        "sagemaker-notebook-no-direct-internet",
        selector=SAGEMAKER_NOTEBOOK,
        severity=Severity.HIGH,
        description="Notebook instances have no direct internet access.",
        remediation="Set directInternetAccess Disabled; reach AWS through VPC endpoints.",
        check=_notebook_internet,
    ),
    resource_rule(
        "sagemaker-notebook-no-root",
        selector=SAGEMAKER_NOTEBOOK,
        severity=Severity.HIGH,
        description="Notebook instances give users no root access.",
        remediation="Set rootAccess Disabled; install packages through lifecycle scripts.",
        check=_notebook_root,
    ),
    resource_rule(
        "sagemaker-notebook-in-vpc",
        selector=SAGEMAKER_NOTEBOOK,
        severity=Severity.HIGH,
        description="Notebook instances run in a private subnet with security groups.",
        remediation="Set subnetId and securityGroups from the environment stack.",
        check=_notebook_vpc,
    ),
    resource_rule(
        "sagemaker-notebook-kms",
        selector=SAGEMAKER_NOTEBOOK,
        severity=Severity.HIGH,
        description="Notebook instance volumes are encrypted with the team's KMS key.",
        remediation="Set kmsKeyId to the team key.",
        check=_notebook_kms,
    ),
]
