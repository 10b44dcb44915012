"""The architecture view of a team stack, read from its plan and its environment's plan."""

from __future__ import annotations

from mlopsctl.plan import Plan
from mlopsctl.render.architecture import (
    Architecture,
    Box,
    Flow,
    Group,
    network_group,
    output_name,
    policy_statements,
)

PERSONAS = {
    "data-scientist": ("b_data_scientist", "Data scientist"),
    "ml-engineer": ("b_ml_engineer", "ML engineer"),
    "data-steward": ("b_data_steward", "Data steward"),
}
BUCKET_PURPOSES = ("raw", "curated", "dvc", "artifacts", "capture")
READ_ACTIONS = ("s3:GetObject", "s3:Get*", "s3:*", "*")


def _people(plan: Plan) -> list[Box]:
    members = plan.config.get(f"{plan.project}:lab", {}).get("members") or []
    roles = plan.exports.get("personaRoleArns") or {}
    people = []
    for persona, (box, title) in PERSONAS.items():
        names = ", ".join(m["name"] for m in members if m.get("persona") == persona)
        role = str(roles.get(persona, "")).rsplit("/", 1)[-1]
        label = "\n".join(t for t in (title, names, f"role {role}" if role else "") if t)
        people.append(Box(box, "person", label))
    return people


def _buckets(plan: Plan) -> Group:
    group = Group("team data (S3, SSE-KMS with the team key)")
    buckets = plan.exports.get("buckets") or {}
    for purpose in BUCKET_PURPOSES:
        if purpose in buckets:
            group.add(Box(f"b_bucket_{purpose}", "bucket", f"{purpose}\n{buckets[purpose]}"))
    if plan.exports.get("teamKmsKeyArn"):
        group.add(Box("b_team_key", "key", "team KMS key"))
    return group


def _lab(plan: Plan) -> Box:
    domains = plan.of_type("aws:sagemaker/domain:Domain")
    if domains:
        profiles = [
            output_name(p, "userProfileName")
            for p in plan.of_type("aws:sagemaker/userProfile:UserProfile")
        ]
        name = output_name(domains[0], "domainName")
        who = f"\nprofiles: {', '.join(profiles)}" if profiles else "\nno user profiles yet"
        return Box("b_lab", "notebook", f"Studio domain {name}{who}")
    notebooks = plan.of_type("aws:sagemaker/notebookInstance:NotebookInstance")
    names = ", ".join(output_name(n) for n in notebooks) or "none"
    return Box("b_lab", "notebook", f"notebook instances\n{names}")


def _tracking(plan: Plan) -> Box:
    apps = plan.of_type("aws:sagemaker/mlflowApp:MlflowApp")
    if apps:
        return Box("b_tracking", "sagemaker", f"MLflow App\n{output_name(apps[0])}")
    servers = plan.of_type("aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer")
    if servers:
        name = output_name(servers[0], "trackingServerName")
        return Box("b_tracking", "sagemaker", f"MLflow tracking server\n{name}")
    services = plan.of_type("aws:ecs/service:Service")
    name = output_name(services[0]) if services else "MLflow"
    return Box("b_tracking", "fargate", f"self-hosted MLflow (ECS Fargate + RDS)\n{name}")


def _registry(plan: Plan) -> Group:
    group = Group("model registry")
    group_name = plan.exports.get("modelPackageGroup")
    if group_name:
        group.add(Box("b_model_group", "model", f"model package group\n{group_name}"))
    for name, url in sorted((plan.exports.get("ecrRepositoryUrls") or {}).items()):
        repository = str(url).split("/", 1)[-1]
        group.add(Box(f"b_ecr_{name}", "ecr", f"ECR {name}\n{repository}"))
    return group


def _retraining(plan: Plan) -> Group:
    group = Group("retraining")
    for schedule in plan.of_type("aws:scheduler/schedule:Schedule"):
        if "retraining" in schedule.name:
            expression = schedule.inputs.get("scheduleExpression", "")
            group.add(Box("b_schedule", "schedule", f"schedule\n{expression}"))
    pipelines = plan.of_type("aws:sagemaker/pipeline:Pipeline")
    if pipelines:
        name = output_name(pipelines[0], "pipelineName")
        group.add(Box("b_pipeline", "pipeline", f"SageMaker pipeline\n{name}"))
    for job in plan.of_type("kubernetes:batch/v1:CronJob"):
        schedule = job.inputs.get("spec", {}).get("schedule", "")
        name = output_name(job)
        metadata = job.inputs.get("metadata") or {}
        name = metadata.get("name", name)
        group.label = f"retraining (Kubernetes namespace {metadata.get('namespace', '')})"
        group.add(Box("b_pipeline", "cronjob", f"Kubernetes CronJob {name}\n{schedule}"))
        if schedule:
            group.add(Box("b_schedule", "schedule", f"schedule\n{schedule}"))
    return group


