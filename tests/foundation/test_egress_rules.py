"""The settings rules of controlled egress: a team whose git repositories or mirrors its
environment's egress cannot reach fails with one clear error naming the key, the URL and the
mode, and bad `mlops:network.egress` settings are refused before any resource is planned.

Expected values are the configs written here and in `test_egress.py`.
"""

from __future__ import annotations

import pytest

from mlopsctl.plan.engine import PlanError
from settings import ConfigError
from tests.conftest import deep_merge, plan_variant
from tests.foundation.test_egress import (
    ANYWHERE,
    CORPORATE,
    NAT,
    NONE,
    PREFIX_LIST,
    PRIVATE,
    TRANSIT,
    environment,
)

REPO = "https://git.internal.example.com/fraud/fraud-models.git"  # fraud-dev's repository
GITHUB = "https://github.com/example-org/fraud-features.git"
ADOPTED = {
    "mode": "adopt",
    "vpcId": "vpc-0123456789abcdef0",
    "subnetIds": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
    "securityGroupIds": ["sg-0123456789abcdef0"],
    "availabilityZones": [],
}

# -- a team's repositories and mirrors against its environment's egress ----------------------


# fraud-dev on a tracking server (reached through its interface endpoint), so these cases see
# only their repositories' and mirrors' reach; the MLflow App's host is test_mlflow_app.py's.
TRACKING_SERVER = {"mlops:tracking": {"kind": "sagemaker"}}


def team_error(changes: dict, egress: dict | None) -> str:
    with pytest.raises(PlanError) as caught:
        plan_variant(
            "fraud-dev",
            deep_merge(TRACKING_SERVER, changes),
            environment(egress) if egress else None,
        )
    assert isinstance(caught.value.__cause__, ConfigError)
    return str(caught.value)


def test_egress_none_refuses_every_repository_and_mirror_naming_url_and_mode():
    message = team_error({}, NONE)
    lines = [line for line in message.splitlines() if line.startswith("  - ")]
    assert [line.split(" = ", 1)[0] for line in lines] == [
        "  - mlops:lab.codeRepositories[0].url",
        "  - mlops:lab.packageMirrorUrl",
        "  - mlops:lab.pipMirrorUrl",
    ]
    assert f"'{REPO}'" in lines[0]
    assert all("mlops:network.egress.mode none" in line for line in lines)
    assert all("environment 'dev'" in line and "allowed: " in line for line in lines)


def test_private_egress_refuses_a_host_not_in_its_hosts():
    repos = [{"name": "features", "url": GITHUB}]
    message = team_error({"mlops:lab": {"codeRepositories": repos, "environmentYml": None}}, None)
    assert message.count("\n  - ") == 1
    assert f"mlops:lab.codeRepositories[0].url = '{GITHUB}'" in message
    assert "mlops:network.egress.mode private" in message
    assert "git.internal.example.com, mirror.internal.example.com" in message  # dev's hosts
    assert "github.com added to mlops:network.egress.hosts" in message


def test_open_egress_reaches_public_hosts():
    repos = [{"name": "features", "url": GITHUB}]
    lab = {"mlops:lab": {"codeRepositories": repos, "environmentYml": None}}
    for egress in (NAT, TRANSIT):
        team = plan_variant("fraud-dev", deep_merge(TRACKING_SERVER, lab), environment(egress))
        repositories = str(team.one("aws:sagemaker/domain:Domain").inputs)
        assert GITHUB in repositories


def test_a_wildcard_host_reaches_the_hosts_under_it_but_not_the_domain_itself():
    egress = {**PRIVATE, "hosts": ["*.internal.example.com"]}
    plan_variant("fraud-dev", TRACKING_SERVER, environment(egress))  # git. and mirror.internal...
    bare = "https://internal.example.com/conda"
    message = team_error({"mlops:lab": {"packageMirrorUrl": bare}}, egress)
    assert f"mlops:lab.packageMirrorUrl = '{bare}'" in message
    assert message.count("\n  - ") == 1


def test_the_error_never_shows_a_mirror_url_query():
    url = "https://pypi.example.org/simple?key=Zq8mYv2Lk5"
    message = team_error({"mlops:lab": {"pipMirrorUrl": url}}, None)
    assert "mlops:lab.pipMirrorUrl = 'https://pypi.example.org/simple?***'" in message
    assert "Zq8mYv2Lk5" not in message


# -- the environment's own egress settings -----------------------------------------------------


def environment_error(network: dict, stack: str = "dev") -> str:
    with pytest.raises(PlanError) as caught:
        plan_variant(stack, {"mlops:network": network})
    assert isinstance(caught.value.__cause__, ConfigError)
    assert caught.value.registered == 0
    return str(caught.value)


@pytest.mark.parametrize(
    ("network", "expected"),
    [
        (
            {"egress": {**TRANSIT, "transitGatewayId": "tgw-12345"}},
            "mlops:network.egress.transitGatewayId = 'tgw-12345': allowed: an id such as tgw-",
        ),
        ({"egress": {**TRANSIT, "transitGatewayId": None}}, "transitGatewayId: required"),
        (
            {"egress": {**PRIVATE, "natGateways": "single"}},
            "natGateways: only allowed with mode: nat",
        ),
        ({"egress": {**PRIVATE, "hosts": []}}, "mode private: hosts is required"),
        (
            {"egress": {**PRIVATE, "destinations": [{"cidr": ANYWHERE}]}},
            "mlops:network.egress.destinations[0].cidr = '0.0.0.0/0': allowed: a private range",
        ),
        (
            {"egress": {**PRIVATE, "destinations": [{"cidr": "10.20.8.0/24"}]}},
            "mlops:network.egress.destinations[0].cidr = '10.20.8.0/24': overlaps the VPC's own "
            "range 10.20.0.0/16",
        ),
        (
            {"egress": {**PRIVATE, "destinations": [{"cidr": CORPORATE}, {"cidr": CORPORATE}]}},
            "mlops:network.egress.destinations[1] = '172.16.0.0/12': already destinations[0]",
        ),
        (
            {
                "egress": {
                    **PRIVATE,
                    "destinations": [{"cidr": CORPORATE, "prefixListId": PREFIX_LIST}],
                }
            },
            "exactly one of cidr or prefixListId",
        ),
        (
            {"egress": NAT, "availabilityZones": [f"eu-west-1{z}" for z in "abcd"]},
            "egress mode nat puts its public subnets in the quarter of the VPC range",
        ),
        (
            {**ADOPTED, "egress": NAT},
            "mlops:network.egress.mode = 'nat': with mode adopt",
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_egress_settings_give_one_clear_error(network, expected):
    message = environment_error(network)
    assert expected in message, message
    assert message.count("\n  - ") == 1, message


def test_an_adopted_network_may_declare_the_hosts_it_reaches():
    hosts_only = {"mode": "private", "destinations": None, "hosts": ["github.com"]}
    adopted = {**ADOPTED, "egress": hosts_only}
    env = plan_variant("dev", {"mlops:network": adopted})
    assert not [r for r in env.resources if r.type.startswith(("aws:ec2", "aws:vpc"))]
    assert env.exports["teamContract"]["egressHosts"] == ["github.com"]
    repos = [{"name": "features", "url": GITHUB}]
    lab = {
        "mlops:lab": {
            "codeRepositories": repos,
            "environmentYml": None,
            "packageMirrorUrl": "",
            "pipMirrorUrl": "",
        }
    }
    plan_variant("fraud-dev", deep_merge(TRACKING_SERVER, lab), {"mlops:network": adopted})
