"""Entry point of `pulumi preview --policy-pack policies`: builds the pack and serves it.

Constructing `PolicyPack` starts the gRPC server and blocks, so this is the only module that does.
"""

import sys
from pathlib import Path

# The pack runs with `policies/` as its working directory; rule modules import as `policies.*`.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pulumi_policy import EnforcementLevel, PolicyPack

from policies.registry import PACK_NAME, all_policies

PolicyPack(
    name=PACK_NAME,
    description="Data rules of the MLOps platform blueprint",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=all_policies(),
)
