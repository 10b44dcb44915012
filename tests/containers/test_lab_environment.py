"""The project template's conda environment (what the lab builds from the team's repository):
the pipeline image's pins, and the MLflow plugin that makes an ARN a tracking URI."""

from __future__ import annotations

import yaml
from packaging.requirements import Requirement

from settings.models.lab import EnvironmentYml
from tests.containers.container_test_utils import CONTAINERS_DIR

TEMPLATE = CONTAINERS_DIR / "pipeline"


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if line:
            requirement = Requirement(line)
            (spec,) = requirement.specifier
            assert spec.operator == "==", f"{line}: not pinned"
            pins[requirement.name.lower()] = spec.version
    return pins


def _environment() -> dict:
    path = TEMPLATE / EnvironmentYml(source="git").path  # the lab's default path in a clone
    return yaml.safe_load(path.read_text())


def test_the_lab_environment_pins_what_the_pipeline_image_runs():
    image = _pins((TEMPLATE / "requirements.txt").read_text().splitlines())
    (pip,) = [d["pip"] for d in _environment()["dependencies"] if isinstance(d, dict)]
    lab = _pins(pip)
    assert {k: lab.get(k) for k in image} == image  # same versions, lab adds only its kernel
    assert set(lab) - set(image) == {"ipykernel"}


def test_the_lab_environment_has_the_sagemaker_mlflow_plugin_and_one_python():
    environment = _environment()
    (pip,) = [d["pip"] for d in environment["dependencies"] if isinstance(d, dict)]
    assert "sagemaker-mlflow" in _pins(pip)
    pythons = [
        d for d in environment["dependencies"] if isinstance(d, str) and d.startswith("python")
    ]
    assert pythons == ["python=3.11"]  # the images' python:3.11 base
