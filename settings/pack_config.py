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
)


def _environment_of(settings: Settings) -> EnvironmentSettings:
    return settings.env if isinstance(settings, TeamSettings) else settings


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
    else:
        governance = settings.governance
        cpu = list(governance.allowed_instance_types)
        gpu = list(governance.allowed_gpu_instance_types)
        max_gpu = governance.max_gpu_instances_per_team
    names = {o.environment for o in others} | set(WELL_KNOWN_ENVIRONMENTS)
    return {
        "all": "mandatory",
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
