"""The only reader of stack files (`stacks/Pulumi.<stack>.yaml`).

A stack file is read as a person wrote it: a YAML syntax error names the file, line and column;
a file that is not a mapping, a misspelled top-level `config:` and duplicate keys are refused;
an unquoted scalar that YAML 1.1 (PyYAML) and YAML 1.2 (the Pulumi CLI) read differently, such
as an octal-looking account id or `yes`, is refused with the text as written.
"""

from __future__ import annotations

import copy
import difflib
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from settings.errors import ConfigError
from settings.project import YAML_LOADER, Project

# Top-level keys of a Pulumi stack settings file (Pulumi docs, "Pulumi configuration" and
# "Stack settings file", read 2026-11).
STACK_FILE_KEYS = ("config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment")
_INT_TAG = "tag:yaml.org,2002:int"
_BOOL_TAG = "tag:yaml.org,2002:bool"
Path_ = tuple[str | int, ...]


@dataclass(frozen=True)
class StackFile:
    path: Path
    config: dict[str, Any]
    # The text of every scalar as written, by its path under `config:` (key, nested keys...).
    written: dict[Path_, str] = field(default_factory=dict)
    # Paths of values stored encrypted (`{secure: ...}`).
    secure: frozenset[Path_] = frozenset()


def stack_config(project: Project, stack: str) -> dict[str, Any]:
    """The config the Pulumi CLI gives the program: declared defaults, then the stack file."""
    return {**project.defaults(), **read_stack_file(project, stack).config}


def read_stack_file(project: Project, stack: str) -> StackFile:
    path = project.stack_path(stack)
    if not path.is_file():
        raise project.unknown_stack(stack)
    parsed = _parse(path, _shown_path(path, project), path.read_text())
    # The cache keeps one parse per text: each caller gets its own copy to change.
    return replace(parsed, config=copy.deepcopy(parsed.config), written=dict(parsed.written))


