"""Every derived cell of every shipped stack, judged by the evaluator against the planned documents.

The expected outcome of a cell is the intent's (mlopsctl/access/intent.yaml), its resource and
context come from the plans and AWS's documented formats: a grant that drifts from the intent
fails here, whichever way it drifts. test_matrix_moto.py also tries the S3/IAM cells in moto.
"""

from __future__ import annotations

import ast
import copy
import json
from collections import Counter
from pathlib import Path

import pytest

from mlopsctl.access.derive import derive_from_facts
from mlopsctl.access.facts import facts_of
from mlopsctl.access.peers import Peers
from mlopsctl.plan import plan_stack
from tests.conftest import SHIPPED_STACKS
from tests.personas.helpers import Derived, mismatches

ACCESS = Path(__file__).resolve().parents[2] / "mlopsctl" / "access"


@pytest.mark.parametrize("stack", SHIPPED_STACKS)
def test_every_cell_is_judged_as_the_intent_says(derived, stack):
    matrix = derived(stack)
    wrong = mismatches(matrix)
    assert not wrong, f"{len(wrong)} of {len(matrix.cells)} cells (judge: evaluator):\n" + (
        "\n".join(wrong)
    )


def test_matrix_is_large_and_covers_personas_steps_and_peers(derived):
    fraud = derived("fraud-dev")
    assert (fraud.peers.peer, fraud.peers.other_environment) == ("churn-dev", "fraud-prod")
    assert len(fraud.cells) >= 300
    personas = Counter(c.persona for c in fraud.cells)
    assert {
        "data-scientist",
        "ml-engineer",
        "data-steward",
        "data-scientist-exec",
        "ml-engineer-exec",
        "data-steward-exec",
        "endpoint-exec",
        "pipeline-exec",
    } <= set(personas)
    assert {c.relation for c in fraud.cells} == {"own", "peer", "other-environment"}
    assert {c.expect for c in fraud.cells} == {"allow", "deny"}
    steps = {c.step for c in fraud.cells}
    assert {"assume role", "open studio", "start jupyterlab", "read data", "dvc push/pull"} <= steps
    assert "track experiments" in steps
    assert {c.persona for c in derived("dev").cells} == {"auditor"}
    production = {c.step for c in derived("fraud-prod").cells}
    assert "protect production" in production


def test_names_come_from_the_plan(derived):
    """Profiles, spaces and the domain of the cells are the planned ones (not `{scope}-alice`)."""
    fraud = derived("fraud-dev")
    plan = plan_stack("fraud-dev")
    domain = plan.exports["labDomainId"]
    presigned = [
        c
        for c in fraud.cells
        if c.action == "sagemaker:CreatePresignedDomainUrl" and c.relation == "own"
    ]
    profiles = {c.resource.rsplit("/", 1)[1] for c in presigned}
    assert profiles == set(plan.exports["labUserProfiles"].values())
    apps = {
        c.resource
        for c in fraud.cells
        if c.action == "sagemaker:CreateApp" and c.relation == "own" and c.expect == "allow"
    }
    region, account = plan.exports["region"], plan.config["mlops:accountId"]
    assert apps == {
        f"arn:aws:sagemaker:{region}:{account}:app/{domain}/{space}/jupyterlab/default"
        for space in plan.exports["labSpaces"].values()
    }
    dvc = {
        c.resource for c in fraud.cells if c.action == "s3:PutObject" and c.step == "dvc push/pull"
    }
    assert any(c.startswith(f"arn:aws:s3:::{plan.exports['dvcRemote']['url'][5:]}/") for c in dvc)


def test_sso_stacks_have_no_presigned_url_cells(derived):
    assert not [c for c in derived("fraud-prod").cells if "PresignedDomainUrl" in c.action]


def test_derivation_imports_neither_the_naming_nor_the_documents():
    forbidden = ("components.naming", "components.documents")
    files = [*ACCESS.glob("*.py"), *Path(__file__).parent.glob("*.py")]
    wrong = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            wrong += [f"{path.name}: {n}" for n in names if n.startswith(forbidden)]
    allowed = {"test_documents.py"}  # tests the builders themselves, not the matrix
    assert [w for w in wrong if w.split(":")[0] not in allowed] == []


def _with_policy(plan, role_name: str, change) -> Derived:
    changed = copy.deepcopy(plan)
    for policy in changed.of_type("aws:iam/rolePolicy:RolePolicy"):
        if policy.inputs["role"] == role_name:
            document = json.loads(policy.inputs["policy"])
            policy.inputs["policy"] = json.dumps(change(document))
    peer, other = plan_stack("churn-dev"), plan_stack("fraud-prod")
    facts = {p.stack: facts_of(p) for p in (changed, peer, other)}
    cells = derive_from_facts(facts["fraud-dev"], facts["churn-dev"], facts["fraud-prod"])
    return Derived("fraud-dev", cells, facts, Peers("churn-dev", "fraud-prod"))


def test_a_broken_grant_is_caught_both_ways():
    """Widen or narrow the data scientist's role: cells that held before now fail."""
    plan = plan_stack("fraud-dev")
    role = next(
        r.inputs["name"]
        for r in plan.of_type("aws:iam/role:Role")
        if (r.inputs.get("tags") or {}) == {"persona": "data-scientist"}
    )
    everything = {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}

    def widen(doc):
        doc["Statement"] = [s for s in doc["Statement"] if s["Effect"] == "Allow"] + [everything]
        return doc

    def narrow(doc):
        doc["Statement"] = [s for s in doc["Statement"] if s["Effect"] == "Deny"]
        return doc

    wide = mismatches(_with_policy(plan, role, widen))
    assert any("s3:GetObject" in w and "churn-dev" in w and "expected deny" in w for w in wide)
    narrowed = mismatches(_with_policy(plan, role, narrow))
    assert any("s3:GetObject" in w and "expected allow" in w for w in narrowed)
