"""Physical names and ARNs, in one place.

Names are deterministic (`<prefix>-<team>-<env>-<purpose>`), so that IAM documents can be built
by pure functions from plain strings, and so that every team's resources share an ARN prefix that
IAM and the policy pack can scope to. The environment layer uses the reserved team `platform`.
Team and environment names contain no hyphen, so one team's prefix is never a prefix of another's.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Naming:
    prefix: str
    team: str
    environment: str
    account_id: str
    region: str
    partition: str = "aws"

    @property
    def scope(self) -> str:
        """The prefix every physical name of this team and environment starts with."""
        return f"{self.prefix}-{self.team}-{self.environment}"

    def name(self, *parts: str) -> str:
        """`<prefix>-<team>-<env>-<parts...>`: roles, keys, SageMaker and ECR names."""
        return "-".join((self.scope, *parts))

    def bucket(self, purpose: str) -> str:
        """Bucket names are global: the account id makes them unique across organisations."""
        name = f"{self.scope}-{purpose}-{self.account_id}"
        if len(name) > 63:
            raise ValueError(f"bucket name '{name}' is longer than S3's 63-character limit")
        return name

    def bucket_arn(self, purpose: str) -> str:
        return f"arn:{self.partition}:s3:::{self.bucket(purpose)}"

    def role_arn(self, *parts: str, path: str = "/") -> str:
        return f"arn:{self.partition}:iam::{self.account_id}:role{path}{self.name(*parts)}"

    def arn(self, service: str, resource: str) -> str:
        return f"arn:{self.partition}:{service}:{self.region}:{self.account_id}:{resource}"

    def kms_alias(self, purpose: str) -> str:
        return f"alias/{self.name(purpose)}"
