"""Reading planned resources' props: lists (CrossGuard hands read-only proxies), numbers,
nested paths, and tags as AWS will store them."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any


def is_sequence(value: Any) -> bool:
    """A list, including CrossGuard's read-only list proxies (a `Sequence`, not a `list`)."""
    return isinstance(value, Sequence) and not isinstance(value, str | bytes)


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if is_sequence(value) else [value]


def number(value: Any, default: float = 0.0) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return default


def get_path(props: Mapping[str, Any], *path: str) -> Any:
    """props[a][b]... or None where a step is missing or not a mapping."""
    value: Any = props
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return value


def tags_of(props: Mapping[str, Any]) -> dict[str, str]:
    tags = props.get("tags")
    return {str(k): str(v) for k, v in tags.items()} if isinstance(tags, Mapping) else {}


def provider_default_tags(provider: Any) -> dict[str, str]:
    """The AWS provider's `defaultTags.tags` (the engine may hand it over as a JSON string)."""
    if provider is None:
        return {}
    raw = (provider.props or {}).get("defaultTags")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except json.JSONDecodeError:
            return {}
    tags = raw.get("tags") if isinstance(raw, Mapping) else None
    return {str(k): str(v) for k, v in tags.items()} if isinstance(tags, Mapping) else {}


def merged_tags(props: Mapping[str, Any], provider: Any) -> dict[str, str]:
    """What AWS will store: provider default tags overridden by the resource's own tags."""
    return {**provider_default_tags(provider), **tags_of(props)}
