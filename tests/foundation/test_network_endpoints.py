"""Interface endpoints: only those the environment's teams need, in one zone outside production.

The expected sets are written from the shipped stack files and AWS's PrivateLink service names
("AWS services that integrate with AWS PrivateLink"; MLflow: SageMaker developer guide,
"Connecting to an MLflow tracking server through an Interface VPC Endpoint").
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from mlopsctl.cost import estimate
from mlopsctl.plan.engine import PlanError
from settings import ConfigError, EnvironmentSettings, Project, load_stack
from tests.conftest import PROJECT, PROJECT_ROOT, SHIPPED_STACKS, plan_variant

ENDPOINT = "aws:ec2/vpcEndpoint:VpcEndpoint"
# What every environment creates: SageMaker API, STS, ECR (API and Docker), CloudWatch Logs, KMS.
PLATFORM = {
    "com.amazonaws.eu-west-1.sagemaker.api",
    "com.amazonaws.eu-west-1.sts",
    "com.amazonaws.eu-west-1.ecr.api",
    "com.amazonaws.eu-west-1.ecr.dkr",
    "com.amazonaws.eu-west-1.logs",
    "com.amazonaws.eu-west-1.kms",
}
STUDIO = "aws.sagemaker.eu-west-1.studio"
NOTEBOOK = "aws.sagemaker.eu-west-1.notebook"
RUNTIME = "com.amazonaws.eu-west-1.sagemaker.runtime"
MLFLOW = "aws.sagemaker.eu-west-1.experiments"
SECRETS = "com.amazonaws.eu-west-1.secretsmanager"
# dev: fraud-dev, churn-dev and vision-dev, all with a Studio lab; vision-dev tracks on a
# SageMaker MLflow tracking server; fraud-dev serves on SageMaker (churn-dev too: the default
# backend); nobody runs self-hosted MLflow or a notebook instance.
# prod: fraud-prod, a Studio lab, SageMaker MLflow tracking server, SageMaker real-time endpoint.
EXPECTED = {
    "dev": PLATFORM | {STUDIO, RUNTIME, MLFLOW},
    "prod": PLATFORM | {STUDIO, RUNTIME, MLFLOW},
}
ZONES = {"dev": ["eu-west-1a", "eu-west-1b"], "prod": ["eu-west-1a", "eu-west-1b", "eu-west-1c"]}


def interface_endpoints(planned) -> dict[str, dict]:
    return {
        e.inputs["serviceName"]: e.inputs
        for e in planned.of_type(ENDPOINT)
        if e.inputs["vpcEndpointType"] == "Interface"
    }


def subnet_of_zone(planned) -> dict[str, str]:
    return {s.inputs["availabilityZone"]: s.id for s in planned.of_type("aws:ec2/subnet:Subnet")}


def test_the_shipped_team_stacks_are_the_ones_the_expected_sets_were_written_from():
    teams = {
        stack: yaml.safe_load(PROJECT.stack_path(stack).read_text())["config"]["mlops:team"]
        for stack in SHIPPED_STACKS
        if stack not in EXPECTED
    }
    by_env = {
        env: sorted(s for s, t in teams.items() if t["environmentStack"] == env) for env in EXPECTED
    }
    assert by_env == {"dev": ["churn-dev", "fraud-dev", "vision-dev"], "prod": ["fraud-prod"]}


@pytest.mark.parametrize("env", sorted(EXPECTED))
def test_an_environment_creates_the_endpoints_its_teams_need(plan, env):
    planned = plan(env)
    assert set(interface_endpoints(planned)) == EXPECTED[env]
    assert NOTEBOOK not in interface_endpoints(planned) and SECRETS not in interface_endpoints(
        planned
    )
    gateway = [e for e in planned.of_type(ENDPOINT) if e.inputs["vpcEndpointType"] == "Gateway"]
    assert [e.inputs["serviceName"] for e in gateway] == ["com.amazonaws.eu-west-1.s3"]
    # What team stacks check their needs against at deploy time.
    contract = planned.exports["teamContract"]["interfaceEndpoints"]
    assert len(contract) == len(EXPECTED[env])


def test_dev_puts_every_interface_endpoint_in_the_first_zone_only(plan):
    planned = plan("dev")
    first = subnet_of_zone(planned)["eu-west-1a"]
    for service, inputs in interface_endpoints(planned).items():
        assert inputs["subnetIds"] == [first], service
        assert inputs["privateDnsEnabled"] is True


def test_prod_puts_every_interface_endpoint_in_every_zone(plan):
    planned = plan("prod")
    subnets = subnet_of_zone(planned)
    assert sorted(subnets) == ZONES["prod"]
    for service, inputs in interface_endpoints(planned).items():
        assert sorted(inputs["subnetIds"]) == sorted(subnets.values()), service


def test_dev_may_keep_its_endpoints_in_every_zone(plan_with):
    planned = plan_with("dev", {"mlops:network": {"interfaceEndpointAzs": "all"}})
    assert {len(i["subnetIds"]) for i in interface_endpoints(planned).values()} == {2}


def test_the_dev_environment_idles_under_90_usd_a_month(plan):
    assert estimate(plan("dev")).idle_monthly_usd <= 90


def test_an_explicit_list_overrides_the_derived_set(plan_with):
    names = ["sagemaker-api", "sts", "logs", "sagemaker-notebook"]
    planned = plan_with("dev", {"mlops:network": {"interfaceEndpoints": names}})
    assert set(interface_endpoints(planned)) == {
        "com.amazonaws.eu-west-1.sagemaker.api",
        "com.amazonaws.eu-west-1.sts",
        "com.amazonaws.eu-west-1.logs",
        NOTEBOOK,
    }


def test_production_refuses_endpoints_in_one_zone():
    with pytest.raises(PlanError) as caught:
        plan_variant("prod", {"mlops:network": {"interfaceEndpointAzs": "one"}})
    assert isinstance(caught.value.__cause__, ConfigError)
    assert caught.value.registered == 0
    assert (
        "mlops:network.interfaceEndpointAzs = 'one': production keeps the interface endpoints "
        "in every availability zone" in str(caught.value)
    )
    assert "allowed: all, or unset" in str(caught.value)


def test_a_bad_zone_choice_names_the_allowed_values():
    with pytest.raises(PlanError) as caught:
        plan_variant("dev", {"mlops:network": {"interfaceEndpointAzs": "two"}})
    assert "mlops:network.interfaceEndpointAzs" in str(caught.value)
    assert "'one'" in str(caught.value) and "'all'" in str(caught.value)


# -- teams against their environment's endpoints -------------------------------------------


def test_a_team_whose_environment_lacks_its_endpoint_is_refused_naming_it_and_the_key():
    # vision-dev tracks on a SageMaker MLflow tracking server; this dev file omits its endpoint.
    without_mlflow = ["sagemaker-api", "sagemaker-runtime", "sagemaker-studio", "sts", "logs"]
    with pytest.raises(PlanError) as caught:
        plan_variant("vision-dev", {}, {"mlops:network": {"interfaceEndpoints": without_mlflow}})
    assert isinstance(caught.value.__cause__, ConfigError)
    lines = [line for line in str(caught.value).splitlines() if "interface endpoint" in line]
    assert len(lines) == 1
    assert (
        "mlops:tracking.kind = 'sagemaker': needs the interface endpoint sagemaker-mlflow"
        in (lines[0])
    )
    assert "mlops:network.interfaceEndpoints of 'dev'" in lines[0]


def test_a_team_serving_on_sagemaker_needs_the_runtime_endpoint():
    without_runtime = ["sagemaker-api", "sagemaker-mlflow", "sagemaker-studio", "sts", "logs"]
    with pytest.raises(
        PlanError,
        match=r"mlops:inference.backend = 'sagemaker': needs the "
        r"interface endpoint sagemaker-runtime",
    ):
        plan_variant("fraud-dev", {}, {"mlops:network": {"interfaceEndpoints": without_runtime}})


def test_a_team_on_kubernetes_without_managed_tracking_needs_neither():
    minimal = ["sagemaker-api", "sts", "ecr-api", "ecr-dkr", "logs", "kms"]
    changes = {"mlops:tracking": {"kind": "app", "size": None, "mlflowVersion": None}}
    planned = plan_variant(
        "vision-dev", changes, {"mlops:network": {"interfaceEndpoints": minimal}}
    )
    assert planned.exports


# -- the derived set follows the team stack files ------------------------------------------


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    shutil.copy(PROJECT_ROOT / "Pulumi.yaml", tmp_path / "Pulumi.yaml")
    (tmp_path / "stacks").mkdir()
    for stack in SHIPPED_STACKS:
        shutil.copy(PROJECT.stack_path(stack), tmp_path / "stacks")
    return tmp_path


def edit(project: Path, stack: str, key: str, value: dict) -> None:
    path = project / "stacks" / f"Pulumi.{stack}.yaml"
    document = yaml.safe_load(path.read_text())
    document["config"][key] = value
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def endpoints_of(project: Path, stack: str) -> set[str]:
    settings = load_stack(Project.at(project), stack)
    assert isinstance(settings, EnvironmentSettings)
    return set(settings.network.interface_endpoints)


def test_the_derived_set_follows_what_the_team_files_use(project_copy: Path):
    names = {"sagemaker-api", "sts", "ecr-api", "ecr-dkr", "logs", "kms"}
    assert endpoints_of(project_copy, "dev") == names | {
        "sagemaker-studio",
        "sagemaker-runtime",
        "sagemaker-mlflow",
    }
    # Nobody on the managed tracking server, nobody serving on SageMaker, one notebook lab and
    # one self-hosted MLflow.
    edit(project_copy, "vision-dev", "mlops:tracking", {"kind": "self-hosted"})
    edit(project_copy, "fraud-dev", "mlops:tracking", {"kind": "app"})
    edit(project_copy, "fraud-dev", "mlops:inference", {"backend": "kubernetes"})
    edit(project_copy, "churn-dev", "mlops:inference", {"backend": "kubernetes"})
    edit(project_copy, "churn-dev", "mlops:lab", {"kind": "notebook-instance"})
    assert endpoints_of(project_copy, "dev") == names | {
        "sagemaker-studio",
        "sagemaker-notebook",
        "secretsmanager",
    }
    # prod's teams are not dev's.
    assert "secretsmanager" not in endpoints_of(project_copy, "prod")


def test_an_environment_without_teams_creates_the_platform_endpoints_only(project_copy: Path):
    for stack in SHIPPED_STACKS:
        if stack not in EXPECTED:
            (project_copy / "stacks" / f"Pulumi.{stack}.yaml").unlink()
    assert endpoints_of(project_copy, "dev") == {
        "sagemaker-api",
        "sts",
        "ecr-api",
        "ecr-dkr",
        "logs",
        "kms",
    }


def test_a_self_hosted_team_against_an_explicit_list_without_secrets_manager_is_refused():
    # Derived, the list has secretsmanager once a team file is self-hosted; explicit, it must
    # name it (the line is settings/rules/tracking.py's).
    changes = {
        "mlops:tracking": {
            "kind": "self-hosted",
            "size": None,
            "mlflowVersion": None,
            "selfHosted": {
                "certificateArn": "arn:aws:acm:eu-west-1:210987654321:certificate/"
                "0e6d2f6a-1111-2222-3333-444455556666"
            },
        }
    }
    explicit = {"mlops:network": {"interfaceEndpoints": ["sagemaker-api", "sagemaker-runtime"]}}
    with pytest.raises(PlanError) as caught:
        plan_variant("vision-dev", changes, explicit)
    message = str(caught.value)
    assert "mlops:tracking.kind = 'self-hosted'" in message and "Secrets Manager" in message
    assert "needs the interface endpoint secretsmanager" not in message  # named once
