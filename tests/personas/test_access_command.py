"""`mlopsctl access <stack>`: table and Markdown of the matrix."""

from __future__ import annotations

from mlopsctl.cli import main


def test_access_prints_table_and_writes_markdown(tmp_path, capsys, matrix):
    out = tmp_path / "fraud-prod.md"
    assert main(["access", "fraud-prod", "--markdown", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "Access matrix: fraud-prod" in printed
    text = out.read_text()
    rows = [line for line in text.splitlines() if line.startswith("| fraud-prod")]
    expected = [c for c in matrix if c.stack == "fraud-prod"]
    assert len(rows) == len(expected) >= 10
    assert (
        "| `ecr:PutImage` | `arn:fraud-prod:ecr:repository/{scope}/inference` |  | **deny** |"
        in text
    )


def test_access_unknown_stack_is_a_clear_error(capsys):
    assert main(["access", "nope"]) == 2
    assert "no stack file Pulumi.nope.yaml" in capsys.readouterr().err
