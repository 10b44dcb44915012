"""The concrete resources an intent rule's `resource` names, in one stack, from that stack's facts.

Lab resources of another team's domain are its planned profiles and spaces, plus the profiles
and spaces the acting team's members would have there under their own names (what a member
would try first); those carry the other team's default tags, as everything its platform creates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlopsctl.access import arns
from mlopsctl.access.facts import Member, StackFacts
from mlopsctl.access.intent import Target

SAMPLE_KEY = "access-matrix/sample.csv"  # any object of a bucket
# DVC 3 stores file contents under `<remote>/files/md5/<2 hex>/<30 hex>` (DVC docs, "Remote
# storage structure", read 2026-11).
DVC_OBJECT = "files/md5/0a/1b2c3d4e5f60718293a4b5c6d7e8f901"
JOB_SUFFIX = "job"  # a job another team runs: <its scope>-job
TRAINING_JOB_SUFFIX = "train-1"  # a training job the team starts: <scope>-train-1
NEW_ENDPOINT_SUFFIX = "experiment"  # an endpoint the team creates by hand: <scope>-experiment
MODEL_PACKAGE_VERSION = 1
# Another team's or environment's MLflow App as a member would name it: AWS assigns app ids, so
# one made up in the documented form (`app-` + 12 upper-case letters or digits, arns.py), in
# that stack's region and account; untagged, as an app made outside the platform.
UNPLANNED_APP_IDS = {"peer": "app-PEERTEAM0001", "other-environment": "app-OTHERENV0001"}


@dataclass(frozen=True)
class Resolved:
    arn: str
    stack: str
    values: dict[str, Any] = field(default_factory=dict)  # for the rule's context templates
    tags: dict[str, str] | None = None  # of an existing SageMaker resource: aws:ResourceTag/*


def _sagemaker(facts: StackFacts, resource: str) -> str:
    return arns.sagemaker_arn(facts.partition, facts.region, facts.account, resource)


def _foreign_member(own: Member, other: StackFacts) -> Member:
    """`own`'s namesake in another team's domain."""
    domain = str(other.domain_id)
    space = own.space
    return Member(
        name=own.name,
        persona=own.persona,
        profile_arn=_sagemaker(other, arns.user_profile_resource(domain, own.name)),
        profile_tags={},
        execution_role_arn="",
        space=space,
        space_arn=_sagemaker(other, arns.space_resource(domain, space)) if space else None,
        sharing_type="Private",
        instance_type=own.instance_type,
    )


def lab_members(
    target: Target, persona: str, acting: StackFacts, other: StackFacts
) -> list[Member]:
    if other is acting:
        members = list(acting.members)
        if target.owner == "same-persona":
            return [m for m in members if m.persona == persona]
        if target.owner == "other-persona":
            return [m for m in members if m.persona != persona]
        return members
    if not other.domain_id:
        return []
    planned = {m.name: m for m in other.members}
    namesakes = [_foreign_member(m, other) for m in acting.members if m.name not in planned]
    return [*planned.values(), *namesakes]


def _member_values(member: Member) -> dict[str, Any]:
    return {
        "instance_type": member.instance_type,
        "owner_profile_arn": member.profile_arn,
        "sharing_type": member.sharing_type,
    }


def _lab(target: Target, persona: str, acting: StackFacts, other: StackFacts) -> list[Resolved]:
    domain = str(other.domain_id)
    out = []
    for m in lab_members(target, persona, acting, other):
        values = _member_values(m)
        tags = {**other.default_tags, **m.profile_tags}
        if target.kind == "user-profile":
            out.append(Resolved(m.profile_arn, other.stack, values, tags))
            continue
        if not m.space:
            continue
        if target.kind == "space":
            tags = {**other.default_tags, **m.space_tags}
            out.append(Resolved(str(m.space_arn), other.stack, values, tags))
        elif target.kind == "app":  # created at run time: no tags yet
            arn = _sagemaker(other, arns.app_resource(domain, m.space))
            out.append(Resolved(arn, other.stack, values))
        else:  # studio-log-stream
            stream = arns.studio_app_stream(domain, m.space)
            arn = arns.log_stream_arn(
                other.partition, other.region, other.account, arns.STUDIO_LOG_GROUP, stream
            )
            out.append(Resolved(arn, other.stack, values))
    return out


def _buckets(target: Target, acting: StackFacts, other: StackFacts) -> list:
    buckets = [b for p, b in sorted(other.buckets.items()) if p in target.purposes]
    if target.steward == "readable":
        return [b for b in buckets if b.classification in acting.steward_readable]
    if target.steward == "unreadable":
        return [b for b in buckets if b.classification not in acting.steward_readable]
    return buckets


def _objects(target: Target, acting: StackFacts, other: StackFacts) -> list[tuple[str, str]]:
    """(bucket, key) pairs of an object-like target."""
    if target.kind == "object":
        return [(b.name, SAMPLE_KEY) for b in _buckets(target, acting, other)]
    if target.kind == "dvc-object":
        if not other.dvc_remote:
            return []
        bucket, prefix = other.dvc_remote
        return [(bucket, f"{prefix.rstrip('/')}/{DVC_OBJECT}" if prefix else DVC_OBJECT)]
    if target.kind == "model-archive":
        return list(other.model_archives)
    if target.kind == "lab-environment-file":
        return [other.lab_environment_file] if other.lab_environment_file else []
    raise AssertionError(target.kind)


def _role(target: Target, persona: str, other: StackFacts) -> list[Resolved]:
    wanted = persona if target.persona in (None, "same") else target.persona
    if target.role == "execution":
        if wanted in ("endpoint", "pipeline"):
            roles = [r for r in other.roles if r.kind == "execution" and r.persona == wanted]
        else:
            roles = [r for r in [other.execution_role(str(wanted))] if r]
    else:
        roles = [r for r in [other.human_role(str(wanted))] if r]
    return [Resolved(r.arn, other.stack) for r in roles]


def _tagged(arns_: tuple[str, ...] | list[str], other: StackFacts) -> list[Resolved]:
    return [Resolved(a, other.stack, tags=dict(other.default_tags)) for a in arns_]


def _dvc_bucket(other: StackFacts) -> list[Resolved]:
    if not other.dvc_remote:
        return []
    return [Resolved(arns.s3_bucket_arn(other.partition, other.dvc_remote[0]), other.stack)]


def _training_job(other: StackFacts) -> list[Resolved]:
    job = f"{other.scope}-{TRAINING_JOB_SUFFIX}"
    return [Resolved(_sagemaker(other, arns.training_job_resource(job)), other.stack)]


def _new_endpoint(other: StackFacts) -> list[Resolved]:
    name = f"{other.scope}-{NEW_ENDPOINT_SUFFIX}"
    return [Resolved(_sagemaker(other, arns.endpoint_resource(name)), other.stack)]


def _training_log_stream(other: StackFacts) -> list[Resolved]:
    stream = arns.training_job_stream(f"{other.scope}-{JOB_SUFFIX}")
    group = arns.TRAINING_LOG_GROUP
    arn = arns.log_stream_arn(other.partition, other.region, other.account, group, stream)
    return [Resolved(arn, other.stack)]


def _model_package(other: StackFacts) -> list[Resolved]:
    """A version of the group the MLflow server mirrors the model into: `<scope>-<model>`
    (export `registeredModelPrefix`, components/documents/tracking.py)."""
    if not other.registered_model:
        return []
    group = f"{other.scope}-{other.registered_model}"
    resource = arns.model_package_resource(group, MODEL_PACKAGE_VERSION)
    return [Resolved(_sagemaker(other, resource), other.stack)]


def _mlflow_app(target: Target, other: StackFacts) -> list[Resolved]:
    """The stack's planned app; for another team or environment also one it does not plan."""
    planned = _tagged(_present(other.mlflow_app_arn), other)
    if target.team == "own":
        return planned
    unplanned = arns.mlflow_app_resource(UNPLANNED_APP_IDS[target.team])
    return [*planned, Resolved(_sagemaker(other, unplanned), other.stack)]


