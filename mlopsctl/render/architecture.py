"""The architecture view of a planned stack: what a person shows in an architecture review.

Pure data read from the plan (types, names, inputs, exports), drawn by `picture.py`:
people outside the account, the account boundary, the environment's VPC with its private
subnets and endpoints, the team's components in labelled groups, and the data flows between
them as labelled edges. The team builder is `architecture_team.py`; this module holds the model
and the environment stack's picture.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from mlopsctl.plan import Plan, PlannedResource


@dataclass(frozen=True)
class Box:
    id: str
    icon: str  # a key of picture.ICONS: "bucket", "person", "sagemaker", ...
    label: str


@dataclass
class Group:
    label: str
    style: str = "plain"  # account | vpc | subnet | plain
    boxes: list[Box] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)

    def add(self, *boxes: Box) -> Group:
        self.boxes.extend(boxes)
        return self

    def box_ids(self) -> set[str]:
        ids = {b.id for b in self.boxes}
        for group in self.groups:
            ids |= group.box_ids()
        return ids


@dataclass(frozen=True)
class Flow:
    source: str
    target: str
    label: str


@dataclass
class Architecture:
    title: str
    people: list[Box]
    account: Group
    flows: list[Flow]

    def labels(self) -> list[str]:
        """Every text the picture shows (for tests and for a text summary)."""
        texts = [b.label for b in self.people]
        stack = [self.account]
        while stack:
            group = stack.pop()
            texts.append(group.label)
            texts.extend(b.label for b in group.boxes)
            stack.extend(group.groups)
        return texts + [f.label for f in self.flows]


def box_id(text: str) -> str:
    return "b_" + re.sub(r"[^A-Za-z0-9_]", "_", text)


def output_name(resource: PlannedResource, *keys: str) -> str:
    """The AWS name of a planned resource: its first named input/output, else its Pulumi name."""
    for key in (*keys, "name"):
        for values in (resource.outputs, resource.inputs):
            value = values.get(key)
            if isinstance(value, str) and value:
                return value
    return resource.name


def endpoint_service(resource: PlannedResource) -> str:
    """`com.amazonaws.eu-west-1.sagemaker.api` -> `sagemaker.api`."""
    service = str(resource.inputs.get("serviceName") or resource.name)
    region_part = re.compile(r"^[a-z]{2}(-gov)?-[a-z]+-\d$")
    parts = [p for p in service.split(".") if p not in ("com", "amazonaws", "aws")]
    return ".".join(p for p in parts if not region_part.match(p))


def network_group(environment: Plan, subject: str) -> Group:
    """The environment's VPC: private subnets, endpoints, egress (from the environment's plan)."""
    vpcs = environment.of_type("aws:ec2/vpc:Vpc")
    exports = environment.exports
    cidr = str(vpcs[0].inputs.get("cidrBlock", "")) if vpcs else ""
    vpc_id = exports.get("vpcId", "")
    vpc = Group(f"VPC {vpc_id} {cidr} (environment {environment.stack})".strip(), "vpc")
    subnets = environment.of_type("aws:ec2/subnet:Subnet")
    zones = (
        ", ".join(
            f"{s.inputs.get('availabilityZone', '')} {s.inputs.get('cidrBlock', '')}".strip()
            for s in subnets
        )
        or f"{len(exports.get('privateSubnetIds', []))} adopted subnets"
    )
    subnet_group = Group(f"private subnets: {zones}", "subnet")
    vpc.groups.append(subnet_group)
    endpoints = environment.of_type("aws:ec2/vpcEndpoint:VpcEndpoint")
    interface = sorted(
        endpoint_service(e) for e in endpoints if e.inputs.get("vpcEndpointType") != "Gateway"
    )
    gateway = sorted(
        endpoint_service(e) for e in endpoints if e.inputs.get("vpcEndpointType") == "Gateway"
    )
    if interface:
        listing = "\n".join(interface)
        vpc.add(Box("b_endpoints", "endpoint", f"interface endpoints\n{listing}"))
    if gateway:
        vpc.add(Box("b_gateway", "gateway", f"gateway endpoint\n{', '.join(gateway)}"))
    contract = exports.get("teamContract") or {}
    mode = contract.get("egressMode")
    if mode:
        hosts = "\n".join(contract.get("egressHosts", []))
        vpc.add(Box("b_egress", "egress", f"egress: {mode}\n{hosts}".strip()))
    if subject == "environment":
        for log in environment.of_type("aws:ec2/flowLog:FlowLog"):
            vpc.add(Box("b_flow_logs", "flowlogs", f"flow logs\n{log.name}"))
    return vpc


def _account_label(plan: Plan, extra: str) -> str:
    account = plan.config.get(f"{plan.project}:accountId", "")
    region = plan.exports.get("region", "")
    return f"AWS account {account} · {region} · {extra}"


def environment_architecture(plan: Plan) -> Architecture:
    """The environment stack: VPC, endpoints, egress, key, access-log and audit buckets."""
    exports = plan.exports
    account = Group(_account_label(plan, f"environment {plan.stack}"), "account")
    vpc = network_group(plan, "environment")
    account.groups.append(vpc)
    vpc.groups[0].add(Box("b_workloads", "subnet", "team labs, pipelines\nand endpoints"))
    governance = Group("governance")
    account.groups.append(governance)
    flows: list[Flow] = []
    key = exports.get("environmentKmsKeyArn")
    if key:
        governance.add(Box("b_key", "key", "environment KMS key"))
    audit = exports.get("auditBucket")
    access = exports.get("accessLogBucket")
    if audit:
        governance.add(Box("b_audit", "bucket", f"audit bucket\n{audit}"))
        if any(b.id == "b_flow_logs" for b in vpc.boxes):
            flows.append(Flow("b_flow_logs", "b_audit", "flow logs"))
    if access:
        governance.add(Box("b_access_logs", "bucket", f"access-log bucket\n{access}"))
        flows.append(Flow("b_workloads", "b_access_logs", "S3 access logs"))
    people = []
    auditor = exports.get("auditorRoleArn")
    if auditor:
        people.append(Box("b_auditor", "person", f"Auditor\n{str(auditor).rsplit('/', 1)[-1]}"))
        if audit:
            flows.append(Flow("b_auditor", "b_audit", "audit (read)"))
    title = f"{plan.project}-{plan.stack}: environment architecture"
    return Architecture(title, people, account, flows)


def policy_statements(resource: PlannedResource) -> list[dict[str, Any]]:
    import json

    document = resource.inputs.get("policy")
    if isinstance(document, str):
        try:
            document = json.loads(document)
        except ValueError:
            return []
    if not isinstance(document, dict):
        return []
    statements = document.get("Statement", [])
    return [s for s in ([statements] if isinstance(statements, dict) else statements) if s]
