"""Tracking: SageMaker MLflow tracking servers and MLflow Apps (serverless MLflow).

None of the common rule sets covers MLflow; both rules are this pack's own. A server's or app's
artifact store is a team bucket when `artifactStoreUri` names a bucket of the stack, or, while
the URI is still unknown (a real preview), when it depends on one of the stack's buckets.
"""

from __future__ import annotations

import re

from pulumi_policy import Severity

from policies.factory import resource_rule, stack_rule
from policies.platform_facts import bucket_of
from policies.resource_types import S3_BUCKET, SAGEMAKER_MLFLOW, SAGEMAKER_MLFLOW_APP

# The provider reads mlflowVersion back as major.minor and the field forces replacement
# (terraform-provider-aws normalizeMlflowVersion, hashicorp/terraform-provider-aws#42276):
# a patch-level version replaces the server on every update; an unset one floats.
MAJOR_MINOR = re.compile(r"^\d+\.\d+$")


def _mlflow_version(args, config):
    version = str(args.props.get("mlflowVersion") or "")
    if not MAJOR_MINOR.match(version):
        yield (
            f"mlflowVersion is {version or 'unset'!r}; pin major.minor (e.g. 3.0): the provider "
            "reads the version back as major.minor, so a patch-level one replaces the server on "
            "every update, and an unset one moves with the service default"
        )


def _mlflow_bucket(args, config):
    buckets = {str(b.props.get("bucket") or ""): b for b in S3_BUCKET.select(args)}
    for server in [*SAGEMAKER_MLFLOW.select(args), *SAGEMAKER_MLFLOW_APP.select(args)]:
        uri = str(server.props.get("artifactStoreUri") or "")
        depends_on_team_bucket = any(
            S3_BUCKET.matches(d) for d in server.property_dependencies.get("artifactStoreUri", [])
        )
        name = bucket_of(uri) or ""
        if name in buckets or (not uri and depends_on_team_bucket):
            continue
        yield (
            f"MLflow {server.name}: artifactStoreUri {uri or 'unset'!r} is not a "
            "bucket of this team stack (artifacts must stay in the team's KMS-encrypted bucket)",
            server.urn,
        )


POLICIES = [
    resource_rule(
        "sagemaker-mlflow-pinned-version",
        selector=SAGEMAKER_MLFLOW,
        severity=Severity.LOW,
        description=(
            "MLflow tracking servers pin a major.minor MLflow version (the form the provider "
            "reads back)."
        ),
        remediation="Set mlflowVersion to a major.minor version SageMaker offers, e.g. 3.0.",
        check=_mlflow_version,
    ),
    stack_rule(
        "sagemaker-mlflow-team-artifact-bucket",
        severity=Severity.HIGH,
        description=(
            "MLflow tracking servers and MLflow Apps store artifacts in a bucket of the team stack."
        ),
        remediation="Set artifactStoreUri to s3://<team artifacts bucket>/<prefix>.",
        check=_mlflow_bucket,
    ),
]
