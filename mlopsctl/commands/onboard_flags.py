"""Parsing of `mlopsctl onboard` and `mlopsctl member` arguments into stack-file values.

Each mistake is one ConfigError line naming the argument and what is allowed; the values
themselves (ARNs, URLs, names) are validated by the settings model when the file is checked.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

from settings import ConfigError
from settings.catalog import PERSONAS


def persona_key(persona: str) -> str:
    """The `mlops:personas` key of a persona id: data-scientist -> dataScientist."""
    first, *rest = persona.split("-")
    return first + "".join(part.capitalize() for part in rest)


def check_persona(persona: str, where: str) -> str:
    """`persona` if it is one of PERSONAS; else a ConfigError with a "did you mean" hint."""
    if persona in PERSONAS:
        return persona
    hint = difflib.get_close_matches(persona, PERSONAS, n=1)
    suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
    raise ConfigError(
        f"{where}: unknown persona '{persona}'{suggestion}; allowed: {', '.join(PERSONAS)}"
    )


def parse_member(text: str, where: str = "--member") -> dict[str, str]:
    """`name:persona` as a member entry; a missing persona is refused, never defaulted."""
    name, sep, persona = text.partition(":")
    if not name:
        raise ConfigError(f"{where} '{text}': allowed: name:persona, e.g. alice:data-scientist")
    if not sep or not persona:
        allowed = ", ".join(f"{name}:{p}" for p in PERSONAS)
        raise ConfigError(f"{where} {text}: no persona; allowed: {allowed}")
    return {"name": name, "persona": check_persona(persona, f"{where} {text}")}


def parse_principal(text: str) -> tuple[str, str]:
    """`persona=ARN` as (persona, ARN)."""
    persona, sep, arn = text.partition("=")
    if not sep or not arn:
        raise ConfigError(
            f"--principal '{text}': allowed: PERSONA=ARN, e.g. "
            "data-scientist=arn:aws:iam::<account>:role/<role>; personas: " + ", ".join(PERSONAS)
        )
    return check_persona(persona, f"--principal {persona}=..."), arn


def parse_repository(text: str) -> dict[str, str]:
    """`name=https://host/path.git[@branch]` as a `mlops:lab.codeRepositories` entry."""
    name, sep, rest = text.partition("=")
    usage = "allowed: NAME=URL[@BRANCH], e.g. models=https://git.example.com/team/models.git@main"
    if not sep or not name or not rest:
        raise ConfigError(f"--repository '{text}': {usage}")
    url, at, branch = rest.rpartition("@") if "@" in rest else (rest, "", "")
    if "@" in url or (at and "/" not in url.removeprefix("https://")):
        raise ConfigError(
            f"--repository {name}=...: credentials do not go in the URL (Studio clones with "
            f"each member's own git credentials); {usage}"
        )
    entry = {"name": name, "url": url}
    if at:
        if not branch:
            raise ConfigError(f"--repository {name}=...: an empty branch after '@'; {usage}")
        entry["branch"] = branch
    return entry


def parse_environment_yml(text: str, repositories: list[dict[str, str]]) -> dict[str, str]:
    """`REPOSITORY:PATH` as `mlops:lab.environmentYml` (source git)."""
    repository, sep, path = text.partition(":")
    if not sep or not repository or not path:
        raise ConfigError(
            f"--environment-yml '{text}': allowed: REPOSITORY:PATH, e.g. models:environment.yml"
        )
    names = [r["name"] for r in repositories]
    if repository not in names:
        raise ConfigError(
            f"--environment-yml {text}: '{repository}' is not a --repository; allowed: "
            + (", ".join(names) or "none (add --repository NAME=URL)")
        )
    return {"source": "git", "repository": repository, "path": path}


@dataclass(frozen=True)
class LabExtras:
    """What onboarding writes beyond the environment's defaults: access, code and mirrors."""

    principals: dict[str, list[str]] = field(default_factory=dict)  # persona -> ARNs
    repositories: list[dict[str, str]] = field(default_factory=list)
    environment_yml: dict[str, str] | None = None
    conda_mirror: str | None = None
    pip_mirror: str | None = None


def lab_extras(
    principals: list[str] | None,
    repositories: list[str] | None,
    environment_yml: str | None,
    conda_mirror: str | None,
    pip_mirror: str | None,
) -> LabExtras:
    by_persona: dict[str, list[str]] = {}
    for text in principals or []:
        persona, arn = parse_principal(text)
        by_persona.setdefault(persona, []).append(arn)
    repos = [parse_repository(text) for text in repositories or []]
    return LabExtras(
        principals={p: by_persona[p] for p in PERSONAS if p in by_persona},
        repositories=repos,
        environment_yml=parse_environment_yml(environment_yml, repos) if environment_yml else None,
        conda_mirror=conda_mirror,
        pip_mirror=pip_mirror,
    )
