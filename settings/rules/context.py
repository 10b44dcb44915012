"""What a rule sees of the settings: typed views, so rules never import `settings.stack`
(which runs them) and no import cycle exists."""

from __future__ import annotations

from typing import Protocol

from settings.derived import InstancePolicy
from settings.models.environment import GovernanceConfig, NetworkConfig
from settings.models.inference import InferenceConfig
from settings.models.lab import LabConfig
from settings.models.personas import PersonasConfig
from settings.models.registry import RegistryConfig
from settings.models.retraining import RetrainingConfig
from settings.models.team import TeamConfig
from settings.models.tracking import TrackingConfig


class StackView(Protocol):
    """What every stack's settings have."""

    @property
    def stack(self) -> str: ...
    @property
    def environment(self) -> str: ...
    @property
    def production(self) -> bool: ...
    @property
    def account_id(self) -> str: ...
    @property
    def region(self) -> str: ...


class EnvironmentView(StackView, Protocol):
    @property
    def network(self) -> NetworkConfig: ...
    @property
    def governance(self) -> GovernanceConfig: ...


class TeamView(StackView, Protocol):
    @property
    def team(self) -> TeamConfig: ...
    @property
    def registry(self) -> RegistryConfig: ...
    @property
    def inference(self) -> InferenceConfig: ...
    @property
    def retraining(self) -> RetrainingConfig: ...
    @property
    def lab(self) -> LabConfig: ...
    @property
    def personas(self) -> PersonasConfig: ...
    @property
    def tracking(self) -> TrackingConfig: ...
    @property
    def env(self) -> EnvironmentView: ...
    @property
    def instances(self) -> InstancePolicy: ...
    @property
    def monitoring_enabled(self) -> bool: ...
