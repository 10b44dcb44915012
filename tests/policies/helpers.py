"""Helpers for the policy tests: run the pack on a plan, mutate planned resources, add the
resources of components a shipped stack does not plan (built with the camelCase inputs
pulumi-aws v7 / pulumi-kubernetes 4 send, checked by registering them under the SDK mocks)."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from mlopsctl.plan.model import Plan, PlannedResource
from mlopsctl.policy_runner import Violation, derived_pack_config, run_policies


def violations(plan: Plan, changes: dict[str, Any] | None = None) -> list[Violation]:
    """The pack on `plan` with the stack's derived pack config (what `mlopsctl plan` and
    `mlopsctl pack-config` use), `changes` merged per policy."""
    config = derived_pack_config(plan)
    for policy, settings in (changes or {}).items():
        base = config.get(policy)
        config[policy] = {**base, **settings} if isinstance(base, dict) else settings
    return run_policies(plan, config)


def caught(plan: Plan, changes: dict[str, Any] | None = None) -> dict[str, list[str]]:
    """{policy name: [messages]} of mandatory violations."""
    found: dict[str, list[str]] = {}
    for v in violations(plan, changes):
        if v.mandatory:
            found.setdefault(v.policy, []).append(v.message)
    return found


def resource(plan: Plan, type_token: str, name: str | None = None) -> PlannedResource:
    matches = [r for r in plan.of_type(type_token) if name is None or r.name == name]
    if not matches:
        raise LookupError(f"no {type_token} {name or ''} in {plan.stack}")
    return matches[0]


def change(plan: Plan, type_token: str, name: str | None, edit: Callable[[dict], None]) -> Plan:
    """Apply `edit` to the inputs and the outputs of one planned resource (in place)."""
    target = resource(plan, type_token, name)
    edit(target.inputs)
    edit(target.outputs)
    return plan


def remove(plan: Plan, type_token: str, name: str) -> Plan:
    plan.resources = [r for r in plan.resources if not (r.type == type_token and r.name == name)]
    return plan


def edit_document(key: str, edit: Callable[[dict], None]) -> Callable[[dict], None]:
    """An `edit` that changes a JSON policy document held in props[key]."""

    def run(props: dict) -> None:
        document = json.loads(props[key]) if isinstance(props[key], str) else props[key]
        edit(document)
        props[key] = json.dumps(document)

    return run


def add(
    plan: Plan,
    type_token: str,
    name: str,
    inputs: dict[str, Any],
    outputs: dict[str, Any] | None = None,
    *,
    property_dependencies: dict[str, list[str]] | None = None,
) -> PlannedResource:
    """Append a custom resource as the plan engine records it: under the layer component,
    with the stack's AWS provider (Kubernetes resources get no provider)."""
    layer = next(r for r in plan.resources if r.type.startswith("mlops:layer:"))
    provider = next((r for r in plan.resources if r.type == "pulumi:providers:aws"), None)
    parent_type = layer.urn.split("::")[2]
    added = PlannedResource(
        type=type_token,
        name=name,
        urn=f"urn:pulumi:{plan.stack}::{plan.project}::{parent_type}${type_token}::{name}",
        parent=layer.urn,
        custom=True,
        provider=(
            f"{provider.urn}::{provider.id}" if provider and type_token.startswith("aws:") else ""
        ),
        dependencies=sorted({u for urns in (property_dependencies or {}).values() for u in urns}),
        property_dependencies=property_dependencies or {},
        protect=False,
        retain_on_delete=False,
        inputs=copy.deepcopy(inputs),
        outputs={**copy.deepcopy(inputs), **(outputs or {})},
        id=name,
    )
    plan.resources.append(added)
    return added


def account(plan: Plan) -> str:
    return str(plan.config.get(f"{plan.project}:accountId"))


def region(plan: Plan) -> str:
    return str(plan.config.get("aws:region"))


def team_key_arn(plan: Plan) -> str:
    return resource(plan, "aws:kms/key:Key").outputs["arn"]


def notebook_instance(plan: Plan, **overrides: Any) -> dict[str, Any]:
    """A hardened notebook instance, as pulumi-aws v7 registers it."""
    domain = resource(plan, "aws:sagemaker/domain:Domain").inputs
    inputs = {
        "instanceType": "ml.t3.medium",
        "roleArn": f"arn:aws:iam::{account(plan)}:role/mlops-{plan.stack}-data-scientist-exec",
        "directInternetAccess": "Disabled",
        "rootAccess": "Disabled",
        "subnetId": domain["subnetIds"][0],
        "securityGroups": domain["defaultSpaceSettings"]["securityGroups"],
        "kmsKeyId": team_key_arn(plan),
        "volumeSize": 20.0,
    }
    inputs.update(overrides)
    return {k: v for k, v in inputs.items() if v is not None}


def deployment(image: str, **container: Any) -> dict[str, Any]:
    """A hardened Deployment as pulumi-kubernetes registers it."""
    base_container = {
        "name": "model",
        "image": image,
        "resources": {"limits": {"cpu": "1", "memory": "2Gi"}, "requests": {"cpu": "500m"}},
        "securityContext": {"privileged": False, "allowPrivilegeEscalation": False},
    }
    base_container.update(container)
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"namespace": "fraud-inference", "name": "fraud-model"},
        "spec": {
            "selector": {"matchLabels": {"app": "fraud-model"}},
            "template": {
                "metadata": {"labels": {"app": "fraud-model"}},
                "spec": {"containers": [base_container]},
            },
        },
    }


def default_deny(namespace: str) -> dict[str, Any]:
    return {
        "apiVersion": "networking.k8s.io/v1",
        "kind": "NetworkPolicy",
        "metadata": {"namespace": namespace, "name": "default-deny"},
        "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]},
    }


def namespace(name: str) -> dict[str, Any]:
    return {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name}}
