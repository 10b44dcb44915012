"""Per-resource exemptions: written in the stack (`mlops:policyExemptions`), carried into the
pack config, waiving one policy on one resource, and shown in the verdicts with their reason."""

from __future__ import annotations

import json

import pytest

from mlopsctl.plan.model import Plan
from mlopsctl.policy_runner import load_pack_config, run_policies, stack_pack_config
from mlopsctl.violation import PolicyConfigError
from tests.conftest import PROJECT, plan_variant
from tests.policies.helpers import add, change, resource, violations

KEY = "aws:kms/key:Key"
REASON = "HSM-backed key material is imported and rotated by hand (ticket SEC-1234)"


def _exempt(policy: str, entries: list[dict]) -> dict:
    return {"mlops:policyExemptions": {policy: entries}}


def _unrotated(plan: Plan) -> Plan:
    """The team key and a second, hand-added key, both without rotation."""
    change(plan, KEY, "team-key", lambda props: props.update(enableKeyRotation=False))
    add(plan, KEY, "imported-key", {"enableKeyRotation": False, "description": "imported"})
    return plan


@pytest.fixture(scope="module")
def exempted() -> Plan:
    entry = {"resource": "team-key", "reason": REASON}
    return plan_variant("fraud-dev", _exempt("kms-key-rotation", [entry]))


def test_the_exemption_reaches_the_pack_config(exempted: Plan) -> None:
    from mlopsctl.policy_runner import derived_pack_config

    config = derived_pack_config(exempted)
    assert config["kms-key-rotation"]["exemptions"] == [{"resource": "team-key", "reason": REASON}]


def test_an_exemption_waives_its_resource_only_and_is_shown_with_its_reason(exempted) -> None:
    found = violations(_unrotated(exempted))
    rotation = [v for v in found if v.policy == "kms-key-rotation"]
    assert [v.urn.rsplit("::", 1)[1] for v in rotation] == ["imported-key"]
    [shown] = [v for v in found if v.policy == "exemptions-in-force"]
    assert shown.enforcement == "advisory"
    assert shown.urn == resource(exempted, KEY, "team-key").urn
    assert REASON in shown.message and "kms-key-rotation" in shown.message


def test_without_the_exemption_both_keys_are_violations(plan) -> None:
    import copy

    found = violations(_unrotated(copy.deepcopy(plan("fraud-dev"))))
    rotation = sorted(v.urn.rsplit("::", 1)[1] for v in found if v.policy == "kms-key-rotation")
    assert rotation == ["imported-key", "team-key"]
    assert not [v for v in found if v.policy == "exemptions-in-force"]


def test_an_exemption_without_a_reason_does_not_apply_and_a_config_file_with_one_is_refused(
    plan, tmp_path
) -> None:
    import copy

    planned = _unrotated(copy.deepcopy(plan("fraud-dev")))
    config = stack_pack_config(PROJECT, "fraud-dev")
    config["kms-key-rotation"] = {"exemptions": [{"resource": "team-key", "reason": "ok"}]}
    rotation = [v for v in run_policies(planned, config) if v.policy == "kms-key-rotation"]
    assert len(rotation) == 2  # as the CLI runs a pack config that skipped validation
    path = tmp_path / "pack.json"
    path.write_text(json.dumps(config))
    with pytest.raises(PolicyConfigError, match=r"kms-key-rotation\.exemptions\[0\].*reason"):
        load_pack_config(path)


def test_an_exemption_names_a_policy_of_the_pack() -> None:
    entry = {"resource": "team-key", "reason": REASON}
    with pytest.raises(PolicyConfigError, match=r"kms-key-rotaton.*allowed: .*kms-key-rotation"):
        violations(plan_variant("fraud-dev", _exempt("kms-key-rotaton", [entry])))
