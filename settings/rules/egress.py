"""Cross-key rules of `mlops:network.egress`: the egress fits the network (environment stacks),
and a team's git repositories and mirrors are on hosts its environment's egress reaches."""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from settings.derived import egress_reach
from settings.models.tracking import MLFLOW_APP_HOST
from settings.rules.context import EnvironmentView, TeamView

KEY = "mlops:network.egress"
# The network component carves the VPC range into four quarters: private subnets take one per
# zone, the public subnets of mode nat the last one (components/network_egress.py).
MAX_NAT_ZONES = 3


def adopted_network_problems(settings: EnvironmentView) -> list[str]:
    """An adopted network's routes and security groups are not this stack's to change."""
    network, egress = settings.network, settings.network.egress
    if network.mode != "adopt":
        return []
    if egress.mode not in ("none", "private"):
        return [
            f"{KEY}.mode = '{egress.mode}': with mode adopt, the adopted network's routes and "
            "security groups decide where workloads reach and this stack creates nothing in "
            "it; allowed: none, or private with hosts (the host names the adopted network "
            "reaches) and no destinations"
        ]
    if egress.destinations:
        return [
            f"{KEY}.destinations = {[d.value for d in egress.destinations]}: with mode adopt "
            "this stack adds no security group rules; allowed: [] (hosts alone say what the "
            "adopted network reaches)"
        ]
    return []


def destination_problems(settings: EnvironmentView) -> list[str]:
    network = settings.network
    if network.mode != "create":
        return []
    vpc = ipaddress.IPv4Network(network.cidr)
    problems: list[str] = []
    seen: dict[str, int] = {}
    for index, destination in enumerate(network.egress.destinations):
        key = f"{KEY}.destinations[{index}]"
        if destination.value in seen:
            problems.append(
                f"{key} = '{destination.value}': already destinations[{seen[destination.value]}]"
                "; allowed: each destination once"
            )
        seen.setdefault(destination.value, index)
        if destination.cidr and ipaddress.IPv4Network(destination.cidr).overlaps(vpc):
            problems.append(
                f"{key}.cidr = '{destination.cidr}': overlaps the VPC's own range "
                f"{network.cidr}, which the workloads reach already (and a peered network "
                f"cannot share); allowed: a range outside {network.cidr} (hosts inside the VPC "
                "need no destination)"
            )
    return problems


def nat_zone_problems(settings: EnvironmentView) -> list[str]:
    network = settings.network
    zones = list(network.availability_zones)
    if network.mode != "create" or network.egress.mode != "nat" or len(zones) <= MAX_NAT_ZONES:
        return []
    return [
        f"mlops:network.availabilityZones = {zones}: egress mode nat puts its public subnets in "
        f"the quarter of the VPC range a fourth zone would take; allowed: at most "
        f"{MAX_NAT_ZONES} zones with egress mode nat"
    ]


ENVIRONMENT_RULES = (adopted_network_problems, destination_problems, nat_zone_problems)


def _shown(url: str) -> str:
    """The URL as written, but never its query or fragment (where tokens travel)."""
    base = url.split("?", 1)[0].split("#", 1)[0]
    return base if base == url else f"{base}?***"


def _host(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def _team_urls(settings: TeamView) -> list[tuple[str, str]]:
    """(key path, URL) of every git repository and mirror of the team's lab."""
    lab = settings.lab
    urls = [
        (f"mlops:lab.codeRepositories[{index}].url", repo.url)
        for index, repo in enumerate(lab.code_repositories)
    ]
    urls += [("mlops:lab.packageMirrorUrl", lab.package_mirror_url)]
    urls += [("mlops:lab.pipMirrorUrl", lab.pip_mirror_url)]
    return [(key, url) for key, url in urls if url]


def _allowed(mode: str, hosts: tuple[str, ...], host: str, env: str) -> str:
    where = f"in environment '{env}'"
    if mode == "none":
        return (
            f"environment '{env}' has {KEY}.mode none (its workloads reach only the VPC and AWS "
            f"services through endpoints); allowed: no repositories or mirrors, or egress mode "
            f"private with {host or 'the host'} in hosts, nat or transit-gateway {where}"
        )
    return (
        f"environment '{env}' has {KEY}.mode private, which reaches only "
        f"{', '.join(hosts)}; allowed: a URL on those hosts, or {host or 'the host'} added to "
        f"{KEY}.hosts (with a destination that reaches it), or egress mode nat or "
        f"transit-gateway {where}"
    )


def reachability_problems(settings: TeamView) -> list[str]:
    """Every repository and mirror URL of the lab is on a host the environment reaches."""
    env = settings.env
    reach = egress_reach(env.network)
    problems = []
    for key, url in _team_urls(settings):
        host = _host(url)
        if not reach.reaches(host):
            problems.append(
                f"{key} = '{_shown(url)}': {_allowed(reach.mode, reach.hosts, host, env.stack)}"
            )
    return problems


def mlflow_app_problems(settings: TeamView) -> list[str]:
    """An MLflow App is reached at its regional host; no interface endpoint for it is documented
    (docs/tracking.md), so the environment's egress must reach the host."""
    if settings.tracking.kind != "app":
        return []
    env = settings.env
    host = MLFLOW_APP_HOST.format(region=settings.region)
    reach = egress_reach(env.network)
    if reach.reaches(host):
        return []
    reached = ", ".join(reach.hosts) if reach.hosts else "no host"
    return [
        f"mlops:tracking.kind = 'app': the MLflow App answers at {host}, which environment "
        f"'{env.stack}' does not reach ({KEY}.mode {reach.mode}, hosts: {reached}); allowed: "
        f"{host} added to {KEY}.hosts of '{env.stack}' (with a destination that reaches it), "
        "egress mode nat or transit-gateway, or tracking kind sagemaker (a tracking server, "
        "reached through its interface endpoint)"
    ]


TEAM_RULES = (reachability_problems, mlflow_app_problems)
