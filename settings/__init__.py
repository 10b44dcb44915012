"""The only code that reads stack files and Pulumi config: validation, then one derived,
immutable, typed model per stack (`EnvironmentSettings` or `TeamSettings`).

Imports nothing of the program: components receive plain values from the layers.
"""

from settings.errors import ConfigError
from settings.loader import load_settings, load_stack, settings_from_pulumi, stack_config
from settings.project import Project, find_project
from settings.stack import EnvironmentSettings, Settings, TeamSettings
from settings.stack_files import (
    StackFile,
    dump_edited,
    environment_stacks,
    load_for_editing,
    read_stack_file,
    stack_file_transaction,
    stack_layer,
    team_stacks,
)

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
