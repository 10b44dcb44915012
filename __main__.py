"""The Pulumi program: load the settings, build the layer the stack config names, export."""

import pulumi

from components.environment import EnvironmentLayer
from components.naming import Naming
from components.provider import aws_provider
from components.settings import EnvironmentSettings, settings_from_pulumi
from components.tags import standard_tags
from components.team import TeamLayer

settings = settings_from_pulumi()  # raises ConfigError before any resource is registered
naming = Naming(
    prefix=settings.name_prefix,
    team=settings.team_name,
    environment=settings.environment,
    account_id=settings.account_id,
    region=settings.region,
)
classification = (
    "internal" if isinstance(settings, EnvironmentSettings) else settings.team.data_classification
)
provider = aws_provider(
    region=settings.region,
    account_id=settings.account_id,
    tags=standard_tags(
        team=settings.team_name,
        environment=settings.environment,
        owner=settings.owner,
        cost_center=settings.cost_center,
        data_classification=classification,
    ),
)
layer_options = pulumi.ResourceOptions(providers={"aws": provider})
layer = (
    EnvironmentLayer(settings, naming, layer_options)
    if isinstance(settings, EnvironmentSettings)
    else TeamLayer(settings, naming, layer_options)
)
for name, value in layer.exports.items():
    pulumi.export(name, value)
