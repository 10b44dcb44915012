"""README.md stays true: the config reference is current and the two commands are the Makefile's."""

from __future__ import annotations

import re

from mlopsctl.config_reference import README, current_block, render


def test_config_reference_in_readme_is_generated_from_the_settings_models():
    assert current_block(README.read_text()) == render(), (
        "README config reference is stale: run python -m mlopsctl.config_reference --write"
    )


def test_config_reference_lists_every_layer_key():
    block = render()
    for key in (
        "mlops:network.cidr",
        "mlops:team.environmentStack",
        "mlops:lab.members[].persona",
        "mlops:personas.allowGpu",
        "mlops:tracking.mlflowVersion",
        "mlops:inference.backend",
    ):
        assert f"`{key}`" in block


def test_quick_start_has_exactly_the_two_make_targets_and_ci_runs_the_test_one():
    text = README.read_text()
    quick_start = text.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^make (\w+)", quick_start, flags=re.MULTILINE)
    assert commands == ["plan", "test"]
    ci = (README.parent / ".ci" / "run").read_text()
    assert ci.strip().splitlines()[-1] == "make test"
