"""One module per mlopsctl sub-command, and the project they all work on.

`mlopsctl` works on a Pulumi project of this blueprint, never on the checkout it was installed
from: the directory given with `mlopsctl --project DIR`, else the nearest directory at or above
the current one whose `Pulumi.yaml` names this project (`name: mlops`). Another Pulumi project
on the way up (e.g. a program under `examples/`) is passed over.
"""

from __future__ import annotations

from pathlib import Path

from settings import ConfigError, Project

PROJECT_NAME = "mlops"  # the `name:` in this blueprint's Pulumi.yaml
PROJECT_FILE = "Pulumi.yaml"


def _project_at(directory: Path) -> Project | str:
    """The project in `directory`, or why it is not one of this blueprint."""
    try:
        project = Project.at(directory)
    except ConfigError as error:
        return str(error)
    if project.name != PROJECT_NAME:
        return f"{project.root / PROJECT_FILE} is project '{project.name}', not '{PROJECT_NAME}'"
    return project


def locate_project(explicit: Path | str | None = None, cwd: Path | None = None) -> Project:
    """The project to work on: `explicit` (`--project DIR`), else found from `cwd` upwards.

    Raises ConfigError with a one-line message when there is none.
    """
    if explicit is not None:
        found = _project_at(Path(explicit).expanduser())
        if isinstance(found, str):
            raise ConfigError(f"--project {explicit}: {found}")
        return found
    start = (cwd or Path.cwd()).resolve()
    passed_over = []
    for directory in (start, *start.parents):
        if (directory / PROJECT_FILE).is_file():
            found = _project_at(directory)
            if not isinstance(found, str):
                return found
            passed_over.append(found)
    detail = f" ({'; '.join(passed_over)})" if passed_over else ""
    raise ConfigError(
        f"no {PROJECT_FILE} of project '{PROJECT_NAME}' in {start} or any parent directory"
        f"{detail}; run mlopsctl inside the project or pass --project DIR"
    )
