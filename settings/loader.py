"""Stack config -> one validated, typed, immutable settings object.

Read once, before any resource is registered. Every problem is reported in one `ConfigError`
whose lines name the key (`mlops:team.lifecycle.noncurrentVersionExpirationDays`), the value as
written and what is allowed. Undeclared keys of the project namespace are errors, so a typo can
never be silently ignored. A team stack names its environment stack
(`mlops:team.environmentStack`), whose file is read here too, so the team's choices are checked
against the environment's rules before anything is planned.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from settings.catalog import InterfaceEndpoint, team_endpoints
from settings.errors import ConfigError, config_error, describe_value
from settings.formatting import key_path, validation_lines
from settings.models.environment import with_derived_interface_endpoints
from settings.models.inference import InferenceConfig
from settings.models.lab import LabConfig
from settings.models.tracking import TrackingConfig
from settings.project import Project
from settings.rules import RuleFailure
from settings.secrets import plain_text_secret_problems
from settings.stack import EnvironmentSettings, Settings, TeamSettings
from settings.stack_files import StackFile, environment_stacks, read_stack_file

REGION_KEY = "aws:region"
# Object-valued keys that belong to one layer only; the other layer must leave them unset ({}).
LAYER_OBJECT_KEYS: dict[str, tuple[str, ...]] = {
    "environment": ("network", "governance"),
    "team": ("team", "registry", "inference", "retraining", "lab", "personas", "tracking"),
}


def load_stack(project: Project, stack: str) -> Settings:
    """Read and validate one stack file."""
    file = read_stack_file(project, stack)
    config = {**project.defaults(), **file.config}
    return load_settings(config, stack, project, written=file)


def settings_from_pulumi(project_dir: Path | None = None) -> Settings:
    """Settings of the running Pulumi program (a CLI run or the offline plan engine)."""
    import pulumi
    from pulumi.runtime import config as runtime_config

    project = Project.at(project_dir or Path.cwd())
    stack = pulumi.get_stack()
    merged = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    secret_keys = frozenset(runtime_config.get_config_secret_keys_env())
    # The stack file, when present, gives values as written (and refuses YAML traps).
    file = read_stack_file(project, stack) if project.has_stack(stack) else None
    return load_settings(merged, stack, project, written=file, secret_keys=secret_keys)


def load_settings(
    config: Mapping[str, Any],
    stack: str,
    project: Project,
    written: StackFile | None = None,
    secret_keys: frozenset[str] = frozenset(),
) -> Settings:
    """Validate a stack's config (full keys such as `mlops:team`) into typed settings."""
    values = _declared_values(config, stack, project)
    layer = values.get("layer")
    if layer not in LAYER_OBJECT_KEYS:
        line = f"{project.name}:layer = {describe_value(layer)}: allowed: 'environment' or 'team'"
        raise config_error(stack, [line])
    _drop_other_layer_keys(values, layer, stack, project.name)
    problems = plain_text_secret_problems(values, project.name, secret_keys, written)
    if problems:
        raise config_error(stack, problems)
    model = EnvironmentSettings if layer == "environment" else TeamSettings
    if layer == "team":
        values["env"] = _environment_of(values, stack, project)
    elif "network" in values:
        values["network"] = with_derived_interface_endpoints(
            values["network"], _team_endpoints_of(stack, project)
        )
    try:
        return model.model_validate({**values, "stack": stack})
    except ValidationError as error:
        raise config_error(
            stack, validation_lines(error, model, project.name, secret_keys)
        ) from None
    except RuleFailure as failure:
        raise config_error(stack, failure.problems) from None


def _declared_values(config: Mapping[str, Any], stack: str, project: Project) -> dict[str, Any]:
    values: dict[str, Any] = {}
    problems: list[str] = []
    known = sorted(k.split(":", 1)[1] for k in project.declared if k.startswith(f"{project.name}:"))
    for key, raw in config.items():
        namespace, _, name = key.partition(":")
        if key == REGION_KEY:
            values[REGION_KEY] = raw
        elif namespace == project.name:
            if key not in project.declared:
                hint = difflib.get_close_matches(name, known, n=1)
                suggestion = f" (did you mean '{project.name}:{hint[0]}'?)" if hint else ""
                problems.append(
                    f"{key}: unknown key{suggestion}; declared keys: {', '.join(known)}"
                )
                continue
            values[name] = _decode(project.declared[key].get("type"), raw)
    if problems:
        raise config_error(stack, problems)
    return values


def _decode(declared_type: str | None, value: Any) -> Any:
    """Runtime config values are strings (objects JSON-encoded); decode by the declared type."""
    if not isinstance(value, str) or declared_type == "string":
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def _drop_other_layer_keys(values: dict[str, Any], layer: str, stack: str, name: str) -> None:
    problems = []
    for other_layer, keys in LAYER_OBJECT_KEYS.items():
        if other_layer == layer:
            continue
        for key in keys:
            if values.get(key) not in (None, {}, []):
                problems.append(
                    f"{name}:{key}: belongs to the {other_layer} layer; "
                    f"a {layer}-layer stack must not set it"
                )
            values.pop(key, None)
    if problems:
        raise config_error(stack, problems)


def _environment_of(values: dict[str, Any], stack: str, project: Project) -> Any:
    """The environment stack a team stack names; errors name `mlops:team.environmentStack`."""
    team = values.get("team")
    env_stack = team.get("environmentStack") if isinstance(team, dict) else None
    if not isinstance(env_stack, str):
        return {}  # the model reports the missing or invalid key
    key = key_path(("team", "environmentStack"), project.name)
    if not project.has_stack(env_stack):
        allowed = _environment_stacks(project)
        raise config_error(
            stack, [f"{key} = '{env_stack}': no such stack file; allowed: {allowed}"]
        )
    file = read_stack_file(project, env_stack)
    if file.config.get(f"{project.name}:layer") != "environment":
        allowed = _environment_stacks(project)
        raise config_error(
            stack, [f"{key} = '{env_stack}': is not an environment-layer stack; allowed: {allowed}"]
        )
    try:
        return load_settings({**project.defaults(), **file.config}, env_stack, project, file)
    except ConfigError as error:
        raise config_error(
            stack, [f"{key} = '{env_stack}': that stack's config is invalid: {error}"]
        ) from None


def _team_endpoints_of(stack: str, project: Project) -> list[tuple[InterfaceEndpoint, ...]]:
    """The interface endpoints each team stack naming environment `stack` uses, read from the
    team files as written (a team file's own errors are reported when that stack is read)."""
    name, found = project.name, []
    for other in project.stacks():
        try:
            config = {**project.defaults(), **read_stack_file(project, other).config}
        except ConfigError:
            continue
        team = config.get(f"{name}:team")
        if config.get(f"{name}:layer") != "team" or not isinstance(team, dict):
            continue
        if team.get("environmentStack") != stack:
            continue
        found.append(
            team_endpoints(
                lab_kind=_written(config, f"{name}:lab", LabConfig),
                tracking_kind=_written(config, f"{name}:tracking", TrackingConfig),
                inference_backend=_written(config, f"{name}:inference", InferenceConfig, "backend"),
            )
        )
    return found


def _written(
    config: Mapping[str, Any], key: str, model: type[BaseModel], field: str = "kind"
) -> str:
    """`key.field` as written in a stack file, else the model's default."""
    value = config.get(key)
    written = value.get(field) if isinstance(value, dict) else None
    return str(written if written is not None else model.model_fields[field].default)


def _environment_stacks(project: Project) -> str:
    return ", ".join(environment_stacks(project)) or "none"
