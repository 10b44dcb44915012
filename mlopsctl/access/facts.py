"""What the access matrix needs to know about a stack, read from its plan alone.

Every name and ARN here comes from a planned resource (inputs, or outputs the mock monitor
answered as AWS would), from the stack's exports, or from the config the stack was planned with;
nothing is rebuilt from the naming helper that produced the grants.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from mlopsctl.access.archives import model_archives
from mlopsctl.access.arns import parse_s3_url, s3_bucket_arn
from mlopsctl.plan import Plan, PlannedResource

HUMAN_PERSONAS = ("data-scientist", "ml-engineer", "data-steward")
AUDITOR = "auditor"  # the environment layer's governance persona
EXECUTION_KIND = "sagemaker-execution"  # the `role-kind` tag of SageMaker execution roles
# Config keys (settings/models/personas.py): principals per persona and the steward's reads.
# The team's SageMaker MLflow by the intent's kind (`mlops:tracking.kind` sagemaker, app; none
# for self-hosted).
MLFLOW_TYPES = {
    "tracking-server": "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer",
    "mlflow-app": "aws:sagemaker/mlflowApp:MlflowApp",
}
MLFLOW_PREFIX = "aws:sagemaker/mlflow"
PERSONA_KEYS = {
    "data-scientist": "dataScientist",
    "ml-engineer": "mlEngineer",
    "data-steward": "dataSteward",
}


@dataclass(frozen=True)
class Role:
    name: str
    arn: str
    persona: str  # the `persona` tag: a human persona, or endpoint/pipeline/auditor
    kind: str  # "human", "execution" or "" (service roles without a persona tag)
    trust: dict[str, Any]
    policies: tuple[dict[str, Any], ...]

    @property
    def label(self) -> str:
        return f"{self.persona}-exec" if self.kind == "execution" else self.persona


@dataclass(frozen=True)
class Member:
    name: str
    persona: str
    profile_arn: str
    profile_tags: dict[str, str]
    execution_role_arn: str
    space: str | None = None
    space_arn: str | None = None
    space_tags: dict[str, str] = field(default_factory=dict)
    sharing_type: str = "Private"
    instance_type: str | None = None


@dataclass(frozen=True)
class Bucket:
    purpose: str
    name: str
    arn: str
    classification: str


@dataclass(frozen=True)
class StackFacts:
    stack: str
    layer: str
    partition: str
    region: str
    account: str
    team: str
    environment: str
    production: bool
    scope: str  # the prefix every planned role name of the stack starts with
    default_tags: dict[str, str]
    roles: tuple[Role, ...]
    buckets: dict[str, Bucket]
    members: tuple[Member, ...] = ()
    auth_mode: str | None = None
    domain_id: str | None = None
    domain_arn: str | None = None
    key_arn: str | None = None
    tracking_server_arn: str | None = None
    mlflow_app_arn: str | None = None
    subnets: tuple[str, ...] = ()
    security_groups: tuple[str, ...] = ()
    repositories: dict[str, str] = field(default_factory=dict)
    endpoints: tuple[str, ...] = ()
    pipelines: tuple[str, ...] = ()
    model_archives: tuple[tuple[str, str], ...] = ()  # (bucket, key) of model package archives
    lab_environment_file: tuple[str, str] | None = None
    dvc_remote: tuple[str, str] | None = None
    principals: dict[str, tuple[str, ...]] = field(default_factory=dict)
    steward_readable: tuple[str, ...] = ()
    allow_gpu: bool = False
    registered_model: str | None = None
    job_instance_type: str | None = None  # the planned retraining job's, else the lab default
    lab_instance_type: str | None = None  # the domain's default JupyterLab instance type

    @property
    def mlflow(self) -> dict[str, str]:
        """The planned SageMaker MLflow of the team, by resource kind: none, or exactly one."""
        planned = {"tracking-server": self.tracking_server_arn, "mlflow-app": self.mlflow_app_arn}
        return {kind: arn for kind, arn in planned.items() if arn}

    def human_role(self, persona: str) -> Role | None:
        return next((r for r in self.roles if r.kind == "human" and r.persona == persona), None)

    def execution_role(self, persona: str) -> Role | None:
        """The role the persona's members' profiles run as (else the one tagged for it)."""
        used = {m.execution_role_arn for m in self.members if m.persona == persona}
        by_arn = {r.arn: r for r in self.roles}
        for arn in sorted(used):
            if arn in by_arn:
                return by_arn[arn]
        return next((r for r in self.roles if r.kind == "execution" and r.persona == persona), None)

    def role_by_arn(self, arn: str) -> Role | None:
        return next((r for r in self.roles if r.arn == arn), None)


def _document(value: Any) -> dict[str, Any]:
    return json.loads(value) if isinstance(value, str) else value


def _arn(resource: PlannedResource) -> str:
    return str(resource.outputs.get("arn") or resource.id)


def _default_tags(plan: Plan) -> dict[str, str]:
    for provider in plan.of_type("pulumi:providers:aws"):
        raw = provider.inputs.get("defaultTags")
        if raw:
            return dict(_document(raw).get("tags") or {})
    return {}


def _roles(plan: Plan) -> tuple[Role, ...]:
    inline: dict[str, list[dict]] = {}
    for policy in plan.of_type("aws:iam/rolePolicy:RolePolicy"):
        inline.setdefault(policy.inputs["role"], []).append(_document(policy.inputs["policy"]))
    managed = {
        str(p.outputs.get("arn")): _document(p.inputs["policy"])
        for p in plan.of_type("aws:iam/policy:Policy")
    }
    for attachment in plan.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
        document = managed.get(attachment.inputs["policyArn"])
        if document is not None:
            inline.setdefault(attachment.inputs["role"], []).append(document)
    roles = []
    for role in plan.of_type("aws:iam/role:Role"):
        tags = role.inputs.get("tags") or {}
        name = role.inputs["name"]
        persona = tags.get("persona", "")
        kind = "execution" if tags.get("role-kind") == EXECUTION_KIND else ""
        if not kind and persona in (*HUMAN_PERSONAS, AUDITOR):
            kind = "human"
        roles.append(
            Role(
                name=name,
                arn=_arn(role),
                persona=persona,
                kind=kind,
                trust=_document(role.inputs["assumeRolePolicy"]),
                policies=tuple(inline.get(name, ())),
            )
        )
    return tuple(roles)


def _buckets(plan: Plan, partition: str) -> dict[str, Bucket]:
    buckets = {}
    for bucket in plan.of_type("aws:s3/bucket:Bucket"):
        tags = bucket.inputs.get("tags") or {}
        name = bucket.inputs["bucket"]
        purpose = tags.get("purpose") or bucket.name.removesuffix("-bucket")
        buckets[purpose] = Bucket(
            purpose=purpose,
            name=name,
            arn=s3_bucket_arn(partition, name),
            classification=tags.get("data-classification", ""),
        )
    return buckets


def _members(plan: Plan, roles: tuple[Role, ...]) -> tuple[Member, ...]:
    spaces = {
        (s.inputs["domainId"], s.inputs["ownershipSettings"]["ownerUserProfileName"]): s
        for s in plan.of_type("aws:sagemaker/space:Space")
        if s.inputs.get("ownershipSettings")
    }
    members = []
    for profile in plan.of_type("aws:sagemaker/userProfile:UserProfile"):
        name = profile.inputs["userProfileName"]
        tags = profile.inputs.get("tags") or {}
        space = spaces.get((profile.inputs["domainId"], name))
        fields: dict[str, Any] = {}
        if space is not None:
            settings = space.inputs.get("spaceSettings") or {}
            spec = (settings.get("jupyterLabAppSettings") or {}).get("defaultResourceSpec") or {}
            fields = {
                "space": space.inputs["spaceName"],
                "space_arn": _arn(space),
                "space_tags": space.inputs.get("tags") or {},
                "sharing_type": (space.inputs.get("spaceSharingSettings") or {}).get(
                    "sharingType", "Private"
                ),
                "instance_type": spec.get("instanceType"),
            }
        execution = (profile.inputs.get("userSettings") or {}).get("executionRole", "")
        # The profile's persona tag, else the persona of the execution role it runs as.
        persona = tags.get("persona") or next((r.persona for r in roles if r.arn == execution), "")
        members.append(
            Member(
                name=name,
                persona=persona,
                profile_arn=_arn(profile),
                profile_tags=tags,
                execution_role_arn=execution,
                **fields,
            )
        )
    return tuple(sorted(members, key=lambda m: m.name))


def _scope(roles: tuple[Role, ...]) -> str:
    """The longest prefix, up to a hyphen, that every planned role name shares."""
    parts = [r.name.split("-") for r in roles]
    common: list[str] = []
    for words in zip(*parts, strict=False):
        if len(set(words)) != 1:
            break
        common.append(words[0])
    return "-".join(common)


def _lab(plan: Plan, facts: dict[str, Any]) -> None:
    domains = plan.of_type("aws:sagemaker/domain:Domain")
    if domains:
        domain = domains[0]
        facts["domain_id"] = domain.id or plan.exports.get("labDomainId")
        facts["domain_arn"] = str(domain.outputs.get("arn", ""))
        facts["auth_mode"] = domain.inputs.get("authMode")
        facts["subnets"] = tuple(domain.inputs.get("subnetIds") or ())
        settings = domain.inputs.get("defaultUserSettings") or {}
        facts["security_groups"] = tuple(settings.get("securityGroups") or ())
        spec = (settings.get("jupyterLabAppSettings") or {}).get("defaultResourceSpec") or {}
        facts["lab_instance_type"] = spec.get("instanceType")
    facts["members"] = _members(plan, facts["roles"])
    lab = plan.config.get(f"{plan.project}:lab") or {}
    environment = lab.get("environmentYml") or {}
    buckets = facts["buckets"]
    if environment.get("source") == "s3" and environment.get("bucket") in buckets:
        facts["lab_environment_file"] = (
            buckets[environment["bucket"]].name,
            environment["path"],
        )


class FactsError(ValueError):
    """The plan holds an MLflow the access facts cannot read (so no rule would name it)."""


def _mlflow(plan: Plan, facts: dict[str, Any]) -> None:
    known = set(MLFLOW_TYPES.values())
    unknown = sorted({r.type for r in plan.resources if r.type.startswith(MLFLOW_PREFIX)} - known)
    if unknown:
        raise FactsError(
            f"{plan.stack}: planned MLflow of a type the access matrix does not read: "
            f"{', '.join(unknown)} (mlopsctl/access/facts.py MLFLOW_TYPES)"
        )
    tracking = plan.of_type(MLFLOW_TYPES["tracking-server"])
    facts["tracking_server_arn"] = _arn(tracking[0]) if tracking else None
    apps = plan.of_type(MLFLOW_TYPES["mlflow-app"])
    facts["mlflow_app_arn"] = _arn(apps[0]) if apps else None


def _serving(plan: Plan, facts: dict[str, Any]) -> None:
    _mlflow(plan, facts)
    facts["repositories"] = {
        r.inputs["name"]: _arn(r) for r in plan.of_type("aws:ecr/repository:Repository")
    }
    facts["endpoints"] = tuple(_arn(e) for e in plan.of_type("aws:sagemaker/endpoint:Endpoint"))
    facts["pipelines"] = tuple(_arn(p) for p in plan.of_type("aws:sagemaker/pipeline:Pipeline"))
    facts["model_archives"] = model_archives(plan)
    remote = plan.exports.get("dvcRemote") or {}
    if isinstance(remote, dict) and remote.get("url"):
        facts["dvc_remote"] = parse_s3_url(remote["url"])


def _pipeline_instance_type(plan: Plan) -> str | None:
    """The instance type the planned retraining pipeline's first job step runs on."""
    for pipeline in plan.of_type("aws:sagemaker/pipeline:Pipeline"):
        for step in _document(pipeline.inputs.get("pipelineDefinition") or "{}").get("Steps", []):
            arguments = step.get("Arguments") or {}
            cluster = (arguments.get("ProcessingResources") or {}).get("ClusterConfig") or {}
            resources = arguments.get("ResourceConfig") or cluster
            if resources.get("InstanceType"):
                return str(resources["InstanceType"])
    return None


