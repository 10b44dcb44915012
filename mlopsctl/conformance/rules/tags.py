"""AWS tag limits, on the tags AWS receives: the provider's `defaultTags` merged with the
resource's own `tags` (the resource's win).

Source: the basic tag restrictions AWS repeats across its guides and API references, read
2026-12-01 in the AWS Batch User Guide "Tag restrictions"
(https://docs.aws.amazon.com/batch/latest/userguide/tag-restrictions.html) and the ECS `Tag`
API reference: at most 50 tags per resource; key at most 128 and value at most 256 Unicode
characters; "generally allowed characters are letters, numbers, and spaces representable in
UTF-8, and + - = . _ : / @"; "do not use aws:, AWS:, or any upper or lowercase combination of
such as a prefix for either keys or values"; tags with that prefix do not count. (IAM's quotas
page also gives 50 tags per role, key 128, value 256.)
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

from mlopsctl.conformance.api_check import models
from mlopsctl.conformance.finding import Finding, Origin, child_path, finding
from mlopsctl.conformance.mapping import REQUESTS
from mlopsctl.conformance.shapes import plain
from mlopsctl.plan.model import Plan, PlannedResource

RULE = "aws-tags"
SOURCE = "AWS tag restrictions (AWS Batch User Guide: Tag restrictions, read 2026-12-01)"
MAX_TAGS = 50
MAX_KEY, MAX_VALUE = 128, 256
SYMBOLS = set("+-=._:/@")
RESERVED = "aws:"
ORIGIN = Origin(RULE, SOURCE)


_ASCII_ALLOWED = frozenset(
    c for c in map(chr, range(128)) if c in SYMBOLS or c.isalnum() or c == " "
)


def _allowed(char: str) -> bool:
    if char < "\x80":
        return char in _ASCII_ALLOWED
    return unicodedata.category(char)[0] in "LNZ"


def tag_problems(key: str, value: str) -> list[str]:
    problems = []
    if not 1 <= len(key) <= MAX_KEY:
        problems.append(f"key '{key}' is {len(key)} characters; keys take 1 to {MAX_KEY}")
    if len(value) > MAX_VALUE:
        problems.append(f"value of '{key}' is {len(value)} characters; values take {MAX_VALUE}")
    for part, text in (("key", key), ("value", value)):
        bad = sorted({c for c in set(text) if not _allowed(c)})
        if bad:
            problems.append(f"{part} '{text}' has characters tags do not allow: {''.join(bad)}")
        if text.lower().startswith(RESERVED):
            problems.append(f"{part} '{text}' uses the prefix aws:, reserved for AWS")
    return problems


def _default_tags(provider: PlannedResource | None) -> dict[str, Any]:
    raw = plain(provider.inputs.get("defaultTags")) if provider else None
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return {}
    tags = raw.get("tags") if isinstance(raw, dict) else None
    return tags if isinstance(tags, dict) else {}


def _taggable(resource: PlannedResource) -> bool:
    if "tags" in resource.inputs:
        return True
    requests = REQUESTS.get(resource.type)
    if not requests:
        return False
    if any("tags" in r.renames for r in requests):
        return True
    model = models()[requests[0].service]
    return model.member(model.input_shape(requests[0].operation), "tags") is not None


def _check_resource(resource: PlannedResource, defaults: dict[str, Any]) -> list[Finding]:
    own = plain(resource.inputs.get("tags"))
    tags = {**defaults, **(own if isinstance(own, dict) else {})}
    found = []
    user_tags = [k for k in tags if not str(k).lower().startswith(RESERVED)]
    if len(user_tags) > MAX_TAGS:
        message = f"{len(user_tags)} tags with the provider's defaultTags; AWS allows {MAX_TAGS}"
        found.append(finding(resource, "tags", tags, ORIGIN, message))
    for key, value in tags.items():
        text = "" if plain(value) is None else str(plain(value))
        inherited = not (isinstance(own, dict) and key in own)
        note = " (from the provider's defaultTags)" if inherited else ""
        path = child_path("tags", str(key))
        for problem in tag_problems(str(key), text):
            found.append(finding(resource, path, value, ORIGIN, problem + note))
    return found


def check(plan: Plan) -> list[Finding]:
    by_urn = plan.by_urn()
    found: list[Finding] = []
    for resource in plan.resources:
        if resource.type.startswith(("pulumi:", "mlops:")) or not _taggable(resource):
            continue
        provider = by_urn.get(resource.provider.rsplit("::", 1)[0]) if resource.provider else None
        found.extend(_check_resource(resource, _default_tags(provider)))
    return found
