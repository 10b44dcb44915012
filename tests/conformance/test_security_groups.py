"""Security group names and descriptions: the characters EC2 takes.

The allowed characters are read from botocore's own documentation of the members (the EC2 API
reference text), not from the checker: CreateSecurityGroup `Description`, `IpRange`
`Description` (rules with CIDR peers), `PrefixListId` `Description` (rules with a prefix list or
a security group peer, which do not take `&`).
"""

from __future__ import annotations

import html
import re
import string

import pytest
from botocore.session import get_session

from mlopsctl.conformance import check_plan
from mlopsctl.plan import plan_stack
from tests.conformance.helpers import SELF_HOSTED, one_finding, plan_changed, with_change

GROUP = "aws:ec2/securityGroup:SecurityGroup"
EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"


def documented_characters(shape_name: str, member: str) -> set[str]:
    """a-z, A-Z, 0-9, spaces and the symbols the botocore ec2 documentation lists."""
    shape = get_session().get_service_model("ec2").shape_for(shape_name)
    text = html.unescape(re.sub("<[^>]+>", "", shape.members[member].documentation))
    symbols = re.search(r"0-9, spaces, and (\S+)", text)[1]
    return set(string.ascii_letters + string.digits + " " + symbols.rstrip("."))


GROUP_CHARS = documented_characters("CreateSecurityGroupRequest", "Description")
PREFIX_LIST_CHARS = documented_characters("PrefixListId", "Description")


@pytest.fixture(scope="module")
def dev():
    return plan_stack("dev")


def test_documented_sets():
    assert "'" not in GROUP_CHARS and "&" in GROUP_CHARS and "&" not in PREFIX_LIST_CHARS
    assert set("._-:/()#,@[]+=;{}!$*") <= PREFIX_LIST_CHARS


def test_self_hosted_load_balancer_group_description_has_an_apostrophe():
    planned = plan_changed("fraud-dev", SELF_HOSTED)
    descriptions = {g.name: g.inputs["description"] for g in planned.of_type(GROUP)}
    bad = {name: text for name, text in descriptions.items() if set(text) - GROUP_CHARS}
    found = {f.name for f in check_plan(planned) if f.rule == "ec2-security-group-text"}
    assert found == set(bad)


@pytest.mark.parametrize("character", ["'", '"', "é", "\n", "%"])
def test_group_description_character(dev, character):
    assert character not in GROUP_CHARS
    group = dev.of_type(GROUP)[0]
    changed = with_change(
        dev, GROUP, group.name, lambda i: i.update(description=f"HTTPS{character}only")
    )
    item = one_finding(changed, GROUP, group.name, "description", "ec2-security-group-text")
    assert "CreateSecurityGroup" in item.source


def test_prefix_list_rule_description_takes_no_ampersand(dev):
    rule = next(r for r in dev.of_type(EGRESS) if r.inputs.get("prefixListId"))
    cidr_rule = next(r for r in dev.of_type(EGRESS) if r.inputs.get("cidrIpv4"))
    changed = with_change(dev, EGRESS, rule.name, lambda i: i.update(description="S3 & more"))
    changed = with_change(
        changed, EGRESS, cidr_rule.name, lambda i: i.update(description="VPC & more")
    )
    item = one_finding(changed, EGRESS, rule.name, "description", "ec2-security-group-text")
    assert "PrefixListId" in item.source
    assert [f for f in check_plan(changed) if f.name == cidr_rule.name] == []


def test_group_name_cannot_start_with_sg(dev):
    group = dev.of_type(GROUP)[0]
    changed = with_change(dev, GROUP, group.name, lambda i: i.update(name="sg-endpoints"))
    one_finding(changed, GROUP, group.name, "name", "ec2-security-group-text")
