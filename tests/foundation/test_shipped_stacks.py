"""Every shipped stack plans offline, with the exports team stacks and people rely on."""

from __future__ import annotations

import pytest

from tests.conftest import ENVIRONMENT_STACKS, SHIPPED_STACKS, TEAM_STACKS


def test_ships_two_environments_and_at_least_two_team_stacks():
    assert {"dev", "prod"} <= set(ENVIRONMENT_STACKS)
    assert len(TEAM_STACKS) >= 2


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_stack_plans_offline(plan, stack):
    result = plan(stack)
    assert result.resources, "a plan with no resources proves nothing"
    assert any(r.type == "aws:kms/key:Key" for r in result.resources)
    assert result.exports["layer"] in ("environment", "team")


@pytest.mark.parametrize("stack", ENVIRONMENT_STACKS)
def test_environment_exports_what_team_stacks_need(plan, stack):
    exports = plan(stack).exports
    for key in (
        "vpcId",
        "privateSubnetIds",
        "workloadSecurityGroupIds",
        "environmentKmsKeyArn",
        "accessLogBucket",
        "auditBucket",
        "region",
        "accountId",
    ):
        assert exports.get(key), f"{stack} does not export {key}"
    assert exports["vpcId"].startswith("vpc-")
    assert all(s.startswith("subnet-") for s in exports["privateSubnetIds"])


@pytest.mark.parametrize("stack", TEAM_STACKS)
def test_team_stack_uses_its_environment_outputs(plan, stack):
    team = plan(stack)
    env_stack = team.config["mlops:team"]["environmentStack"]
    env = plan(env_stack)
    logging = team.of_type("aws:s3/bucketLogging:BucketLogging")
    assert logging
    assert {r.inputs["targetBucket"] for r in logging} == {env.exports["accessLogBucket"]}
