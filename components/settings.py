"""Stack config -> one validated, typed settings object.

Read once, before any resource is registered. Every problem is reported in one `ConfigError`
whose lines name the key (`mlops:team.lifecycle.noncurrentVersionExpirationDays`), the bad value
and what is allowed. Keys of the project namespace that are not declared are errors, so a typo
can never be silently ignored.

A team stack names its environment stack (`mlops:team.environmentStack`); that stack's file is
read from `stacks/` here too, so a team's choices (GPU types, region, account) are checked against
the environment's rules before anything is planned or deployed.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError

from components.config.base import (
    AccountId,
    CostCenter,
    Email,
    EnvironmentName,
    NamePrefix,
    Region,
    StrictModel,
)
from components.config.environment import GovernanceConfig, NetworkConfig
from components.config.inference import InferenceConfig, inference_problems
from components.config.lab import LabConfig, lab_problems
from components.config.personas import PersonasConfig
from components.config.registry import RegistryConfig
from components.config.retraining import RetrainingConfig, retraining_problems
from components.config.team import TeamConfig
from components.config.tracking import TrackingConfig, tracking_problems

PROJECT = "mlops"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
STACKS_DIR = PROJECT_ROOT / "stacks"
REGION_KEY = "aws:region"
# Names reserved for the environment layer's own resources (see components/naming.py).
RESERVED_TEAM_NAMES = frozenset({"platform", "env"})


# libyaml's safe loader when PyYAML was built with it (the wheels are): 10x faster to parse.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class ConfigError(Exception):
    """A stack config that cannot be planned; the message lists every problem, one per line."""


class CommonSettings(StrictModel):
    layer: Literal["environment", "team"]
    environment: EnvironmentName
    production: bool = False
    owner: Email
    cost_center: CostCenter
    account_id: AccountId
    name_prefix: NamePrefix = "mlops"
    region: Region = Field(alias="aws:region")
    stack: str = Field(default="", exclude=True)


class EnvironmentSettings(CommonSettings):
    layer: Literal["environment"]
    network: NetworkConfig = Field(default_factory=NetworkConfig)
    governance: GovernanceConfig = Field(default_factory=GovernanceConfig)

    @property
    def team_name(self) -> str:
        return "platform"


class TeamSettings(CommonSettings):
    layer: Literal["team"]
    team: TeamConfig
    # -- fields: one per component config (components/config/<component>.py) --
    registry: RegistryConfig = Field(default_factory=RegistryConfig)
    inference: InferenceConfig = Field(default_factory=InferenceConfig)
    retraining: RetrainingConfig = Field(default_factory=RetrainingConfig)
    lab: LabConfig = Field(default_factory=LabConfig)
    personas: PersonasConfig = Field(default_factory=PersonasConfig)
    tracking: TrackingConfig = Field(default_factory=TrackingConfig)
    # The environment stack's settings, read from its stack file (not a config key).
    env: EnvironmentSettings = Field(exclude=True)

    @property
    def team_name(self) -> str:
        return self.team.name


Settings = EnvironmentSettings | TeamSettings

# Object-valued keys that belong to one layer only; the other layer must leave them unset ({}).
LAYER_OBJECT_KEYS: dict[str, tuple[str, ...]] = {
    "environment": ("network", "governance"),
    "team": (
        "team",
        # -- team layer keys --
        "registry",
        "inference",
        "retraining",
        "lab",
        "personas",
        "tracking",
    ),
}


@cache
def declared_config() -> dict[str, dict[str, Any]]:
    """The `config:` block of Pulumi.yaml: key -> declaration (type, default, description)."""
    project = yaml.load((PROJECT_ROOT / "Pulumi.yaml").read_text(), Loader=YAML_LOADER)
    declared: dict[str, dict[str, Any]] = {}
    for key, declaration in (project.get("config") or {}).items():
        full = key if ":" in key else f"{PROJECT}:{key}"
        declared[full] = declaration or {}
    return declared


def read_stack_file(stack: str, stacks_dir: Path = STACKS_DIR) -> dict[str, Any]:
    """The `config:` mapping of `stacks/Pulumi.<stack>.yaml` (raises ConfigError if absent)."""
    path = stacks_dir / f"Pulumi.{stack}.yaml"
    if not path.is_file():
        known = ", ".join(sorted(available_stacks(stacks_dir))) or "none"
        raise ConfigError(
            f"stack '{stack}': no stack file {path.name} in {stacks_dir} (known: {known})"
        )
    document = yaml.load(path.read_text(), Loader=YAML_LOADER) or {}
    return dict(document.get("config") or {})


def available_stacks(stacks_dir: Path = STACKS_DIR) -> list[str]:
    return sorted(p.name[len("Pulumi.") : -len(".yaml")] for p in stacks_dir.glob("Pulumi.*.yaml"))


def _decode(key: str, value: Any) -> Any:
    """Runtime config values are strings (objects JSON-encoded); decode by the declared type."""
    if not isinstance(value, str):
        return value
    declared_type = declared_config().get(key, {}).get("type")
    if declared_type == "string":
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value


def _describe_value(value: Any) -> str:
    text = json.dumps(value, default=str) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _key_path(loc: tuple[Any, ...]) -> str:
    head, *rest = loc
    path = head if head == REGION_KEY else f"{PROJECT}:{head}"
    for part in rest:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at `loc` (for unknown-key errors), walking nested models by alias."""
    current: Any = model
    for part in loc:
        if isinstance(part, int) or not (
            isinstance(current, type) and issubclass(current, BaseModel)
        ):
            continue
        by_alias = {(f.alias or name): f for name, f in current.model_fields.items()}
        field = by_alias.get(part)
        if field is None:
            break
        annotation = field.annotation
        args = getattr(annotation, "__args__", ())
        current = next(
            (a for a in (annotation, *args) if isinstance(a, type) and issubclass(a, BaseModel)),
            None,
        )
    if isinstance(current, type) and issubclass(current, BaseModel):
        return sorted(f.alias or n for n, f in current.model_fields.items() if not f.exclude)
    return []


