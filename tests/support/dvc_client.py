"""Real `dvc` run as a person's client: a clean environment with only the given credentials,
a private HOME and no analytics, and the CLI invoked with a hang guard."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.containers.container_test_utils import COMMAND_TIMEOUT


def client_env(
    credentials: dict[str, str], home: Path, region: str, dropped: tuple[str, ...] = ("AWS_",)
) -> dict[str, str]:
    """This process's environment without variables starting with `dropped` (and DVC's own
    site cache), plus the credentials, the region and a HOME of the client's own."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(dropped) and k != "DVC_SITE_CACHE_DIR"
    }
    return {
        **env,
        **credentials,
        "AWS_DEFAULT_REGION": region,
        "AWS_EC2_METADATA_DISABLED": "true",
        "HOME": str(home),
        "DVC_NO_ANALYTICS": "1",
        "DVC_SITE_CACHE_DIR": str(home / "dvc-site-cache"),
    }


def dvc(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "dvc", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
