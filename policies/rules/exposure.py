"""Exposure: security groups open to the world, internet-facing load balancers, RDS databases
that are public, unencrypted or unprotected, and log groups without a key or an expiry.

The platform reaches nothing from the internet: its workloads sit in private subnets behind
security groups that admit peers by group or by the VPC's range, the self-hosted MLflow's load
balancer is internal and HTTPS-only, its database private and encrypted with the team key.

- Security groups: ingress from the world (`0.0.0.0/0`, `::/0`, or any public range as wide as
  a /8 or an IPv6 /32, such as `0.0.0.0/1` + `128.0.0.0/1`) on a group's inline rules, a
  `SecurityGroupRule` of type ingress, or a `vpc.SecurityGroupIngressRule` (Checkov
  CKV_AWS_24/25/260/277). Egress to the world is only HTTPS (TCP 443): the egress modes nat and
  transit-gateway open exactly that (components/network_egress.py), and in the other modes
  such a rule reaches only what the VPC routes (`network-egress-as-configured` judges the
  routes). Route 53 Resolver DNS and Amazon Time Sync are not filtered by security groups (VPC
  user guide, "Security group rules", read 2026-12), so nothing else is needed. An inline rule
  with `protocol: -1` means every protocol and port.
- Load balancers: `internal` unset is internet-facing ("The default is an Internet-facing load
  balancer", ELBv2 API reference, CreateLoadBalancer Scheme, read 2026-12); Checkov
  CKV2_AWS_20/CKV_AWS_2 (HTTP redirected to HTTPS) and CKV_AWS_103 (TLS 1.2 policy). A listener
  with no protocol is HTTP (the default for Application Load Balancers, ELBv2 API reference,
  CreateListener, read 2026-12).
- RDS: CKV_AWS_16 (storage encrypted), CKV_AWS_157 (customer managed key; `alias/aws/rds` is
  the AWS managed one), CKV_AWS_17 (not publicly accessible), CKV_AWS_133 (backups: a retention
  of 0 disables automated backups, RDS user guide, "Backup retention period", read 2026-12),
  CKV_AWS_293 (deletion protection, in production only: dev databases are disposable).
- Log groups: CKV_AWS_158 (KMS key) and CKV_AWS_66 (a retention: CreateLogGroup "by default the
  log events in the log group do not expire", and `retentionInDays: 0` means never expire,
  CloudWatch Logs API reference, read 2026-12).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator, Mapping
from typing import Any

from pulumi_policy import Severity

from policies.factory import resource_rule
from policies.platform_facts import facts
from policies.props import as_list, number
from policies.resource_types import (
    CLOUDWATCH_LOG_GROUP,
    EC2_DEFAULT_SECURITY_GROUP,
    EC2_SECURITY_GROUP,
    EC2_SECURITY_GROUP_RULE,
    LB_LISTENER,
    LB_LOAD_BALANCER,
    RDS_CLUSTER,
    RDS_CLUSTER_INSTANCE,
    RDS_INSTANCE,
    VPC_SECURITY_GROUP_EGRESS_RULE,
    VPC_SECURITY_GROUP_INGRESS_RULE,
    ResourceTypes,
)

GROUPS = ResourceTypes(EC2_SECURITY_GROUP, EC2_DEFAULT_SECURITY_GROUP)
SECURITY_GROUP_RULES = ResourceTypes(
    GROUPS, EC2_SECURITY_GROUP_RULE, VPC_SECURITY_GROUP_INGRESS_RULE, VPC_SECURITY_GROUP_EGRESS_RULE
)
HTTPS = 443
ALL_PROTOCOLS = ("-1", "all")
TCP = ("tcp", "6")
# Security policies whose minimum is TLS 1.2 (ELB user guide, "Security policies for your
# Application Load Balancer", read 2026-12): the others admit TLS 1.0 or 1.1.
TLS12_POLICY_MARKERS = ("TLS13-1-2", "TLS13-1-3", "TLS-1-2", "FS-1-2")
AWS_MANAGED_RDS_KEY = "alias/aws/rds"
# Private, shared and link-local ranges (RFC 1918, 6598, 3927, 4193, 4291): not the world.
NOT_THE_INTERNET: list[Any] = [
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "100.64.0.0/10",
        "169.254.0.0/16",
        "127.0.0.0/8",
        "fc00::/7",
        "fe80::/10",
    )
]


def world_cidr(value: Any) -> bool:
    """Is this CIDR the world, or a public range as wide as a /8 (IPv6: a /32)?"""
    try:
        network = ipaddress.ip_network(str(value), strict=False)
    except ValueError:
        return False
    widest = 8 if network.version == 4 else 32
    inside = (n for n in NOT_THE_INTERNET if n.version == network.version)
    return network.prefixlen <= widest and not any(network.subnet_of(n) for n in inside)


# A rule as the three resource shapes say it: (direction, protocol, from, to, cidrs, where).
Permission = tuple[str, str, float, float, list[str], str]


def _inline(props: Mapping[str, Any]) -> Iterator[Permission]:
    for direction in ("ingress", "egress"):
        for index, rule in enumerate(as_list(props.get(direction))):
            if isinstance(rule, Mapping):
                cidrs = [*as_list(rule.get("cidrBlocks")), *as_list(rule.get("ipv6CidrBlocks"))]
                yield (
                    direction,
                    str(rule.get("protocol", "")).lower(),
                    number(rule.get("fromPort"), -1),
                    number(rule.get("toPort"), -1),
                    [str(c) for c in cidrs],
                    f"{direction}[{index}]",
                )


def permissions(args: Any) -> Iterator[Permission]:
    """Every permission of a security group or of one of its rule resources."""
    props = args.props
    if GROUPS.matches(args):
        yield from _inline(props)
        return
    if EC2_SECURITY_GROUP_RULE.matches(args):
        direction = str(props.get("type", ""))
        protocol, cidrs = (
            props.get("protocol"),
            [
                *as_list(props.get("cidrBlocks")),
                *as_list(props.get("ipv6CidrBlocks")),
            ],
        )
    else:
        direction = "ingress" if VPC_SECURITY_GROUP_INGRESS_RULE.matches(args) else "egress"
        protocol = props.get("ipProtocol")
        cidrs = [c for c in (props.get("cidrIpv4"), props.get("cidrIpv6")) if c]
    yield (
        direction,
        str(protocol or "").lower(),
        number(props.get("fromPort"), -1),
        number(props.get("toPort"), -1),
        [str(c) for c in cidrs],
        "rule",
    )


def _ports(protocol: str, low: float, high: float) -> str:
    if protocol in ALL_PROTOCOLS:
        return "all traffic"
    return f"{protocol} {int(low)}-{int(high)}"


def _world_ingress(args, config):
    for direction, protocol, low, high, cidrs, where in permissions(args):
        for cidr in cidrs:
            if direction == "ingress" and world_cidr(cidr):
                yield f"{where}: ingress from {cidr} ({_ports(protocol, low, high)})"


def _world_egress(args, config):
    for direction, protocol, low, high, cidrs, where in permissions(args):
        https_only = protocol in TCP and low == HTTPS and high == HTTPS
        for cidr in cidrs:
            if direction == "egress" and world_cidr(cidr) and not https_only:
                yield (
                    f"{where}: egress to {cidr} on {_ports(protocol, low, high)}; "
                    "only HTTPS (tcp 443) may leave for the world"
                )


def _lb_internal(args, config):
    if args.props.get("internal") is not True:
        yield (
            f"internal is {args.props.get('internal')!r}: the load balancer is internet-facing "
            "(public IP addresses, a public DNS name)"
        )


def _redirects_to_https(actions: Any) -> bool:
    listed = [a for a in as_list(actions) if isinstance(a, Mapping)]
    return bool(listed) and all(
        a.get("type") == "redirect"
        and str((a.get("redirect") or {}).get("protocol", "")).upper() == "HTTPS"
        for a in listed
    )


def _listener_tls(args, config):
    protocol = str(args.props.get("protocol") or "HTTP").upper()
    if protocol == "HTTP" and not _redirects_to_https(args.props.get("defaultActions")):
        yield (
            f"protocol is {protocol} and the default actions do not redirect to HTTPS: "
            "requests (and basic-auth credentials) travel in clear text"
        )
    policy = args.props.get("sslPolicy")
    weak = policy and not any(marker in str(policy) for marker in TLS12_POLICY_MARKERS)
    if protocol in ("HTTPS", "TLS") and weak:
        yield f"sslPolicy is {policy!r}, which admits TLS versions below 1.2"


def _rds_encrypted(args, config):
    props = args.props
    if props.get("replicateSourceDb") and "storageEncrypted" not in props:
        return  # a read replica has its source's encryption
    if RDS_CLUSTER.matches(args) and props.get("engineMode") == "serverless":
        return  # Aurora Serverless v1 is always encrypted
    if props.get("storageEncrypted") is not True:
        yield f"storageEncrypted is {props.get('storageEncrypted')!r}: the storage is in clear"
        return
    key = str(props.get("kmsKeyId") or "")
    if not key:
        yield "no kmsKeyId: the storage is encrypted with the AWS managed key aws/rds"
    elif key.endswith(AWS_MANAGED_RDS_KEY):
        yield f"kmsKeyId is {key!r}, the AWS managed key: use the team's customer managed key"


def _rds_private(args, config):
    if args.props.get("publiclyAccessible") is True:
        yield "publiclyAccessible is True: the database gets a public DNS name and address"


def _rds_backups(args, config):
    retention = args.props.get("backupRetentionPeriod")
    if retention is not None and number(retention, -1) == 0:
        yield "backupRetentionPeriod is 0: automated backups are disabled"


def _rds_deletion_protection(args, config):
    if config.get("production") and args.props.get("deletionProtection") is not True:
        value = args.props.get("deletionProtection")
        yield f"deletionProtection is {value!r} on a production database"


def _log_group_kms(args, config):
    if not args.props.get("kmsKeyId"):
        yield "no kmsKeyId: the log events are encrypted with a CloudWatch Logs owned key"


def _log_group_retention(args, config):
    retention = args.props.get("retentionInDays")
    if retention is None or number(retention, 0) <= 0:
        yield f"retentionInDays is {retention!r}: the log events never expire"


POLICIES = [
    resource_rule(
        "exposure-sg-world-ingress",
        selector=SECURITY_GROUP_RULES,
        severity=Severity.HIGH,
        description="No security group admits traffic from the world (0.0.0.0/0, ::/0 or a "
        "public range as wide as a /8).",
        remediation="Admit the peers by security group (referencedSecurityGroupId) or by the "
        "VPC's range, as the platform's groups do.",
        check=_world_ingress,
    ),
    resource_rule(
        "exposure-sg-world-egress-https-only",
        selector=SECURITY_GROUP_RULES,
        severity=Severity.MEDIUM,
        description="Security group egress to the world is HTTPS (TCP 443) only.",
        remediation="Open TCP 443 only, or name the destination's range, prefix list or group.",
        check=_world_egress,
    ),
    resource_rule(
        "exposure-lb-internal",
        selector=LB_LOAD_BALANCER,
        severity=Severity.HIGH,
        description="Load balancers are internal (internal: true), never internet-facing.",
        remediation="Set internal: true and place the load balancer in the private subnets.",
        check=_lb_internal,
    ),
    resource_rule(
        "exposure-lb-listener-tls",
        selector=LB_LISTENER,
        severity=Severity.MEDIUM,
        description="Listeners are HTTPS/TLS with a TLS 1.2+ security policy, or HTTP that only "
        "redirects to HTTPS.",
        remediation="Use protocol HTTPS with a certificate and sslPolicy "
        "ELBSecurityPolicy-TLS13-1-2-2021-06, or make the HTTP listener's only default action a "
        "redirect to HTTPS.",
        check=_listener_tls,
    ),
    resource_rule(
        "exposure-rds-encrypted",
        selector=ResourceTypes(RDS_INSTANCE, RDS_CLUSTER),
        severity=Severity.HIGH,
        description="RDS storage is encrypted with a customer managed KMS key.",
        remediation="Set storageEncrypted: true and kmsKeyId to the team key ARN (a new "
        "database: encryption cannot be turned on in place).",
        check=_rds_encrypted,
    ),
    resource_rule(
        "exposure-rds-private",
        selector=ResourceTypes(RDS_INSTANCE, RDS_CLUSTER_INSTANCE),
        severity=Severity.CRITICAL,
        description="RDS databases are not publicly accessible.",
        remediation="Set publiclyAccessible: false; clients reach it inside the VPC.",
        check=_rds_private,
    ),
    resource_rule(
        "exposure-rds-backups",
        selector=ResourceTypes(RDS_INSTANCE, RDS_CLUSTER),
        severity=Severity.MEDIUM,
        description="RDS automated backups are enabled (backupRetentionPeriod above 0).",
        remediation="Set backupRetentionPeriod to 7 days or more.",
        check=_rds_backups,
    ),
    resource_rule(
        "exposure-rds-deletion-protection",
        selector=ResourceTypes(RDS_INSTANCE, RDS_CLUSTER),
        severity=Severity.MEDIUM,
        description="Production RDS databases have deletion protection.",
        remediation="Set deletionProtection: true in production stacks.",
        check=_rds_deletion_protection,
        defaults={**facts("production")},
    ),
    resource_rule(
        "exposure-log-group-kms",
        selector=CLOUDWATCH_LOG_GROUP,
        severity=Severity.MEDIUM,
        description="CloudWatch log groups are encrypted with a customer managed KMS key.",
        remediation="Set kmsKeyId to the team key ARN (its policy must allow "
        "logs.<region>.amazonaws.com).",
        check=_log_group_kms,
    ),
    resource_rule(
        "exposure-log-group-retention",
        selector=CLOUDWATCH_LOG_GROUP,
        severity=Severity.LOW,
        description="CloudWatch log groups have a retention (their events expire).",
        remediation="Set retentionInDays (the platform uses 30 in dev, 365 in production).",
        check=_log_group_retention,
    ),
]
