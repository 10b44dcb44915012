"""The Studio lab of the shipped team stacks: security, cost and teardown settings as planned."""

from __future__ import annotations

import pytest

from components.lab import studio_instance_types
from tests.lab.helpers import DOMAIN, PROFILE, SPACE, STUDIO_LCC, plan_changed, team_key_arn

MEMBERS = {"alice": "data-scientist", "bob": "ml-engineer", "carol": "data-steward"}


@pytest.fixture(scope="module")
def dev(plan):
    return plan("fraud-dev")


@pytest.fixture(scope="module")
def prod(plan):
    return plan("fraud-prod")


@pytest.fixture(scope="module")
def env_dev(plan):
    return plan("dev").exports


def test_domain_is_vpc_only_in_private_subnets_with_team_key(dev, env_dev):
    domain = dev.one(DOMAIN).inputs
    assert domain["appNetworkAccessType"] == "VpcOnly"
    assert domain["vpcId"] == env_dev["vpcId"]
    assert domain["subnetIds"] == env_dev["privateSubnetIds"]
    assert domain["kmsKeyId"] == team_key_arn(dev)
    assert domain["authMode"] == "IAM"
    user = domain["defaultUserSettings"]
    assert user["securityGroups"] == env_dev["workloadSecurityGroupIds"]
    assert domain["defaultSpaceSettings"]["securityGroups"] == env_dev["workloadSecurityGroupIds"]


def test_native_idle_shutdown_on_domain_and_every_space(dev):
    idle = dev.one(DOMAIN).inputs["defaultUserSettings"]["jupyterLabAppSettings"][
        "appLifecycleManagement"
    ]["idleSettings"]
    assert idle["lifecycleManagement"] == "ENABLED"
    assert idle["idleTimeoutInMinutes"] == 60
    # Members may shorten the timeout, never lengthen it.
    assert idle["maxIdleTimeoutInMinutes"] == 60
    spaces = dev.of_type(SPACE)
    assert len(spaces) == len(MEMBERS)
    for space in spaces:
        lab = space.inputs["spaceSettings"]["jupyterLabAppSettings"]
        assert lab["appLifecycleManagement"]["idleSettings"]["idleTimeoutInMinutes"] == 60


def test_idle_timeout_follows_config(plan_with):
    planned = plan_with("fraud-dev", {"mlops:lab": {"idleTimeoutMinutes": 120}})
    idle = planned.one(DOMAIN).inputs["defaultUserSettings"]["jupyterLabAppSettings"][
        "appLifecycleManagement"
    ]["idleSettings"]
    assert (idle["idleTimeoutInMinutes"], idle["maxIdleTimeoutInMinutes"]) == (120, 120)
    script_vars = planned.one(STUDIO_LCC).inputs["studioLifecycleConfigContent"]
    from tests.lab.helpers import decode

    assert "export IDLE_TIMEOUT_MINUTES=120\n" in decode(script_vars)


def test_lifecycle_config_runs_by_default_in_every_jupyterlab(dev):
    lcc = dev.one(STUDIO_LCC)
    assert lcc.inputs["studioLifecycleConfigAppType"] == "JupyterLab"
    arn = lcc.outputs["arn"]
    lab = dev.one(DOMAIN).inputs["defaultUserSettings"]["jupyterLabAppSettings"]
    assert lab["lifecycleConfigArns"] == [arn]
    assert lab["defaultResourceSpec"]["lifecycleConfigArn"] == arn
    for space in dev.of_type(SPACE):
        spec = space.inputs["spaceSettings"]["jupyterLabAppSettings"]["defaultResourceSpec"]
        assert spec["lifecycleConfigArn"] == arn


def test_one_profile_and_private_space_per_member_with_persona_role(dev):
    profiles = {p.inputs["userProfileName"]: p for p in dev.of_type(PROFILE)}
    assert set(profiles) == set(MEMBERS)
    roles = {r.name: r for r in dev.of_type("aws:iam/role:Role")}
    for name, persona in MEMBERS.items():
        role = roles[f"{persona}-exec"]  # the personas component's execution role
        assert profiles[name].inputs["userSettings"]["executionRole"] == role.outputs["arn"]
        assert role.urn in profiles[name].dependencies
    spaces = {s.inputs["ownershipSettings"]["ownerUserProfileName"]: s for s in dev.of_type(SPACE)}
    assert set(spaces) == set(MEMBERS)
    for space in spaces.values():
        assert space.inputs["spaceSharingSettings"]["sharingType"] == "Private"
        assert space.inputs["spaceSettings"]["appType"] == "JupyterLab"
        assert space.inputs["spaceSettings"]["spaceStorageSettings"]["ebsStorageSettings"] == {
            "ebsVolumeSizeInGb": 20
        }
    bob = spaces["bob"].inputs["spaceSettings"]["jupyterLabAppSettings"]["defaultResourceSpec"]
    assert bob["instanceType"] == "ml.m5.large"


