"""The only code that reads stack files and Pulumi config: validation, then one derived,
immutable, typed model per stack (`EnvironmentSettings` or `TeamSettings`).

Imports nothing of the program: components receive plain values from the layers.

Names load with their module on first use (PEP 562): finding the project (`Project`) must not
cost building every config model, which is half a second of a cached `mlopsctl plan`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from settings.errors import ConfigError
    from settings.loader import load_settings, load_stack, settings_from_pulumi
    from settings.project import Project, find_project
    from settings.stack import EnvironmentSettings, Settings, TeamSettings
    from settings.stack_files import (
        StackFile,
        dump_edited,
        environment_stacks,
        load_for_editing,
        read_stack_file,
        stack_config,
        stack_file_transaction,
        stack_layer,
        team_stacks,
    )

_MODULE_OF = {
    "ConfigError": "settings.errors",
    "load_settings": "settings.loader",
    "load_stack": "settings.loader",
    "settings_from_pulumi": "settings.loader",
    "stack_config": "settings.stack_files",
    "Project": "settings.project",
    "find_project": "settings.project",
    "EnvironmentSettings": "settings.stack",
    "Settings": "settings.stack",
    "TeamSettings": "settings.stack",
    "StackFile": "settings.stack_files",
    "dump_edited": "settings.stack_files",
    "environment_stacks": "settings.stack_files",
    "load_for_editing": "settings.stack_files",
    "read_stack_file": "settings.stack_files",
    "stack_file_transaction": "settings.stack_files",
    "stack_layer": "settings.stack_files",
    "team_stacks": "settings.stack_files",
}

__all__ = [
    "ConfigError",
    "EnvironmentSettings",
    "Project",
    "Settings",
    "StackFile",
    "TeamSettings",
    "dump_edited",
    "environment_stacks",
    "find_project",
    "load_for_editing",
    "load_settings",
    "load_stack",
    "read_stack_file",
    "settings_from_pulumi",
    "stack_config",
    "stack_file_transaction",
    "stack_layer",
    "team_stacks",
]


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module 'settings' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_MODULE_OF])
