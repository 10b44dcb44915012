"""Check planned values against a request's input shape in botocore's models, recursively.

Checked: member types, `enum`, `pattern` (full match), `min`/`max` (string length, list and map
size, numeric range) and `required` members. Plan values are shaped by the provider, so a few
provider conventions are undone before checking: a one-object block given for a list member
(`rule: {...}` for `Rules`), a one-item list given for a structure, a scalar for a list, a map
of tags (or dimensions) for a list of key/value structures, numbers for string members.
"""

from __future__ import annotations

from typing import Any, NamedTuple

from mlopsctl.conformance.finding import Finding, Origin, child_path, finding, item_path
from mlopsctl.conformance.java_regex import compile_pattern
from mlopsctl.conformance.models import ServiceModel, Shape
from mlopsctl.conformance.requests import FLATTEN, SKIP, Request
from mlopsctl.plan.model import PlannedResource

SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d"  # Pulumi's marker of a secret value
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"  # Pulumi's marker of an unknown value
_PAIR_KEYS = ("key", "tagkey", "name")
_PAIR_VALUES = ("value", "tagvalue")
_PAIR_PROPERTIES = ("tags", "dimensions")


def plain(value: Any) -> Any:
    """A planned value without Pulumi's secret wrapper; None for unknown values."""
    if isinstance(value, dict) and SECRET_SIGNATURE in value:
        value = value.get("value")
    return None if value == UNKNOWN else value


class Pos(NamedTuple):
    """Where the walk is: in the plan (path, key path without indices) and in the request."""

    plan: str
    keys: str
    api: str
    base: str  # shape renames resolve from: the request's input shape or a list's item
    base_api: str


class Walk:
    """One request's check: its findings, and the plan paths that matched no member."""

    def __init__(self, resource: PlannedResource, request: Request, model: ServiceModel):
        self.resource = resource
        self.request = request
        self.model = model
        self.findings: list[Finding] = []
        self.unknown: list[str] = []

    def report(self, pos: Pos, value: Any, kind: str, message: str) -> None:
        source = f"botocore {self.request.service} {self.request.operation}.{pos.api} {kind}"
        rule = "aws-api-" + kind.replace(" ", "-")
        self.findings.append(finding(self.resource, pos.plan, value, Origin(rule, source), message))


def _join(parent: str, name: str) -> str:
    return f"{parent}.{name}" if parent else name


def resolve(model: ServiceModel, base: str, target: str, base_api: str) -> tuple[str, str] | None:
    """(shape, API path) of a rename target such as `OnStart[].Content`, from `base`."""
    shape, api = base, base_api
    for segment in target.split("."):
        name = segment.removesuffix("[]")
        member = model.member(shape, name)
        if member is None:
            return None
        shape, api = member[1], _join(api, member[0])
        if segment.endswith("[]"):
            if model.shape(shape)["type"] != "list":
                return None
            shape, api = model.shape(shape)["member"], api + "[]"
    return shape, api


def walk_object(walk: Walk, value: dict[str, Any], shape: str | None, pos: Pos) -> set[str]:
    """Check each property of an object; return the members of `shape` it provides."""
    provided: set[str] = set()
    for key, raw in value.items():
        child = plain(raw)
        if child is None:
            continue
        here = Pos(child_path(pos.plan, key), _join(pos.keys, key), pos.api, pos.base, pos.base_api)
        target = walk.request.renames.get(here.keys)
        if target == SKIP:
            continue
        if target == FLATTEN:
            walk_object(walk, child if isinstance(child, dict) else {}, None, here)
            continue
        resolved = _target(walk, shape, key, target, pos)
        if resolved is None:
            walk.unknown.append(here.plan)
            continue
        member_shape, api, member = resolved
        if member:
            provided.add(member)
        transform = walk.request.transforms.get(here.keys)
        if transform is not None:
            try:
                child = transform(child)
            except (TypeError, ValueError) as error:
                walk.report(here._replace(api=api), raw, "type", f"not valid here: {error}")
                continue
        check_value(walk, child, member_shape, here._replace(api=api))
    return provided


