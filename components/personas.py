"""Personas: one IAM role per persona of a team, and the SageMaker execution roles they use.

Human roles (`<scope>-data-scientist`, `-ml-engineer`, `-data-steward`) are assumed by the
principals of `mlops:personas`; execution roles (`<scope>-<persona>-exec`, `-endpoint-exec`,
`-pipeline-exec`) are assumed by SageMaker only. Every permission document comes from
`components/documents/` (pure functions), built here inside `.apply` because the team key's ARN
is only known at deploy time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from components.documents.execution_policies import (
    endpoint_execution_policy,
    persona_execution_policy,
    pipeline_execution_policy,
)
from components.documents.guardrails import guardrail_policy
from components.documents.iam import (
    SAGEMAKER_SERVICE,
    LabAccess,
    TeamAccess,
    human_trust_policy,
)
from components.documents.lab_policies import lab_policies
from components.documents.persona_policies import PERSONA_POLICIES
from components.documents.team_statements import team_read_policy
from components.documents.trust import service_trust_policy
from components.lab_names import notebook_instance_name
from components.naming import Naming

# Execution roles besides one per persona: endpoints and models, pipelines and their jobs.
SERVICE_EXECUTION_ROLES: tuple[str, ...] = ("endpoint", "pipeline")
# Roles SageMaker alone uses to serve: they describe nothing.
READ_NOTHING = ("endpoint-exec",)
# IAM role names are at most 64 characters (IAM quotas, read 2026-11).
MAX_ROLE_NAME = 64


@dataclass
class PersonasArgs:
    naming: Naming
    kms_key_arn: pulumi.Input[str]
    bucket_classifications: dict[str, str]  # purpose -> data classification
    instance_types: list[str]  # already includes GPU types when the team may use them
    # The personas, one human role and one execution role each; every one needs a policy in
    # `components.documents.persona_policies.PERSONA_POLICIES`.
    personas: tuple[str, ...] = tuple(PERSONA_POLICIES)
    production: bool = False
    principals: dict[str, list[str]] = field(default_factory=dict)  # persona -> ARNs
    steward_readable_classifications: list[str] = field(default_factory=list)
    max_session_hours: int = 4
    # The lab the roles work in (members and their personas; the domain id comes at grant time).
    lab_kind: str = "studio"
    lab_auth_mode: str = "IAM"
    lab_members: dict[str, str] = field(default_factory=dict)  # member -> persona
    # Production: S3 objects nobody may overwrite or delete (what is served, the lab's
    # environment file), as `bucket purpose -> keys`.
    protected_object_keys: dict[str, list[str]] = field(default_factory=dict)
    # The team's MLflow kind: `app`, `sagemaker` (tracking server) or `self-hosted`.
    tracking_kind: str = "sagemaker"

    def __post_init__(self) -> None:
        unknown = [p for p in self.personas if p not in PERSONA_POLICIES]
        if unknown:
            raise ValueError(
                f"personas {unknown} have no permission policy; known: {list(PERSONA_POLICIES)}"
            )

    @property
    def execution_roles(self) -> tuple[str, ...]:
        return (*self.personas, *SERVICE_EXECUTION_ROLES)


def team_access(
    args: PersonasArgs, kms_key_arn: str, domain_id: str = "", mlflow_arn: str = ""
) -> TeamAccess:
    """The plain values the documents are built from (also used by tests and mlopsctl).
    `mlflow_arn`: the team's MLflow App or tracking server (default: the server's ARN, which
    its name fixes; an app's ARN is assigned by AWS)."""
    n = args.naming
    notebook_instances = (
        {m: notebook_instance_name(n, m) for m in args.lab_members}
        if args.lab_kind == "notebook-instance"
        else {}
    )
    return TeamAccess(
        partition=n.partition,
        account_id=n.account_id,
        region=n.region,
        team=n.team,
        scope=n.scope,
        production=args.production,
        bucket_arns={p: n.bucket_arn(p) for p in args.bucket_classifications},
        bucket_classifications=dict(args.bucket_classifications),
        kms_key_arn=kms_key_arn,
        mlflow_tracking_server_arn=mlflow_arn
        or n.arn("sagemaker", f"mlflow-tracking-server/{n.name('mlflow')}"),
        mlflow_kind="app" if args.tracking_kind == "app" else "tracking-server",
        instance_types=list(args.instance_types),
        role_arns={p: n.role_arn(p) for p in args.personas},
        execution_role_arns={k: n.role_arn(k, "exec") for k in args.execution_roles},
        steward_readable_classifications=list(args.steward_readable_classifications),
        lab=LabAccess(
            kind=args.lab_kind,
            auth_mode=args.lab_auth_mode,
            domain_id=domain_id if args.lab_kind == "studio" else "",
            members=dict(args.lab_members),
            notebook_instances=notebook_instances,
        ),
        protected_objects=sorted(
            f"{n.bucket_arn(purpose)}/{key}"
            for purpose, keys in args.protected_object_keys.items()
            for key in keys
        ),
    )


