"""The settings of one stack: the environment layer's or a team layer's, validated and derived.

Cross-key rules run as a model validator (`settings/rules/`), so a `TeamSettings` that exists
is a consistent one.
"""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import Field, model_validator

from settings.derived import (
    InstancePolicy,
    environment_contract,
    instance_policy,
    monitor_enabled,
    standard_tags,
)
from settings.models.base import StrictModel
from settings.models.environment import GovernanceConfig, NetworkConfig
from settings.models.exemptions import PolicyExemptions
from settings.models.inference import InferenceConfig
from settings.models.lab import LabConfig
from settings.models.personas import PersonasConfig
from settings.models.registry import RegistryConfig
from settings.models.retraining import RetrainingConfig
from settings.models.team import TeamConfig
from settings.models.tracking import TrackingConfig
from settings.rules import ENVIRONMENT_RULES, TEAM_RULES, RuleFailure
from settings.values import AccountId, CostCenter, Email, EnvironmentName, NamePrefix, Region


class CommonSettings(StrictModel):
    layer: Literal["environment", "team"]
    environment: EnvironmentName
    production: bool = False
    owner: Email
    cost_center: CostCenter
    account_id: AccountId
    name_prefix: NamePrefix = "mlops"
    region: Region = Field(alias="aws:region")
    policy_exemptions: PolicyExemptions = Field(default_factory=dict)
    stack: str = Field(default="", exclude=True)


# Narrowing `layer` is safe: the models are frozen (StrictModel's model_config), but pyright
# does not read pydantic's config, so it takes the field for a mutable (invariant) one.
class EnvironmentSettings(CommonSettings):
    layer: Literal["environment"]  # pyright: ignore[reportIncompatibleVariableOverride]
    network: NetworkConfig = Field(default_factory=NetworkConfig)
    governance: GovernanceConfig = Field(default_factory=GovernanceConfig)

    @property
    def team_name(self) -> str:
        return "platform"

    @property
    def data_classification(self) -> str:
        return "internal"

    @cached_property
    def tags(self) -> dict[str, str]:
        return _tags(self)

    @property
    def team_contract(self) -> dict[str, object]:
        return environment_contract(
            environment=self.environment,
            production=self.production,
            account_id=self.account_id,
            region=self.region,
            governance=self.governance,
            network=self.network,
        )

    @model_validator(mode="after")
    def _cross_key_rules(self) -> EnvironmentSettings:
        _raise_problems([p for rule in ENVIRONMENT_RULES for p in rule(self)])
        return self


class TeamSettings(CommonSettings):
    layer: Literal["team"]  # pyright: ignore[reportIncompatibleVariableOverride] (frozen, above)
    team: TeamConfig
    # -- one field per component config (settings/models/<component>.py) --
    registry: RegistryConfig = Field(default_factory=RegistryConfig)
    inference: InferenceConfig = Field(default_factory=InferenceConfig)
    retraining: RetrainingConfig = Field(default_factory=RetrainingConfig)
    lab: LabConfig = Field(default_factory=LabConfig)
    personas: PersonasConfig = Field(default_factory=PersonasConfig)
    tracking: TrackingConfig = Field(default_factory=TrackingConfig)
    # The environment stack's settings, read from its stack file (not a config key).
    env: EnvironmentSettings = Field(exclude=True)

    @property
    def team_name(self) -> str:
        return self.team.name

    @property
    def data_classification(self) -> str:
        return self.team.data_classification

    @cached_property
    def instances(self) -> InstancePolicy:
        return instance_policy(self.env.governance, self.lab, self.personas)

    @cached_property
    def tags(self) -> dict[str, str]:
        return _tags(self)

    @property
    def monitoring_enabled(self) -> bool:
        return monitor_enabled(self.inference, self.retraining, self.production)

    @model_validator(mode="after")
    def _cross_key_rules(self) -> TeamSettings:
        _raise_problems([p for rule in TEAM_RULES for p in rule(self)])
        return self


Settings = EnvironmentSettings | TeamSettings


def _tags(settings: EnvironmentSettings | TeamSettings) -> dict[str, str]:
    return standard_tags(
        team=settings.team_name,
        environment=settings.environment,
        owner=settings.owner,
        cost_center=settings.cost_center,
        data_classification=settings.data_classification,
    )


def _raise_problems(problems: list[str]) -> None:
    if problems:
        raise RuleFailure(problems)