def _serving(plan: Plan) -> tuple[Group, bool]:
    """Serving and monitoring, as planned; and whether the endpoint captures data."""
    group = Group("serving and monitoring")
    captures = False
    for endpoint in plan.of_type("aws:sagemaker/endpoint:Endpoint"):
        group.add(Box("b_serving", "sagemaker", f"SageMaker endpoint\n{output_name(endpoint)}"))
    for config in plan.of_type("aws:sagemaker/endpointConfiguration:EndpointConfiguration"):
        captures = captures or bool(
            (config.inputs.get("dataCaptureConfig") or {}).get("enableCapture")
        )
    for deployment in plan.of_type("kubernetes:apps/v1:Deployment"):
        metadata = deployment.inputs.get("metadata") or {}
        label = f"Kubernetes deployment {metadata.get('name', deployment.name)}"
        group.add(Box("b_serving", "deployment", f"{label}\nnamespace {metadata.get('namespace')}"))
    alarms = [output_name(a) for a in plan.of_type("aws:cloudwatch/metricAlarm:MetricAlarm")]
    monitors = plan.of_type("aws:sagemaker/monitoringSchedule:MonitoringSchedule")
    if alarms or monitors:
        lines = [*alarms, *(f"Model Monitor {output_name(m)}" for m in monitors)]
        group.add(Box("b_monitoring", "monitoring", "monitoring\n" + "\n".join(lines)))
    return group, captures


def _bucket_purposes(plan: Plan, resources: str | list[str], objects: bool) -> set[str]:
    buckets = plan.exports.get("buckets") or {}
    text = " ".join([resources] if isinstance(resources, str) else resources)
    suffix = "/" if objects else ""
    return {p for p, name in buckets.items() if f":::{name}{suffix}" in text}


def steward_access(plan: Plan) -> dict[str, str]:
    """Bucket purpose -> what the data steward's own policies let it read there: objects
    ("audit (read)") or only configuration and tags ("audit (config, tags)")."""
    objects: set[str] = set()
    metadata: set[str] = set()
    for resource in plan.resources:
        if not resource.name.startswith("data-steward") or "exec" in resource.name:
            continue
        for statement in policy_statements(resource):
            actions = statement.get("Action", [])
            actions = {actions} if isinstance(actions, str) else set(actions)
            if statement.get("Effect") != "Allow":
                continue
            resources = statement.get("Resource", [])
            if actions & set(READ_ACTIONS):
                objects |= _bucket_purposes(plan, resources, objects=True)
            elif any(a.startswith("s3:Get") or a == "s3:ListBucket" for a in actions):
                metadata |= _bucket_purposes(plan, resources, objects=False)
    found = {p: "audit (read)" for p in objects}
    found.update({p: "audit (config, tags)" for p in metadata - objects})
    return {p: found[p] for p in BUCKET_PURPOSES if p in found}


def _flows(plan: Plan, ids: set[str], captures: bool) -> list[Flow]:
    version = (plan.config.get(f"{plan.project}:inference") or {}).get("model", {}).get("version")
    wanted = [
        ("b_data_scientist", "b_lab", "works in the lab"),
        ("b_data_scientist", "b_bucket_dvc", "DVC push/pull"),
        ("b_lab", "b_tracking", "MLflow logging"),
        ("b_pipeline", "b_tracking", "MLflow logging"),
        ("b_tracking", "b_bucket_artifacts", "MLflow artifacts"),
        ("b_ml_engineer", "b_ecr_inference", "image push (CI)"),
        ("b_ml_engineer", "b_ecr_pipeline", "image push (CI)"),
        ("b_schedule", "b_pipeline", "retraining"),
        ("b_bucket_curated", "b_pipeline", "training data"),
        ("b_pipeline", "b_model_group", "registers model package"),
        ("b_ml_engineer", "b_model_group", "approves version"),
        ("b_model_group", "b_serving", f"serving (version {version})" if version else "serving"),
        ("b_serving", "b_monitoring", "metrics and alarms"),
    ]
    if captures:
        wanted.append(("b_serving", "b_bucket_capture", "capture"))
    wanted += [("b_data_steward", f"b_bucket_{p}", how) for p, how in steward_access(plan).items()]
    return [Flow(s, t, label) for s, t, label in wanted if s in ids and t in ids]


def team_architecture(plan: Plan, environment: Plan | None) -> Architecture:
    """The team stack inside its account and its environment's VPC, people outside."""
    exports = plan.exports
    account_id = plan.config.get(f"{plan.project}:accountId", "")
    label = f"AWS account {account_id} · {exports.get('region', '')} · team {exports.get('team')}"
    account = Group(f"{label} ({exports.get('environment')})", "account")
    if environment is not None:
        vpc = network_group(environment, "team")
    else:
        vpc = Group(
            "environment VPC (not planned)", "vpc", groups=[Group("private subnets", "subnet")]
        )
    account.groups.append(vpc)
    subnets = vpc.groups[0]
    subnets.add(_lab(plan))
    serving, captures = _serving(plan)
    retraining = _retraining(plan)
    tracking = Group("experiment tracking").add(_tracking(plan))
    account.groups += [_buckets(plan), tracking, _registry(plan)]
    for group in (retraining, serving):
        if group.boxes:
            account.groups.append(group)
    people = _people(plan)
    ids = account.box_ids() | {p.id for p in people}
    title = f"{plan.project}-{plan.stack}: team architecture"
    return Architecture(title, people, account, _flows(plan, ids, captures))
