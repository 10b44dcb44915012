"""The Pulumi program: settings -> provider -> layer -> exports."""

from pathlib import Path

import pulumi

from components.environment import EnvironmentLayer
from components.naming import Naming
from components.provider import aws_provider
from components.team import TeamLayer
from settings import ConfigError, EnvironmentSettings, settings_from_pulumi

PROJECT_DIR = Path(__file__).resolve().parent
try:
    # Validated before any resource is registered; RunError ends `pulumi up` with the message
    # only, no traceback.
    settings = settings_from_pulumi(PROJECT_DIR)
except ConfigError as error:
    raise pulumi.RunError(str(error)) from error

naming = Naming(
    prefix=settings.name_prefix,
    team=settings.team_name,
    environment=settings.environment,
    account_id=settings.account_id,
    region=settings.region,
)
provider = aws_provider(region=settings.region, account_id=settings.account_id, tags=settings.tags)
layer_options = pulumi.ResourceOptions(providers={"aws": provider})
layer = (
    EnvironmentLayer(settings, naming, layer_options)
    if isinstance(settings, EnvironmentSettings)
    else TeamLayer(settings, naming, settings.tags, layer_options, PROJECT_DIR)
)
for name, value in layer.exports.items():
    pulumi.export(name, value)
