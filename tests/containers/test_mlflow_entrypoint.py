"""The tracking-server entrypoint validates its env and builds the `mlflow server` command.

The exact command line and the generated auth config are checked through a stand-in `mlflow`
executable that records what the entrypoint executes; `test_mlflow_server_live.py` runs the
real server with basic auth on.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.containers.container_test_utils import COMMAND_TIMEOUT, CONTAINERS_DIR, base_env

ENTRYPOINT = CONTAINERS_DIR / "mlflow" / "entrypoint.sh"

REQUIRED = {
    "MLFLOW_BACKEND_STORE_URI": "postgresql://mlflow:p%40ss%25word@db.internal:5432/mlflow",
    "MLFLOW_ARTIFACTS_DESTINATION": "s3://mlops-artifacts/mlflow",
    "MLFLOW_AUTH_ADMIN_PASSWORD": "not-the-default",
    "MLFLOW_FLASK_SERVER_SECRET_KEY": "static-secret",
}

FAKE_MLFLOW = """#!{python}
import json, os, sys, configparser
cfg_path = os.environ.get("MLFLOW_AUTH_CONFIG_PATH", "")
auth = {{}}
if cfg_path:
    parser = configparser.ConfigParser()
    parser.read(cfg_path)
    auth = dict(parser["mlflow"])
    auth["_mode"] = oct(os.stat(cfg_path).st_mode & 0o777)
with open({record!r}, "w") as fh:
    json.dump({{"argv": sys.argv[1:], "auth": auth, "config_path": cfg_path}}, fh)
"""


@pytest.fixture
def fake_mlflow(tmp_path: Path) -> tuple[Path, Path]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    record = tmp_path / "record.json"
    script = bin_dir / "mlflow"
    script.write_text(FAKE_MLFLOW.format(python=sys.executable, record=str(record)))
    script.chmod(0o755)
    return bin_dir, record


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(ENTRYPOINT), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )


@pytest.mark.parametrize("missing", sorted(REQUIRED))
def test_missing_required_env_var_fails_clearly(missing: str, fake_mlflow, tmp_path: Path):
    bin_dir, record = fake_mlflow
    env = base_env(**{k: v for k, v in REQUIRED.items() if k != missing})
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    result = _run(env)
    assert result.returncode == 64
    assert "missing required environment variable(s)" in result.stderr
    assert missing in result.stderr.splitlines()[0]
    assert not record.exists(), "mlflow must not be started with an incomplete environment"


def test_empty_env_lists_every_missing_variable(fake_mlflow):
    bin_dir, _ = fake_mlflow
    env = base_env()
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    result = _run(env)
    assert result.returncode == 64
    first_line = result.stderr.splitlines()[0]
    for name in REQUIRED:
        assert name in first_line


def test_runs_mlflow_server_with_basic_auth_and_proxied_artifacts(fake_mlflow):
    bin_dir, record = fake_mlflow
    env = base_env(**REQUIRED)
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    result = _run(env, "--allowed-hosts", "mlflow.example.com")
    assert result.returncode == 0, result.stderr
    call = json.loads(record.read_text())
    argv = call["argv"]
    assert argv[0] == "server"
    opts = dict(zip(argv[1:-3:2], argv[2:-2:2], strict=False))
    assert opts["--host"] == "0.0.0.0"
    assert opts["--port"] == "5000"
    assert opts["--backend-store-uri"] == REQUIRED["MLFLOW_BACKEND_STORE_URI"]
    assert opts["--artifacts-destination"] == REQUIRED["MLFLOW_ARTIFACTS_DESTINATION"]
    assert "--serve-artifacts" in argv
    assert argv[argv.index("--app-name") + 1] == "basic-auth"
    assert argv[-2:] == ["--allowed-hosts", "mlflow.example.com"]

    # The generated auth config survives configparser interpolation of the '%'
    # in a URL-encoded password, defaults to the backend store, and is private.
    auth = call["auth"]
    assert auth["database_uri"] == REQUIRED["MLFLOW_BACKEND_STORE_URI"]
    assert auth["admin_username"] == "admin"
    assert auth["default_permission"] == "READ"
    assert auth["_mode"] == "0o600"


def test_overrides_for_port_workers_and_auth_store(fake_mlflow):
    bin_dir, record = fake_mlflow
    env = base_env(
        **REQUIRED,
        MLFLOW_PORT="5055",
        MLFLOW_WORKERS="3",
        MLFLOW_AUTH_DATABASE_URI="sqlite:////data/auth.db",
        MLFLOW_AUTH_ADMIN_USERNAME="root-admin",
        MLFLOW_AUTH_DEFAULT_PERMISSION="NO_PERMISSIONS",
    )
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    result = _run(env)
    assert result.returncode == 0, result.stderr
    call = json.loads(record.read_text())
    argv = call["argv"]
    assert argv[argv.index("--port") + 1] == "5055"
    assert argv[argv.index("--workers") + 1] == "3"
    assert call["auth"]["database_uri"] == "sqlite:////data/auth.db"
    assert call["auth"]["admin_username"] == "root-admin"
    assert call["auth"]["default_permission"] == "NO_PERMISSIONS"


def test_rejects_unknown_default_permission(fake_mlflow):
    bin_dir, record = fake_mlflow
    env = base_env(**REQUIRED, MLFLOW_AUTH_DEFAULT_PERMISSION="ADMIN")
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    result = _run(env)
    assert result.returncode == 64
    assert "MLFLOW_AUTH_DEFAULT_PERMISSION" in result.stderr
    assert not record.exists()


def test_auth_config_is_parseable_by_mlflow(fake_mlflow, tmp_path: Path):
    """MLflow's own reader accepts the generated file (checked with the real parser)."""
    bin_dir, record = fake_mlflow
    env = base_env(**REQUIRED)
    env["PATH"] = f"{bin_dir}:{env['PATH']}"
    assert _run(env).returncode == 0
    config_path = json.loads(record.read_text())["config_path"]
    # Load mlflow/server/auth/config.py by path: importing the `mlflow.server.auth`
    # package itself would require Flask-WTF, which only the image has.
    code = (
        "import importlib.util, pathlib, mlflow; "
        "path = pathlib.Path(mlflow.__file__).parent / 'server' / 'auth' / 'config.py'; "
        "spec = importlib.util.spec_from_file_location('auth_config', path); "
        "mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod); "
        "c = mod.read_auth_config(); "
        "print(c.database_uri); print(c.admin_username); print(c.admin_password)"
    )
    check_env = base_env(
        MLFLOW_AUTH_CONFIG_PATH=config_path,
        MLFLOW_AUTH_ADMIN_PASSWORD=REQUIRED["MLFLOW_AUTH_ADMIN_PASSWORD"],
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        env=check_env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        REQUIRED["MLFLOW_BACKEND_STORE_URI"],
        "admin",
        REQUIRED["MLFLOW_AUTH_ADMIN_PASSWORD"],
    ]
