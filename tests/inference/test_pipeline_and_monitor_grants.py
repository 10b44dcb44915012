"""The model journey's SageMaker-run parts, judged against the planned IAM documents.

SageMaker Pipelines names its step jobs `pipelines-<execution-id>-<step>-<token>` and tags them
`sagemaker:pipeline-execution-arn`; Model Monitor writes its reports where the planned job
definition says. Names and URIs come from the planned resources, not from naming helpers.
"""

import json

import pytest

from mlopsctl.access.evaluator import evaluate
from mlopsctl.access.facts import facts_of
from tests.conftest import plan_served

PIPELINE = "aws:sagemaker/pipeline:Pipeline"
JOB_DEFINITION = "aws:sagemaker/dataQualityJobDefinition:DataQualityJobDefinition"
SCHEDULE = "aws:sagemaker/monitoringSchedule:MonitoringSchedule"
EXECUTION_TAG = "sagemaker:pipeline-execution-arn"
STEP_JOB = "pipelines-a1b2c3d4e5f6-retrain-ab12cd34ef"
JOB_KINDS = {
    "processing-job": "Processing",
    "training-job": "Training",
    "transform-job": "Transform",
}


def _documents(facts, arn: str) -> list[dict]:
    role = facts.role_by_arn(arn)
    assert role is not None, arn
    return list(role.policies)


class Journey:
    def __init__(self, stack: str):
        # Served (model.version set), so production's monitor runs over its endpoint.
        self.plan = plan_served(stack)
        self.facts = facts_of(self.plan)
        pipeline = self.plan.one(PIPELINE)
        self.pipeline_arn = str(pipeline.outputs["arn"])
        assert self.pipeline_arn.endswith("pipeline/" + pipeline.inputs["pipelineName"].lower())
        self.prefix = self.pipeline_arn.split(":sagemaker:")[0] + ":sagemaker:"
        self.region_account = self.pipeline_arn.split(":sagemaker:")[1].split(":pipeline/")[0]
        self.pipeline_role = _documents(self.facts, pipeline.inputs["roleArn"])
        step = json.loads(pipeline.inputs["pipelineDefinition"])["Steps"][0]["Arguments"]
        cluster = step["ProcessingResources"]["ClusterConfig"]
        network = step["NetworkConfig"]
        # The request as the guardrails see it: the step's own configuration.
        self.job_context = {
            "sagemaker:InstanceTypes": [cluster["InstanceType"]],
            "sagemaker:VpcSubnets": network["VpcConfig"]["Subnets"],
            "sagemaker:VpcSecurityGroupIds": network["VpcConfig"]["SecurityGroupIds"],
            "sagemaker:VolumeKmsKey": cluster["VolumeKmsKeyId"],
            "sagemaker:OutputKmsKey": step["ProcessingOutputConfig"]["KmsKeyId"],
            "sagemaker:InterContainerTrafficEncryption": str(
                network["EnableInterContainerTrafficEncryption"]
            ).lower(),
            "iam:PassedToService": "sagemaker.amazonaws.com",
        }

    def job(self, kind: str) -> str:
        return f"{self.prefix}{self.region_account}:{kind}/{STEP_JOB}"

    def execution(self, pipeline_arn: str | None = None) -> str:
        return f"{pipeline_arn or self.pipeline_arn}/execution/a1b2c3d4e5f6"

    def other_teams_pipeline(self) -> str:
        return f"{self.prefix}{self.region_account}:pipeline/mlops-churn-dev-retraining"

    def create(self, documents: list[dict], kind: str, execution: str | None) -> str:
        context = dict(self.job_context)
        if execution is not None:
            context[f"aws:RequestTag/{EXECUTION_TAG}"] = execution
            context["aws:TagKeys"] = [EXECUTION_TAG]
        action = f"sagemaker:Create{JOB_KINDS[kind]}Job"
        tagged = evaluate(documents, "sagemaker:AddTags", self.job(kind), context)
        created = evaluate(documents, action, self.job(kind), context)
        return "allow" if created == tagged == "allow" else "deny"

    def on_job(self, documents: list[dict], verb: str, kind: str, execution: str) -> str:
        context = {f"aws:ResourceTag/{EXECUTION_TAG}": execution}
        action = f"sagemaker:{verb}{JOB_KINDS[kind]}Job"
        return evaluate(documents, action, self.job(kind), context)


@pytest.fixture(scope="module", params=["fraud-dev", "fraud-prod"])
def journey(request) -> Journey:
    return Journey(request.param)


