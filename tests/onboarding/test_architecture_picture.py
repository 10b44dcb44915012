"""`mlopsctl diagram`: the architecture picture a person shows in a review, and its formats.

Each render runs the console script (a plan from the cache, then graphviz: a few seconds).
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from pathlib import Path

import pytest
import yaml

from mlopsctl.plan import plan_stack
from mlopsctl.render.views import architecture
from tests.conftest import PROJECT, SERVED, deep_merge, plan_served
from tests.onboarding.conftest import copy_project, mlopsctl

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PERSONAS = ("Data scientist", "ML engineer", "Data steward")
TEAM_FLOWS = (
    "DVC push/pull",
    "MLflow logging",
    "MLflow artifacts",
    "image push (CI)",
    "retraining",
    "registers model package",
    "audit (",
)


def _svg_text(path: Path) -> str:
    """Every text of the SVG (it must parse as XML), one per line."""
    root = ElementTree.parse(path).getroot()
    return "\n".join(t.strip() for t in root.itertext() if t.strip())


def _render(tmp_path: Path, stack: str, name: str, *extra: str) -> Path:
    output = tmp_path / name
    result = mlopsctl("diagram", stack, "--output", str(output), *extra)
    assert result.returncode == 0, result.stdout + result.stderr
    return output


def _assert_team_picture(text: str, stack: str) -> None:
    exports = plan_stack(stack).exports
    for persona in PERSONAS:
        assert persona in text, persona
    for purpose, bucket in exports["buckets"].items():
        assert bucket in text, purpose
    for label in TEAM_FLOWS:
        assert label in text, label
    assert exports["modelPackageGroup"] in text
    assert "interface endpoints" in text and "private subnets" in text
    assert plan_stack("dev").exports["vpcId"] in text  # the environment's VPC


def test_png_from_the_extension_is_a_real_png(tmp_path: Path) -> None:
    output = _render(tmp_path, "fraud-dev", "fraud-dev.png")
    data = output.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 50_000
    image = pytest.importorskip("PIL.Image").open(output)
    image.load()
    assert image.format == "PNG" and min(image.size) > 500


def test_team_svg_names_people_buckets_and_flows(tmp_path: Path) -> None:
    text = _svg_text(_render(tmp_path, "fraud-dev", "fraud-dev.svg"))
    _assert_team_picture(text, "fraud-dev")
    assert "Studio domain" in text and "MLflow App" in text
    assert "SageMaker endpoint" not in text  # no model version named: nothing served
    assert (
        "file:" not in text and "data:image/png;base64" in (tmp_path / "fraud-dev.svg").read_text()
    )


def test_kubernetes_team_svg(tmp_path: Path) -> None:
    text = _svg_text(_render(tmp_path, "vision-dev", "vision-dev.svg", "--format", "svg"))
    _assert_team_picture(text, "vision-dev")
    assert "Kubernetes CronJob" in text and "MLflow tracking server" in text


def test_served_variant_shows_serving_and_monitoring(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    path = project / PROJECT.stack_path("fraud-dev").relative_to(PROJECT.root)
    document = yaml.safe_load(path.read_text())
    document["config"] = deep_merge(document["config"], SERVED)
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    output = tmp_path / "served.svg"
    result = mlopsctl("diagram", "fraud-dev", "--output", str(output), project=project)
    assert result.returncode == 0, result.stdout + result.stderr
    text = _svg_text(output)
    endpoint = plan_served("fraud-dev").exports["endpointName"]
    assert endpoint in text and "SageMaker endpoint" in text
    assert "serving (version 3)" in text and "metrics and alarms" in text


def test_environment_png_and_svg(tmp_path: Path) -> None:
    exports = plan_stack("dev").exports
    text = _svg_text(_render(tmp_path, "dev", "dev.svg"))
    for expected in (exports["vpcId"], exports["auditBucket"], exports["accessLogBucket"]):
        assert expected in text
    assert "interface endpoints" in text and "sagemaker.api" in text
    assert "flow logs" in text and "Auditor" in text and "audit (read)" in text
    assert _render(tmp_path, "dev", "dev.png").read_bytes().startswith(PNG_MAGIC)


def test_capture_and_model_monitor_where_planned() -> None:
    view = architecture(plan_served("fraud-prod"))
    flows = {(f.source, f.target): f.label for f in view.flows}
    assert flows[("b_serving", "b_bucket_capture")] == "capture"
    assert any("Model Monitor" in label for label in view.labels())
    assert "audit (read)" in flows.values()  # the steward reads classified data in prod
    unserved = {f.label for f in architecture(plan_stack("fraud-dev")).flows}
    assert "capture" not in unserved


@pytest.mark.parametrize(
    "arguments",
    [
        ("--output", "{tmp}/x.png", "--format", "mermaid"),
        ("--output", "{tmp}/x.svg", "--format", "png"),
        ("--output", "{tmp}/x.jpg"),
        ("--output", "{tmp}/x"),
    ],
)
def test_format_and_extension_must_agree(tmp_path: Path, arguments: tuple[str, ...]) -> None:
    result = mlopsctl("diagram", "fraud-dev", *(a.format(tmp=tmp_path) for a in arguments))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "error:" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_dependency_view_still_available(tmp_path: Path) -> None:
    text = mlopsctl("diagram", "fraud-dev", "--view", "dependencies", check=True).stdout
    assert text.startswith("flowchart LR") and "<b>team-key</b>" in text
    mermaid = _render(tmp_path, "fraud-dev", "fraud-dev.mmd")
    assert mermaid.read_text() == text  # Mermaid's default view is the dependency graph
    png = _render(tmp_path, "fraud-dev", "deps.png", "--view", "dependencies")
    assert png.read_bytes().startswith(PNG_MAGIC)


def test_architecture_as_mermaid(tmp_path: Path) -> None:
    output = _render(tmp_path, "fraud-dev", "fraud-dev.md", "--view", "architecture")
    text = output.read_text()
    assert text.startswith("flowchart LR") and "subgraph" in text
    assert '-->|"DVC push/pull"|' in text
    assert plan_stack("fraud-dev").exports["buckets"]["dvc"] in text