def hidden_types(planned) -> set[str]:
    settings = planned.one(DOMAIN).inputs["defaultUserSettings"]
    return set(settings["studioWebPortalSettings"]["hiddenInstanceTypes"])


def test_instance_types_outside_the_allow_lists_are_hidden(dev):
    # stacks/Pulumi.dev.yaml allow-lists; fraud-dev sets mlops:personas.allowGpu: true.
    allowed = {"ml.t3.medium", "ml.t3.large", "ml.m5.large", "ml.m5.xlarge"}
    allowed |= {"ml.g5.xlarge", "ml.g6.xlarge"}
    assert hidden_types(dev) == set(studio_instance_types()) - allowed
    assert {"ml.p4d.24xlarge", "ml.g5.2xlarge", "ml.t3.micro"} <= hidden_types(dev)


def test_gpu_types_hidden_when_personas_do_not_allow_gpu(prod):
    # fraud-prod: mlops:personas.allowGpu is false, so prod's GPU allow-list is not offered.
    assert "ml.g5.xlarge" in hidden_types(prod)
    assert "ml.c5.xlarge" not in hidden_types(prod)


def test_lab_gpu_list_narrows_the_environment_list():
    planned = plan_changed("fraud-dev", {"mlops:lab": {"gpuInstanceTypes": ["ml.g5.xlarge"]}})
    assert "ml.g5.xlarge" not in hidden_types(planned)
    # Allowed by the environment but not chosen by the lab: hidden.
    assert "ml.g6.xlarge" in hidden_types(planned)


def test_code_repositories_attached_to_domain_and_spaces(dev):
    url = "https://git.internal.example.com/fraud/fraud-models.git"
    lab = dev.one(DOMAIN).inputs["defaultUserSettings"]["jupyterLabAppSettings"]
    assert lab["codeRepositories"] == [{"repositoryUrl": url}]
    for space in dev.of_type(SPACE):
        repos = space.inputs["spaceSettings"]["jupyterLabAppSettings"]["codeRepositories"]
        assert repos == [{"repositoryUrl": url}]


def test_teardown_order_spaces_then_profiles_then_domain(dev):
    domain = dev.one(DOMAIN)
    profiles = {p.inputs["userProfileName"]: p for p in dev.of_type(PROFILE)}
    for profile in profiles.values():
        assert domain.urn in profile.dependencies
    for space in dev.of_type(SPACE):
        owner = profiles[space.inputs["ownershipSettings"]["ownerUserProfileName"]]
        # Pulumi destroys dependents first: space, then its profile, then the domain.
        assert owner.urn in space.dependencies
        assert domain.urn in space.dependencies


def test_dev_deletes_home_efs_and_is_unprotected(dev):
    domain = dev.one(DOMAIN)
    assert domain.inputs["retentionPolicy"] == {"homeEfsFileSystem": "Delete"}
    assert not domain.protect and not domain.retain_on_delete


def test_prod_retains_home_efs_and_protects_domain_and_spaces(prod):
    domain = prod.one(DOMAIN)
    assert domain.inputs["retentionPolicy"] == {"homeEfsFileSystem": "Retain"}
    assert domain.protect and domain.retain_on_delete
    for space in prod.of_type(SPACE):
        assert space.protect and space.retain_on_delete


def test_prod_uses_identity_center_user_names(prod):
    assert prod.one(DOMAIN).inputs["authMode"] == "SSO"
    alice = next(p for p in prod.of_type(PROFILE) if p.inputs["userProfileName"] == "alice")
    assert alice.inputs["singleSignOnUserIdentifier"] == "UserName"
    assert alice.inputs["singleSignOnUserValue"] == "alice@example.com"


def test_lab_resources_are_children_of_the_lab_component(dev):
    lab = dev.one("mlops:lab:Lab")
    for token in (DOMAIN, PROFILE, SPACE, STUDIO_LCC):
        for resource in dev.of_type(token):
            assert resource.parent == lab.urn


def test_exports(dev):
    assert dev.exports["labKind"] == "studio"
    assert dev.exports["labDomainId"] == dev.one(DOMAIN).id
    assert dev.exports["labUserProfiles"] == {m: m for m in MEMBERS}
    assert dev.exports["labSpaces"] == {m: f"{m}-private" for m in MEMBERS}