def _format_errors(error: ValidationError, model: type[BaseModel]) -> list[str]:
    lines = []
    for item in error.errors():
        loc = tuple(p for p in item["loc"] if p not in ("function-after",))
        key = _key_path(loc) if loc else f"{PROJECT}"
        if item["type"] == "missing":
            lines.append(f"{key}: missing; this key is required")
        elif item["type"] == "extra_forbidden":
            allowed = _allowed_keys(model, loc[:-1])
            hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
            lines.append(f"{key}: unknown key{suggestion}; allowed keys here: {', '.join(allowed)}")
        else:
            message = item["msg"].removeprefix("Value error, ")
            if not message.startswith("allowed:") and item["type"] == "literal_error":
                message = "allowed: " + message.removeprefix("Input should be ")
            lines.append(f"{key} = {_describe_value(item.get('input'))}: {message}")
    return lines


def _fail(stack: str, lines: list[str]) -> ConfigError:
    body = "\n".join(f"  - {line}" for line in lines)
    return ConfigError(f"stack '{stack}' has invalid config:\n{body}")


def load_settings(config: Mapping[str, Any], stack: str, stacks_dir: Path = STACKS_DIR) -> Settings:
    """Validate a stack's config (full keys such as `mlops:team`) into typed settings."""
    declared = declared_config()
    values: dict[str, Any] = {}
    problems: list[str] = []
    for key, raw in config.items():
        namespace, _, name = key.partition(":")
        if key == REGION_KEY:
            values[REGION_KEY] = raw
        elif namespace == PROJECT:
            if key not in declared:
                known = [k.split(":", 1)[1] for k in declared if k.startswith(f"{PROJECT}:")]
                hint = difflib.get_close_matches(name, known, n=1)
                suggestion = f" (did you mean '{PROJECT}:{hint[0]}'?)" if hint else ""
                problems.append(
                    f"{key}: unknown key{suggestion}; declared keys: {', '.join(sorted(known))}"
                )
                continue
            values[name] = _decode(key, raw)
    if problems:
        raise _fail(stack, problems)

    layer = values.get("layer")
    if layer not in LAYER_OBJECT_KEYS:
        raise _fail(
            stack,
            [f"{PROJECT}:layer = {_describe_value(layer)}: allowed: 'environment' or 'team'"],
        )
    for other_layer, keys in LAYER_OBJECT_KEYS.items():
        if other_layer == layer:
            continue
        for key in keys:
            if values.get(key) not in (None, {}, []):
                problems.append(
                    f"{PROJECT}:{key}: belongs to the {other_layer} layer; "
                    f"a {layer}-layer stack must not set it"
                )
            values.pop(key, None)
    if problems:
        raise _fail(stack, problems)

    model: type[CommonSettings] = EnvironmentSettings if layer == "environment" else TeamSettings
    if layer == "team":
        values["env"] = _environment_of(values, stack, stacks_dir)
    try:
        settings = model.model_validate({**values, "stack": stack})
    except ValidationError as error:
        raise _fail(stack, _format_errors(error, model)) from None
    if isinstance(settings, TeamSettings):
        _check_team_against_environment(settings)
    return settings


