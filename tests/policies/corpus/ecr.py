"""Insecure variants: ECR repositories."""

from __future__ import annotations

from tests.policies.corpus.cases import (
    REPO,
    REPO_POLICY,
    Case,
    add_statement,
    put,
)
from tests.policies.helpers import (
    change,
)

CASES = [
    Case(
        "mutable-tags",
        "fraud-dev",
        "ecr-immutable-tags",
        lambda p: change(p, REPO, None, put("imageTagMutability", "MUTABLE")),
    ),
    Case(
        "no-scan-on-push",
        "fraud-prod",
        "ecr-scan-on-push",
        lambda p: change(p, REPO, None, put("imageScanningConfiguration.scanOnPush", False)),
    ),
    Case(
        "ecr-aes256",
        "fraud-dev",
        "ecr-kms-encryption",
        lambda p: change(
            p, REPO, None, put("encryptionConfigurations", [{"encryptionType": "AES256"}])
        ),
    ),
    Case(
        "public-repository",
        "fraud-dev",
        "ecr-no-public-policy",
        lambda p: change(
            p,
            REPO_POLICY,
            None,
            add_statement(
                {
                    "Sid": "PublicPull",
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
                }
            ),
        ),
    ),
]
