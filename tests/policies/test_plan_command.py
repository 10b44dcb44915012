"""`mlopsctl plan` prints the verdicts (with the stack's derived pack config, or
`--policy-config FILE`) and exits 3 on a mandatory violation."""

from __future__ import annotations

import json

from mlopsctl.cli import main
from mlopsctl.policy_runner import stack_pack_config
from tests.conftest import PROJECT


def test_plan_prints_verdicts_and_passes_a_shipped_stack(capsys, monkeypatch) -> None:
    """By default the stack is judged with its own derived pack config."""
    monkeypatch.setenv("COLUMNS", "300")  # keep the table title on one line
    assert main(["plan", "fraud-dev", "--no-tree"]) == 0
    out = capsys.readouterr().out
    assert "Policy verdicts (mlopsctl pack-config fraud-dev): 0 violation(s)" in out


def test_plan_exits_3_on_a_mandatory_violation(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "300")  # keep table cells on one line
    strict = stack_pack_config(PROJECT, "fraud-prod")  # `mlopsctl pack-config fraud-prod`
    strict["governance-required-tags"] = {"requiredTags": ["team", "data-owner-approval"]}
    config = tmp_path / "strict.json"
    config.write_text(json.dumps(strict))
    assert main(["plan", "fraud-prod", "--no-tree", "--policy-config", str(config)]) == 3
    out = capsys.readouterr().out
    assert "Policy verdicts (strict.json): " in out
    assert "governance-required-tags" in out and "missing required tags data-owner-approval" in out


def test_plan_refuses_a_bad_policy_config(tmp_path, capsys) -> None:
    config = tmp_path / "bad.json"
    config.write_text('{"no-such-rule": "mandatory"}')
    assert main(["plan", "fraud-dev", "--no-tree", "--policy-config", str(config)]) == 2
    assert "unknown policy 'no-such-rule'" in capsys.readouterr().err
