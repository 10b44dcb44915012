"""Insecure variants: KMS keys."""

from __future__ import annotations

from tests.policies.corpus.cases import (
    KEY,
    Case,
    add_statement,
    put,
)
from tests.policies.helpers import (
    change,
)

CASES = [
    Case(
        "key-rotation-off",
        "fraud-dev",
        "kms-key-rotation",
        lambda p: change(p, KEY, None, put("enableKeyRotation", False)),
    ),
    Case(
        "key-policy-wildcard",
        "dev",
        "kms-no-wildcard-principal",
        lambda p: change(
            p,
            KEY,
            None,
            add_statement(
                {
                    "Sid": "Anyone",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": "kms:Decrypt",
                    "Resource": "*",
                }
            ),
        ),
    ),
]