@lru_cache(maxsize=256)
def _parse(path: Path, shown: str, text: str) -> StackFile:
    """A stack file's text, checked and parsed (a pure function of the text: commands and
    tests read the same files many times in one process)."""
    loader = YAML_LOADER(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as error:
        raise ConfigError(f"{shown}: {_syntax_error(error)}") from None
    finally:
        loader.dispose()
    if node is None:
        return StackFile(path=path, config={})
    problems: list[str] = []
    _check_node(node, (), problems)
    if problems:
        raise ConfigError(f"{shown}: {problems[0]}")
    document = yaml.load(text, Loader=YAML_LOADER)
    config_node = _top_level(node, document, shown)
    written: dict[Path_, str] = {}
    secure: set[Path_] = set()
    if config_node is not None:
        _collect(config_node, (), written, secure)
    return StackFile(
        path=path,
        config=dict(document.get("config") or {}),
        written=written,
        secure=frozenset(secure),
    )


def _shown_path(path: Path, project: Project) -> str:
    try:
        return str(path.relative_to(project.root))
    except ValueError:
        return str(path)


def _syntax_error(error: yaml.YAMLError) -> str:
    mark = getattr(error, "problem_mark", None)
    problem = getattr(error, "problem", None) or str(error)
    where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
    return f"{where}YAML syntax error: {problem}"


def _at(node: yaml.Node) -> str:
    return f"line {node.start_mark.line + 1}, column {node.start_mark.column + 1}"


def _check_node(node: yaml.Node, path: Path_, problems: list[str]) -> None:
    """Duplicate keys and scalars that YAML 1.1 and 1.2 read differently, anywhere."""
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                problems.append(
                    f"{_at(key_node)}: duplicate key '{key}' (first at {_at(seen[key])}); "
                    f"allowed: each key once"
                )
            seen.setdefault(key, key_node)
            _check_node(value_node, (*path, key), problems)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _check_node(item, (*path, index), problems)
    elif isinstance(node, yaml.ScalarNode) and not node.style:  # plain: '' (libyaml) or None
        trap = _yaml_trap(node)
        if trap:
            problems.append(f"{_at(node)}: {_dotted(path)} = {node.value} (as written): {trap}")


def _yaml_trap(node: yaml.ScalarNode) -> str | None:
    value = str(node.value)
    if node.tag == _INT_TAG and (
        re.fullmatch(r"[-+]?0[0-9_]+", value) or re.fullmatch(r"\d{12}", value)
    ):
        return (
            "an unquoted number with a leading zero or of 12 digits (an account id) is read as "
            "a number, and may lose digits; allowed: quote it, e.g. "
            f"'{value}'"
        )
    if node.tag == _BOOL_TAG and value.lower() not in ("true", "false"):
        return (
            "YAML 1.1 reads this word as a boolean and the Pulumi CLI as a string; "
            f"allowed: true or false, or '{value}' quoted"
        )
    return None


def _dotted(path: Path_) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text.removeprefix("config.") or "(top level)"


def _top_level(node: yaml.Node, document: Any, shown: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode) or not isinstance(document, dict):
        kind = type(document).__name__ if document is not None else "empty"
        raise ConfigError(
            f"{shown}: a stack file is a mapping with a `config:` key; this one is a {kind}"
        )
    config_node = None
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if key not in STACK_FILE_KEYS:
            hint = difflib.get_close_matches(key, STACK_FILE_KEYS, n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            raise ConfigError(
                f"{shown}: {_at(key_node)}: unknown top-level key '{key}'{suggestion}; "
                f"allowed: {', '.join(STACK_FILE_KEYS)}"
            )
        if key == "config":
            config_node = value_node
    if config_node is not None and not (
        isinstance(config_node, yaml.MappingNode)
        or (isinstance(config_node, yaml.ScalarNode) and config_node.value in ("", "null", "~"))
    ):
        raise ConfigError(f"{shown}: {_at(config_node)}: `config:` must be a mapping of keys")
    return config_node


def _collect(node: yaml.Node, path: Path_, written: dict[Path_, str], secure: set) -> None:
    if isinstance(node, yaml.MappingNode):
        keys = [str(k.value) for k, _ in node.value]
        if keys == ["secure"]:
            secure.add(path)
        for key_node, value_node in node.value:
            _collect(value_node, (*path, str(key_node.value)), written, secure)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _collect(item, (*path, index), written, secure)
    elif isinstance(node, yaml.ScalarNode):
        written[path] = str(node.value)


# -- writing: onboarding and member edits go through here too --------------------------------


def stack_layer(project: Project, stack: str) -> str | None:
    """`mlops:layer` of a stack, or None when its file is missing or unreadable."""
    try:
        layer = read_stack_file(project, stack).config.get(f"{project.name}:layer")
    except ConfigError:
        return None
    return layer if isinstance(layer, str) else None


def environment_stacks(project: Project) -> list[str]:
    return [s for s in project.stacks() if stack_layer(project, s) == "environment"]


def team_stacks(project: Project) -> list[str]:
    return [s for s in project.stacks() if stack_layer(project, s) == "team"]


@contextmanager
def stack_file_transaction(project: Project, stack: str) -> Iterator[Path]:
    """Yield the stack file's path; restore it (or remove it if it was new) if the body raises."""
    path = project.stack_path(stack)
    before = path.read_text() if path.exists() else None
    try:
        yield path
    except BaseException:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            path.write_text(before)
        raise


def _round_trip() -> Any:
    from ruamel.yaml import YAML

    yaml_rt = YAML()
    yaml_rt.preserve_quotes = True
    yaml_rt.indent(mapping=2, sequence=4, offset=2)
    yaml_rt.width = 100
    return yaml_rt


def load_for_editing(project: Project, stack: str) -> Any:
    """The stack file as a round-trip document (comments and quoting kept)."""
    read_stack_file(project, stack)  # the same errors as a plan gives, before editing
    return _round_trip().load(project.stack_path(stack).read_text())


def dump_edited(document: Any) -> str:
    buffer = io.StringIO()
    _round_trip().dump(document, buffer)
    return buffer.getvalue()
