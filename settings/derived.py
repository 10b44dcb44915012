"""Facts derived once from validated config: the instance policy, the standard tags, the
environment contract and where the environment's egress reaches.

Every consumer (persona IAM conditions, Studio, notebook instances, retraining, inference, the
policy pack's config) reads these, so one fact is never derived two ways.
"""

from __future__ import annotations

from dataclasses import dataclass

from settings.models.environment import GovernanceConfig, NetworkConfig
from settings.models.inference import InferenceConfig
from settings.models.lab import LabConfig
from settings.models.personas import PersonasConfig
from settings.models.retraining import RetrainingConfig

REQUIRED_TAG_KEYS: tuple[str, ...] = (
    "team",
    "environment",
    "owner",
    "cost-center",
    "data-classification",
    "managed-by",
)
MANAGED_BY = "pulumi"


@dataclass(frozen=True)
class InstancePolicy:
    """The SageMaker instance types a team may start, per use, and its GPU ceiling.

    `cpu_types` are the environment's allow-list; `gpu_types` are the GPU types this team may
    start: `lab.gpuInstanceTypes` when set (a subset of the environment's GPU list), else the
    environment's whole GPU list, and none at all unless `personas.allowGpu` is true.
    """

    cpu_types: tuple[str, ...]
    gpu_types: tuple[str, ...]
    max_gpu_instances: int

    @property
    def all_types(self) -> tuple[str, ...]:
        return (*self.cpu_types, *self.gpu_types)

    # One list per use; the same list today, named so a use can narrow without new plumbing.
    @property
    def lab(self) -> tuple[str, ...]:
        return self.all_types

    @property
    def retraining(self) -> tuple[str, ...]:
        return self.all_types

    @property
    def inference(self) -> tuple[str, ...]:
        return self.all_types

    @property
    def monitoring(self) -> tuple[str, ...]:
        return self.all_types

    def is_gpu(self, instance_type: str) -> bool:
        return instance_type in self.gpu_types


def instance_policy(
    governance: GovernanceConfig, lab: LabConfig, personas: PersonasConfig
) -> InstancePolicy:
    gpu = lab.gpu_instance_types or governance.allowed_gpu_instance_types
    return InstancePolicy(
        cpu_types=tuple(governance.allowed_instance_types),
        gpu_types=tuple(gpu) if personas.allow_gpu else (),
        max_gpu_instances=governance.max_gpu_instances_per_team if personas.allow_gpu else 0,
    )


def standard_tags(
    *, team: str, environment: str, owner: str, cost_center: str, data_classification: str
) -> dict[str, str]:
    """The tags every taggable resource carries (the AWS provider's `default_tags`)."""
    return {
        "team": team,
        "environment": environment,
        "owner": owner,
        "cost-center": cost_center,
        "data-classification": data_classification,
        "managed-by": MANAGED_BY,
    }


def monitor_possible(inference: InferenceConfig, production: bool) -> bool:
    """Model Monitor needs a SageMaker real-time endpoint with data capture (serverless
    endpoints support neither; SageMaker developer guide, "Serverless Inference", read 2026-11)."""
    return (
        inference.backend == "sagemaker"
        and inference.sagemaker.resolved_mode(production) == "realtime"
    )


def monitor_enabled(
    inference: InferenceConfig, retraining: RetrainingConfig, production: bool
) -> bool:
    """Whether the stack runs Model Monitor now: asked for (or possible, by default) and an
    endpoint is served; a stack whose model is not named yet starts monitoring with its endpoint."""
    enabled = retraining.monitor.enabled
    wanted = monitor_possible(inference, production) if enabled is None else enabled
    return wanted and inference.deploys_model


# Egress modes whose workloads reach every host on HTTPS (through NAT or the central egress VPC).
OPEN_EGRESS_MODES: tuple[str, ...] = ("nat", "transit-gateway")


@dataclass(frozen=True)
class EgressReach:
    """Which hosts an environment's workloads reach on HTTPS, beyond the VPC and AWS services.

    `none` reaches none; `private` the `hosts` of `mlops:network.egress` (`*.domain`: every
    host under the domain); `nat` and `transit-gateway` every host.
    """

    mode: str
    hosts: tuple[str, ...]

    @property
    def reaches_every_host(self) -> bool:
        return self.mode in OPEN_EGRESS_MODES

    def reaches(self, host: str) -> bool:
        if self.reaches_every_host:
            return True
        host = host.lower().rstrip(".")
        return bool(host) and any(
            host == allowed or (allowed.startswith("*.") and host.endswith(allowed[1:]))
            for allowed in self.hosts
        )


def egress_reach(network: NetworkConfig) -> EgressReach:
    egress = network.egress
    return EgressReach(egress.mode, tuple(egress.hosts) if egress.mode == "private" else ())


def environment_contract(
    *,
    environment: str,
    production: bool,
    account_id: str,
    region: str,
    governance: GovernanceConfig,
    network: NetworkConfig,
) -> dict[str, object]:
    """What team stacks take from their environment stack's file at settings time.

    The environment layer exports it (`teamContract`) and the team layer compares the deployed
    export with what its settings read from the file, so the two truths cannot drift: a team
    stack refuses to deploy against an environment whose file changed but was not deployed.
    """
    reach = egress_reach(network)
    return {
        "environment": environment,
        "production": production,
        "accountId": account_id,
        "region": region,
        "allowedInstanceTypes": list(governance.allowed_instance_types),
        "allowedGpuInstanceTypes": list(governance.allowed_gpu_instance_types),
        "maxGpuInstancesPerTeam": governance.max_gpu_instances_per_team,
        # Where the team's git repositories and mirrors may be (settings/rules/egress.py).
        "egressMode": reach.mode,
        "egressHosts": list(reach.hosts),
        # The AWS services the team's workloads reach (settings/rules/environment.py).
        "interfaceEndpoints": list(network.interface_endpoints if network.mode == "create" else []),
    }


def contract_drift(deployed: object, expected: dict[str, object]) -> list[str]:
    """The keys of an environment contract whose deployed value differs from the file's."""
    if not isinstance(deployed, dict):
        return ["teamContract (not exported: the environment predates this check)"]
    return [
        f"{key} (deployed {deployed.get(key)!r}, file {value!r})"
        for key, value in expected.items()
        if deployed.get(key) != value
    ]
