"""docs/policies.md is generated from the rules: it lists every policy with the family, kind,
enforcement level and severity the pack serves, and a test fails when it is stale."""

from __future__ import annotations

import re

import pytest
from pulumi_policy import StackValidationPolicy

from mlopsctl import policy_reference
from mlopsctl.policy_reference import COMMAND, DOC, render
from policies.registry import FAMILIES, all_policies, family_name

ROW = re.compile(r"^\| `([a-z0-9-]+)` \| (resource|stack) \| (\w+) \| (\w+) \|", re.MULTILINE)


def test_policy_reference_in_docs_is_generated_from_the_rules() -> None:
    text = DOC.read_text()
    assert render(text) == text, f"docs/policies.md is stale: run .venv/bin/{COMMAND}"


def test_reference_rows_are_what_the_pack_serves() -> None:
    rows = {m[0]: m[1:] for m in ROW.findall(DOC.read_text())}
    served = {
        p.name: (
            "stack" if isinstance(p, StackValidationPolicy) else "resource",
            p.enforcement_level.value,
            p.severity.value,
        )
        for p in all_policies()
    }
    assert rows == served


def test_each_family_has_its_section_in_order() -> None:
    text = DOC.read_text()
    positions = [text.index(f"Family `{family_name(m)}`: `policies/rules/") for m in FAMILIES]
    assert positions == sorted(positions)
    for module in FAMILIES:
        section = text.split(f"Family `{family_name(module)}`:")[1].split("\n### ")[0]
        assert all(f"| `{p.name}` |" in section for p in module.POLICIES), module.__name__


def test_check_and_write_flags(tmp_path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    stale = tmp_path / "policies.md"
    stale.write_text(DOC.read_text().replace("| `s3-tls-only` | stack", "| `s3-tls-only` | old"))
    monkeypatch.setattr(policy_reference, "DOC", stale)
    assert policy_reference.main(["--check"]) == 1
    assert COMMAND in capsys.readouterr().err
    assert policy_reference.main(["--write"]) == 0
    assert policy_reference.main(["--check"]) == 0
    assert stale.read_text() == DOC.read_text()
