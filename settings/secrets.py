"""Values that must be secrets are refused in plain text.

A kubeconfig carries cluster credentials: it is only accepted as secret config (`pulumi config
set --secret --path inference.kubeconfig`), which the stack file holds as `{secure: ...}` and
the Pulumi CLI marks in the program's secret keys.
"""

from __future__ import annotations

from typing import Any

from settings.stack_files import StackFile

# (config key, path inside its object, how to set it as a secret)
MUST_BE_SECRET: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (
        "inference",
        ("kubeconfig",),
        "pulumi config set --secret --path inference.kubeconfig < kubeconfig",
    ),
)


def _get(value: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return value


def plain_text_secret_problems(
    values: dict[str, Any],
    project: str,
    secret_keys: frozenset[str],
    written: StackFile | None,
) -> list[str]:
    problems = []
    for key, path, how in MUST_BE_SECRET:
        value = _get(values.get(key), path)
        full = f"{project}:{key}"
        if value is None or isinstance(value, dict):
            continue  # unset, or still encrypted ({secure: ...}) as the offline plan sees it
        secure_in_file = written is not None and (full, *path) in written.secure
        if full in secret_keys or secure_in_file:
            continue
        problems.append(
            f"{full}.{'.'.join(path)} = [plain text, not shown]: holds credentials, so it must "
            f"be secret config; allowed: a secret set with `{how}`"
        )
    return problems
