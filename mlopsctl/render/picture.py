"""Draw an `Architecture` as PNG or SVG with AWS icons (mingrammer `diagrams`, on graphviz).

`diagrams` writes `<filename>.<format>` itself; the picture is drawn in a temporary directory
and moved to the output only once complete. SVGs reference their icons by file path, so the
icons are embedded as data URIs: the SVG is self-contained and can be shared.
"""

from __future__ import annotations

import base64
import re
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from mlopsctl.render.architecture import Architecture, Box, Group
from mlopsctl.render.diagram import GraphvizMissing

if TYPE_CHECKING:
    from diagrams import Node

# Icon key -> (module, class) in `diagrams`; imported when drawing.
ICONS = {
    "person": ("diagrams.aws.general", "User"),
    "bucket": ("diagrams.aws.storage", "SimpleStorageServiceS3Bucket"),
    "key": ("diagrams.aws.security", "KeyManagementService"),
    "endpoint": ("diagrams.aws.network", "Endpoint"),
    "gateway": ("diagrams.aws.network", "Endpoint"),
    "egress": ("diagrams.aws.network", "VPCRouter"),
    "flowlogs": ("diagrams.aws.network", "VPCFlowLogs"),
    "subnet": ("diagrams.aws.network", "PrivateSubnet"),
    "notebook": ("diagrams.aws.ml", "SagemakerNotebook"),
    "sagemaker": ("diagrams.aws.ml", "Sagemaker"),
    "model": ("diagrams.aws.ml", "SagemakerModel"),
    "pipeline": ("diagrams.aws.ml", "SagemakerTrainingJob"),
    "ecr": ("diagrams.aws.compute", "EC2ContainerRegistry"),
    "fargate": ("diagrams.aws.compute", "Fargate"),
    "schedule": ("diagrams.aws.integration", "EventbridgeScheduler"),
    "monitoring": ("diagrams.aws.management", "Cloudwatch"),
    "deployment": ("diagrams.k8s.compute", "Deploy"),
    "cronjob": ("diagrams.k8s.compute", "Cronjob"),
}
GROUP_STYLES = {
    "account": {"bgcolor": "#fdf6ec", "pencolor": "#d86613", "style": "rounded"},
    "vpc": {"bgcolor": "#eef6ee", "pencolor": "#248814", "style": "rounded"},
    "subnet": {"bgcolor": "#e6f2f8", "pencolor": "#147eba", "style": "dashed"},
    "plain": {"bgcolor": "#f4f6fa", "pencolor": "#8c95a5", "style": "rounded"},
}
FORMATS = ("png", "svg")


def _icon_class(icon: str) -> type:
    import importlib

    module, name = ICONS.get(icon, ("diagrams.aws.general", "General"))
    return getattr(importlib.import_module(module), name)


def _draw_group(group: Group, nodes: dict[str, Node]) -> None:
    from diagrams import Cluster

    attrs = {"fontsize": "13", "fontname": "Helvetica", **GROUP_STYLES.get(group.style, {})}
    with Cluster(group.label, graph_attr=attrs):
        _draw_boxes(group.boxes, nodes)
        for child in group.groups:
            _draw_group(child, nodes)


def _draw_boxes(boxes: list[Box], nodes: dict[str, Node]) -> None:
    for box in boxes:
        if box.id not in nodes:
            nodes[box.id] = _icon_class(box.icon)(box.label)


def _embed_icons(svg: str) -> str:
    """Replace icon file references by data URIs."""

    def inline(match: re.Match[str]) -> str:
        path = Path(match.group(2))
        if not path.is_file():
            return match.group(0)
        data = base64.b64encode(path.read_bytes()).decode()
        return f'{match.group(1)}="data:image/png;base64,{data}"'

    return re.sub(r'(xlink:href|href)="([^"]+\.png)"', inline, svg)


def draw(architecture: Architecture, output: Path, image_format: str) -> Path:
    """Write the picture to `output` (PNG or SVG)."""
    if image_format not in FORMATS:
        raise ValueError(f"unknown image format {image_format!r}")
    if shutil.which("dot") is None:
        raise GraphvizMissing(
            "the graphviz 'dot' binary is not installed; install it "
            "(apt-get install -y graphviz, brew install graphviz) to draw png/svg, "
            "or write Mermaid text (--output FILE.mmd)"
        )
    from diagrams import Diagram, Edge

    graph_attr = {
        "fontsize": "18",
        "fontname": "Helvetica",
        "splines": "spline",
        "nodesep": "0.5",
        "ranksep": "1.1",
        "pad": "1.0",
    }
    node_attr = {"fontsize": "11", "fontname": "Helvetica"}
    edge_attr = {"fontsize": "10", "fontname": "Helvetica", "color": "#4a5568"}
    with tempfile.TemporaryDirectory(prefix="mlopsctl-picture-") as tmp:
        target = Path(tmp) / "picture"
        with Diagram(
            architecture.title,
            filename=str(target),
            outformat=image_format,
            direction="LR",
            show=False,
            graph_attr=graph_attr,
            node_attr=node_attr,
            edge_attr=edge_attr,
        ):
            nodes: dict[str, Node] = {}
            _draw_boxes(architecture.people, nodes)
            _draw_group(architecture.account, nodes)
            for flow in architecture.flows:
                source = nodes[flow.source]
                source.connect(nodes[flow.target], Edge(source, forward=True, label=flow.label))
        written = target.with_suffix(f".{image_format}")
        output = Path(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        if image_format == "svg":
            output.write_text(_embed_icons(written.read_text()))
        else:
            shutil.copyfile(written, output)
    return output
