"""EC2 security group names and descriptions: the characters EC2 takes.

Source: Amazon EC2 API Reference (also the documentation strings of botocore's ec2 model),
read 2026-12-01: CreateSecurityGroup `GroupName` and `Description`, and the `Description` of a
rule's `IpRange`/`Ipv6Range`: up to 255 characters of a-z, A-Z, 0-9, spaces and
`._-:/()#,@[]+=&;{}!$*`; group names cannot start with `sg-`. The `Description` of a rule that
references a security group (`UserIdGroupPair`) or a prefix list (`PrefixListId`) takes the
same characters without `&`. botocore's model gives these members no pattern.
"""

from __future__ import annotations

import string
from collections.abc import Iterator
from typing import Any

from mlopsctl.conformance.finding import Finding, Origin, finding, item_path
from mlopsctl.conformance.shapes import plain
from mlopsctl.plan.model import Plan, PlannedResource

RULE = "ec2-security-group-text"
SOURCE = "Amazon EC2 API Reference: CreateSecurityGroup Description (read 2026-12-01)"
CIDR_RULE_SOURCE = "Amazon EC2 API Reference: IpRange/Ipv6Range Description (read 2026-12-01)"
REFERENCE_RULE_SOURCE = (
    "Amazon EC2 API Reference: UserIdGroupPair/PrefixListId Description (read 2026-12-01)"
)
MAX_LENGTH = 255
GROUP_TEXT = set(string.ascii_letters + string.digits + " ._-:/()#,@[]+=&;{}!$*")
REFERENCE_RULE_TEXT = GROUP_TEXT - {"&"}
GROUP = "aws:ec2/securityGroup:SecurityGroup"
DEFAULT_GROUP = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup"
RULES = (
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
    "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule",
)


def text_problem(text: str, allowed: set[str]) -> str | None:
    bad = sorted({c for c in text if c not in allowed})
    if bad:
        return f"has characters EC2 does not take: {' '.join(repr(c) for c in bad)}"
    if len(text) > MAX_LENGTH:
        return f"is {len(text)} characters; EC2 takes {MAX_LENGTH}"
    return None


def _allowed_for_rule(rule: dict[str, Any]) -> tuple[set[str], str]:
    cidrs = any(rule.get(k) for k in ("cidrBlocks", "ipv6CidrBlocks", "cidrIpv4", "cidrIpv6"))
    if cidrs:
        return GROUP_TEXT, CIDR_RULE_SOURCE
    return REFERENCE_RULE_TEXT, REFERENCE_RULE_SOURCE


def _texts(resource: PlannedResource) -> Iterator[tuple[str, str, set[str], str]]:
    """(path, text, allowed characters, source) of each checked text of a resource."""
    inputs = resource.inputs
    if resource.type in RULES:
        yield ("description", plain(inputs.get("description")), *_allowed_for_rule(inputs))
        return
    if resource.type == GROUP:
        yield "description", plain(inputs.get("description")), GROUP_TEXT, SOURCE
        yield "name", plain(inputs.get("name")), GROUP_TEXT, SOURCE
    for direction in ("ingress", "egress"):
        for index, rule in enumerate(plain(inputs.get(direction)) or []):
            if isinstance(rule, dict):
                path = f"{item_path(direction, index)}.description"
                yield (path, plain(rule.get("description")), *_allowed_for_rule(rule))


def check(plan: Plan) -> list[Finding]:
    found = []
    for resource in plan.resources:
        if resource.type not in (GROUP, DEFAULT_GROUP, *RULES):
            continue
        for path, text, allowed, source in _texts(resource):
            if not isinstance(text, str):
                continue
            problem = text_problem(text, allowed)
            if path == "name" and text.startswith("sg-"):
                problem = "cannot start with sg-"
            if problem:
                found.append(
                    finding(resource, path, text, Origin(RULE, source), f"'{text}' {problem}")
                )
    return found
