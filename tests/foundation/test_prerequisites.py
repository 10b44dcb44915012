"""`mlopsctl plan` lists what a stack needs and does not create, so the first `pulumi up` does not
fail on a missing principal, provider, gateway, cluster or environment. Expected values are read
from the stack files (what the team configured), never from the code that lists them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from mlopsctl.plan import plan_stack
from mlopsctl.plan.prerequisites import prerequisites
from tests.conftest import plan_variant

ROOT = Path(__file__).resolve().parents[2]


def _config(stack: str) -> dict:
    return yaml.safe_load((ROOT / "stacks" / f"Pulumi.{stack}.yaml").read_text())["config"]


def _listed(stack: str, **overrides) -> dict[str, str]:
    return {p.value: p.kind for p in prerequisites(plan_stack(stack, ROOT, overrides or None))}


def test_a_kubernetes_team_lists_its_cluster_provider_principals_and_environment():
    config = _config("vision-dev")
    listed = _listed("vision-dev")
    kubernetes = config["mlops:inference"]["kubernetes"]
    assert listed[kubernetes["oidcProviderArn"]] == "IAM OIDC provider"
    assert listed[kubernetes["context"]].startswith("Kubernetes cluster")
    assert listed[config["mlops:registry"]["ciRoleArn"]] == "IAM principal"
    for role in config["mlops:registry"]["pullRoleArns"]:
        assert listed[role] == "IAM principal"
    assert listed[config["mlops:team"]["environmentStack"]].startswith("environment stack")


def test_configured_persona_principals_are_listed_and_what_the_stack_creates_is_not():
    config = _config("fraud-dev")
    plan = plan_stack("fraud-dev", ROOT)
    listed = {p.value for p in prerequisites(plan)}
    for persona in ("dataScientist", "mlEngineer", "dataSteward"):
        assert set(config["mlops:personas"][persona]["principals"]) <= listed
    created = {r.outputs["arn"] for r in plan.of_type("aws:iam/role:Role")}
    assert created and not created & listed


def test_a_saml_provider_is_listed_as_one():
    config = _config("fraud-prod")
    saml = {
        p
        for persona in ("dataScientist", "mlEngineer", "dataSteward")
        for p in config["mlops:personas"].get(persona, {}).get("principals", [])
        if ":saml-provider/" in p
    }
    listed = _listed("fraud-prod")
    assert saml and all(listed[p] == "IAM SAML provider" for p in saml)


def test_plan_json_and_output_carry_them():
    command = [str(Path(sys.executable).parent / "mlopsctl"), "plan", "vision-dev", "--json", "-"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    document = json.loads(done.stdout)
    oidc = _config("vision-dev")["mlops:inference"]["kubernetes"]["oidcProviderArn"]
    assert {"kind": "IAM OIDC provider", "value": oidc} in [
        {k: p[k] for k in ("kind", "value")} for p in document["prerequisites"]
    ]


def test_pinned_images_are_listed_and_built_ones_are_not():
    """Images named in mlops:registry.images live in repositories the stack creates: CI pushes
    them after the first `pulumi up`, before a run. Images the stack builds itself are not."""
    images = _config("fraud-dev")["mlops:registry"]["images"]
    listed = {
        p.value
        for p in prerequisites(plan_stack("fraud-dev"))
        if p.kind.startswith("container image")
    }
    assert listed == {images["inference"], images["pipeline"]}
    built = plan_variant("fraud-dev", {"mlops:registry": {"images": None}})
    assert not [p for p in prerequisites(built) if p.kind.startswith("container image")]
