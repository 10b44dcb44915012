"""The pack config a stack gets: the per-policy entries `settings.pack_config` derives, plus the
platform facts (`settings.pack_config.platform_facts`) for every rule that declares one of them
in its defaults, and the stack's `mlops:policyExemptions` per policy.

One source for accounts, buckets and scopes: a rule declares `trustedAccountIds` (say) among its
config defaults, and receives the stack's value here, for `mlopsctl plan` and for the file
`mlopsctl pack-config` writes for `pulumi preview --policy-pack-config` alike.
"""

from __future__ import annotations

from typing import Any

from pulumi_policy import EnforcementLevel

from mlopsctl.violation import PolicyConfigError
from policies.exemptions import EXEMPTIONS_KEY
from policies.registry import RULES
from settings import Project
from settings.pack_config import pack_config, platform_facts, policy_exemptions
from settings.stack import Settings


def _section(config: dict[str, Any], policy: str) -> dict[str, Any]:
    value = config.get(policy)
    section = {"enforcementLevel": value} if isinstance(value, str) else dict(value or {})
    config[policy] = section
    return section


def complete_pack_config(settings: Settings, project: Project, source: str) -> dict[str, Any]:
    """The stack's whole pack config: derived entries, facts and exemptions."""
    config = pack_config(settings, project)
    for name, info in RULES.items():
        # `all: mandatory` must not turn a rule that only informs (the exemptions in force) into
        # a failing one: such rules keep their declared level unless the settings name them.
        if info.enforcement != EnforcementLevel.MANDATORY and name not in config:
            config[name] = {"enforcementLevel": info.enforcement.value}
    facts = platform_facts(settings)
    for name, info in RULES.items():
        wanted = {key: facts[key] for key in info.defaults if key in facts}
        if wanted:
            _section(config, name).update(wanted)
    for policy, entries in policy_exemptions(settings).items():
        if policy not in RULES:
            raise PolicyConfigError(
                f"{source}: mlops:policyExemptions names policy {policy!r}, which the pack "
                f"does not have; allowed: {', '.join(sorted(RULES))}"
            )
        _section(config, policy)[EXEMPTIONS_KEY] = entries
    return config
