"""What a plan is: every registered resource and the stack's exports, as plain data.

The JSON form (`Plan.to_json`) is the documented interface of `mlopsctl plan --json`:

    {"stack": str, "project": str, "layer": str,
     "resources": [{"type", "name", "urn", "parent", "custom", "provider", "dependencies",
                    "propertyDependencies", "protect", "retainOnDelete", "inputs", "outputs"}],
     "exports": {name: value}}

`inputs` are camelCase engine names, as CrossGuard sees them; `outputs` are what the mock
monitor answered (inputs plus realistic ids, ARNs, names and URLs).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class PlannedResource:
    type: str
    name: str
    urn: str
    parent: str
    custom: bool
    provider: str
    dependencies: list[str]
    property_dependencies: dict[str, list[str]]
    protect: bool
    retain_on_delete: bool
    inputs: dict[str, Any]
    outputs: dict[str, Any] = field(default_factory=dict)
    id: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["propertyDependencies"] = data.pop("property_dependencies")
        data["retainOnDelete"] = data.pop("retain_on_delete")
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlannedResource:
        fields = {
            k: v for k, v in data.items() if k not in {"propertyDependencies", "retainOnDelete"}
        }
        return cls(
            **fields,
            property_dependencies=data["propertyDependencies"],
            retain_on_delete=data["retainOnDelete"],
        )


@dataclass
class Plan:
    stack: str
    project: str
    config: dict[str, Any]
    resources: list[PlannedResource]
    exports: dict[str, Any]

    @property
    def layer(self) -> str:
        return str(self.config.get(f"{self.project}:layer", ""))

    def of_type(self, type_token: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.type == type_token]

    def one(self, type_token: str, name: str | None = None) -> PlannedResource:
        found = [r for r in self.of_type(type_token) if name is None or r.name == name]
        if len(found) != 1:
            names = [r.name for r in self.of_type(type_token)]
            raise LookupError(f"expected one {type_token} named {name!r}, found {names}")
        return found[0]

    def by_urn(self) -> dict[str, PlannedResource]:
        return {r.urn: r for r in self.resources}

    def children_of(self, urn: str) -> list[PlannedResource]:
        return [r for r in self.resources if r.parent == urn]

    def provider_of(self, resource: PlannedResource) -> PlannedResource | None:
        """The provider resource a custom resource uses (its reference is `urn::id`)."""
        urn = resource.provider.rsplit("::", 1)[0] if resource.provider else ""
        return self.by_urn().get(urn)

    def to_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "project": self.project,
            "layer": self.layer,
            "resources": [r.to_json() for r in self.resources],
            "exports": self.exports,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], config: dict[str, Any]) -> Plan:
        """The plan `to_json` wrote, with the config it was planned from."""
        return cls(
            stack=data["stack"],
            project=data["project"],
            config=config,
            resources=[PlannedResource.from_json(r) for r in data["resources"]],
            exports=data["exports"],
        )
