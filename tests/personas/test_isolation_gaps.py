"""Walls of the lab that the journeys do not walk: each call below was allowed before the lab
issue and must now be denied (or, for the compliant form, still allowed).

Judge: the project's evaluator (`mlopsctl.access.evaluator`) on the planned documents of the
role (inline and attached managed policies, read from the plan by `mlopsctl.access.facts`);
moto does not authorize SageMaker or CloudWatch Logs. Names of other teams' resources are
written as AWS names them at run time (SageMaker developer guide, CloudWatch log streams
`<job>/<host>-<epoch>`; S3 object ARNs).
"""

from __future__ import annotations

import pytest

from mlopsctl.access.evaluator import evaluate
from mlopsctl.access.facts import facts_of
from mlopsctl.plan import plan_stack

STACK = "fraud-dev"
OTHER_SCOPE = "mlops-churn-dev"  # stacks/Pulumi.churn-dev.yaml: prefix mlops, team churn, dev


@pytest.fixture(scope="module")
def facts():
    return facts_of(plan_stack(STACK))


def _judge(role, action: str, resource: str, context: dict | None = None) -> str:
    return evaluate(list(role.policies), action, resource, context or {})


def _sagemaker(facts, resource: str) -> str:
    return f"arn:aws:sagemaker:{facts.region}:{facts.account}:{resource}"


def _compliant_job(facts, **extra) -> dict:
    """A training job request that satisfies every guardrail (VPC, key, encryption, type)."""
    return {
        "sagemaker:InstanceTypes": [facts.job_instance_type or "ml.m5.large"],
        "sagemaker:VpcSubnets": list(facts.subnets) or ["subnet-0123456789abcdef0"],
        "sagemaker:VpcSecurityGroupIds": list(facts.security_groups) or ["sg-0123456789abcdef0"],
        "sagemaker:VolumeKmsKey": facts.key_arn,
        "sagemaker:InterContainerTrafficEncryption": "true",
        **extra,
    }


def test_describing_another_teams_untagged_job_is_denied(facts):
    scientist = facts.human_role("data-scientist")
    own = _sagemaker(facts, f"training-job/{facts.scope}-train-1")
    other = _sagemaker(facts, f"training-job/{OTHER_SCOPE}-train-1")
    assert _judge(scientist, "sagemaker:DescribeTrainingJob", own) == "allow"
    assert _judge(scientist, "sagemaker:DescribeTrainingJob", other) == "deny"


@pytest.mark.parametrize("persona", ["data-scientist", "ml-engineer"])
def test_jobs_are_created_only_tagged_with_the_team(facts, persona):
    role = facts.human_role(persona)
    job = _sagemaker(facts, f"training-job/{facts.scope}-train-1")
    tagged = _compliant_job(facts, **{"aws:RequestTag/team": facts.team, "aws:TagKeys": ["team"]})
    untagged = _compliant_job(facts)
    other_team = {**tagged, "aws:RequestTag/team": "churn"}
    assert _judge(role, "sagemaker:CreateTrainingJob", job, tagged) == "allow"
    assert _judge(role, "sagemaker:CreateTrainingJob", job, untagged) == "deny"
    assert _judge(role, "sagemaker:CreateTrainingJob", job, other_team) == "deny"


def test_execution_roles_write_only_the_teams_log_streams(facts):
    executor = facts.execution_role("data-scientist")
    group = f"arn:aws:logs:{facts.region}:{facts.account}:log-group:/aws/sagemaker/TrainingJobs"
    own = f"{group}:log-stream:{facts.scope}-train-1/algo-1-1700000000"
    other = f"{group}:log-stream:{OTHER_SCOPE}-train-1/algo-1-1700000000"
    assert _judge(executor, "logs:PutLogEvents", own) == "allow"
    assert _judge(executor, "logs:PutLogEvents", other) == "deny"
    assert _judge(executor, "logs:CreateLogStream", other) == "deny"


@pytest.mark.parametrize(
    ("tag_keys", "expected"),
    [
        (None, "deny"),  # PutObjectTagging with an empty tag set: every tag stripped
        (["data-classification"], "allow"),
        (["data-classification", "owner"], "deny"),
        (["owner"], "deny"),
    ],
)
def test_the_steward_changes_only_the_classification_and_never_strips_it(facts, tag_keys, expected):
    steward = facts.human_role("data-steward")
    bucket = next(iter(facts.buckets.values()))
    obj = f"{bucket.arn}/raw/sample.csv"
    context = {} if tag_keys is None else {"s3:RequestObjectTagKeys": tag_keys}
    assert _judge(steward, "s3:PutObjectTagging", obj, context) == expected


def test_the_steward_cannot_delete_every_sagemaker_tag(facts):
    steward = facts.human_role("data-steward")
    own = _sagemaker(facts, f"training-job/{facts.scope}-train-1")
    context = {"aws:ResourceTag/team": facts.team}
    assert _judge(steward, "sagemaker:DeleteTags", own, context) == "deny"  # no keys named
    named = {**context, "aws:TagKeys": ["data-classification"]}
    assert _judge(steward, "sagemaker:DeleteTags", own, named) == "allow"
