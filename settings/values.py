"""One validated type per kind of value, used by every key that holds that kind.

Each carries a message that says what is allowed, so a bad value is reported as
`key = value: allowed: ...` (see `settings/errors.py`).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from functools import cache
from typing import Annotated, Any, Literal
from zoneinfo import available_timezones

from pydantic import AfterValidator

from settings.schedules import (
    KUBERNETES_CRON_ALLOWED,
    SCHEDULER_ALLOWED,
    kubernetes_cron_problem,
    scheduler_expression_problem,
)


def pattern(regex: str, allowed: str) -> AfterValidator:
    compiled = re.compile(regex)

    def run(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"allowed: {allowed}")
        return value

    return AfterValidator(run)


def check(predicate: Callable[[Any], bool], allowed: str) -> AfterValidator:
    """A validator that rejects values failing `predicate`, saying what is allowed."""

    def run(value: Any) -> Any:
        if not predicate(value):
            raise ValueError(f"allowed: {allowed}")
        return value

    return AfterValidator(run)


def problem_check(problem_of: Callable[[str], str | None], allowed: str) -> AfterValidator:
    """A validator whose function explains what is wrong (None: nothing)."""

    def run(value: str) -> str:
        problem = problem_of(value)
        if problem:
            raise ValueError(f"{problem}; allowed: {allowed}")
        return value

    return AfterValidator(run)


def int_range(low: int, high: int) -> AfterValidator:
    """[low, high] for an int, with an 'allowed' message: `Annotated[int, int_range(1, 10)]`."""
    return check(lambda v: low <= v <= high, f"an integer from {low} to {high}")


# -- names ----------------------------------------------------------------------------------
# Team and environment names become part of bucket, role and SageMaker names, and of ARN
# prefixes used for team isolation in IAM. No hyphens: `fraud` must never be a prefix of
# another team's `fraud-x-...` resources.
TeamName = Annotated[
    str,
    pattern(r"[a-z][a-z0-9]{1,15}", "2-16 lowercase letters or digits, starting with a letter"),
]
EnvironmentName = Annotated[
    str,
    pattern(r"[a-z][a-z0-9]{1,7}", "2-8 lowercase letters or digits, starting with a letter"),
]
NamePrefix = Annotated[
    str,
    pattern(r"[a-z][a-z0-9]{1,11}", "2-12 lowercase letters or digits, starting with a letter"),
]
StackName = Annotated[str, pattern(r"[a-z][a-z0-9-]{1,38}", "a stack name such as dev or prod")]
Email = Annotated[str, pattern(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", "an e-mail address")]
CostCenter = Annotated[
    str, pattern(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}", "1-64 letters, digits or _.:-")
]

# -- AWS identifiers ------------------------------------------------------------------------
AccountId = Annotated[str, pattern(r"\d{12}", "a 12-digit AWS account id")]
REGION_PATTERN = r"[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d"
Region = Annotated[str, pattern(REGION_PATTERN, "an AWS region name such as eu-west-1")]
# An AZ is its region's name plus one letter (EC2 user guide, "Availability Zones", read
# 2026-11); that it belongs to the stack's region is a cross-key rule (settings/rules/).
AvailabilityZone = Annotated[
    str, pattern(REGION_PATTERN + r"[a-z]", "an availability zone name such as eu-west-1a")
]


def aws_id(prefix: str) -> AfterValidator:
    """EC2 ids: `<prefix>-` then 8 or 17 hex digits (EC2 API reference, resource ids)."""
    return pattern(
        rf"{prefix}-[0-9a-f]{{8}}([0-9a-f]{{9}})?", f"an id such as {prefix}-0123456789abcdef0"
    )


VpcId = Annotated[str, aws_id("vpc")]
SubnetId = Annotated[str, aws_id("subnet")]
SecurityGroupId = Annotated[str, aws_id("sg")]
# Managed prefix lists (AWS-managed ones such as pl-6ca54005, or customer-managed) and transit
# gateways: EC2 ids like the others (EC2 API reference, PrefixList and TransitGateway, read
# 2026-12).
PrefixListId = Annotated[str, aws_id("pl")]
TransitGatewayId = Annotated[str, aws_id("tgw")]


# ARN formats: "Identify AWS resources with Amazon Resource Names" (IAM user guide) and each
# service's "Resource types" table in the Service Authorization Reference (read 2026-11).
_PARTITION = r"arn:aws(-cn|-us-gov|-iso[a-z]?)?"


def arn(service: str, resource: str, example: str, regional: bool = True) -> AfterValidator:
    region = r"[a-z0-9-]+" if regional else ""
    return pattern(rf"{_PARTITION}:{service}:{region}:\d{{12}}:{resource}", example)


IamRoleArn = Annotated[
    str,
    arn(
        "iam",
        r"role/[\w+=,.@/-]+",
        "an IAM role ARN such as arn:aws:iam::123456789012:role/Name (no wildcards)",
        regional=False,
    ),
]
IamPrincipalArn = Annotated[
    str,
    arn(
        "iam",
        r"(role|saml-provider|user)/[\w+=,.@/-]+",
        "an IAM role, user or SAML provider ARN (no wildcards)",
        regional=False,
    ),
]
# An EKS cluster's IAM OIDC provider (IRSA): `oidc-provider/` then the cluster's issuer without
# `https://`, `oidc.eks.<region>.amazonaws.com/id/<32 upper-case hex digits>` (EKS user guide,
# "Create an IAM OIDC provider for your cluster", read 2026-12). That its account and region
# are the stack's is a cross-key rule (settings/rules/serving.py).
OIDC_PROVIDER_PATTERN = (
    rf"{_PARTITION}:iam::(?P<account>\d{{12}}):oidc-provider/"
    rf"oidc\.eks\.(?P<region>{REGION_PATTERN})\.amazonaws\.com(\.cn)?/id/[0-9A-F]{{32}}"
)
OidcProviderArn = Annotated[
    str,
    pattern(
        OIDC_PROVIDER_PATTERN,
        "an EKS cluster's IAM OIDC provider ARN, arn:aws:iam::<account>:oidc-provider/"
        "oidc.eks.<region>.amazonaws.com/id/<32 upper-case hex digits>",
    ),
]
SecretArn = Annotated[
    str,
    arn(
        "secretsmanager",
        r"secret:[A-Za-z0-9/_+=.@-]+",
        "a Secrets Manager secret ARN (username and password of the git host)",
    ),
]
AcmCertificateArn = Annotated[
    str,
    arn(
        "acm",
        r"certificate/[0-9a-f-]{36}",
        "an ACM certificate ARN such as arn:aws:acm:eu-west-1:123456789012:certificate/<uuid>",
    ),
]

# -- networks -------------------------------------------------------------------------------


def _private_vpc_cidr(value: str) -> str:
    try:
        network = ipaddress.IPv4Network(value, strict=True)
    except ValueError as error:
        raise ValueError(
            "allowed: an IPv4 network in CIDR notation such as 10.20.0.0/16 "
            f"with no host bits set ({error})"
        ) from None
    if not network.is_private:
        raise ValueError("allowed: a private (RFC 1918) range")
    # VPC CIDR blocks: /16 to /28 (Amazon VPC user guide, "VPC CIDR blocks", read 2026-11);
    # the network component carves /20 subnets, hence /24 at most here.
    if not 16 <= network.prefixlen <= 24:
        raise ValueError("allowed: a prefix length from /16 to /24 (AWS VPC limits)")
    return value


PrivateVpcCidr = Annotated[str, AfterValidator(_private_vpc_cidr)]


def _cidr(value: str) -> str:
    try:
        ipaddress.IPv4Network(value, strict=True)
    except ValueError as error:
        raise ValueError(
            f"allowed: an IPv4 network in CIDR notation such as 10.0.0.0/8 ({error})"
        ) from None
    return value


Cidr = Annotated[str, AfterValidator(_cidr)]

# Ranges a peered or connected network may use privately: RFC 1918 and the RFC 6598 shared
# address space (Amazon VPC user guide, "VPC CIDR blocks", read 2026-12).
_PRIVATE_RANGES = tuple(
    ipaddress.IPv4Network(r)
    for r in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10")
)


def _private_cidr(value: str) -> str:
    network = ipaddress.IPv4Network(_cidr(value))
    if not any(network.subnet_of(r) for r in _PRIVATE_RANGES):
        raise ValueError(
            "allowed: a private range inside 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 or "
            "100.64.0.0/10 (public destinations: egress mode nat or transit-gateway)"
        )
    return value


PrivateCidr = Annotated[str, AfterValidator(_private_cidr)]

# A DNS host name as it appears in a URL (RFC 1123 labels, at least two, at most 253
# characters), or `*.` plus one for every host under that domain.
HostName = Annotated[
    str,
    pattern(
        r"(?=.{1,253}$)(\*\.)?([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}",
        "a lowercase host name such as git.internal.example.com, or *.internal.example.com "
        "for every host under a domain",
    ),
]

# -- schedules and time ---------------------------------------------------------------------
SchedulerExpression = Annotated[str, problem_check(scheduler_expression_problem, SCHEDULER_ALLOWED)]
# Model Monitor takes cron expressions only (SageMaker API reference, ScheduleConfig, read
# 2026-11).
MonitorSchedule = Annotated[
    str,
    problem_check(
        lambda v: scheduler_expression_problem(v, allow_rate=False),
        "a cron expression such as cron(0 * ? * * *) (hourly) or cron(0 0 ? * * *) (daily)",
    ),
]
KubernetesCron = Annotated[str, problem_check(kubernetes_cron_problem, KUBERNETES_CRON_ALLOWED)]


@cache
def iana_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


IanaTimezone = Annotated[
    str,
    check(
        lambda v: v in iana_timezones(),
        "an IANA time zone name (zoneinfo.available_timezones()), e.g. UTC or Europe/Dublin",
    ),
]

# -- SageMaker ------------------------------------------------------------------------------
InstanceType = Annotated[
    str,
    pattern(
        r"ml\.[a-z0-9]+\.[0-9]*x?(large|medium|small|metal)",
        "a SageMaker instance type such as ml.m5.large",
    ),
]
DataClassification = Literal["public", "internal", "confidential", "restricted"]
DATA_CLASSIFICATIONS: tuple[str, ...] = ("public", "internal", "confidential", "restricted")

# -- URLs -----------------------------------------------------------------------------------
HttpsUrl = Annotated[
    str,
    check(
        lambda v: (
            v == ""
            or (v.startswith("https://") and " " not in v and "@" not in v and len(v) <= 512)
        ),
        "an https:// URL without credentials, or empty",
    ),
]
