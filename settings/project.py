"""Where the Pulumi project is: its `Pulumi.yaml`, declared config keys and stack files.

Everything that needs the project (the program, the plan engine, `mlopsctl`) names it by its
directory; nothing locates `stacks/` on its own.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from settings.errors import ConfigError

YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 10x faster to parse
PROJECT_FILE = "Pulumi.yaml"


@dataclass(frozen=True)
class Project:
    root: Path
    name: str
    stacks_dir: Path
    declared: dict[str, dict[str, Any]] = field(repr=False)

    @classmethod
    def at(cls, root: Path) -> Project:
        """The project whose `Pulumi.yaml` is in `root`."""
        path = Path(root).resolve() / PROJECT_FILE
        try:
            document = yaml.load(path.read_text(), Loader=YAML_LOADER)
        except FileNotFoundError:
            raise ConfigError(f"{path}: no Pulumi project file here") from None
        except yaml.YAMLError as error:
            raise ConfigError(f"{path}: not valid YAML ({error})") from None
        if not isinstance(document, dict) or "name" not in document:
            raise ConfigError(f"{path}: a Pulumi project file needs a `name:`")
        name = str(document["name"])
        declared = {}
        for key, declaration in (document.get("config") or {}).items():
            declared[key if ":" in key else f"{name}:{key}"] = declaration or {}
        return cls(
            root=path.parent,
            name=name,
            stacks_dir=path.parent / str(document.get("stackConfigDir", ".")),
            declared=declared,
        )

    def stack_path(self, stack: str) -> Path:
        return self.stacks_dir / f"Pulumi.{stack}.yaml"

    def has_stack(self, stack: str) -> bool:
        return self.stack_path(stack).is_file()

    def stacks(self) -> list[str]:
        return sorted(
            p.name[len("Pulumi.") : -len(".yaml")] for p in self.stacks_dir.glob("Pulumi.*.yaml")
        )

    def defaults(self) -> dict[str, Any]:
        """Declared defaults, as the Pulumi CLI gives them to the program."""
        return {k: d["default"] for k, d in self.declared.items() if "default" in d}

    def unknown_stack(self, stack: str) -> ConfigError:
        known = self.stacks()
        hint = difflib.get_close_matches(stack, known, n=1)
        suggestion = f" (did you mean '{hint[0]}'?)" if hint else ""
        return ConfigError(
            f"stack '{stack}': no stack file {self.stack_path(stack).name} in "
            f"{self.stacks_dir}{suggestion}; known stacks: {', '.join(known) or 'none'}"
        )


def find_project(start: Path) -> Project:
    """The nearest directory at or above `start` with a `Pulumi.yaml`."""
    start = Path(start).resolve()
    for directory in (start, *start.parents):
        if (directory / PROJECT_FILE).is_file():
            return Project.at(directory)
    raise ConfigError(f"no {PROJECT_FILE} in {start} or any parent directory")
