"""The matrix names the team's MLflow, whichever kind it plans (`mlops:tracking.kind`): an MLflow
App (fraud-dev, churn-dev) or a tracking server (fraud-prod, vision-dev); and production's model
package archives. ARNs come from the plans; another team's or environment's app that no plan
holds is named by an id made up in AWS's documented form."""

from __future__ import annotations

import copy
import dataclasses
import re

import botocore.loaders
import pytest

from mlopsctl.access import derive as derive_module
from mlopsctl.access.archives import model_archives
from mlopsctl.access.derive import CoverageError, derive_from_facts, uncovered_mlflow
from mlopsctl.access.facts import MLFLOW_TYPES, FactsError, facts_of
from mlopsctl.access.intent import load_intent
from mlopsctl.plan import plan_stack
from tests.conftest import TEAM_STACKS

SHAPES = botocore.loaders.Loader().load_service_model("sagemaker", "service-2")["shapes"]
APP_ARN = SHAPES["MlflowAppArn"]["pattern"]
APP_ID = r"app-[A-Z0-9]{12}"
APP_ACTION = "sagemaker:CallMlflowAppApi"


def _mlflow_cells(matrix, arn: str, persona: str):
    return [c for c in matrix.cells if c.resource == arn and c.persona == persona]


@pytest.mark.parametrize("stack", TEAM_STACKS)
def test_the_data_scientist_may_use_the_mlflow_its_stack_plans(derived, stack):
    matrix = derived(stack)
    facts = matrix.facts[stack]
    ((kind, arn),) = facts.mlflow.items()  # each shipped team plans exactly one
    for persona in ("data-scientist", "data-scientist-exec"):
        allowed = [c for c in _mlflow_cells(matrix, arn, persona) if c.expect == "allow"]
        assert allowed, f"{stack}: no MLflow ({kind}) allow cell for {persona}"
        wanted = APP_ACTION if kind == "mlflow-app" else "sagemaker-mlflow:CreateRun"
        assert wanted in {c.action for c in allowed}
    for persona in ("data-steward", "data-steward-exec"):
        assert {c.expect for c in _mlflow_cells(matrix, arn, persona)} == {"deny"}
    assert uncovered_mlflow(facts, matrix.cells) == {}


def test_fraud_dev_calls_its_app_and_no_other(derived):
    matrix = derived("fraud-dev")
    plan = plan_stack("fraud-dev")
    (app,) = plan.of_type(MLFLOW_TYPES["mlflow-app"])
    assert matrix.facts["fraud-dev"].mlflow == {"mlflow-app": app.outputs["arn"]}
    calls = [c for c in matrix.cells if c.action == APP_ACTION]
    own = {(c.persona, c.expect) for c in calls if c.relation == "own"}
    assert own == {
        ("data-scientist", "allow"),
        ("data-scientist-exec", "allow"),
        ("ml-engineer", "allow"),
        ("ml-engineer-exec", "allow"),
        ("pipeline-exec", "allow"),
        ("data-steward", "deny"),
        ("data-steward-exec", "deny"),
    }
    assert {c.resource for c in calls if c.relation == "own"} == {app.outputs["arn"]}
    elsewhere = [c for c in calls if c.relation != "own"]
    assert {c.expect for c in elsewhere} == {"deny"}
    assert {c.relation for c in elsewhere} == {"peer", "other-environment"}
    (peer_app,) = plan_stack("churn-dev").of_type(MLFLOW_TYPES["mlflow-app"])
    resources = {c.resource for c in elsewhere}
    assert peer_app.outputs["arn"] in resources
    for arn in resources:
        assert re.fullmatch(APP_ARN, arn) and re.fullmatch(APP_ID, arn.rsplit("/", 1)[1]), arn
    # fraud-prod plans a tracking server: its account holds only the made-up app.
    production = matrix.facts["fraud-prod"]
    other = {c.resource for c in elsewhere if c.relation == "other-environment"}
    assert {a.split(":")[4] for a in other} == {production.account}


@pytest.mark.parametrize("stack", ["fraud-prod", "vision-dev"])
def test_tracking_server_stacks_keep_their_server_cells(derived, stack):
    matrix = derived(stack)
    server = matrix.facts[stack].tracking_server_arn
    assert server and matrix.facts[stack].mlflow_app_arn is None
    steps = {c.step for c in matrix.cells if c.resource == server}
    assert "track experiments" in steps
    own_apps = [c for c in matrix.cells if c.action == APP_ACTION and c.relation == "own"]
    assert own_apps == []


def test_a_planned_mlflow_without_rules_fails_the_derivation(derived, monkeypatch):
    facts = derived("fraud-dev").facts["fraud-dev"]
    rules = tuple(r for r in load_intent() if r.resource.kind != "mlflow-app")
    cells = derive_from_facts(facts, rules=rules)
    assert uncovered_mlflow(facts, cells) == {"mlflow-app": facts.mlflow_app_arn}
    monkeypatch.setattr(derive_module, "load_intent", lambda: rules)
    with pytest.raises(CoverageError, match="mlflow-app"):
        derive_from_facts(facts)


def test_an_mlflow_type_the_facts_do_not_read_is_refused():
    plan = copy.deepcopy(plan_stack("fraud-dev"))
    (app,) = plan.of_type(MLFLOW_TYPES["mlflow-app"])
    plan.resources.append(dataclasses.replace(app, type="aws:sagemaker/mlflowFuture:Future"))
    with pytest.raises(FactsError, match="mlflowFuture"):
        facts_of(plan)


def test_production_keeps_every_model_package_archive(derived):
    matrix = derived("fraud-prod")
    facts = matrix.facts["fraud-prod"]
    artifacts = facts.buckets["artifacts"].name
    assert facts.model_archives
    assert all(b == artifacts and k.startswith("model-packages/") for b, k in facts.model_archives)
    deletes = [
        c
        for c in matrix.cells
        if c.step == "protect production" and ":::" + artifacts + "/model-packages/" in c.resource
    ]
    people = ("data-scientist", "ml-engineer", "data-steward")
    actors = {*people, *(f"{p}-exec" for p in (*people, "endpoint", "pipeline"))}
    assert {c.persona for c in deletes} == actors
    assert {c.action for c in deletes} == {"s3:DeleteObject", "s3:DeleteObjectVersion"}
    assert {c.expect for c in deletes} == {"deny"}


def test_archives_include_the_group_a_planned_model_is_built_from():
    plan = copy.deepcopy(plan_stack("fraud-prod"))
    (pipeline,) = plan.of_type("aws:sagemaker/pipeline:Pipeline")
    served = "arn:aws:sagemaker:eu-west-1:345678901234:model-package/mlops-fraud-prod-served/3"
    model = dataclasses.replace(
        pipeline,
        type="aws:sagemaker/model:Model",
        inputs={"primaryContainer": {"modelPackageName": served}},
    )
    plan.resources.append(model)
    groups = {key.split("/")[1] for _, key in model_archives(plan)}
    assert "mlops-fraud-prod-served" in groups
    assert "mlops-fraud-prod-fraud-classifier" in groups