def _target(
    walk: Walk, shape: str | None, key: str, target: str | None, pos: Pos
) -> tuple[str, str, str] | None:
    """(member shape, API path, member of `shape` provided or "") for one property."""
    if target is not None:
        found = resolve(walk.model, pos.base, target, pos.base_api)
        if found is None:
            return None
        first = target.split(".")[0].removesuffix("[]") if shape == pos.base else ""
        return found[0], found[1], first
    if shape is None:
        return None
    member = walk.model.member(shape, key)
    if member is None:
        return None
    return member[1], _join(pos.api, member[0]), member[0]


def check_required(walk: Walk, shape: Shape, provided: set[str], pos: Pos) -> None:
    for member in shape.get("required", []):
        if member not in provided and member not in walk.request.supplied:
            missing = Pos(
                _join(pos.plan, _plan_name(walk, member)),
                "",
                _join(pos.api, member),
                pos.base,
                pos.base_api,
            )
            walk.report(missing, None, "required", f"{member} is required and the plan gives none")


def _plan_name(walk: Walk, member: str) -> str:
    for key, target in walk.request.renames.items():
        if target.split(".")[0].removesuffix("[]") == member and "." not in key:
            return key
    return member[0].lower() + member[1:]


def check_value(walk: Walk, value: Any, shape_name: str, pos: Pos) -> None:
    shape = walk.model.shape(shape_name)
    kind = shape["type"]
    if kind == "structure":
        _check_structure(walk, value, shape_name, shape, pos)
    elif kind == "list":
        _check_list(walk, value, shape, pos)
    elif kind == "map":
        _check_map(walk, value, shape, pos)
    else:
        _check_scalar(walk, value, shape, pos)


def _check_structure(walk: Walk, value: Any, name: str, shape: Shape, pos: Pos) -> None:
    if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
        value, pos = value[0], pos._replace(plan=item_path(pos.plan, 0))
    if not isinstance(value, dict):
        walk.report(pos, value, "type", f"{pos.api} takes an object, the plan gives {_kind(value)}")
        return
    provided = walk_object(walk, value, name, pos)
    prefix = pos.keys + "."
    if not any(key.startswith(prefix) for key in walk.request.renames):
        check_required(walk, shape, provided, pos)


def _pair_members(walk: Walk, member: str) -> tuple[str, str] | None:
    """(key member, value member) when `member` is a tag-like {Key, Value} structure."""
    members = walk.model.shape(member).get("members", {})
    lowered = {name.lower(): name for name in members}
    key = next((lowered[k] for k in _PAIR_KEYS if k in lowered), None)
    val = next((lowered[v] for v in _PAIR_VALUES if v in lowered), None)
    return (key, val) if key and val else None


def _check_list(walk: Walk, value: Any, shape: Shape, pos: Pos) -> None:
    member = shape["member"]
    if isinstance(value, dict):
        pair = (
            _pair_members(walk, member) if walk.model.shape(member)["type"] == "structure" else None
        )
        last = pos.keys.rsplit(".", 1)[-1]
        if pair and (last in _PAIR_PROPERTIES or not _keys_are_members(walk, member, value)):
            _check_size(walk, len(value), shape, pos, "entries")
            _check_pairs(walk, value, member, pair, pos)
            return
    items = value if isinstance(value, list) else [value]
    indexed = isinstance(value, list)
    _check_size(walk, len(items), shape, pos, "items")
    item_api = pos.api + "[]"
    for index, item in enumerate(items):
        plan = item_path(pos.plan, index) if indexed else pos.plan
        item_pos = Pos(plan, pos.keys, item_api, member, item_api)
        if plain(item) is not None:
            check_value(walk, plain(item), member, item_pos)


def _keys_are_members(walk: Walk, member: str, value: dict[str, Any]) -> bool:
    return all(walk.model.member(member, key) is not None for key in value)


def _check_pairs(
    walk: Walk, value: dict[str, Any], member: str, pair: tuple[str, str], pos: Pos
) -> None:
    members = walk.model.shape(member)["members"]
    for key, raw in value.items():
        plan = child_path(pos.plan, key)
        for name, part in ((pair[0], key), (pair[1], plain(raw))):
            if part is not None:
                api = f"{pos.api}[].{name}"
                check_value(walk, part, members[name], Pos(plan, pos.keys + ".*", api, member, api))


