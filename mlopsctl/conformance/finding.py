"""What the conformance checker reports: one `Finding` per value AWS would reject."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

from mlopsctl.plan.model import PlannedResource

_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_JSON_VALUE_LIMIT = 300  # characters of a long value kept in the JSON form


@dataclass(frozen=True)
class Finding:
    """A planned value that AWS (or the provider) would reject or rewrite.

    `path` is written against the plan's inputs, e.g. `instanceType`,
    `productionVariants[0].instanceType` or `tags["team"]`; `source` names where the rule comes
    from, e.g. "botocore sagemaker CreateNotebookInstance.InstanceType enum".
    """

    urn: str
    resource_type: str
    name: str
    path: str
    value: Any
    rule: str
    source: str
    message: str

    def __str__(self) -> str:
        return f"{self.resource_type} {self.name} {self.path}: {self.message} [{self.rule}]"


class Origin(NamedTuple):
    """A rule's name and where it comes from."""

    rule: str
    source: str


def finding(
    resource: PlannedResource, path: str, value: Any, origin: Origin, message: str
) -> Finding:
    return Finding(
        resource.urn, resource.type, resource.name, path, value, origin.rule, origin.source, message
    )


def child_path(parent: str, key: str) -> str:
    """`parent.key`, or `parent["key"]` when the key is not an identifier (tags, labels)."""
    if _IDENTIFIER.fullmatch(key):
        return f"{parent}.{key}" if parent else key
    return f"{parent}[{json.dumps(key)}]"


def item_path(parent: str, index: int) -> str:
    return f"{parent}[{index}]"


def _json_value(value: Any) -> Any:
    if isinstance(value, str) and len(value) > _JSON_VALUE_LIMIT:
        return f"{value[:_JSON_VALUE_LIMIT]}... ({len(value)} characters)"
    try:
        json.dumps(value)
    except (TypeError, ValueError):
        return repr(value)
    return value


def findings_to_json(findings: Iterable[Finding]) -> list[dict[str, Any]]:
    """The JSON form: `[{urn, resourceType, name, path, value, rule, source, message}]`."""
    out = []
    for item in findings:
        data = asdict(item)
        data["resourceType"] = data.pop("resource_type")
        data["value"] = _json_value(item.value)
        out.append(data)
    return out
