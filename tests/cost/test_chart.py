"""`mlopsctl cost <stack> --chart FILE`: PNG and SVG bar charts per component; other extensions
are one clear error (exit 2)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mlopsctl.cost import estimate
from mlopsctl.cost.chart import ChartError, write_chart
from mlopsctl.plan import plan_stack
from tests.onboarding.conftest import mlopsctl

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_png_chart_of_a_team_stack(tmp_path: Path) -> None:
    path = write_chart(estimate(plan_stack("fraud-dev")), tmp_path / "fraud-dev.png")
    data = path.read_bytes()
    assert data.startswith(PNG_MAGIC)
    assert 5_000 < len(data) < 2_000_000


def test_svg_chart_names_every_component(tmp_path: Path) -> None:
    result = estimate(plan_stack("fraud-dev"))
    path = write_chart(result, tmp_path / "chart.svg")
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    text = " ".join("".join(node.itertext()) for node in root.iter())
    for component in result.by_component():
        assert component in text, component
    assert "idle" in text and "typical" in text


def test_unknown_extension_is_one_error(tmp_path: Path) -> None:
    with pytest.raises(ChartError, match=r"unknown chart format '\.gif'; allowed: \.png, \.svg"):
        write_chart(estimate(plan_stack("dev")), tmp_path / "chart.gif")
    assert not (tmp_path / "chart.gif").exists()


def test_cli_writes_the_chart_and_refuses_an_unknown_extension(tmp_path: Path) -> None:
    chart = tmp_path / "dev.svg"
    result = mlopsctl("cost", "dev", "--chart", str(chart), check=True)
    assert f"chart: {chart}" in result.stdout.replace("\n", "")
    assert "network" in chart.read_text()
    refused = mlopsctl("cost", "dev", "--chart", str(tmp_path / "dev.jpeg"))
    assert refused.returncode == 2
    assert "unknown chart format '.jpeg'; allowed: .png, .svg" in refused.stdout
    assert not (tmp_path / "dev.jpeg").exists()
