"""Group a plan's resources by component: the `mlops:` ComponentResources under the layer.

Diagrams, cost lines and handbooks speak of components (the team key, the raw bucket, the lab),
not of the dozen companion resources each one registers. A component is the outermost `mlops:`
component below the layer (`mlops:layer:*`); resources registered directly on the layer belong
to the layer itself. This reads the plan only (type tokens, parents, dependencies), so it covers
whatever components the program has when it runs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from mlopsctl.plan import Plan, PlannedResource

LAYER_PREFIX = "mlops:layer:"
STACK_REFERENCE = "pulumi:pulumi:StackReference"


@dataclass
class Component:
    urn: str
    name: str
    type: str  # `mlops:<module>:<Class>`
    resources: list[PlannedResource] = field(default_factory=list)

    @property
    def module(self) -> str:
        parts = self.type.split(":")
        return parts[1] if len(parts) == 3 else self.type

    @property
    def kind(self) -> str:
        return self.type.rsplit(":", 1)[-1]

    def summary(self) -> Counter[str]:
        """Custom AWS resources by short type name (`Bucket`, `VpcEndpoint`)."""
        return Counter(
            r.type.rsplit(":", 1)[-1] for r in self.resources if not r.type.startswith("pulumi:")
        )


def _is_component(resource: PlannedResource) -> bool:
    return not resource.custom and resource.type.startswith("mlops:")


def components(plan: Plan) -> list[Component]:
    """Every component of the plan, in registration order, with its custom resources."""
    by_urn = plan.by_urn()
    groups: dict[str, Component] = {}
    order: list[str] = []

    def group_of(resource: PlannedResource) -> str | None:
        """The URN of the outermost mlops component below the layer that holds `resource`."""
        chain = []
        current: PlannedResource | None = resource
        while current is not None:
            if _is_component(current):
                chain.append(current)
            current = by_urn.get(current.parent)
        if not chain:
            return None
        outermost = chain[-1]
        if outermost.type.startswith(LAYER_PREFIX) and len(chain) > 1:
            return chain[-2].urn
        return outermost.urn

    for resource in plan.resources:
        if _is_component(resource):
            urn = group_of(resource)
            if urn is not None and urn == resource.urn and urn not in groups:
                groups[urn] = Component(resource.urn, resource.name, resource.type)
                order.append(urn)
    for resource in plan.resources:
        if not resource.custom or resource.type.startswith("pulumi:providers:"):
            continue
        urn = group_of(resource)
        if urn in groups:
            groups[urn].resources.append(resource)
    return [groups[u] for u in order]


def component_of(plan: Plan) -> dict[str, str]:
    """Resource URN -> component URN, for every resource inside a component."""
    mapping = {}
    for component in components(plan):
        mapping[component.urn] = component.urn
        for resource in component.resources:
            mapping[resource.urn] = component.urn
    # Nested components map to the outermost one too.
    by_urn = plan.by_urn()
    for resource in plan.resources:
        current = resource
        while current is not None and current.urn not in mapping:
            current = by_urn.get(current.parent)
        if current is not None:
            mapping[resource.urn] = mapping[current.urn]
    return mapping


def is_stack_reference(urn: str, by_urn: dict[str, PlannedResource]) -> bool:
    """StackReferences are reads: the plan may not list them, but their URN names the type."""
    resource = by_urn.get(urn)
    if resource is not None:
        return resource.type == STACK_REFERENCE
    return f"{STACK_REFERENCE}::" in urn


def edges(plan: Plan) -> set[tuple[str, str]]:
    """(from component URN, to component URN or stack-reference URN): who uses whom."""
    mapping = component_of(plan)
    by_urn = plan.by_urn()
    found: set[tuple[str, str]] = set()
    for resource in plan.resources:
        source = mapping.get(resource.urn)
        if source is None:
            continue
        targets = set(resource.dependencies)
        for urns in resource.property_dependencies.values():
            targets.update(urns)
        for target in targets:
            if is_stack_reference(target, by_urn):
                found.add((source, target))
                continue
            destination = mapping.get(target)
            if destination is not None and destination != source:
                found.add((source, destination))
    return found
