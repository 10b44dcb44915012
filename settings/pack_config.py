"""The policy pack's config, derived from a stack's settings (no hand-kept second copy of
allow-lists, account ids or the production flag).

`mlopsctl pack-config <stack>` writes it for `pulumi preview --policy-pack-config`; the offline
runner uses the same function.
"""

from __future__ import annotations

from typing import Any

from settings.loader import load_stack
from settings.project import Project
from settings.stack import EnvironmentSettings, Settings, TeamSettings
from settings.stack_files import environment_stacks

# Environment names the isolation rule refuses besides the project's own other environments.
WELL_KNOWN_ENVIRONMENTS = ("dev", "staging", "prod")
# Role-name patterns of the personas that may read restricted data only where a stack allows.
RESTRICTED_READER_SUFFIXES = (
    "data-scientist",
    "data-scientist-exec",
    "ml-engineer",
    "ml-engineer-exec",
    "pipeline-exec",
    "retraining-irsa",  # the pipeline's role when retraining runs as a Kubernetes CronJob
)


def _environment_of(settings: Settings) -> EnvironmentSettings:
    return settings.env if isinstance(settings, TeamSettings) else settings


def _principal_accounts(settings: Settings) -> set[str]:
    """Accounts of the principals the settings name on purpose (personas, auditors, CI and
    image pullers)."""
    arns: list[str] = list(_environment_of(settings).governance.auditor_principals)
    if isinstance(settings, TeamSettings):
        personas = settings.personas
        for trust in (personas.data_scientist, personas.ml_engineer, personas.data_steward):
            arns += trust.principals
        arns += [settings.registry.ci_role_arn] if settings.registry.ci_role_arn else []
        arns += settings.registry.pull_role_arns
    return {arn.split(":")[4] for arn in arns if arn.count(":") >= 5 and arn.split(":")[4]}


def platform_facts(settings: Settings) -> dict[str, Any]:
    """What rules need to know of the platform, each a config key a rule may declare in its
    defaults (`mlopsctl` fills every rule that does): the stack's account, the accounts it
    trusts on purpose, the buckets the platform owns (`<prefix>-<team>-<env>-<purpose>-<account>`,
    components/naming.py), its region, name prefix, team scope and production flag."""
    env = _environment_of(settings)
    accounts = sorted({settings.account_id, env.account_id} | _principal_accounts(settings))
    return {
        "accountId": settings.account_id,
        "trustedAccountIds": accounts,
        "region": settings.region,
        "namePrefix": settings.name_prefix,
        "teamScope": f"{settings.name_prefix}-{settings.team_name}-{settings.environment}",
        "ownedBucketPatterns": [
            f"{settings.name_prefix}-*-{settings.environment}-*-{account}"
            for account in sorted({settings.account_id, env.account_id})
        ],
        "production": settings.production,
    }


def policy_exemptions(settings: Settings) -> dict[str, list[dict[str, str]]]:
    """`mlops:policyExemptions` as the pack config's per-policy `exemptions` lists."""
    return {
        policy: [{"resource": e.resource, "reason": e.reason.strip()} for e in entries]
        for policy, entries in settings.policy_exemptions.items()
    }


def pack_config(settings: Settings, project: Project) -> dict[str, Any]:
    env = _environment_of(settings)
    others = [
        other
        for name in environment_stacks(project)
        if name != env.stack
        for other in [load_stack(project, name)]
        if isinstance(other, EnvironmentSettings)
    ]
    if isinstance(settings, TeamSettings):
        policy = settings.instances
        cpu, gpu, max_gpu = list(policy.cpu_types), list(policy.gpu_types), policy.max_gpu_instances
        if settings.inference.backend == "kubernetes":
            # The cluster's GPUs count against the environment's ceiling with or without
            # personas.allowGpu (settings/rules/serving.py); SageMaker GPU types stay gated by
            # the type allow-list, which is empty without allowGpu.
            max_gpu = settings.env.governance.max_gpu_instances_per_team
    else:
        governance = settings.governance
        cpu = list(governance.allowed_instance_types)
        gpu = list(governance.allowed_gpu_instance_types)
        max_gpu = governance.max_gpu_instances_per_team
    names = {o.environment for o in others} | set(WELL_KNOWN_ENVIRONMENTS)
    # The team's monthly budget, so that the file `pulumi preview --policy-pack-config` takes
    # judges it too (the rule prices the resources itself); environments have none.
    budget = settings.team.monthly_budget_usd if isinstance(settings, TeamSettings) else None
    return {
        "all": "mandatory",
        "cost-monthly-budget": {"monthlyBudgetUsd": budget or 0},
        "cost-instance-type-allowed": {"allowedInstanceTypes": cpu, "allowedGpuInstanceTypes": gpu},
        "cost-gpu-instance-limit": {"maxGpuInstancesPerTeam": max_gpu},
        "governance-restricted-data-readers": {
            "restrictedReaderRoles": [
                f"{settings.name_prefix}-*-{suffix}" for suffix in RESTRICTED_READER_SUFFIXES
            ]
        },
        "governance-cross-environment-isolation": {
            "otherEnvironmentAccountIds": sorted(
                {o.account_id for o in others} - {settings.account_id}
            ),
            "otherEnvironmentNames": sorted(names - {settings.environment}),
        },
        "governance-production-protection": {"production": settings.production},
        # The environment's choice of a path out of the VPC (settings/models/environment.py).
        "network-egress-as-configured": {"egressMode": env.network.egress.mode},
        # AWS supports neither data capture nor VPC/isolation on serverless endpoints
        # (SageMaker developer guide, "Serverless Inference", feature exclusions, read 2026-11):
        # dev may serve serverless, production may not.
        "sagemaker-endpoint-data-capture": {"serverlessExempt": not settings.production},
        "sagemaker-model-network-isolation": {"serverlessExempt": not settings.production},
    }
