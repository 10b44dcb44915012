"""What production never lets anyone overwrite: the lab's environment file in a team bucket."""

from __future__ import annotations


def protected_object_keys(environment_file: tuple[str, str] | None) -> dict[str, list[str]]:
    """Bucket purpose -> keys: the lab's environment file (`(purpose, key)`). Model archives
    are kept by their own guardrail (components/documents/guardrails.py)."""
    if environment_file is None:
        return {}
    purpose, key = environment_file
    return {purpose: [key]}
