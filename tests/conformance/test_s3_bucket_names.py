"""S3 bucket naming rules on a planned bucket of fraud-dev, one bad name at a time.

Expected verdicts are the rules and examples of the Amazon S3 User Guide, "General purpose
bucket naming rules" (read 2026-12-01): 3-63 characters; lowercase letters, numbers, dots and
hyphens; a letter or number at both ends; no two adjacent periods; not an IP address such as
192.168.5.4; no prefix xn--, sthree- or amzn-s3-demo-; no suffix -s3alias, --ol-s3, .mrap or
--x-s3.
"""

from __future__ import annotations

import pytest

from mlopsctl.conformance import check_plan
from mlopsctl.plan import plan_stack
from tests.conformance.helpers import one_finding, with_change

BUCKET = "aws:s3/bucket:Bucket"


@pytest.fixture(scope="module")
def fraud():
    return plan_stack("fraud-dev")


@pytest.fixture(scope="module")
def name(fraud):
    """A team bucket of fraud-dev (the raw-data bucket)."""
    return next(b.name for b in fraud.of_type(BUCKET) if "raw" in b.inputs.get("bucket", ""))


@pytest.mark.parametrize(
    "bad",
    [
        "ab",
        "a" * 64,
        "MLops-fraud-dev-raw",
        "mlops_fraud_dev_raw",
        "-mlops-fraud",
        "mlops-fraud-",
        "mlops..fraud",
        "192.168.5.4",
        "xn--mlops-fraud",
        "sthree-mlops",
        "amzn-s3-demo-mlops",
        "mlops-fraud-s3alias",
        "mlops-fraud--ol-s3",
        "mlops-fraud.mrap",
        "mlops-fraud--x-s3",
    ],
)
def test_bad_bucket_name_is_named(fraud, name, bad):
    changed = with_change(fraud, BUCKET, name, lambda inputs: inputs.update(bucket=bad))
    item = one_finding(changed, BUCKET, name, "bucket", "s3-bucket-name")
    assert item.value == bad
    assert "General purpose bucket naming rules" in item.source


@pytest.mark.parametrize("good", ["abc", "a" * 63, "mlops.fraud-dev.raw", "1-mlops-raw-2"])
def test_good_bucket_names_pass(fraud, name, good):
    changed = with_change(fraud, BUCKET, name, lambda inputs: inputs.update(bucket=good))
    assert [f for f in check_plan(changed) if f.rule == "s3-bucket-name"] == []
