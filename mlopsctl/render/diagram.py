"""Architecture picture of a planned stack: one node per component, edges for who uses whom.

Mermaid text always (embeddable in Markdown, rendered by GitHub); PNG/SVG through graphviz
(the python `graphviz` package drives the `dot` binary, which must be installed).
"""

from __future__ import annotations

import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from mlopsctl.plan import Plan
from mlopsctl.render.grouping import LAYER_PREFIX, components, edges, is_stack_reference

MAX_SUMMARY_TYPES = 4  # keep each node readable: the biggest resource types, then "+N more"


@dataclass
class Node:
    id: str
    title: str  # component name
    kind: str  # `storage:SecureBucket`
    summary: str  # `Bucket, BucketPolicy, +6 more`
    external: bool = False


@dataclass
class Diagram:
    title: str
    nodes: list[Node]
    edges: list[tuple[str, str]]  # node ids


def _node_id(text: str) -> str:
    return "n_" + re.sub(r"[^A-Za-z0-9_]", "_", text)


# Companion resources: summarised as a count, so a node shows what the component is.
COMPANION_TYPES = re.compile(
    r"^aws:(s3/bucket[A-Z]\w*|kms/alias|iam/rolePolicy|iam/rolePolicyAttachment|"
    r"ec2/(routeTableAssociation|defaultSecurityGroup)|vpc/securityGroup\w*Rule|"
    r"ecr/(lifecyclePolicy|repositoryPolicy)|appautoscaling/policy):"
)


def _referenced_stack(plan: Plan, urn: str) -> str:
    team = plan.config.get(f"{plan.project}:team")
    if isinstance(team, dict) and team.get("environmentStack"):
        return str(team["environmentStack"])
    return urn.rsplit("::", 1)[-1]


def _summary(component) -> str:
    main: Counter[str] = Counter()
    companions = 0
    for resource in component.resources:
        if resource.type.startswith("pulumi:"):
            continue
        if COMPANION_TYPES.match(resource.type):
            companions += 1
        else:
            main[resource.type.rsplit(":", 1)[-1]] += 1
    parts = [
        f"{count}x {kind}" if count > 1 else kind
        for kind, count in main.most_common(MAX_SUMMARY_TYPES)
    ]
    if len(main) > MAX_SUMMARY_TYPES:
        parts.append(f"+{len(main) - MAX_SUMMARY_TYPES} more types")
    if companions:
        parts.append(f"+{companions} companions")
    return ", ".join(parts)


def build(plan: Plan) -> Diagram:
    """The component graph of a plan (layer components without AWS resources are left out)."""
    nodes: dict[str, Node] = {}
    for component in components(plan):
        summary = component.summary()
        if component.type.startswith(LAYER_PREFIX) and not summary:
            continue
        nodes[component.urn] = Node(
            _node_id(component.name),
            component.name,
            f"{component.module}:{component.kind}",
            _summary(component) or "no AWS resources",
        )
    by_urn = plan.by_urn()
    links: list[tuple[str, str]] = []
    for source, target in sorted(edges(plan)):
        if source not in nodes:
            continue
        if target not in nodes:
            if not is_stack_reference(target, by_urn):
                continue
            stack = _referenced_stack(plan, target)
            nodes[target] = Node(
                _node_id(f"stack_{stack}"),
                f"stack {stack}",
                "StackReference",
                "environment outputs",
                external=True,
            )
        links.append((nodes[source].id, nodes[target].id))
    return Diagram(f"{plan.project}-{plan.stack} ({plan.layer} layer)", list(nodes.values()), links)


def _mermaid_text(text: str) -> str:
    return text.replace('"', "'")


def mermaid(diagram: Diagram) -> str:
    lines = ["flowchart LR", f"  %% {diagram.title}"]
    for node in diagram.nodes:
        label = f"<b>{node.title}</b><br/><i>{node.kind}</i><br/>{node.summary}"
        shape = ('[/"', '"/]') if node.external else ('["', '"]')
        lines.append(f"  {node.id}{shape[0]}{_mermaid_text(label)}{shape[1]}")
    lines.extend(f"  {source} --> {target}" for source, target in diagram.edges)
    return "\n".join(lines) + "\n"


class GraphvizMissing(RuntimeError):
    """The `dot` binary is not installed (apt-get install graphviz)."""


def render(diagram: Diagram, output: Path, image_format: str) -> Path:
    """Write a PNG or SVG of the diagram to `output` with graphviz's `dot`."""
    if shutil.which("dot") is None:
        raise GraphvizMissing(
            "the graphviz 'dot' binary is not installed; install it "
            "(apt-get install -y graphviz, brew install graphviz) to draw png/svg, "
            "or use --format mermaid"
        )
    import graphviz

    graph = graphviz.Digraph(
        "stack",
        format=image_format,
        graph_attr={"rankdir": "LR", "label": diagram.title, "fontname": "Helvetica"},
        node_attr={"shape": "box", "style": "rounded,filled", "fontname": "Helvetica"},
    )
    for node in diagram.nodes:
        fill = "#eeeeee" if node.external else "#dbe9f7"
        label = f"{node.title}\n{node.kind}\n{node.summary}"
        graph.node(node.id, label=label, fillcolor=fill)
    for source, target in diagram.edges:
        graph.edge(source, target)
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(graph.pipe(format=image_format))
    return output
