"""MLFLOW_TRACKING_URI is the SageMaker tracking server's ARN: the images need `sagemaker-mlflow`.

MLflow has no tracking store for the `arn` scheme of its own; the `sagemaker-mlflow` plugin
registers one (entry points `mlflow.tracking_store` and `mlflow.model_registry_store`). Without
it, the retraining job and the Kubernetes pods fail before logging anything. The images pin the
plugin; the project venv has the same pin, so the resolution is checked here with the real
MLflow and plugin, offline (fake credentials, sockets refused).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from importlib.metadata import version

import pytest

from mlopsctl.plan import plan_stack
from tests.containers.container_test_utils import (
    COMMAND_TIMEOUT,
    CONTAINERS_DIR,
    REPO_ROOT,
    base_env,
)

PLUGIN = "sagemaker-mlflow"
IMAGES = ("pipeline", "inference")

# Runs in a child process: set_tracking_uri changes process-wide (and environment) state.
RESOLVE_STORES = """
import json, socket, sys

def no_network(*args, **kwargs):
    raise OSError("network access in an offline test")

socket.socket.connect = no_network
socket.create_connection = no_network

import mlflow
from mlflow.tracking._model_registry import utils as registry_utils
from mlflow.tracking._tracking_service import utils as tracking_utils

mlflow.set_tracking_uri(sys.argv[1])
tracking = tracking_utils._get_store()
registry = registry_utils._get_store()
creds = tracking.get_host_creds()
print(json.dumps({
    "tracking": type(tracking).__module__ + "." + type(tracking).__name__,
    "registry": type(registry).__module__ + "." + type(registry).__name__,
    "host": creds.host,
    "auth": creds.auth,
}))
"""


def _pins(path) -> dict[str, str]:
    pins = {}
    for raw in path.read_text().splitlines():
        line = raw.split("#", 1)[0].strip()
        if "==" in line:
            package, _, pinned = line.partition("==")
            pins[re.sub(r"\[.*\]", "", package).strip().lower()] = pinned.strip()
    return pins


def _plugin_pin() -> str:
    return _pins(REPO_ROOT / "requirements" / "constraints.txt")[PLUGIN]


@pytest.mark.parametrize("image", IMAGES)
def test_image_pins_the_sagemaker_mlflow_plugin(image):
    pins = _pins(CONTAINERS_DIR / image / "requirements.txt")
    assert pins.get(PLUGIN) == _plugin_pin(), f"containers/{image}: pin {PLUGIN}=={_plugin_pin()}"
    # The plugin registers stores into this MLflow: both images pin the same one.
    assert pins["mlflow"] == _pins(REPO_ROOT / "requirements" / "constraints.txt")["mlflow"]


def test_the_venv_has_the_pinned_plugin():
    assert _pins(REPO_ROOT / "requirements" / "dev.txt")[PLUGIN] == _plugin_pin()
    assert version(PLUGIN) == _plugin_pin()


# The hosts the plugin calls (sagemaker_mlflow 0.5.0, mlflow_sagemaker_helpers.py): a tracking
# server's regional experiments endpoint, an MLflow App's regional app host.
HOSTS = {
    "mlflow-tracking-server": "https://{region}.experiments.sagemaker.aws",
    "mlflow-app": "https://mlflow.sagemaker.{region}.app.aws",
}
KIND = {"mlflow-tracking-server": "fraud-prod", "mlflow-app": "fraud-dev"}  # as shipped


@pytest.mark.parametrize("resource", sorted(KIND))
def test_mlflow_resolves_a_store_for_the_planned_tracking_arn(tmp_path, resource):
    arn = plan_stack(KIND[resource]).exports["mlflowTrackingUri"]
    assert arn.startswith("arn:aws:sagemaker:") and f":{resource}/" in arn
    region = arn.split(":")[3]
    env = base_env(
        AWS_DEFAULT_REGION=region,
        AWS_ACCESS_KEY_ID="testing",
        AWS_SECRET_ACCESS_KEY="testing",
        AWS_SESSION_TOKEN="testing",
        AWS_CONFIG_FILE=str(tmp_path / "no-config"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-credentials"),
        AWS_EC2_METADATA_DISABLED="true",
    )
    result = subprocess.run(
        [sys.executable, "-c", RESOLVE_STORES, arn],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    stores = json.loads(result.stdout.strip().splitlines()[-1])
    assert stores["tracking"].startswith("sagemaker_mlflow."), stores
    assert stores["registry"].startswith("sagemaker_mlflow."), stores
    # The ARN resolves to the regional SageMaker MLflow host, requests signed with SigV4.
    assert stores["host"] == HOSTS[resource].format(region=region)
    assert stores["auth"] == "arn"
