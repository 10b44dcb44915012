"""Cross-key rules of an environment stack."""

from __future__ import annotations

from settings.rules.context import EnvironmentView


def availability_zone_problems(settings: EnvironmentView) -> list[str]:
    """AZ names are the region's name plus a letter (EC2 user guide, "Regions and Zones")."""
    zones = list(settings.network.availability_zones)
    foreign = [zone for zone in zones if zone[:-1] != settings.region]
    if not foreign:
        return []
    return [
        f"mlops:network.availabilityZones = {zones}: {', '.join(foreign)} not in region "
        f"'{settings.region}'; allowed: zones of {settings.region}, e.g. {settings.region}a"
    ]


RULES = (availability_zone_problems,)
