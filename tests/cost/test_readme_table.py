"""README's cost table is generated from the shipped stacks (python -m mlopsctl.cost)."""

from __future__ import annotations

from mlopsctl.cost.readme import current_block, readme_path, render

README = readme_path()


def test_readme_cost_table_is_generated_from_the_shipped_stacks() -> None:
    assert current_block(README.read_text()) == render(), (
        "README cost table is stale: run python -m mlopsctl.cost --write-readme"
    )


def test_cost_table_sits_in_the_cost_section() -> None:
    text = README.read_text()
    section = text.split("\n## Cost\n", 1)[1].split("\n## ", 1)[0]
    assert current_block(text) in section
