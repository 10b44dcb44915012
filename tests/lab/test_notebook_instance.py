"""The notebook-instance kind (fraud-dev with `kind: notebook-instance`), as planned."""

from __future__ import annotations

import pytest

from tests.lab.helpers import (
    DOMAIN,
    NOTEBOOK,
    NOTEBOOK_CHANGES,
    NOTEBOOK_LCC,
    NOTEBOOK_MEMBERS,
    REPOSITORY,
    SECRET_ARN,
    plan_changed,
    team_key_arn,
)


@pytest.fixture(scope="module")
def planned():
    return plan_changed("fraud-dev", NOTEBOOK_CHANGES)


@pytest.fixture(scope="module")
def env_dev(plan):
    return plan("dev").exports


def test_one_instance_per_member_and_no_studio(planned):
    names = sorted(n.inputs["name"] for n in planned.of_type(NOTEBOOK))
    assert names == [f"mlops-fraud-dev-nb-{m}" for m in ("alice", "bob", "carol")]
    assert planned.of_type(DOMAIN) == []


def test_instances_are_locked_down(planned, env_dev):
    for instance in planned.of_type(NOTEBOOK):
        inputs = instance.inputs
        assert inputs["directInternetAccess"] == "Disabled"
        assert inputs["rootAccess"] == "Disabled"
        assert inputs["kmsKeyId"] == team_key_arn(planned)
        assert inputs["subnetId"] in env_dev["privateSubnetIds"]
        assert inputs["securityGroups"] == env_dev["workloadSecurityGroupIds"]
        imds = inputs["instanceMetadataServiceConfiguration"]
        assert imds == {"minimumInstanceMetadataServiceVersion": "2"}
        assert inputs["volumeSize"] == 20


def test_persona_roles_and_instance_types(planned):
    by_name = {n.inputs["name"]: n.inputs for n in planned.of_type(NOTEBOOK)}
    bob = by_name["mlops-fraud-dev-nb-bob"]
    assert bob["roleArn"] == "arn:aws:iam::210987654321:role/mlops-fraud-dev-ml-engineer-exec"
    assert bob["instanceType"] == "ml.m5.xlarge"  # as NOTEBOOK_MEMBERS gives it
    carol = by_name["mlops-fraud-dev-nb-carol"]
    assert carol["roleArn"].endswith(":role/mlops-fraud-dev-data-steward-exec")


def test_lifecycle_configuration_attached(planned):
    lcc = planned.one(NOTEBOOK_LCC)
    for instance in planned.of_type(NOTEBOOK):
        assert instance.inputs["lifecycleConfigName"] == lcc.inputs["name"]
        assert lcc.urn in instance.dependencies


def test_private_repository_uses_secrets_manager(planned):
    repos = {r.inputs["codeRepositoryName"]: r.inputs for r in planned.of_type(REPOSITORY)}
    private = repos["mlops-fraud-dev-repo-fraud-features"]["gitConfig"]
    assert private["secretArn"] == SECRET_ARN
    assert private["branch"] == "main"
    public = repos["mlops-fraud-dev-repo-fraud-models"]["gitConfig"]
    assert "secretArn" not in public
    for instance in planned.of_type(NOTEBOOK):
        assert instance.inputs["defaultCodeRepository"] == "mlops-fraud-dev-repo-fraud-models"
        assert instance.inputs["additionalCodeRepositories"] == [
            "mlops-fraud-dev-repo-fraud-features"
        ]


def test_production_protects_notebook_instances():
    prod = plan_changed(
        "fraud-prod", {"mlops:lab": {"kind": "notebook-instance", "members": NOTEBOOK_MEMBERS}}
    )
    instances = prod.of_type(NOTEBOOK)
    assert instances
    assert all(i.protect and i.retain_on_delete for i in instances)


def test_exports(planned):
    assert planned.exports["labKind"] == "notebook-instance"
    assert planned.exports["labNotebookInstances"]["alice"] == "mlops-fraud-dev-nb-alice"
