"""Journey tests: each persona of fraud-dev walks its day, in order, then tries the other team's
(churn-dev) and production's (fraud-prod) resources; fraud-prod's data scientist tries to change
the live model.

(a) assume the persona's role: moto_server with the planned trust policy (the configured
    principal created in moto), and the evaluator for the trust conditions;
(b) presigned Studio URL to the own profile, (c) JupyterLab in the own space, as the human role
    and as the space's execution role: the evaluator (moto does not authorize SageMaker);
(d) read the team's code and data and (e) `dvc push` / `dvc pull` with the real dvc against the
    exported `dvcRemote`, both with the execution role's credentials in moto_server;
(f) log an MLflow run: the evaluator on the planned MLflow App (sagemaker:CallMlflowAppApi).
The expected outcome of every call is the derived matrix's (the intent, mlopsctl/access/
intent.yaml); each failure names the step and the judge that decided.
"""

from __future__ import annotations

import pytest

from mlopsctl.access.facts import HUMAN_PERSONAS
from mlopsctl.plan import plan_stack
from tests.personas.journey import Journey, dvc_repository, dvc_round_trip, s3_location
from tests.support.moto_server import (
    assume_as_trusted_principal,
    assume_through_user,
    load_buckets,
    load_plan,
    moto_server,
)

STACK, PEER, PRODUCTION = "fraud-dev", "churn-dev", "fraud-prod"
LAB_STEPS = ("start jupyterlab", "manage own space", "browse lab")
CROSS = ("peer", "other-environment")
JOURNEY_STEPS = ("assume role", "open studio", *LAB_STEPS, "read data", "dvc push/pull")
JOURNEY_STEPS += ("track experiments", "write logs")


@pytest.fixture(scope="module")
def cloud(derived, tmp_path_factory):
    """One moto_server for the module: fraud-dev's and fraud-prod's roles, policies and buckets,
    churn-dev's buckets, and every object a moto-judged cell names."""
    matrix, production = derived(STACK), derived(PRODUCTION)
    assert (matrix.peers.peer, matrix.peers.other_environment) == (PEER, PRODUCTION)
    facts = matrix.facts[STACK]
    with moto_server(
        tmp_path_factory.mktemp("moto"), account_id=facts.account, region=facts.region
    ) as server:
        # role name -> ARN in moto (one account: fraud-prod's roles live in fraud-dev's here)
        roles = {
            **load_plan(server, plan_stack(STACK)),
            **load_plan(server, plan_stack(PRODUCTION)),
        }
        load_buckets(server, plan_stack(PEER))
        s3 = server.client("s3")
        for cell in [*matrix.cells, *production.cells]:
            if cell.proof == "moto" and cell.action.startswith("s3:"):
                bucket, key = s3_location(cell.resource)
                if key:
                    s3.put_object(Bucket=bucket, Key=key, Body=b"a,b\n1,2\n")
        yield server, matrix, production, roles


def _assume(journey: Journey, facts, persona: str, roles: dict[str, str]) -> None:
    """(a): the human role through its planned trust policy, in moto and by the evaluator."""
    journey.judge("(a) assume role", journey.cells(["assume role"]))
    human = facts.human_role(persona)
    configured = [
        c for c in journey.cells(["assume role"]) if c.principal in facts.principals[persona]
    ]
    expected = configured[0].expect if configured else "deny"
    in_moto = roles[human.name]
    try:
        creds = assume_as_trusted_principal(journey.server, in_moto)
        outcome = "allow"
    except Exception as error:  # AccessDenied, or no role principal to act as
        creds, outcome = assume_through_user(journey.server, in_moto), f"deny ({error})"
    if outcome.split()[0] != expected:
        journey.failures.append(
            f"(a) assume role: {human.arn} as its configured principal: expected {expected}, "
            f"moto says {outcome}"
        )
    journey.credentials[human.arn] = creds


def _dvc(journey: Journey, facts, remote, tmp_path) -> None:
    """(e): real dvc push and pull with the execution role's credentials."""
    execution = facts.execution_role(journey.persona)
    cells = journey.cells(["dvc push/pull"])
    put = next(
        (c for c in cells if c.principal == execution.arn and c.action == "s3:PutObject"), None
    )
    get = next(
        (c for c in cells if c.principal == execution.arn and c.action == "s3:GetObject"), None
    )
    repo, env = dvc_repository(journey.server, remote, journey.credentials[execution.arn], tmp_path)
    pushed, pulled, log = dvc_round_trip(repo, env)
    if put is not None and pushed != (put.expect == "allow"):
        journey.failures.append(
            f"(e) dvc push to {remote['url']} as {execution.label}: expected {put.expect}, "
            f"moto says {'allow' if pushed else 'deny'}\n{log}"
        )
    if get is not None and get.expect == "allow" and pushed and not pulled:
        journey.failures.append(
            f"(e) dvc pull from {remote['url']} as {execution.label}: expected allow, "
            f"moto says deny\n{log}"
        )


@pytest.mark.parametrize("persona", HUMAN_PERSONAS)
def test_persona_journey(cloud, persona, tmp_path):
    server, matrix, _, roles = cloud
    facts = matrix.facts[STACK]
    journey = Journey(persona, matrix, server)
    execution = facts.execution_role(persona)
    journey.credentials[execution.arn] = assume_through_user(server, roles[execution.name])
    _assume(journey, facts, persona, roles)
    journey.judge("(b) open studio", journey.cells(["open studio"]))
    journey.judge("(c) start jupyterlab", journey.cells(LAB_STEPS))
    journey.judge("(d) read data", journey.cells(["read data"]))
    _dvc(journey, facts, plan_stack(STACK).exports["dvcRemote"], tmp_path)
    journey.judge("(e) dvc push/pull", journey.cells(["dvc push/pull"]))
    journey.judge("(f) track experiments", journey.cells(["track experiments", "write logs"]))
    journey.judge("(g) other team and production", journey.cells(JOURNEY_STEPS, CROSS))
    assert journey.judged >= 20
    assert not journey.failures, journey.report()


def test_production_data_scientist_cannot_change_the_live_model(cloud):
    server, _, production, roles = cloud
    facts = production.facts[PRODUCTION]
    journey = Journey("data-scientist", production, server)
    for role in (facts.human_role("data-scientist"), facts.execution_role("data-scientist")):
        journey.credentials[role.arn] = assume_through_user(server, roles[role.name])
    cells = [c for c in production.cells if c.step == "protect production"]
    assert {c.action for c in cells} >= {
        "s3:PutObject",
        "s3:DeleteObject",
        "sagemaker:DeleteModelPackage",
        "sagemaker-mlflow:DeleteModelVersion",
    }
    journey.judge("protect production", cells)
    assert not journey.failures, journey.report()
