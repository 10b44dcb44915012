"""Insecure variants, S3 and where data goes: TLS-only statements weakened the ways a hand
edit does, logs and SageMaker outputs sent to buckets the platform does not own, lifecycle
rules that delete current versions, public ACLs and bucket-management grants."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mlopsctl.plan.model import Plan
from tests.policies.corpus.cases import (
    BUCKET,
    BUCKET_POLICY,
    ENDPOINT_CONFIG,
    MLFLOW,
    MLFLOW_APP,
    Case,
    add_statement,
    put,
)
from tests.policies.helpers import account, add, change, edit_document, resource

LOGGING = "aws:s3/bucketLogging:BucketLogging"
LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration"
ACL = "aws:s3/bucketAcl:BucketAcl"
DATA_QUALITY = "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition"
OTHER_ACCOUNT = "999988887777"


def _tls(edit: Callable[[dict[str, Any]], None]) -> Callable[[dict], None]:
    """Edit the shipped DenyInsecureTransport statement of a bucket policy."""

    def run(document: dict) -> None:
        edit(next(s for s in document["Statement"] if s["Sid"] == "DenyInsecureTransport"))

    return edit_document("policy", run)


def _weaken_tls(stack_bucket: str, edit: Callable[[dict[str, Any]], None]):
    return lambda p: change(p, BUCKET_POLICY, f"{stack_bucket}-policy", _tls(edit))


def _bucket_arn(plan: Plan, name: str) -> str:
    return f"arn:aws:s3:::{resource(plan, BUCKET, name).inputs['bucket']}"


def _objects_only(statement: dict) -> None:
    # The CIS benchmark's own example: the objects, not the bucket (ListBucket stays on HTTP).
    statement["Resource"] = [r for r in statement["Resource"] if r.endswith("/*")]


def _bucket_only(statement: dict) -> None:
    statement["Resource"] = statement["Resource"][0]


def _key_prefix_only(statement: dict) -> None:
    statement["Resource"] = [statement["Resource"][0], statement["Resource"][0] + "/raw/*"]


def _allow_secure_true(plan: Plan):
    def edit(statement: dict) -> None:
        statement.update(
            Sid="AllowSecureTransportOnly",
            Effect="Allow",
            Principal={"AWS": f"arn:aws:iam::{account(plan)}:root"},
            Condition={"Bool": {"aws:SecureTransport": "true"}},
        )

    return edit


def _one_role(plan: Plan):
    role = f"arn:aws:iam::{account(plan)}:role/mlops-{plan.stack}-data-scientist"
    return lambda statement: statement.update(Principal={"AWS": role})


def _exempt_role(plan: Plan):
    """A Deny with a second condition: the named role may still use plain HTTP."""
    role = f"arn:aws:iam::{account(plan)}:role/legacy-etl"
    return lambda s: s["Condition"].update(StringNotEquals={"aws:PrincipalArn": role})


def _add_lifecycle_rule(name: str, rule: dict[str, Any]):
    return lambda p: change(p, LIFECYCLE, name, lambda props: props["rules"].append(rule))


def _expire_with_date(props: dict) -> None:
    rule = next(r for r in props["rules"] if r["id"] == "expire-noncurrent-versions")
    rule["expiration"] = {"date": "2027-01-01T00:00:00Z"}


def _add_acl(bucket: str, inputs: dict[str, Any]):
    def run(plan: Plan) -> None:
        target = resource(plan, BUCKET, bucket)
        add(
            plan,
            ACL,
            f"{bucket}-acl",
            {"bucket": target.inputs["bucket"], **inputs},
            property_dependencies={"bucket": [target.urn]},
        )

    return run


def _async_output(plan: Plan) -> None:
    config = {
        "outputConfig": {
            "s3OutputPath": "s3://fraud-results-export/async/",
            "s3FailurePath": f"s3://mlops-fraud-prod-capture-{account(plan)}/async-failures/",
        }
    }
    change(plan, ENDPOINT_CONFIG, None, put("asyncInferenceConfig", config))


def _monitoring_to_dev(plan: Plan) -> None:
    """Prod traffic statistics written to the dev account's capture bucket: platform-named,
    but not a bucket of this environment or account."""
    uri = "s3://mlops-fraud-dev-capture-210987654321/monitoring/prod"
    change(
        plan,
        DATA_QUALITY,
        None,
        put("dataQualityJobOutputConfig.monitoringOutputs.s3Output.s3Uri", uri),
    )


def _admin_grant(sid: str, principal: Any, action: Any):
    def run(plan: Plan, bucket: str) -> None:
        arn = _bucket_arn(plan, bucket)
        statement = {
            "Sid": sid,
            "Effect": "Allow",
            "Principal": principal(plan) if callable(principal) else principal,
            "Action": action,
            "Resource": [arn, f"{arn}/*"],
        }
        change(plan, BUCKET_POLICY, f"{bucket}-policy", add_statement(statement))

    return run


def _data_scientist(plan: Plan) -> dict[str, str]:
    return {"AWS": f"arn:aws:iam::{account(plan)}:role/mlops-{plan.stack}-data-scientist"}


def _not_action(statement: dict) -> None:
    """Deny everything but PutObject over HTTP: uploads stay allowed in plain text."""
    statement["NotAction"] = statement.pop("Action") and "s3:PutObject"


CASES = [
    # --- s3-tls-only: the shipped deny, weakened ---------------------------------------------
    Case(
        "s3-tls-bucket-arn-only",
        "fraud-dev",
        "s3-tls-only",
        _weaken_tls("raw-bucket", _bucket_only),
    ),
    Case("s3-tls-objects-only", "prod", "s3-tls-only", _weaken_tls("audit", _objects_only)),
    Case(
        "s3-tls-object-key-prefix-only",
        "churn-dev",
        "s3-tls-only",
        _weaken_tls("curated-bucket", _key_prefix_only),
    ),
    Case(
        "s3-tls-getobject-only",
        "fraud-prod",
        "s3-tls-only",
        _weaken_tls("curated-bucket", lambda s: s.update(Action="s3:GetObject")),
    ),
    Case(
        "s3-tls-allow-secure-true",
        "churn-dev",
        "s3-tls-only",
        lambda p: _weaken_tls("dvc-bucket", _allow_secure_true(p))(p),
    ),
    Case(
        "s3-tls-one-role",
        "vision-dev",
        "s3-tls-only",
        lambda p: _weaken_tls("artifacts-bucket", _one_role(p))(p),
    ),
    Case(
        "s3-tls-not-action",
        "dev",
        "s3-tls-only",
        _weaken_tls("access-logs", _not_action),
    ),
    Case(
        "s3-tls-exempt-role-condition",
        "fraud-prod",
        "s3-tls-only",
        lambda p: _weaken_tls("capture-bucket", _exempt_role(p))(p),
    ),
    # --- s3-access-logs-owned-target -----------------------------------------------------------
    Case(
        "s3-logs-to-attacker-bucket",
        "fraud-dev",
        "s3-access-logs-owned-target",
        lambda p: change(
            p, LOGGING, "raw-bucket-logging", put("targetBucket", "attacker-logs-bucket")
        ),
    ),
    Case(
        "s3-logs-platform-name-other-account",
        "fraud-prod",
        "s3-access-logs-owned-target",
        lambda p: change(
            p,
            LOGGING,
            "curated-bucket-logging",
            put("targetBucket", f"mlops-platform-prod-access-logs-{OTHER_ACCOUNT}"),
        ),
    ),
    Case(
        "s3-logs-into-itself",
        "prod",
        "s3-access-logs-owned-target",
        lambda p: change(
            p,
            LOGGING,
            "audit-logging",
            put("targetBucket", resource(p, BUCKET, "audit").inputs["bucket"]),
        ),
    ),
    # --- sagemaker-outputs-owned-bucket --------------------------------------------------------
    Case(
        "s3-capture-to-vendor",
        "fraud-prod",
        "sagemaker-outputs-owned-bucket",
        lambda p: change(
            p,
            ENDPOINT_CONFIG,
            None,
            put("dataCaptureConfig.destinationS3Uri", "s3://analytics-vendor-capture/fraud"),
        ),
    ),
    Case("s3-async-output-exported", "fraud-prod", "sagemaker-outputs-owned-bucket", _async_output),
    Case(
        "s3-monitoring-reports-to-dev",
        "fraud-prod",
        "sagemaker-outputs-owned-bucket",
        _monitoring_to_dev,
    ),
    # --- sagemaker-mlflow-team-artifact-bucket (tracking.py) -----------------------------------
    Case(
        "s3-mlflow-shared-artifacts",
        "vision-dev",
        "sagemaker-mlflow-team-artifact-bucket",
        lambda p: change(p, MLFLOW, None, put("artifactStoreUri", "s3://mlflow-shared-artifacts/")),
    ),
    Case(
        "s3-mlflow-app-other-team-bucket",
        "churn-dev",
        "sagemaker-mlflow-team-artifact-bucket",
        lambda p: change(
            p,
            MLFLOW_APP,
            None,
            put("artifactStoreUri", f"s3://mlops-fraud-dev-artifacts-{account(p)}/churn"),
        ),
    ),
    # --- s3-lifecycle-keeps-current-versions ---------------------------------------------------
    Case(
        "s3-lifecycle-expire-raw-30-days",
        "fraud-dev",
        "s3-lifecycle-keeps-current-versions",
        _add_lifecycle_rule(
            "raw-bucket-lifecycle",
            {
                "id": "cleanup",
                "status": "Enabled",
                "filter": {"prefix": ""},
                "expiration": {"days": 30.0},
            },
        ),
    ),
    Case(
        "s3-lifecycle-models-expiration-date",
        "fraud-prod",
        "s3-lifecycle-keeps-current-versions",
        lambda p: change(p, LIFECYCLE, "artifacts-bucket-lifecycle", _expire_with_date),
    ),
    Case(
        "s3-lifecycle-capture-prefix-7-days",
        "churn-dev",
        "s3-lifecycle-keeps-current-versions",
        _add_lifecycle_rule(
            "capture-bucket-lifecycle",
            {
                "id": "drop-old-captures",
                "status": "Enabled",
                "filter": {"prefix": "mlops-churn-dev-endpoint/"},
                "expiration": {"days": 7.0},
            },
        ),
    ),
    # --- s3-no-public-acl -----------------------------------------------------------------------
    Case(
        "s3-acl-public-read",
        "fraud-dev",
        "s3-no-public-acl",
        _add_acl("curated-bucket", {"acl": "public-read"}),
    ),
    Case(
        "s3-acl-authenticated-users-grant",
        "vision-dev",
        "s3-no-public-acl",
        _add_acl(
            "raw-bucket",
            {
                "accessControlPolicy": {
                    "owner": {"id": "0f1e2d3c4b5a69788796a5b4c3d2e1f0"},
                    "grants": [
                        {
                            "permission": "READ",
                            "grantee": {
                                "type": "Group",
                                "uri": "http://acs.amazonaws.com/groups/global/AuthenticatedUsers",
                            },
                        }
                    ],
                }
            },
        ),
    ),
    # --- s3-bucket-policy-no-admin-grants -------------------------------------------------------
    Case(
        "s3-policy-data-scientist-manages-bucket",
        "fraud-prod",
        "s3-bucket-policy-no-admin-grants",
        lambda p: _admin_grant(
            "DataScienceSelfService",
            _data_scientist,
            ["s3:PutBucketPolicy", "s3:PutLifecycleConfiguration"],
        )(p, "dvc-bucket"),
    ),
    Case(
        "s3-policy-partner-account-s3-star",
        "dev",
        "s3-bucket-policy-no-admin-grants",
        lambda p: _admin_grant(
            "PartnerAudit", {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"}, "s3:*"
        )(p, "audit"),
    ),
]
