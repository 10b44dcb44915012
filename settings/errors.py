"""The one error settings raise, and how values appear in it: as written, secrets masked."""

from __future__ import annotations

import json
import re
from typing import Any


class ConfigError(Exception):
    """A stack config that cannot be planned; the message lists every problem, one per line."""


# What looks like a credential in an error message, each replaced by a mask. Sources: AWS
# access key id format (IAM user guide, "Manage access keys", read 2026-11), GitHub and GitLab
# token prefixes (their docs on token formats, read 2026-11), PEM armour (RFC 7468).
_SECRET_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"(\b[a-z][a-z0-9+.-]*://[^/\s:@'\"]+):[^@\s'\"]+@"), r"\1:***@"),
    (re.compile(r"-----BEGIN [A-Z ]+-----.*?(-----END [A-Z ]+-----|$)", re.S), "[private key]"),
    (re.compile(r"\b(AKIA|ASIA)[0-9A-Z]{16}\b"), "[access key id]"),
    (re.compile(r"\b(ghp|gho|ghs|ghu|github_pat|glpat)[-_][A-Za-z0-9_]{16,}"), "[token]"),
    (
        re.compile(
            r"((?:token|password|secret|client-key-data|client-certificate-data)\s*[:=]\s*)"
            r"[^\s,'\"}]+",
            re.I,
        ),
        r"\1***",
    ),
    (re.compile(r"(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])"), "[secret]"),
)
SECRET_SHOWN = "[secret]"


def mask_secrets(text: str) -> str:
    for pattern, replacement in _SECRET_PATTERNS:
        text = pattern.sub(replacement, text)
    return text


def describe_value(value: Any, written: str | None = None) -> str:
    """A value for an error line: the text as written when known, else its JSON/repr form."""
    if written is not None:
        text = written
    elif isinstance(value, dict) and set(value) == {"secure"}:
        text = SECRET_SHOWN
    else:
        text = repr(value) if isinstance(value, str) else json.dumps(value, default=str)
    text = mask_secrets(text)
    return text if len(text) <= 80 else text[:77] + "..."


def config_error(stack: str, lines: list[str]) -> ConfigError:
    body = "\n".join(f"  - {mask_secrets(line)}" for line in lines)
    return ConfigError(f"stack '{stack}' has invalid config:\n{body}")
