"""What a stack needs that it does not create, read from its plan: the principals its policies
name, OIDC and SAML providers its trust policies federate with, a transit gateway it attaches
to, the Kubernetes cluster it deploys into, the environment stack it reads, and the container
images it names but does not build (pushed by CI before their first run). `mlopsctl plan`
lists them so a first `pulumi up` is not where a team finds out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mlopsctl.plan.model import Plan, PlannedResource

POLICY_INPUTS = ("assumeRolePolicy", "policy")
DOCKER_IMAGE = "docker:index/image:Image"
PIPELINE = "aws:sagemaker/pipeline:Pipeline"
IMAGE_KIND = "container image (pushed before its first run)"


@dataclass(frozen=True)
class Prerequisite:
    kind: str
    value: str
    needed_by: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "value": self.value, "neededBy": list(self.needed_by)}


def prerequisites(plan: Plan) -> list[Prerequisite]:
    """Everything the plan refers to but does not create, one entry per (kind, value)."""
    created = _created_arns(plan)
    found: dict[tuple[str, str], set[str]] = {}
    for resource in plan.resources:
        for kind, value in _references(resource):
            if value not in created:
                found.setdefault((kind, value), set()).add(resource.name)
    team = plan.config.get(f"{plan.project}:team")
    environment = team.get("environmentStack") if isinstance(team, dict) else None
    if environment:
        found.setdefault(("environment stack (deployed first)", str(environment)), set()).add(
            "StackReference environment"
        )
    built = {str(r.outputs.get("repoDigest")) for r in plan.of_type(DOCKER_IMAGE)}
    for resource in plan.resources:
        for image in _images(resource):
            if image not in built:
                found.setdefault((IMAGE_KIND, image), set()).add(resource.name)
    return [
        Prerequisite(kind, value, tuple(sorted(users)))
        for (kind, value), users in sorted(found.items())
    ]


def _created_arns(plan: Plan) -> set[str]:
    return {str(r.outputs["arn"]) for r in plan.resources if isinstance(r.outputs.get("arn"), str)}


def _references(resource: PlannedResource) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for key in POLICY_INPUTS:
        document = _document(resource.inputs.get(key))
        for statement in document.get("Statement", []) if document else []:
            found += _principals(statement)
    gateway = resource.inputs.get("transitGatewayId")
    if isinstance(gateway, str) and gateway:
        found.append(("transit gateway", gateway))
    if resource.type == "pulumi:providers:kubernetes":
        context = resource.inputs.get("context")
        found.append(("Kubernetes cluster (kubeconfig context)", str(context or "kubeconfig")))
    return found


def _images(resource: PlannedResource) -> list[str]:
    """Images a retraining pipeline runs and names in the model packages it registers, and the
    images of Kubernetes workloads. A SageMaker pipeline is created without its image; a run
    (or a pod) fails until the image is pushed."""
    if resource.type == PIPELINE:
        definition = _document(resource.inputs.get("pipelineDefinition")) or {}
        images = []
        for step in definition.get("Steps", []):
            arguments = step.get("Arguments", {})
            images.append(arguments.get("AppSpecification", {}).get("ImageUri"))
            images.append(arguments.get("Environment", {}).get("MLOPS_INFERENCE_IMAGE"))
        return [i for i in images if isinstance(i, str) and i]
    if resource.type in ("kubernetes:apps/v1:Deployment", "kubernetes:batch/v1:CronJob"):
        text = json.dumps(resource.inputs.get("spec", {}))
        return sorted(set(_container_images(json.loads(text))))
    return []


def _container_images(value: Any) -> list[str]:
    if isinstance(value, dict):
        found = [value["image"]] if isinstance(value.get("image"), str) else []
        return found + [i for v in value.values() for i in _container_images(v)]
    if isinstance(value, list):
        return [i for v in value for i in _container_images(v)]
    return []


def _principals(statement: dict[str, Any]) -> list[tuple[str, str]]:
    """Role, user, OIDC and SAML principals of an Allow (account roots and services excluded)."""
    principal = statement.get("Principal")
    if statement.get("Effect") != "Allow" or not isinstance(principal, dict):
        return []
    found = []
    for kind in ("AWS", "Federated"):
        values = principal.get(kind, [])
        for value in values if isinstance(values, list) else [values]:
            if not isinstance(value, str) or value == "*" or value.endswith(":root"):
                continue
            if ":oidc-provider/" in value:
                found.append(("IAM OIDC provider", value))
            elif ":saml-provider/" in value:
                found.append(("IAM SAML provider", value))
            elif value.startswith("arn:"):
                found.append(("IAM principal", value))
    return found


def _document(value: Any) -> dict[str, Any] | None:
    if isinstance(value, dict):
        return value
    if isinstance(value, str) and value.lstrip().startswith("{"):
        try:
            parsed = json.loads(value)
        except ValueError:
            return None
        return parsed if isinstance(parsed, dict) else None
    return None
