"""Each sub-command through the real console script, on the shipped stacks or a project copy."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from mlopsctl.cost import load_prices
from mlopsctl.plan import plan_stack
from mlopsctl.policy_runner import run_plan_policies
from mlopsctl.render.grouping import components
from settings import Project
from tests.onboarding.conftest import mlopsctl

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _mandatory_violations(plan, project: Path) -> list:
    return [v for v in run_plan_policies(plan, Project.at(project)) if v.mandatory]


def test_onboard_writes_a_stack_that_validates_plans_and_passes_policies(
    project: Path, untouched_checkout
) -> None:
    result = mlopsctl(
        "onboard",
        "--team",
        "ledger",
        "--env",
        "dev",
        "--member",
        "dana:data-scientist",
        "--member",
        "eve:ml-engineer",
        "--owner",
        "ledger-lead@example.com",
        "--cost-center",
        "CX-7",
        project=project,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    path = project / "stacks" / "Pulumi.ledger-dev.yaml"
    config = yaml.safe_load(path.read_text())["config"]
    dev = yaml.safe_load((project / "stacks" / "Pulumi.dev.yaml").read_text())["config"]
    for key in ("aws:region", "mlops:environment", "mlops:accountId"):
        assert config[key] == dev[key]
    assert config["mlops:team"]["name"] == "ledger"
    assert config["mlops:owner"] == "ledger-lead@example.com"
    assert [m["name"] for m in config["mlops:lab"]["members"]] == ["dana", "eve"]
    assert "pulumi stack init ledger-dev" in result.stdout
    assert "pulumi up -s ledger-dev" in result.stdout
    plan = plan_stack("ledger-dev", project_dir=project)
    profiles = plan.of_type("aws:sagemaker/userProfile:UserProfile")
    assert sorted(p.inputs["userProfileName"] for p in profiles) == ["dana", "eve"]
    assert _mandatory_violations(plan, project) == []


def test_onboard_refuses_to_overwrite_and_rejects_bad_names(project: Path) -> None:
    existing = project / "stacks" / "Pulumi.fraud-dev.yaml"
    before = existing.read_text()
    files_before = sorted(p.name for p in (project / "stacks").iterdir())
    refused = mlopsctl("onboard", "--team", "fraud", "--env", "dev", project=project)
    assert refused.returncode == 2
    assert "already exists" in refused.stderr and "--force" in refused.stderr
    assert existing.read_text() == before

    bad_team = mlopsctl("onboard", "--team", "Fraud_Team", "--env", "dev", project=project)
    assert bad_team.returncode == 2
    assert "'Fraud_Team'" in bad_team.stderr and "allowed: 2-16 lowercase" in bad_team.stderr

    bad_env = mlopsctl("onboard", "--team", "ledger", "--env", "qa", project=project)
    assert bad_env.returncode == 2
    assert "--env 'qa'" in bad_env.stderr and "allowed: dev, prod" in bad_env.stderr
    assert sorted(p.name for p in (project / "stacks").iterdir()) == files_before


def test_member_add_keeps_comments_and_plans_the_new_profile(project: Path) -> None:
    onboard = ("onboard", "--team", "ledger", "--env", "dev", "--member", "dana:data-scientist")
    mlopsctl(*onboard, project=project, check=True)
    path = project / "stacks" / "Pulumi.ledger-dev.yaml"
    before = path.read_text()
    result = mlopsctl("member", "add", "ledger-dev", "dave:ml-engineer", project=project)
    assert result.returncode == 0, result.stdout + result.stderr
    after = path.read_text()
    comments = [line.strip() for line in before.splitlines() if line.strip().startswith("#")]
    assert comments and all(c in after for c in comments)
    members = yaml.safe_load(after)["config"]["mlops:lab"]["members"]
    assert members[-1] == {"name": "dave", "persona": "ml-engineer"}
    assert [m["name"] for m in members[:-1]] == [
        m["name"] for m in yaml.safe_load(before)["config"]["mlops:lab"]["members"]
    ]
    plan = plan_stack("ledger-dev", project_dir=project)
    assert _mandatory_violations(plan, project) == []
    names = {
        p.inputs["userProfileName"] for p in plan.of_type("aws:sagemaker/userProfile:UserProfile")
    }
    assert "dave" in names


def test_member_add_with_a_bad_persona_is_rolled_back(project: Path) -> None:
    path = project / "stacks" / "Pulumi.fraud-dev.yaml"
    before = path.read_text()
    result = mlopsctl("member", "add", "fraud-dev", "zoe:wizard", project=project)
    assert result.returncode == 2
    assert "mlops:lab.members" in result.stderr and "'wizard'" in result.stderr
    assert path.read_text() == before


def test_cost_json_prices_the_environment_endpoints_per_az() -> None:
    result = mlopsctl("cost", "dev", "--json", check=True)
    estimate = json.loads(result.stdout)
    plan = plan_stack("dev")
    interface = [
        r
        for r in plan.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
        if r.inputs.get("vpcEndpointType") == "Interface"
    ]
    # An endpoint is billed per AZ it has a network interface in: one per planned subnet.
    endpoint_azs = sum(len(r.inputs["subnetIds"]) for r in interface)
    prices = load_prices("eu-west-1")
    rate = prices.rate("vpcInterfaceEndpointAzHour")
    assert rate is not None
    expected = endpoint_azs * rate * prices.hours_per_month
    assert estimate["components"]["network"]["idleMonthlyUsd"] == round(expected, 2)
    assert estimate["idleMonthlyUsd"] >= estimate["components"]["network"]["idleMonthlyUsd"]


def test_cost_table_of_a_team_stack_applies_the_notebook_hours_flag() -> None:
    base = json.loads(mlopsctl("cost", "fraud-dev", "--json", check=True).stdout)
    more = json.loads(
        mlopsctl("cost", "fraud-dev", "--json", "--notebook-hours", "160", check=True).stdout
    )
    assert more["idleMonthlyUsd"] == base["idleMonthlyUsd"]
    if plan_stack("fraud-dev").of_type("aws:sagemaker/userProfile:UserProfile"):
        assert more["typicalMonthlyUsd"] > base["typicalMonthlyUsd"]
    table = mlopsctl("cost", "fraud-dev", check=True).stdout
    assert "total" in table and "idle" in table


def test_diagram_png_is_an_image_and_mermaid_names_every_component(tmp_path: Path) -> None:
    output = tmp_path / "fraud-dev.png"
    result = mlopsctl("diagram", "fraud-dev", "--format", "png", "--output", str(output))
    assert result.returncode == 0, (
        "PNG rendering failed (CI must install graphviz: apt-get install -y graphviz): "
        + result.stderr
    )
    data = output.read_bytes()
    assert len(data) > 1000 and data.startswith(PNG_MAGIC)

    text = mlopsctl("diagram", "fraud-dev", check=True).stdout
    assert text.startswith("flowchart LR")
    for component in components(plan_stack("fraud-dev")):
        if not component.type.startswith("mlops:layer:"):
            assert f"<b>{component.name}</b>" in text, component.name
    assert "stack dev" in text  # the environment stack the team reads
    assert "-->" in text


def test_handbook_from_plan_and_from_outputs_file(tmp_path: Path) -> None:
    output = tmp_path / "handbook.md"
    mlopsctl("handbook", "fraud-dev", "--output", str(output), check=True)
    text = output.read_text()
    exports = plan_stack("fraud-dev").exports
    assert text.startswith("# Team handbook: fraud (dev)")
    assert "```mermaid" in text
    if "labDomainId" in exports:
        assert "aws sagemaker create-presigned-domain-url" in text
        assert exports["labDomainId"] in text
    if "mlflowTrackingUri" in exports:
        assert f"MLFLOW_TRACKING_URI={exports['mlflowTrackingUri']}" in text

    # Real `pulumi stack output --json` wins over the plan (a partial file is refused:
    # tests/onboarding/test_handbook_journey.py).
    outputs = tmp_path / "outputs.json"
    registry = "210987654321.dkr.ecr.eu-west-1.amazonaws.com"
    urls = {"inference": f"{registry}/x", "pipeline": f"{registry}/y"}
    outputs.write_text(json.dumps({**exports, "ecrRepositoryUrls": urls}))
    text = mlopsctl("handbook", "fraud-dev", "--outputs", str(outputs), check=True).stdout
    assert f"docker login --username AWS --password-stdin {registry}" in text
    assert f"docker push {registry}/y:" in text
