"""S3 general purpose bucket naming rules.

Source: Amazon S3 User Guide, "General purpose bucket naming rules"
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html), read
2026-12-01. botocore's S3 model gives `Bucket` no pattern, so these rules are the only check.
"""

from __future__ import annotations

import ipaddress
import re

from mlopsctl.conformance.finding import Finding, Origin, finding
from mlopsctl.plan.model import Plan

BUCKET = "aws:s3/bucket:Bucket"
RULE = "s3-bucket-name"
SOURCE = "Amazon S3 User Guide: General purpose bucket naming rules (read 2026-12-01)"
MIN_LENGTH, MAX_LENGTH = 3, 63
RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3")
_CHARACTERS = re.compile(r"[a-z0-9.-]*")


def _is_ip_address(name: str) -> bool:
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        return False
    return True


def _reserved(name: str) -> str | None:
    prefix = next((p for p in RESERVED_PREFIXES if name.startswith(p)), None)
    if prefix:
        return f"must not start with the reserved prefix {prefix}"
    suffix = next((s for s in RESERVED_SUFFIXES if name.endswith(s)), None)
    return f"must not end with the reserved suffix {suffix}" if suffix else None


def bucket_name_problem(name: str) -> str | None:
    """Why S3 refuses `name` for a general purpose bucket (None: it does not)."""
    checks = (
        (
            MIN_LENGTH <= len(name) <= MAX_LENGTH,
            f"is {len(name)} characters long; bucket names take {MIN_LENGTH} to {MAX_LENGTH}",
        ),
        (
            bool(_CHARACTERS.fullmatch(name)),
            "may contain only lowercase letters, numbers, dots (.) and hyphens (-)",
        ),
        (
            bool(name) and name[0].isalnum() and name[-1].isalnum(),
            "must begin and end with a letter or number",
        ),
        (".." not in name, "must not contain two adjacent periods"),
        (not _is_ip_address(name), "must not be formatted as an IP address"),
    )
    failed = next((message for passed, message in checks if not passed), None)
    return failed or _reserved(name)


def check(plan: Plan) -> list[Finding]:
    found = []
    for resource in plan.of_type(BUCKET):
        name = resource.inputs.get("bucket")
        if not isinstance(name, str):
            continue  # auto-named by the engine from the logical name
        problem = bucket_name_problem(name)
        if problem:
            found.append(
                finding(resource, "bucket", name, Origin(RULE, SOURCE), f"'{name}' {problem}")
            )
    return found
