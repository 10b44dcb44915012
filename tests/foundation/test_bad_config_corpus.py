"""A corpus of bad stack configs: each gives one clear error, naming the key, before any resource."""

from __future__ import annotations

import pytest

from components.settings import ConfigError
from mlopsctl.plan.engine import PlanError, plan_config, stack_config

# (id, stack, changes to the stack's config (None removes a key), text the error must contain)
CORPUS = [
    ("wrong-type-production", "dev", {"mlops:production": "yes-please"}, "mlops:production"),
    (
        "unknown-top-level-key",
        "fraud-dev",
        {"mlops:teem": {"name": "x"}},
        "mlops:teem: unknown key (did you mean 'mlops:team'?)",
    ),
    (
        "unknown-nested-key",
        "fraud-dev",
        {
            "mlops:team": {
                "name": "fraud",
                "environmentStack": "dev",
                "dataClasification": "internal",
            }
        },
        "mlops:team.dataClasification: unknown key (did you mean 'dataClassification'?)",
    ),
    (
        "bad-cidr",
        "dev",
        {
            "mlops:network": {
                "mode": "create",
                "cidr": "10.20.0.1/16",
                "availabilityZones": ["eu-west-1a", "eu-west-1b"],
            }
        },
        "mlops:network.cidr = '10.20.0.1/16'",
    ),
    (
        "public-cidr",
        "dev",
        {
            "mlops:network": {
                "mode": "create",
                "cidr": "8.8.0.0/16",
                "availabilityZones": ["eu-west-1a", "eu-west-1b"],
            }
        },
        "private (RFC 1918)",
    ),
    (
        "single-az",
        "dev",
        {"mlops:network": {"mode": "create", "availabilityZones": ["eu-west-1a"]}},
        "at least two distinct availability zones",
    ),
    (
        "adopt-without-ids",
        "dev",
        {"mlops:network": {"mode": "adopt"}},
        "vpcId, at least two subnetIds",
    ),
    (
        "bad-vpc-id",
        "dev",
        {
            "mlops:network": {
                "mode": "adopt",
                "vpcId": "vpc-xyz",
                "subnetIds": ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
                "securityGroupIds": ["sg-0123456789abcdef0"],
            }
        },
        "mlops:network.vpcId = 'vpc-xyz'",
    ),
    (
        "bad-team-name",
        "fraud-dev",
        {"mlops:team": {"name": "Fraud_Team", "environmentStack": "dev"}},
        "mlops:team.name = 'Fraud_Team': allowed: 2-16 lowercase letters or digits",
    ),
    (
        "reserved-team-name",
        "fraud-dev",
        {"mlops:team": {"name": "platform", "environmentStack": "dev"}},
        "reserved for the environment layer",
    ),
    (
        "missing-environment-stack",
        "fraud-dev",
        {"mlops:team": {"name": "fraud", "environmentStack": "qa"}},
        "mlops:team.environmentStack = 'qa': no such stack file; allowed: dev, prod",
    ),
    (
        "team-points-at-team-stack",
        "fraud-dev",
        {"mlops:team": {"name": "fraud", "environmentStack": "fraud-prod"}},
        "mlops:team.environmentStack = 'fraud-prod': is not an environment-layer stack",
    ),
    (
        "environment-mismatch",
        "fraud-dev",
        {"mlops:environment": "prod"},
        "mlops:environment = 'prod': must equal the environment stack 'dev'",
    ),
    (
        "account-mismatch",
        "fraud-dev",
        {"mlops:accountId": "999999999999"},
        "mlops:accountId = '999999999999': must equal the environment stack",
    ),
    (
        "bad-account-id",
        "dev",
        {"mlops:accountId": "12345"},
        "mlops:accountId = '12345': allowed: a 12-digit",
    ),
    (
        "bad-region",
        "dev",
        {"aws:region": "europe"},
        "aws:region = 'europe': allowed: an AWS region name",
    ),
    (
        "bad-owner",
        "dev",
        {"mlops:owner": "nobody"},
        "mlops:owner = 'nobody': allowed: an e-mail address",
    ),
    ("missing-owner", "dev", {"mlops:owner": None}, "mlops:owner: missing"),
    (
        "unknown-layer",
        "dev",
        {"mlops:layer": "shared"},
        "mlops:layer = 'shared': allowed: 'environment' or 'team'",
    ),
    (
        "environment-key-on-team-stack",
        "fraud-dev",
        {"mlops:network": {"mode": "create"}},
        "mlops:network: belongs to the environment layer",
    ),
    (
        "bad-classification",
        "fraud-dev",
        {
            "mlops:team": {
                "name": "fraud",
                "environmentStack": "dev",
                "dataClassification": "secret",
            }
        },
        "mlops:team.dataClassification = 'secret'",
    ),
    (
        "lifecycle-out-of-range",
        "fraud-dev",
        {
            "mlops:team": {
                "name": "fraud",
                "environmentStack": "dev",
                "lifecycle": {"noncurrentVersionExpirationDays": 0},
            }
        },
        "mlops:team.lifecycle.noncurrentVersionExpirationDays = 0: allowed: an integer from 1 to 3650",
    ),
    (
        "ia-transition-too-early",
        "fraud-dev",
        {
            "mlops:team": {
                "name": "fraud",
                "environmentStack": "dev",
                "lifecycle": {"transitionToInfrequentAccessDays": 10},
            }
        },
        "transitionToInfrequentAccessDays = 10: allowed: 0 (off) or 30-3650 days",
    ),
    (
        "gpu-type-not-an-instance-type",
        "dev",
        {"mlops:governance": {"allowedGpuInstanceTypes": ["g5.xlarge"]}},
        "mlops:governance.allowedGpuInstanceTypes[0] = 'g5.xlarge'",
    ),
]


@pytest.mark.parametrize(
    ("stack", "changes", "expected"), [c[1:] for c in CORPUS], ids=[c[0] for c in CORPUS]
)
def test_bad_config_gives_one_clear_error_before_any_resource(stack, changes, expected):
    config = stack_config(stack)
    for key, value in changes.items():
        if value is None:
            config.pop(key)
        else:
            config[key] = value
    with pytest.raises(PlanError) as caught:
        plan_config(stack, config)
    error = caught.value
    assert isinstance(error.__cause__, ConfigError), error
    message = str(error.__cause__)
    assert expected in message
    assert message.count("\n  - ") == 1, f"expected exactly one problem, got:\n{message}"
    assert error.registered == 0, "resources were registered before the config error"


def test_corpus_is_large_enough():
    assert len(CORPUS) >= 15
