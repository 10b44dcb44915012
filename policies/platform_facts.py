"""The platform facts a rule judges against: its accounts, the buckets it owns, its scope.

They come from the pack config (`mlopsctl/pack_facts.py` fills `accountId`, `trustedAccountIds`,
`ownedBucketPatterns`, `teamScope`, ... from the stack's settings). Where the pack runs without
that config, the AWS provider's `allowedAccountIds` (components/provider.py sets it to the
stack's account) stands in for the accounts, and bucket ownership falls back to the name
prefix and those accounts.
"""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

from policies.props import as_list

# The facts' config keys and their defaults: a rule declares the ones it uses, e.g.
# `defaults={**facts("trustedAccountIds")}`.
FACT_DEFAULTS: dict[str, Any] = {
    "accountId": "",
    "trustedAccountIds": [],
    "region": "",
    "namePrefix": "mlops",
    "teamScope": "",
    "ownedBucketPatterns": [],
    "production": False,
}
ACCOUNT_IN_ARN = re.compile(r"^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):")
ACCOUNT_ID = re.compile(r"^\d{12}$")


def facts(*names: str) -> dict[str, Any]:
    """Defaults for the named facts (unknown names are a programming error)."""
    return {name: FACT_DEFAULTS[name] for name in names}


def provider_accounts(resource: Any) -> list[str]:
    """`allowedAccountIds` of the resource's AWS provider (args or PolicyResource)."""
    provider = getattr(resource, "provider", None)
    props = getattr(provider, "props", None) or {}
    raw = props.get("allowedAccountIds")
    if isinstance(raw, str) and raw.startswith("["):
        try:  # the engine hands provider inputs over as JSON strings, as it does defaultTags
            raw = json.loads(raw)
        except json.JSONDecodeError:
            return []
    return [str(a) for a in as_list(raw) if a]


def trusted_accounts(config: Mapping[str, Any], resources: Iterable[Any] = ()) -> set[str]:
    """The accounts the platform trusts: the pack config's, else the providers'."""
    configured = {str(a) for a in as_list(config.get("trustedAccountIds")) if a}
    if config.get("accountId"):
        configured.add(str(config["accountId"]))
    if configured:
        return configured
    return {account for resource in resources for account in provider_accounts(resource)}


def account_of(value: str) -> str | None:
    """The account of an ARN or a bare account id; None for anything else (`*`, a service)."""
    if ACCOUNT_ID.match(value):
        return value
    match = ACCOUNT_IN_ARN.match(value)
    return match.group(1) if match else None


def is_owned_bucket(name: str, config: Mapping[str, Any], accounts: Iterable[str] = ()) -> bool:
    """Is `name` (a bucket name, not an ARN) one the platform owns? By the pack config's
    patterns, else `<prefix>-*-<trusted account>` (components/naming.py's scheme)."""
    patterns = [str(p) for p in as_list(config.get("ownedBucketPatterns")) if p]
    if not patterns:
        prefix = str(config.get("namePrefix") or FACT_DEFAULTS["namePrefix"])
        patterns = [f"{prefix}-*-{account}" for account in accounts]
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in patterns)


def bucket_of(value: str) -> str | None:
    """The bucket of `s3://bucket/key`, `arn:aws:s3:::bucket/key` or a bare bucket name."""
    if value.startswith("s3://"):
        return value[5:].split("/", 1)[0] or None
    if value.startswith("arn:") and ":s3:::" in value:
        return value.split(":s3:::", 1)[1].split("/", 1)[0] or None
    if value and "/" not in value and ":" not in value:
        return value
    return None