@pytest.fixture(scope="module")
def prod() -> Journey:
    return Journey("fraud-prod")


@pytest.mark.parametrize("kind", sorted(JOB_KINDS))
def test_the_pipeline_role_runs_its_pipelines_step_jobs(journey, kind):
    documents = journey.pipeline_role
    assert journey.create(documents, kind, journey.execution()) == "allow"
    for verb in ("Describe", "Stop"):
        assert journey.on_job(documents, verb, kind, journey.execution()) == "allow", verb


@pytest.mark.parametrize("kind", sorted(JOB_KINDS))
def test_another_teams_pipeline_jobs_cannot_be_driven(journey, kind):
    documents, other = journey.pipeline_role, journey.execution(journey.other_teams_pipeline())
    assert journey.create(documents, kind, other) == "deny"
    assert journey.create(documents, kind, None) == "deny"  # no execution tag: not a step
    for verb in ("Describe", "Stop"):
        assert journey.on_job(documents, verb, kind, other) == "deny", verb


def test_guardrails_still_apply_to_step_jobs(journey):
    documents = journey.pipeline_role
    for key, value in [
        ("sagemaker:InstanceTypes", ["ml.p4d.24xlarge"]),
        ("sagemaker:VolumeKmsKey", journey.job_context["sagemaker:VolumeKmsKey"] + "-other"),
        ("sagemaker:InterContainerTrafficEncryption", "false"),
        ("sagemaker:VpcSubnets", None),
    ]:
        journey.job_context, saved = {**journey.job_context, key: value}, journey.job_context
        try:
            assert journey.create(documents, "processing-job", journey.execution()) == "deny", key
        finally:
            journey.job_context = saved


def test_only_the_pipeline_role_creates_pipelines_jobs(journey):
    others = [r for r in journey.facts.roles if r.persona != "pipeline" and r.policies]
    assert others
    for role in others:
        for kind in JOB_KINDS:
            decision = journey.create(list(role.policies), kind, journey.execution())
            assert decision == "deny", (role.name, kind)


def test_the_ml_engineer_sees_and_stops_the_teams_executions(journey):
    role = journey.facts.human_role("ml-engineer")
    assert role is not None
    execution = journey.execution()
    for action in (
        "sagemaker:DescribePipelineExecution",
        "sagemaker:ListPipelineExecutionSteps",
        "sagemaker:StopPipelineExecution",
    ):
        assert evaluate(list(role.policies), action, execution, {}) == "allow", action
    other = journey.execution(journey.other_teams_pipeline())
    stop = "sagemaker:StopPipelineExecution"
    assert evaluate(list(role.policies), stop, other, {}) == "deny"


def _monitor_output(prod: Journey) -> tuple[str, str, str]:
    schedule = prod.plan.one(SCHEDULE).inputs["monitoringScheduleConfig"]
    definition = prod.plan.one(JOB_DEFINITION).inputs
    assert schedule["monitoringJobDefinitionName"] == definition["name"]
    output = definition["dataQualityJobOutputConfig"]
    uri = output["monitoringOutputs"]["s3Output"]["s3Uri"]
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return definition["roleArn"], f"arn:aws:s3:::{bucket}/{key}", output["kmsKeyId"]


def test_the_monitor_job_writes_its_reports_with_the_team_key(prod):
    role_arn, reports, key = _monitor_output(prod)
    documents = _documents(prod.facts, role_arn)
    report = f"{reports}/2026/11/01/13/constraint_violations.json"
    assert evaluate(documents, "s3:PutObject", report, {}) == "allow"
    for action in ("kms:GenerateDataKey", "kms:Encrypt", "kms:Decrypt"):
        assert evaluate(documents, action, key, {}) == "allow", action


def test_the_monitor_job_writes_nowhere_else_in_the_capture_bucket(prod):
    role_arn, reports, _ = _monitor_output(prod)
    documents = _documents(prod.facts, role_arn)
    bucket = reports.split("/")[0]
    for elsewhere in (
        f"{bucket}/mlops-fraud-prod-endpoint/AllTraffic/2026/11/01/13/capture.jsonl",
        f"{bucket}/monitoringx/report.json",
        f"{bucket}/report.json",
    ):
        assert evaluate(documents, "s3:PutObject", elsewhere, {}) == "deny", elsewhere
    assert evaluate(documents, "s3:DeleteObject", f"{reports}/report.json", {}) == "deny"
