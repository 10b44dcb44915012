"""`mlopsctl plan` shows the AWS conformance section, carries the findings in its JSON and
exits non-zero on a rejection (through the console script, on a project copy)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from tests.conftest import PROJECT, PROJECT_ROOT, SHIPPED_STACKS

MLOPSCTL = str(Path(PROJECT_ROOT / ".venv" / "bin" / "mlopsctl"))
TIMEOUT = 600  # a hang guard only


def _mlopsctl(*args: str, project: Path = PROJECT_ROOT) -> subprocess.CompletedProcess:
    return subprocess.run(
        [MLOPSCTL, "--project", str(project), *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
    )


def test_a_shipped_stack_plans_with_no_rejection():
    result = _mlopsctl("plan", "fraud-dev", "--no-tree")
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    assert "AWS conformance: 0 rejection(s)" in result.stdout
    document = json.loads(_mlopsctl("plan", "fraud-dev", "--json", "-").stdout)
    assert document["conformance"] == []


def test_a_value_aws_refuses_is_named_and_fails_the_plan(tmp_path):
    """A program bug settings cannot see, simulated on a copy: its buckets get names AWS
    refuses; the plan names them and exits 4."""
    for name in ("Pulumi.yaml", "__main__.py"):
        shutil.copy(PROJECT_ROOT / name, tmp_path / name)
    (tmp_path / "stacks").mkdir()
    for stack in SHIPPED_STACKS:
        shutil.copy(PROJECT.stack_path(stack), tmp_path / "stacks")
    # A bucket name AWS refuses: S3 names allow no uppercase letters (S3 user guide, "Bucket
    # naming rules"). The prefix is validated by settings, so the copy's program renames one
    # bucket after settings ran, as a component bug would (keeping the platform's naming scheme,
    # so that the policy pack's owned-bucket rules still recognise it).
    main = (tmp_path / "__main__.py").read_text()
    main = main.replace(
        "naming = Naming(",
        "import components.naming as _n\n"
        "_n.Naming.bucket = lambda self, purpose: f'{self.scope}-Bad_{purpose}-{self.account_id}'\n"
        "naming = Naming(",
    )
    (tmp_path / "__main__.py").write_text(main)
    result = _mlopsctl("plan", "dev", "--json", "-", project=tmp_path)
    assert result.returncode == 4, result.stderr[-3000:]
    findings = json.loads(result.stdout)["conformance"]
    names = [f for f in findings if f["rule"] == "s3-bucket-name"]
    assert names and "-Bad_" in names[0]["value"]
    assert names[0]["resourceType"] == "aws:s3/bucket:Bucket"
    assert "AWS conformance" in result.stderr
