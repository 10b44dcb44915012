"""Insecure variants: Data governance."""

from __future__ import annotations

import json

from tests.policies.corpus.cases import (
    BUCKET,
    BUCKET_POLICY,
    KEY,
    ROLE,
    Case,
    add_statement,
    put,
)
from tests.policies.helpers import (
    change,
    edit_document,
    resource,
)

CASES = [
    Case(
        "provider-without-cost-center",
        "fraud-dev",
        "governance-required-tags",
        lambda p: change(
            p,
            "pulumi:providers:aws",
            None,
            put("defaultTags", json.dumps({"tags": {"team": "fraud", "environment": "dev"}})),
        ),
    ),
    Case(
        "unknown-classification",
        "fraud-dev",
        "governance-data-classification",
        lambda p: change(p, BUCKET, "raw-bucket", put("tags.data-classification", "secret")),
    ),
    Case(
        "steward-reads-restricted",
        "fraud-dev",
        "governance-restricted-data-readers",
        config={"mlops:personas": {"dataStewardReadableClassifications": ["restricted"]}},
    ),
    Case(
        "dev-role-in-prod-bucket-policy",
        "fraud-prod",
        "governance-cross-environment-isolation",
        lambda p: change(
            p,
            BUCKET_POLICY,
            "curated-bucket-policy",
            add_statement(
                {
                    "Sid": "DevReads",
                    "Effect": "Allow",
                    "Principal": {
                        "AWS": "arn:aws:iam::210987654321:role/mlops-fraud-dev-data-scientist"
                    },
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::mlops-fraud-prod-curated-345678901234/*",
                }
            ),
        ),
    ),
    Case(
        "dev-trusted-by-prod-role",
        "fraud-prod",
        "governance-cross-environment-isolation",
        lambda p: change(
            p,
            ROLE,
            next(r.name for r in p.of_type(ROLE)),
            edit_document(
                "assumeRolePolicy",
                lambda d: d["Statement"].append(
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Principal": {"AWS": "arn:aws:iam::210987654321:root"},
                    }
                ),
            ),
        ),
    ),
    Case(
        "unprotected-prod-bucket",
        "fraud-prod",
        "governance-production-protection",
        lambda p: setattr(resource(p, BUCKET, "raw-bucket"), "protect", False),
    ),
    Case(
        "prod-key-not-retained",
        "prod",
        "governance-production-protection",
        lambda p: setattr(resource(p, KEY), "retain_on_delete", False),
    ),
]