def _environment_of(
    values: dict[str, Any], stack: str, stacks_dir: Path
) -> EnvironmentSettings | dict:
    """Load the environment stack a team stack names; errors name `mlops:team.environmentStack`."""
    team = values.get("team")
    env_stack = team.get("environmentStack") if isinstance(team, dict) else None
    if not isinstance(env_stack, str):
        return {}  # the model reports the missing/invalid key
    key = f"{PROJECT}:team.environmentStack"
    if not (stacks_dir / f"Pulumi.{env_stack}.yaml").is_file():
        raise _fail(
            stack,
            [
                f"{key} = '{env_stack}': no such stack file; "
                f"allowed: {_environment_stacks(stacks_dir)}"
            ],
        )
    env_config = read_stack_file(env_stack, stacks_dir)
    if env_config.get(f"{PROJECT}:layer") != "environment":
        raise _fail(
            stack,
            [
                f"{key} = '{env_stack}': is not an environment-layer stack; "
                f"allowed: {_environment_stacks(stacks_dir)}"
            ],
        )
    plain = {k: v for k, v in env_config.items() if not (isinstance(v, dict) and "secure" in v)}
    try:
        return load_settings(plain, env_stack, stacks_dir)  # type: ignore[return-value]
    except ConfigError as error:
        raise _fail(
            stack, [f"{key} = '{env_stack}': that stack's config is invalid: {error}"]
        ) from None


def _environment_stacks(stacks_dir: Path) -> str:
    """The environment-layer stacks, for error messages."""
    names = [
        s
        for s in available_stacks(stacks_dir)
        if read_stack_file(s, stacks_dir).get(f"{PROJECT}:layer") == "environment"
    ]
    return ", ".join(names) or "none"


def _check_team_against_environment(settings: TeamSettings) -> None:
    env = settings.env
    problems = []
    for field, key in (
        ("environment", "environment"),
        ("production", "production"),
        ("account_id", "accountId"),
        ("region", REGION_KEY),
    ):
        mine, theirs = getattr(settings, field), getattr(env, field)
        if mine != theirs:
            full = key if ":" in key else f"{PROJECT}:{key}"
            problems.append(
                f"{full} = {_describe_value(mine)}: must equal the environment stack "
                f"'{env.stack}' ({_describe_value(theirs)})"
            )
    if settings.team.name in RESERVED_TEAM_NAMES:
        problems.append(
            f"{PROJECT}:team.name = '{settings.team.name}': reserved for the environment layer; "
            f"allowed: any other name"
        )
    problems.extend(lab_problems(settings))
    problems.extend(inference_problems(settings))
    problems.extend(retraining_problems(settings))
    problems.extend(tracking_problems(settings))
    if problems:
        raise _fail(settings.stack, problems)


def settings_from_pulumi() -> Settings:
    """Settings of the running Pulumi program (CLI run or the offline plan engine)."""
    import pulumi
    from pulumi.runtime import config as runtime_config

    merged = {**runtime_config.get_config_env(), **runtime_config.CONFIG.get()}
    return load_settings(merged, pulumi.get_stack())