def _persona_role(persona: str, other: StackFacts) -> list[Resolved]:
    role = other.human_role(persona)
    return [Resolved(role.arn, other.stack)] if role else []


def _present(*values: str | None) -> list[str]:
    return [v for v in values if v]


# kind -> resources, from (target, acting persona, acting stack facts, the other stack's facts).
SIMPLE_KINDS = {
    "domain": lambda t, p, a, o: _tagged(_present(o.domain_arn), o),
    "tracking-server": lambda t, p, a, o: _tagged(_present(o.tracking_server_arn), o),
    "mlflow-app": lambda t, p, a, o: _mlflow_app(t, o),
    "endpoint": lambda t, p, a, o: _tagged(o.endpoints, o),
    "new-endpoint": lambda t, p, a, o: _new_endpoint(o),
    "pipeline": lambda t, p, a, o: _tagged(o.pipelines, o),
    "key": lambda t, p, a, o: [Resolved(k, o.stack) for k in _present(o.key_arn)],
    "repository": lambda t, p, a, o: [
        Resolved(arn, o.stack) for _, arn in sorted(o.repositories.items())
    ],
    "bucket": lambda t, p, a, o: [Resolved(b.arn, o.stack) for b in _buckets(t, a, o)],
    "dvc-bucket": lambda t, p, a, o: _dvc_bucket(o),
    "training-job": lambda t, p, a, o: _training_job(o),
    "training-log-stream": lambda t, p, a, o: _training_log_stream(o),
    "model-package": lambda t, p, a, o: _model_package(o),
    "role": lambda t, p, a, o: _role(t, p, o),
    "persona-role": lambda t, p, a, o: _persona_role(p, o),
    "any": lambda t, p, a, o: [Resolved("*", o.stack)],
}


LAB_KINDS = ("user-profile", "space", "app", "studio-log-stream")
OBJECT_KINDS = ("object", "dvc-object", "model-archive", "lab-environment-file")


def resolve(target: Target, persona: str, acting: StackFacts, other: StackFacts) -> list:
    """The resources `target` names in `other` (the acting stack itself, or a peer)."""
    if target.kind in LAB_KINDS:
        return _lab(target, persona, acting, other)
    if target.kind in OBJECT_KINDS:
        return [
            Resolved(arns.s3_object_arn(other.partition, bucket, key), other.stack)
            for bucket, key in _objects(target, acting, other)
        ]
    return SIMPLE_KINDS[target.kind](target, persona, acting, other)
