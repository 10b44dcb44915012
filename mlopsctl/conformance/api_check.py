"""Check each planned resource's inputs against the API requests its type becomes."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache

from mlopsctl.conformance.finding import Finding
from mlopsctl.conformance.mapping import REQUESTS, wanted_operations
from mlopsctl.conformance.models import ServiceModel, load_models
from mlopsctl.conformance.requests import Request
from mlopsctl.conformance.shapes import Pos, Walk, check_required, walk_object
from mlopsctl.plan.model import Plan, PlannedResource


@dataclass
class ApiResult:
    findings: list[Finding] = field(default_factory=list)
    unknown: dict[str, list[str]] = field(default_factory=dict)  # urn -> unmatched plan paths


@cache
def models() -> dict[str, ServiceModel]:
    """The distilled models of every mapped operation (loaded once per process)."""
    return load_models(wanted_operations())


def _claimed(requests: tuple[Request, ...], item: Request, key: str) -> bool:
    if item.claims is not None:
        return key in item.claims
    return not any(other.claims and key in other.claims for other in requests)


def check_resource(resource: PlannedResource, loaded: dict[str, ServiceModel]) -> Walk | None:
    """All findings and unmatched properties of one resource (None: type not mapped)."""
    requests = REQUESTS.get(resource.type)
    if requests is None:
        return None
    total = Walk(resource, requests[0], loaded[requests[0].service])
    for item in requests:
        values = {k: v for k, v in resource.inputs.items() if _claimed(requests, item, k)}
        if item.claims is not None and not values:
            continue  # the secondary call is not made
        model = loaded[item.service]
        root = model.input_shape(item.operation)
        walk = Walk(resource, item, model)
        provided = walk_object(walk, values, root, Pos("", "", "", root, ""))
        check_required(walk, model.shape(root), provided, Pos("", "", "", root, ""))
        total.findings.extend(walk.findings)
        total.unknown.extend(walk.unknown)
    return total


def check_api(plan: Plan) -> ApiResult:
    loaded = models()
    result = ApiResult()
    for resource in plan.resources:
        walk = check_resource(resource, loaded)
        if walk is None:
            continue
        result.findings.extend(walk.findings)
        if walk.unknown:
            result.unknown[resource.urn] = walk.unknown
    return result


def unmapped_properties(plan: Plan) -> dict[str, list[str]]:
    """Planned properties of mapped types that match no request member (skipped, not guessed)."""
    return check_api(plan).unknown
