"""Trust policies of roles that an AWS service assumes."""

from __future__ import annotations

from typing import Any


def service_trust_policy(service: str, account_id: str) -> dict[str, Any]:
    """Only `service` acting for this account may assume the role (confused-deputy guard)."""
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ServiceOfThisAccount",
                "Effect": "Allow",
                "Principal": {"Service": service},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:SourceAccount": account_id}},
            }
        ],
    }