def _config(plan: Plan, facts: dict[str, Any]) -> None:
    personas = plan.config.get(f"{plan.project}:personas") or {}
    facts["principals"] = {
        persona: tuple((personas.get(key) or {}).get("principals") or ())
        for persona, key in PERSONA_KEYS.items()
    }
    facts["steward_readable"] = tuple(personas.get("dataStewardReadableClassifications") or ())
    facts["allow_gpu"] = bool(personas.get("allowGpu", False))
    retraining = plan.config.get(f"{plan.project}:retraining") or {}
    facts["registered_model"] = retraining.get("registeredModelName")
    facts["job_instance_type"] = (
        _pipeline_instance_type(plan)
        or retraining.get("instanceType")
        or facts.get("lab_instance_type")
    )


def facts_of(plan: Plan) -> StackFacts:
    """The facts of one planned stack (team or environment layer)."""
    roles = _roles(plan)
    some_arn = next((r.arn for r in roles), "arn:aws:iam::000000000000:role/none")
    partition = some_arn.split(":")[1]
    config = plan.config
    tags = _default_tags(plan)
    facts: dict[str, Any] = {
        "stack": plan.stack,
        "layer": plan.layer,
        "partition": partition,
        "region": str(config.get("aws:region") or plan.exports.get("region", "")),
        "account": str(config.get(f"{plan.project}:accountId", "")),
        "team": str(plan.exports.get("team") or tags.get("team", "")),
        "environment": str(config.get(f"{plan.project}:environment", "")),
        "production": bool(config.get(f"{plan.project}:production", False)),
        "scope": _scope(roles),
        "default_tags": tags,
        "roles": roles,
        "buckets": _buckets(plan, partition),
    }
    keys = plan.of_type("aws:kms/key:Key")
    facts["key_arn"] = _arn(keys[0]) if keys else None
    if plan.layer == "team":
        _lab(plan, facts)
        _serving(plan, facts)
        _config(plan, facts)
    return StackFacts(**facts)
