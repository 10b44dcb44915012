"""Pydantic validation errors as a person reads them: key path, value as written, allowed."""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel, ValidationError

from settings.errors import SECRET_SHOWN, describe_value

REGION_KEY = "aws:region"


def key_path(loc: tuple[Any, ...], project: str) -> str:
    head, *rest = loc
    path = head if ":" in str(head) else f"{project}:{head}"
    for part in rest:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at `loc` (for unknown-key errors), walking nested models by alias."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or not _is_model(current):
            continue
        by_alias = {(f.alias or name): f for name, f in current.model_fields.items()}
        field = by_alias.get(part)
        if field is None:
            break
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        current = next((a for a in (annotation, *args) if _is_model(a)), None)
    if _is_model(current):
        return sorted(f.alias or n for n, f in current.model_fields.items() if not f.exclude)
    return []


def _is_model(value: Any) -> bool:
    return isinstance(value, type) and issubclass(value, BaseModel)


def validation_lines(
    error: ValidationError, model: type[BaseModel], project: str, secret_keys: frozenset[str]
) -> list[str]:
    lines = []
    for item in error.errors():
        loc = tuple(p for p in item["loc"] if p not in ("function-after",))
        key = key_path(loc, project) if loc else project
        if item["type"] == "missing":
            lines.append(f"{key}: missing; this key is required")
        elif item["type"] == "extra_forbidden":
            allowed = allowed_keys(model, loc[:-1])
            hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            lines.append(f"{key}: unknown key{suggestion}; allowed keys here: {', '.join(allowed)}")
        else:
            message = item["msg"].removeprefix("Value error, ")
            if not message.startswith("allowed:") and item["type"] == "literal_error":
                message = "allowed: " + message.removeprefix("Input should be ")
            secret = bool(loc) and key_path(loc[:1], project) in secret_keys
            shown = SECRET_SHOWN if secret else describe_value(item.get("input"))
            lines.append(f"{key} = {shown}: {message}")
    return lines