def _check_map(walk: Walk, value: Any, shape: Shape, pos: Pos) -> None:
    if not isinstance(value, dict):
        walk.report(pos, value, "type", f"{pos.api} takes a map, the plan gives {_kind(value)}")
        return
    _check_size(walk, len(value), shape, pos, "entries")
    for key, raw in value.items():
        here = Pos(child_path(pos.plan, key), pos.keys + ".*", pos.api, pos.base, pos.base_api)
        check_value(walk, key, shape["key"], here._replace(api=pos.api + "{key}"))
        if plain(raw) is not None:
            check_value(walk, plain(raw), shape["value"], here._replace(api=pos.api + "{value}"))


def _check_size(walk: Walk, size: int, shape: Shape, pos: Pos, unit: str) -> None:
    low, high = shape.get("min"), shape.get("max")
    if (low is not None and size < low) or (high is not None and size > high):
        walk.report(pos, size, "list size", f"{size} {unit}; {pos.api} takes {_bounds(shape)}")


def _bounds(shape: Shape) -> str:
    low, high = shape.get("min"), shape.get("max")
    if high is None:
        return f"at least {low}"
    return f"{low if low is not None else 0} to {high}"


def _kind(value: Any) -> str:
    return type(value).__name__


_NUMBER = (int, float)


def _as_string(value: Any) -> Any:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, _NUMBER):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value if isinstance(value, str) else None


def _as_integer(value: Any) -> Any:
    if isinstance(value, bool):
        return None
    if isinstance(value, _NUMBER):
        return int(value) if float(value).is_integer() else None
    return int(value) if isinstance(value, str) and value.lstrip("-").isdigit() else None


def _as_float(value: Any) -> Any:
    return float(value) if isinstance(value, _NUMBER) and not isinstance(value, bool) else None


def _as_boolean(value: Any) -> Any:
    if isinstance(value, str) and value in ("true", "false"):
        return value == "true"
    return value if isinstance(value, bool) else None


_COERCE = {
    "string": _as_string,
    "integer": _as_integer,
    "long": _as_integer,
    "float": _as_float,
    "double": _as_float,
    "boolean": _as_boolean,
}


def _coerce(value: Any, kind: str) -> Any:
    """The value the provider sends for a member of type `kind`, or None if it has none
    (timestamps and blobs are sent as given)."""
    convert = _COERCE.get(kind)
    return convert(value) if convert else value


def _check_scalar(walk: Walk, value: Any, shape: Shape, pos: Pos) -> None:
    kind = shape["type"]
    sent = _coerce(value, kind)
    if sent is None:
        walk.report(pos, value, "type", f"{pos.api} takes a {kind}, the plan gives {_kind(value)}")
    elif kind == "string":
        _check_string(walk, sent, shape, pos)
    elif kind in ("integer", "long", "float", "double"):
        low, high = shape.get("min"), shape.get("max")
        if (low is not None and sent < low) or (high is not None and sent > high):
            walk.report(pos, value, "range", f"{sent} is outside {_bounds(shape)} for {pos.api}")


def _check_string(walk: Walk, value: str, shape: Shape, pos: Pos) -> None:
    enum = shape.get("enum")
    if enum and value not in enum:
        import difflib

        close = difflib.get_close_matches(value, enum, n=3)
        hint = f"; closest: {', '.join(close)}" if close else ""
        walk.report(
            pos, value, "enum", f"'{value}' is not one of the {len(enum)} values of {pos.api}{hint}"
        )
        return
    low, high = shape.get("min"), shape.get("max")
    if (low is not None and len(value) < low) or (high is not None and len(value) > high):
        walk.report(
            pos,
            value,
            "length",
            f"{len(value)} characters; {pos.api} takes {_bounds(shape)} characters",
        )
    pattern = shape.get("pattern")
    matches = compile_pattern(pattern) if pattern else None
    if matches is not None and not matches(value):
        walk.report(
            pos, value, "pattern", f"'{_short(value)}' does not match {pos.api} pattern {pattern}"
        )


def _short(value: str, limit: int = 80) -> str:
    return value if len(value) <= limit else value[:limit] + "..."
