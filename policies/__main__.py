"""Entry point of `pulumi preview --policy-pack policies` (and of a published pack): builds the
pack and serves it.

The CLI runs this file with the pack's directory as working directory and nothing of the
project on `sys.path`; `pulumi policy publish` uploads this directory alone. So the directory
registers itself as the package `policies` (the name its modules import each other by) from
its own files, whatever it is called on disk. Constructing `PolicyPack` starts the gRPC server
and blocks, so this is the only module that does.
"""

import importlib.util
import sys
from pathlib import Path

PACK_DIR = Path(__file__).resolve().parent


def _register_pack_package() -> None:
    if "policies" in sys.modules:
        return
    spec = importlib.util.spec_from_file_location(
        "policies", PACK_DIR / "__init__.py", submodule_search_locations=[str(PACK_DIR)]
    )
    if spec is None or spec.loader is None:
        raise SystemExit(f"the policy pack's package file is missing: {PACK_DIR / '__init__.py'}")
    package = importlib.util.module_from_spec(spec)
    sys.modules["policies"] = package
    spec.loader.exec_module(package)


_register_pack_package()

from pulumi_policy import EnforcementLevel, PolicyPack  # noqa: E402

from policies.registry import PACK_NAME, all_policies  # noqa: E402

PolicyPack(
    name=PACK_NAME,
    description="Data rules of the MLOps platform blueprint",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=all_policies(),
)
