"""The resources the cost model prices, as plain data: from a plan or from a policy pack's view.

Pure (standard library only), so the policy pack can price what `pulumi preview` shows it with
the same code as `mlopsctl cost` (`policies/rules/cost.py`). Components are grouped as in
`mlopsctl.render.grouping`: the outermost `mlops:` component below the layer
(`mlops:layer:*`); resources registered directly on the layer belong to the layer; resources
outside any component go to `(stack)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

LAYER_PREFIX = "mlops:layer:"
OUTSIDE = "(stack)"


@dataclass(frozen=True)
class CostResource:
    type: str
    name: str
    urn: str
    parent: str = ""  # the parent's URN
    inputs: Mapping[str, Any] = field(default_factory=dict)
    outputs: Mapping[str, Any] = field(default_factory=dict)

    @property
    def is_component(self) -> bool:
        return self.type.startswith("mlops:")

    @property
    def is_priced_kind(self) -> bool:
        """A custom resource that may bill (not a component, stack or provider)."""
        return not self.is_component and not self.type.startswith("pulumi:")


class Inventory:
    """Every resource of a stack, by type, and each resource's component."""

    def __init__(self, resources: Iterable[CostResource]):
        self.resources = list(resources)
        self._by_urn = {r.urn: r for r in self.resources}

    def of_type(self, type_token: str) -> list[CostResource]:
        return [r for r in self.resources if r.type == type_token]

    def component_of(self, resource: CostResource) -> str:
        """The name of the component that holds `resource` (`(stack)` when none does)."""
        chain: list[CostResource] = []
        current: CostResource | None = resource
        seen: set[str] = set()
        while current is not None and current.urn not in seen:
            seen.add(current.urn)
            if current.is_component:
                chain.append(current)
            current = self._by_urn.get(current.parent)
        if not chain:
            return OUTSIDE
        outermost = chain[-1]
        if outermost.type.startswith(LAYER_PREFIX) and len(chain) > 1:
            return chain[-2].name
        return outermost.name

    def region(self, default: str = "") -> str:
        """The region of the stack's AWS provider (`region` of `pulumi:providers:aws`)."""
        for r in self.of_type("pulumi:providers:aws"):
            for props in (r.inputs, r.outputs):
                if isinstance(props.get("region"), str) and props["region"]:
                    return props["region"]
        return default


def from_plan(plan: Any) -> list[CostResource]:
    """The resources of a `mlopsctl.plan.Plan` (typed loosely: this module stays pure)."""
    return [
        CostResource(r.type, r.name, r.urn, r.parent or "", r.inputs, r.outputs)
        for r in plan.resources
    ]


def from_policy_resources(resources: Iterable[Any]) -> list[CostResource]:
    """The resources a CrossGuard `StackValidationArgs` holds (`PolicyResource`: its props are
    the resource's outputs in a preview, inputs where outputs are unknown); the AWS provider
    comes from each resource's `provider` when the stack lists none."""
    found: dict[str, CostResource] = {}
    for r in resources:
        parent = getattr(r, "parent", None)
        props = dict(getattr(r, "props", None) or {})
        found[r.urn] = CostResource(
            r.resource_type, r.name, r.urn, getattr(parent, "urn", "") or "", props, props
        )
        provider = getattr(r, "provider", None)
        urn = getattr(provider, "urn", "") or ""
        if provider is not None and urn and urn not in found:
            found[urn] = CostResource(
                provider.resource_type, provider.name, urn, "", dict(provider.props or {})
            )
    return list(found.values())
