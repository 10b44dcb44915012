"""Provider read-back: a patch-level `mlflowVersion` is read back as major.minor by
terraform-provider-aws (`normalizeMlflowVersion`, hashicorp/terraform-provider-aws#42276) and
forces a replacement of the tracking server on every update."""

from __future__ import annotations

import pytest

from mlopsctl.conformance import check_plan
from mlopsctl.plan import plan_stack
from tests.conformance.helpers import one_finding, with_change

SERVER = "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer"


@pytest.fixture(scope="module")
def fraud():
    return plan_stack("fraud-prod")  # its managed tracking server


@pytest.mark.parametrize(("version", "read_back"), [("3.0.0", "3.0"), ("2.16.2", "2.16")])
def test_patch_level_version_is_named(fraud, version, read_back):
    (server,) = fraud.of_type(SERVER)
    changed = with_change(fraud, SERVER, server.name, lambda i: i.update(mlflowVersion=version))
    item = one_finding(changed, SERVER, server.name, "mlflowVersion", "provider-read-back")
    assert f"'{read_back}'" in item.message and "42276" in item.source


def test_major_minor_version_passes(fraud):
    (server,) = fraud.of_type(SERVER)
    changed = with_change(fraud, SERVER, server.name, lambda i: i.update(mlflowVersion="3.0"))
    assert [f for f in check_plan(changed) if f.rule == "provider-read-back"] == []
