"""The policy intent (`intent.yaml`), loaded and checked: who may take which step on what."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from mlopsctl.access import INTENT_FILE
from mlopsctl.access.facts import HUMAN_PERSONAS
from settings.project import YAML_LOADER

ROLE_ACTORS = ("human", "execution", "endpoint", "pipeline", "auditor")
CALLERS = ("caller:configured", "caller:account", "caller:tagged", "caller:peer")
TEAMS = ("own", "peer", "other-environment")
OWNERS = ("same-persona", "other-persona")
KINDS = (
    "user-profile",
    "space",
    "app",
    "domain",
    "studio-log-stream",
    "training-log-stream",
    "object",
    "bucket",
    "dvc-object",
    "dvc-bucket",
    "tracking-server",
    "mlflow-app",
    "key",
    "repository",
    "endpoint",
    "new-endpoint",
    "pipeline",
    "training-job",
    "model-archive",
    "lab-environment-file",
    "model-package",
    "role",
    "persona-role",
    "any",
)
SELECTORS = {"kind", "team", "owner", "purposes", "steward", "role", "persona"}
WHEN_KEYS = {"authMode", "production", "principals"}
RULE_KEYS = {"step", "who", "personas", "actions", "resource", "context", "expect", "when", "why"}


@dataclass(frozen=True)
class Target:
    kind: str
    team: str = "own"
    owner: str | None = None
    purposes: tuple[str, ...] = ()
    steward: str | None = None
    role: str | None = None
    persona: str | None = None


@dataclass(frozen=True)
class Rule:
    step: str
    who: str
    actions: tuple[str, ...]
    resource: Target
    expect: str
    personas: tuple[str, ...] = HUMAN_PERSONAS
    context: dict[str, Any] = field(default_factory=dict)
    when: dict[str, Any] = field(default_factory=dict)
    why: str = ""


class IntentError(ValueError):
    """intent.yaml is not in the documented format."""


def _target(raw: Any, where: str) -> Target:
    if not isinstance(raw, dict) or raw.get("kind") not in KINDS:
        raise IntentError(f"{where}: `resource` needs a kind among {', '.join(KINDS)}")
    unknown = set(raw) - SELECTORS
    if unknown:
        raise IntentError(f"{where}: unknown selectors {sorted(unknown)}")
    if raw.get("team", "own") not in TEAMS:
        raise IntentError(f"{where}: team must be one of {TEAMS}")
    if raw.get("owner") not in (None, *OWNERS):
        raise IntentError(f"{where}: owner must be one of {OWNERS}")
    if raw.get("steward") not in (None, "readable", "unreadable"):
        raise IntentError(f"{where}: steward must be readable or unreadable")
    return Target(
        kind=raw["kind"],
        team=raw.get("team", "own"),
        owner=raw.get("owner"),
        purposes=tuple(raw.get("purposes") or ()),
        steward=raw.get("steward"),
        role=raw.get("role"),
        persona=raw.get("persona"),
    )


def _rule(raw: Any, index: int) -> Rule:
    where = f"intent rule {index + 1}"
    if not isinstance(raw, dict):
        raise IntentError(f"{where}: a mapping is needed")
    unknown = set(raw) - RULE_KEYS
    if unknown:
        raise IntentError(f"{where}: unknown keys {sorted(unknown)}")
    if raw.get("who") not in (*ROLE_ACTORS, *CALLERS):
        raise IntentError(f"{where}: who must be one of {(*ROLE_ACTORS, *CALLERS)}")
    if raw.get("expect") not in ("allow", "deny"):
        raise IntentError(f"{where}: expect must be allow or deny, not {raw.get('expect')!r}")
    personas = tuple(raw.get("personas") or HUMAN_PERSONAS)
    if set(personas) - set(HUMAN_PERSONAS):
        raise IntentError(f"{where}: personas must be among {HUMAN_PERSONAS}")
    when = dict(raw.get("when") or {})
    if set(when) - WHEN_KEYS:
        raise IntentError(f"{where}: when supports {sorted(WHEN_KEYS)}")
    actions: tuple[Any, ...] = tuple(raw.get("actions") or ())
    if not actions or not all(isinstance(a, str) and ":" in a for a in actions):
        raise IntentError(f"{where}: actions must be a list of service:Action")
    return Rule(
        step=str(raw.get("step", "")),
        who=raw["who"],
        actions=actions,
        resource=_target(raw.get("resource"), where),
        expect=raw["expect"],
        personas=personas,
        context=dict(raw.get("context") or {}),
        when=when,
        why=str(raw.get("why", "")),
    )


def parse_intent(document: Any) -> tuple[Rule, ...]:
    if not isinstance(document, dict) or not isinstance(document.get("rules"), list):
        raise IntentError("intent: a mapping with a `rules` list is needed")
    return tuple(_rule(raw, i) for i, raw in enumerate(document["rules"]))


@lru_cache(maxsize=4)
def load_intent(path: Path = INTENT_FILE) -> tuple[Rule, ...]:
    return parse_intent(yaml.load(path.read_text(), Loader=YAML_LOADER))