def _role_name(naming: Naming, *parts: str) -> str:
    name = naming.name(*parts)
    if len(name) > MAX_ROLE_NAME:
        raise ValueError(f"role name '{name}' is longer than IAM's {MAX_ROLE_NAME} characters")
    return name


class Personas(pulumi.ComponentResource):
    """The roles; their permissions come with `grant()`, which the layer calls once the lab's
    Studio domain exists (a role without `grant()` can do nothing)."""

    role_arns: dict[str, pulumi.Output[str]]
    execution_role_arns: dict[str, pulumi.Output[str]]
    guardrail_policy_arn: pulumi.Output[str]  # set by grant()

    def __init__(self, name: str, args: PersonasArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("mlops:personas:Personas", name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        n = args.naming
        self._args = args
        self._roles: dict[str, aws.iam.Role] = {}

        self.role_arns = {}
        for persona in args.personas:
            role = aws.iam.Role(
                persona,
                name=_role_name(n, persona),
                description=f"{persona} of team {n.team} in {n.environment}",
                assume_role_policy=json.dumps(
                    human_trust_policy(
                        args.principals.get(persona, []),
                        account_id=n.account_id,
                        partition=n.partition,
                    )
                ),
                max_session_duration=args.max_session_hours * 3600,
                tags={"persona": persona},
                opts=child,
            )
            self._roles[persona] = role
            self.role_arns[persona] = role.arn

        self.execution_role_arns = {}
        for key in args.execution_roles:
            role = aws.iam.Role(
                f"{key}-exec",
                name=_role_name(n, key, "exec"),
                description=f"SageMaker execution role ({key}) of team {n.team} in {n.environment}",
                assume_role_policy=json.dumps(
                    service_trust_policy(SAGEMAKER_SERVICE, n.account_id)
                ),
                tags={"persona": key, "role-kind": "sagemaker-execution"},
                opts=child,
            )
            self._roles[f"{key}-exec"] = role
            self.execution_role_arns[key] = role.arn

        self.register_outputs(
            {"roleArns": self.role_arns, "executionRoleArns": self.execution_role_arns}
        )

    def grant(
        self,
        studio_domain_id: pulumi.Input[str] | None = None,
        mlflow_arn: pulumi.Input[str] | None = None,
    ) -> None:
        """Attach every role's permissions, once the lab and MLflow exist: the grants name the
        team's Studio domain, whose profiles use the execution roles (roles, then the domain,
        then these), and the team's MLflow App or tracking server."""
        args = self._args
        access = pulumi.Output.all(
            pulumi.Output.from_input(args.kms_key_arn),
            pulumi.Output.from_input(studio_domain_id or ""),
            pulumi.Output.from_input(mlflow_arn or ""),
        ).apply(lambda values: team_access(args, values[0], values[1], values[2]))
        builders = {
            **{p: PERSONA_POLICIES[p] for p in args.personas},
            **{f"{p}-exec": (lambda a, p=p: persona_execution_policy(a, p)) for p in args.personas},
            "endpoint-exec": endpoint_execution_policy,
            "pipeline-exec": pipeline_execution_policy,
        }
        team = args.naming.team
        guardrails = self._managed(
            "guardrails",
            f"Explicit denies every role of team {team} carries",
            access.apply(guardrail_policy),
        )
        self.guardrail_policy_arn = guardrails.arn
        team_read = self._managed(
            "team-read",
            f"Describe the SageMaker resources of team {team}",
            access.apply(team_read_policy),
        )
        # Which lab policies a role gets depends on the members only, not on the domain id.
        planned = team_access(args, "", "d-planned")
        for name, role in self._roles.items():
            self._inline(name, role, access.apply(builders[name]))
            self._attach(f"{name}-guardrails", role, guardrails)
            if name not in READ_NOTHING:
                self._attach(f"{name}-team-read", role, team_read)
            for suffix in lab_policies(planned, name):
                lab = self._managed(
                    f"{name}-{suffix}",
                    f"The lab of {name} in team {team}",
                    access.apply(lambda a, role=name, key=suffix: lab_policies(a, role)[key]),
                )
                self._attach(f"{name}-{suffix}", role, lab)

    def _managed(
        self, name: str, description: str, document: pulumi.Output[dict]
    ) -> aws.iam.Policy:
        """A customer managed policy of the team, named `<scope>-<name>`."""
        return aws.iam.Policy(
            name,
            name=_role_name(self._args.naming, name),
            description=description,
            policy=document.apply(json.dumps),
            opts=pulumi.ResourceOptions(parent=self),
        )

    def _attach(self, name: str, role: aws.iam.Role, policy: aws.iam.Policy) -> None:
        aws.iam.RolePolicyAttachment(
            name, role=role.name, policy_arn=policy.arn, opts=pulumi.ResourceOptions(parent=self)
        )

    def _inline(self, name: str, role: aws.iam.Role, policy: pulumi.Output[dict]) -> None:
        aws.iam.RolePolicy(
            f"{name}-permissions",
            role=role.name,
            name="permissions",
            policy=policy.apply(json.dumps),
            opts=pulumi.ResourceOptions(parent=self),
        )
