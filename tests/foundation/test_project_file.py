"""Pulumi.yaml declares exactly the keys the settings model reads, with matching defaults."""

from __future__ import annotations

from pathlib import Path

import yaml

from settings import EnvironmentSettings, TeamSettings
from settings.loader import LAYER_OBJECT_KEYS

PROJECT_ROOT = Path(__file__).resolve().parents[2]

ALLOWED_TYPES = {"string", "integer", "boolean", "array"}


def project():
    return yaml.safe_load((PROJECT_ROOT / "Pulumi.yaml").read_text())


def settings_keys() -> set[str]:
    keys = set()
    for model in (EnvironmentSettings, TeamSettings):
        for name, field in model.model_fields.items():
            if not field.exclude and field.alias != "aws:region":
                keys.add(field.alias or name)
    return keys


def test_project_runtime_and_stack_dir():
    document = project()
    assert document["name"] == "mlops"
    assert document["runtime"]["name"] == "python"
    assert document["runtime"]["options"]["virtualenv"] == ".venv"
    assert document["stackConfigDir"] == "stacks"


def test_every_settings_key_is_declared_and_every_declared_key_is_read():
    declared = set(project()["config"])
    assert declared == settings_keys() - {"stack"}


def test_declarations_have_descriptions_valid_types_and_model_defaults():
    for key, declaration in project()["config"].items():
        assert declaration.get("description"), key
        if "type" in declaration:
            assert declaration["type"] in ALLOWED_TYPES, key
        else:
            assert declaration.get("default") == {}, f"{key}: object keys default to {{}}"
    for model in (EnvironmentSettings, TeamSettings):
        for name, field in model.model_fields.items():
            declaration = project()["config"].get(field.alias or name, {})
            if "default" in declaration and declaration["default"] != {}:
                assert field.default == declaration["default"], name


def test_layer_object_keys_are_declared():
    declared = set(project()["config"])
    for keys in LAYER_OBJECT_KEYS.values():
        assert set(keys) <= declared
