"""Cross-key rules of an environment stack's network, and of a team stack against the
interface endpoints of its environment."""

from __future__ import annotations

from settings.catalog import INFERENCE_BACKEND_ENDPOINTS, TRACKING_KIND_ENDPOINTS
from settings.rules.context import EnvironmentView, TeamView

KEY = "mlops:network"
# Checked by settings/rules/tracking.py (self-hosted MLflow), which names it on its own line.
_CHECKED_ELSEWHERE = frozenset({"secretsmanager"})


def availability_zone_problems(settings: EnvironmentView) -> list[str]:
    """AZ names are the region's name plus a letter (EC2 user guide, "Regions and Zones")."""
    zones = list(settings.network.availability_zones)
    foreign = [zone for zone in zones if zone[:-1] != settings.region]
    if not foreign:
        return []
    return [
        f"{KEY}.availabilityZones = {zones}: {', '.join(foreign)} not in region "
        f"'{settings.region}'; allowed: zones of {settings.region}, e.g. {settings.region}a"
    ]


def endpoint_zone_problems(settings: EnvironmentView) -> list[str]:
    """Production keeps its interface endpoints in every zone: with one, an outage of that zone
    cuts the workloads of every zone off from STS, ECR, CloudWatch Logs and SageMaker."""
    network = settings.network
    if not settings.production or network.interface_endpoint_azs != "one":
        return []
    return [
        f"{KEY}.interfaceEndpointAzs = 'one': production keeps the interface endpoints in every "
        "availability zone (one zone's outage would cut every zone off from the AWS APIs); "
        "allowed: all, or unset"
    ]


def team_endpoint_problems(settings: TeamView) -> list[str]:
    """The interface endpoints the team's tracking kind and inference backend need are created
    by its environment (settings/catalog.py says which)."""
    env = settings.env
    if env.network.mode != "create":
        return []  # an adopted network's endpoints are its owner's
    created = set(env.network.interface_endpoints)
    needs = (
        ("mlops:tracking.kind", settings.tracking.kind, TRACKING_KIND_ENDPOINTS),
        ("mlops:inference.backend", settings.inference.backend, INFERENCE_BACKEND_ENDPOINTS),
    )
    return [
        f"{key} = '{value}': needs the interface endpoint {endpoint}, which environment "
        f"'{env.stack}' does not create; allowed: {endpoint} in {KEY}.interfaceEndpoints of "
        f"'{env.stack}' (unset, that list is derived from the team stack files of '{env.stack}')"
        for key, value, table in needs
        for endpoint in table.get(value, ())
        if endpoint not in created and endpoint not in _CHECKED_ELSEWHERE
    ]


RULES = (availability_zone_problems, endpoint_zone_problems)
TEAM_RULES = (team_endpoint_problems,)
