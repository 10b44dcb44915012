"""A persona's journey: steps taken in order, each judged by moto or by the evaluator.

Expected outcomes are the derived matrix's cells (the intent, expanded over the plans); a step
records one line per cell that came out otherwise, naming the judge that decided.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError

from mlopsctl.access.arns import parse_s3_url
from mlopsctl.access.cells import MOTO, Cell
from tests.personas.helpers import Derived
from tests.support.dvc_client import client_env, dvc
from tests.support.moto_server import MotoServer

DENIED = ("AccessDenied", "AccessDeniedException")
# The calls moto_outcome makes; other cells (s3:DeleteObjectVersion needs a version id) go to
# the evaluator.
MOTO_ACTIONS = frozenset(
    {
        "iam:GetRole",
        "s3:GetObject",
        "s3:PutObject",
        "s3:DeleteObject",
        "s3:ListBucket",
        "s3:GetBucketPolicy",
        "s3:GetBucketTagging",
    }
)


def s3_location(arn: str) -> tuple[str, str]:
    return parse_s3_url("s3://" + arn.split(":::", 1)[1])


def moto_outcome(clients: Callable[[str], Any], cell: Cell) -> str:
    """Make the cell's S3 or IAM call with `clients(service)`: 'deny' on AccessDenied, else
    'allow'."""
    try:
        if cell.action == "iam:GetRole":
            clients("iam").get_role(RoleName=cell.resource.rsplit("/", 1)[1])
            return "allow"
        s3 = clients("s3")
        bucket, key = s3_location(cell.resource)
        calls: dict[str, Callable[[], object]] = {
            "s3:GetObject": lambda: s3.get_object(Bucket=bucket, Key=key),
            "s3:PutObject": lambda: s3.put_object(Bucket=bucket, Key=key, Body=b"journey"),
            "s3:DeleteObject": lambda: s3.delete_object(Bucket=bucket, Key=key),
            "s3:ListBucket": lambda: s3.list_objects_v2(Bucket=bucket, MaxKeys=1),
            "s3:GetBucketPolicy": lambda: s3.get_bucket_policy(Bucket=bucket),
            "s3:GetBucketTagging": lambda: s3.get_bucket_tagging(Bucket=bucket),
        }
        calls[cell.action]()
    except ClientError as error:
        return "deny" if error.response["Error"]["Code"] in DENIED else "allow"
    return "allow"


@dataclass
class Journey:
    persona: str
    matrix: Derived
    server: MotoServer
    credentials: dict[str, dict[str, str]] = field(default_factory=dict)  # role ARN -> env
    failures: list[str] = field(default_factory=list)
    judged: int = 0
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict)

    def clients(self, principal: str) -> Callable[[str], Any]:
        """boto3 clients of moto_server with the role's credentials, made once each."""

        def client(service: str) -> Any:
            key = (principal, service)
            if key not in self._clients:
                self._clients[key] = self.server.client(service, self.credentials[principal])
            return self._clients[key]

        return client

    def cells(self, steps: Iterable[str], relations: Iterable[str] = ("own",)) -> list[Cell]:
        steps, relations = set(steps), set(relations)
        actors = {self.persona, f"{self.persona}-exec"}
        return [
            c
            for c in self.matrix.cells
            if c.step in steps and c.relation in relations and c.persona in actors
        ]

    def record(self, label: str, cell: Cell, judge: str, outcome: str, why: str = "") -> None:
        self.judged += 1
        if outcome != cell.expect:
            self.failures.append(
                f"{label}: {cell.label}: expected {cell.expect}, {judge} says {outcome}{why}"
            )

    def judge(self, label: str, cells: list[Cell], moto: bool = True) -> None:
        """Each cell by moto (S3/IAM cells without context, when the acting role's credentials
        are known) or else by the evaluator."""
        for cell in cells:
            in_moto = cell.proof == MOTO and cell.action in MOTO_ACTIONS
            if moto and in_moto and cell.principal in self.credentials:
                outcome = moto_outcome(self.clients(cell.principal), cell)
                self.record(label, cell, "moto", outcome)
            else:
                outcome = self.matrix.evaluated(cell)
                self.record(label, cell, "evaluator", outcome, self.matrix.why(cell))

    def report(self) -> str:
        return f"{self.persona}: {len(self.failures)} of {self.judged} judged cells failed:\n" + (
            "\n".join(self.failures)
        )


def dvc_repository(
    server: MotoServer, remote: dict[str, str], creds: dict[str, str], home: Path
) -> tuple[Path, dict[str, str]]:
    """A DVC project whose default remote is the stack's exported `dvcRemote`, at moto."""
    env = client_env(creds, home, server.region, dropped=("AWS_", "DVC_"))
    repo = home / "repo"
    (repo / ".dvc").mkdir(parents=True)  # what `dvc init --no-scm` makes, less its tmp dir
    name = remote["name"]
    settings = {k: v for k, v in remote.items() if k not in ("name", "url")}
    lines = ["[core]", f"    remote = {name}", "    no_scm = True", "    check_update = False"]
    lines += [f"['remote \"{name}\"']"]
    lines += [f"    url = {remote['url']}", f"    endpointurl = {server.endpoint}"]
    lines += [f"    {key} = {value}" for key, value in settings.items()]
    (repo / ".dvc" / "config").write_text("\n".join(lines) + "\n")
    return repo, env


def dvc_round_trip(repo: Path, env: dict[str, str]) -> tuple[bool, bool, str]:
    """`dvc add` + `dvc push`, then without file and cache `dvc pull`: (pushed, pulled, log)."""
    data = os.urandom(4096)
    (repo / "features.bin").write_bytes(data)
    added = dvc(["add", "-q", "features.bin"], repo, env)
    assert added.returncode == 0, added.stderr
    pushed = dvc(["push", "-q"], repo, env)
    if pushed.returncode != 0:  # nothing to pull
        return False, False, f"push: {pushed.stderr[-600:]}"
    (repo / "features.bin").unlink()
    shutil.rmtree(repo / ".dvc" / "cache", ignore_errors=True)
    pulled = dvc(["pull", "-q"], repo, env)
    restored = (repo / "features.bin").is_file() and (repo / "features.bin").read_bytes() == data
    return True, pulled.returncode == 0 and restored, f"pull: {pulled.stderr[-600:]}"
