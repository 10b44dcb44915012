"""examples/reuse-components: a program of its own that reuses the components with plain values.

The example is planned by the offline engine in a separate interpreter whose working directory
is the example's, with the `settings` package removed from `sys.modules` and refused by an
import hook (the engine itself imports it, the program must not), and an audit hook recording
every file opened and directory listed. Expected values come from the config this test passes
and from AWS's documented ARN formats, never from the components' code.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from mlopsctl.conformance import check_plan
from mlopsctl.plan.model import Plan, PlannedResource
from mlopsctl.policy_runner import load_pack_config, run_policies

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "reuse-components"
PROJECT = "mlops-reuse-example"
PLAN_TIMEOUT_SECONDS = 300  # a hang guard: one plan takes a few seconds

ACCOUNT = "444455556666"
REGION = "eu-central-1"
BUCKET = "research-lab-data-eu-central-1-444455556666"
LOG_BUCKET = "acme-access-logs-444455556666"
VPC = "vpc-0a1b2c3d4e5f67890"
SUBNETS = ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"]
SECURITY_GROUPS = ["sg-0a1b2c3d4e5f60003"]
ROLES = {
    "data-scientist": f"arn:aws:iam::{ACCOUNT}:role/research-ds-execution",
    "ml-engineer": f"arn:aws:iam::{ACCOUNT}:role/research-mle-execution",
}
MEMBERS = [
    {"name": "alice", "persona": "data-scientist"},
    {"name": "bob", "persona": "ml-engineer"},
]
TAGS = {"team": "research", "environment": "dev", "owner": "ana@example.com"}
VALUES = {
    "accountId": ACCOUNT,
    "owner": TAGS["owner"],
    "costCenter": "cc-4711",
    "namePrefix": "acme",
    "team": TAGS["team"],
    "environment": TAGS["environment"],
    "dataClassification": "confidential",
    "dataBucketName": BUCKET,
    "accessLogBucket": LOG_BUCKET,
    "vpcId": VPC,
    "subnetIds": SUBNETS,
    "securityGroupIds": SECURITY_GROUPS,
    "dataScientistRoleArn": ROLES["data-scientist"],
    "mlEngineerRoleArn": ROLES["ml-engineer"],
    "instanceTypes": ["ml.t3.medium", "ml.m5.large"],
    "members": MEMBERS,
}
CONFIG = {"aws:region": REGION, **{f"{PROJECT}:{k}": v for k, v in VALUES.items()}}

# AWS's documented ARN formats (Service Authorization Reference, "Resource types defined by"
# AWS KMS, IAM and Amazon SageMaker AI).
KEY_ARN = re.compile(rf"arn:aws:kms:{REGION}:{ACCOUNT}:key/[0-9a-f-]{{36}}")
ROLE_ARN = re.compile(rf"arn:aws:iam::{ACCOUNT}:role/[\w+=,.@/-]+")
TRACKING_SERVER_ARN = re.compile(rf"arn:aws:sagemaker:{REGION}:{ACCOUNT}:mlflow-tracking-server/.+")

# Runs in the child interpreter: argv = example dir, config file, output file.
RUNNER = r"""
import json, os, sys
from pathlib import Path

opened, listed, refused = [], [], []

def audit(event, args):
    if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)):
        opened.append(os.path.abspath(os.fsdecode(args[0])))
    elif event in ("os.listdir", "os.scandir") and isinstance(args[0], (str, bytes, os.PathLike)):
        listed.append(os.path.abspath(os.fsdecode(args[0])))

sys.addaudithook(audit)
from mlopsctl.plan.engine import run_program
import mlopsctl.plan.monitor  # the engine's own lazy import, before the guard

def is_settings(name):
    return name == "settings" or name.startswith("settings.")

class RefuseSettings:
    def find_spec(self, name, path=None, target=None):
        if is_settings(name):
            refused.append(name)
            raise ImportError(f"the program imported {name}")
        return None

# The engine read the project file with `settings`; from here on nobody may import it.
for name in [m for m in sys.modules if is_settings(m)]:
    del sys.modules[name]
sys.meta_path.insert(0, RefuseSettings())
example, config = Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text())
result = {"error": None, "plan": None}
try:
    result["plan"] = run_program("dev", config, example, {}).to_json()
except Exception as error:
    result["error"] = f"{type(error).__name__}: {error}"
result.update(
    opened=opened,
    listed=listed,
    refused=refused,
    settings_modules=sorted(m for m in sys.modules if is_settings(m)),
)
Path(sys.argv[3]).write_text(json.dumps(result))
"""


def plan_in_child(example: Path, config: dict[str, Any], work: Path) -> dict[str, Any]:
    """Plan `example` in a fresh interpreter run from the example's directory."""
    config_file, output = work / "config.json", work / "result.json"
    config_file.write_text(json.dumps(config))
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    done = subprocess.run(
        [sys.executable, "-c", RUNNER, str(example), str(config_file), str(output)],
        cwd=example,
        env=env,
        capture_output=True,
        text=True,
        timeout=PLAN_TIMEOUT_SECONDS,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(output.read_text())


def plan_from_json(data: dict[str, Any]) -> Plan:
    resources = []
    for r in data["resources"]:
        fields = {k: v for k, v in r.items() if k not in ("propertyDependencies", "retainOnDelete")}
        resources.append(
            PlannedResource(
                **fields,
                property_dependencies=r["propertyDependencies"],
                retain_on_delete=r["retainOnDelete"],
            )
        )
    return Plan(data["stack"], data["project"], CONFIG, resources, data["exports"])


@pytest.fixture(scope="module")
def child(tmp_path_factory) -> dict[str, Any]:
    result = plan_in_child(EXAMPLE, CONFIG, tmp_path_factory.mktemp("reuse"))
    assert result["error"] is None, result["error"]
    return result


@pytest.fixture(scope="module")
def plan(child) -> Plan:
    return plan_from_json(child["plan"])


def one(plan: Plan, type_token: str) -> PlannedResource:
    found = plan.of_type(type_token)
    assert len(found) == 1, [r.name for r in found]
    return found[0]


# -- what the program imports and reads ------------------------------------------------------


def test_the_program_imports_only_components_and_pulumi():
    tree = ast.parse((EXAMPLE / "__main__.py").read_text())
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports in a standalone program"
            modules.add(node.module or "")
    assert {m.split(".")[0] for m in modules} <= {"__future__", "pulumi", "components"}
    # The layers are the blueprint's wiring of settings to components, not reusable parts.
    assert not modules & {"components.team", "components.environment"}


def test_settings_was_neither_imported_nor_needed(child):
    assert child["refused"] == []
    assert child["settings_modules"] == []


def stack_reads(result: dict[str, Any]) -> list[str]:
    """Stack files (any `Pulumi.<stack>.yaml`, anything in the blueprint's `stacks/`) the child
    opened, and the blueprint's `stacks/` if it listed it."""
    stacks_dir = ROOT / "stacks"
    opened = {Path(p) for p in result["opened"]}
    found = {
        p
        for p in opened
        if (p.name.startswith("Pulumi.") and p.name != "Pulumi.yaml") or stacks_dir in p.parents
    }
    found.update(Path(p) for p in result["listed"] if Path(p) == stacks_dir)
    return sorted(map(str, found))


def test_no_stack_file_of_the_blueprint_was_read(child):
    opened = {Path(p) for p in child["opened"]}
    assert EXAMPLE / "Pulumi.yaml" in opened  # the hook sees what the engine reads
    assert EXAMPLE / "__main__.py" in opened
    assert stack_reads(child) == []
    assert ROOT / "Pulumi.yaml" not in opened  # not the blueprint's project file either


def test_the_hook_sees_a_program_that_reads_a_stack_file(tmp_path):
    """The stack-file check is not vacuous: a program reading one is caught."""
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text(f"name: {PROJECT}\nruntime: python\n")
    stack_file = ROOT / "stacks" / "Pulumi.dev.yaml"
    (program / "__main__.py").write_text(
        f"import os\nopen({str(stack_file)!r}).close()\nos.listdir({str(ROOT / 'stacks')!r})\n"
    )
    result = plan_in_child(program, CONFIG, tmp_path)
    assert result["error"] is None, result["error"]
    assert stack_reads(result) == sorted([str(ROOT / "stacks"), str(stack_file)])


def test_the_guard_refuses_a_program_that_imports_settings(tmp_path):
    """The settings check is not vacuous: the same child refuses a program that needs it."""
    program = tmp_path / "program"
    program.mkdir()
    (program / "Pulumi.yaml").write_text(f"name: {PROJECT}\nruntime: python\n")
    (program / "__main__.py").write_text("from settings import Project\n")
    result = plan_in_child(program, CONFIG, tmp_path)
    assert result["refused"] == ["settings"]
    assert "the program imported settings" in result["error"]


# -- what it builds ----------------------------------------------------------------------------


def test_the_plan_is_the_examples_own_project_without_stack_references(plan):
    assert plan.project == PROJECT
    assert plan.of_type("pulumi:pulumi:StackReference") == []


def test_one_provider_for_the_account_and_region_with_the_standard_tags(plan):
    provider = one(plan, "pulumi:providers:aws")
    assert provider.inputs["region"] == REGION
    assert json.loads(provider.inputs["allowedAccountIds"]) == [ACCOUNT]
    tags = json.loads(provider.inputs["defaultTags"])["tags"]
    assert tags | TAGS == tags
    assert tags["cost-center"] == VALUES["costCenter"]
    assert tags["data-classification"] == VALUES["dataClassification"]
    custom = [r for r in plan.resources if r.custom and r.type != "pulumi:providers:aws"]
    assert custom
    assert {r.provider.rsplit("::", 1)[0] for r in custom} == {provider.urn}


def test_the_key_rotates(plan):
    key = one(plan, "aws:kms/key:Key")
    assert key.inputs["enableKeyRotation"] is True
    assert KEY_ARN.fullmatch(key.outputs["arn"])
    alias = one(plan, "aws:kms/alias:Alias")
    assert alias.inputs["name"].startswith("alias/")
    assert alias.inputs["targetKeyId"] == key.outputs["keyId"]


def test_the_data_bucket_has_the_given_name_and_is_encrypted_with_the_key(plan):
    key_arn = one(plan, "aws:kms/key:Key").outputs["arn"]
    bucket = one(plan, "aws:s3/bucket:Bucket")
    assert bucket.inputs["bucket"] == BUCKET
    assert bucket.inputs["tags"]["data-classification"] == VALUES["dataClassification"]
    (rule,) = one(
        plan,
        "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    ).inputs["rules"]
    default = rule["applyServerSideEncryptionByDefault"]
    assert default == {"sseAlgorithm": "aws:kms", "kmsMasterKeyId": key_arn}
    block = one(plan, "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock").inputs
    flags = ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets")
    assert [block[f] for f in flags] == [True] * 4
    versioning = one(plan, "aws:s3/bucketVersioning:BucketVersioning").inputs
    assert versioning["versioningConfiguration"]["status"] == "Enabled"
    logging = one(plan, "aws:s3/bucketLogging:BucketLogging").inputs
    assert logging["targetBucket"] == LOG_BUCKET
    assert plan.exports["dataBucket"] == BUCKET


def test_the_studio_domain_is_vpc_only_in_the_given_network(plan):
    domain = one(plan, "aws:sagemaker/domain:Domain").inputs
    assert domain["appNetworkAccessType"] == "VpcOnly"
    assert domain["vpcId"] == VPC
    assert domain["subnetIds"] == SUBNETS
    assert domain["kmsKeyId"] == one(plan, "aws:kms/key:Key").outputs["arn"]
    assert domain["defaultUserSettings"]["executionRole"] == ROLES["data-scientist"]
    assert domain["defaultUserSettings"]["securityGroups"] == SECURITY_GROUPS
    # SageMaker API reference, DomainId: `d-(-*[a-z0-9]){1,61}`.
    assert re.fullmatch(r"d-(-*[a-z0-9]){1,61}", plan.exports["labDomainId"])
    assert plan.exports["labDomainId"] == one(plan, "aws:sagemaker/domain:Domain").id


def test_each_member_gets_a_profile_with_their_personas_role_and_a_private_space(plan):
    profiles = {
        r.inputs["userProfileName"]: r.inputs
        for r in plan.of_type("aws:sagemaker/userProfile:UserProfile")
    }
    assert sorted(profiles) == sorted(m["name"] for m in MEMBERS)
    for member in MEMBERS:
        settings = profiles[member["name"]]["userSettings"]
        assert settings["executionRole"] == ROLES[member["persona"]]
        assert settings["securityGroups"] == SECURITY_GROUPS
    spaces = plan.of_type("aws:sagemaker/space:Space")
    owners = sorted(s.inputs["ownershipSettings"]["ownerUserProfileName"] for s in spaces)
    assert owners == sorted(profiles)
    assert {s.inputs["spaceSharingSettings"]["sharingType"] for s in spaces} == {"Private"}


def test_the_tracking_server_keeps_its_artifacts_in_the_data_bucket(plan):
    server = one(plan, "aws:sagemaker/mlflowTrackingServer:MlflowTrackingServer")
    assert server.inputs["artifactStoreUri"].startswith(f"s3://{BUCKET}/")
    assert ROLE_ARN.fullmatch(server.inputs["roleArn"])
    assert TRACKING_SERVER_ARN.fullmatch(plan.exports["trackingServerArn"])
    assert plan.exports["artifactStoreUri"] == server.inputs["artifactStoreUri"]
    assert (
        plan.exports["mlflowEnvironment"]["MLFLOW_TRACKING_URI"]
        == plan.exports["trackingServerArn"]
    )


# -- secure by default: the blueprint's own checks on the example's plan -------------------------


# The platform facts of this program, as its platform team writes them into its pack config
# (the blueprint's `policies/config/dev.json` carries the blueprint's own account and buckets).
ADOPTER_FACTS = {
    "accountId": ACCOUNT,
    "trustedAccountIds": [ACCOUNT],
    "region": REGION,
    "namePrefix": VALUES["namePrefix"],
    "teamScope": TAGS["team"],  # its roles are named research-*, made outside this program
    "ownedBucketPatterns": [f"acme-*-{ACCOUNT}"],
}


def test_the_blueprints_policy_pack_passes(plan):
    config = load_pack_config(ROOT / "policies" / "config" / "dev.json")
    for section in config.values():
        if isinstance(section, dict):
            section.update({k: v for k, v in ADOPTER_FACTS.items() if k in section})
    assert [f"{v.policy}: {v.message}" for v in run_policies(plan, config)] == []


def test_the_blueprints_facts_do_not_pass_another_account(plan):
    """Judged with the blueprint's own facts, the adopter's buckets are not the platform's."""
    config = load_pack_config(ROOT / "policies" / "config" / "dev.json")
    caught = {v.policy for v in run_policies(plan, config) if v.mandatory}
    assert "s3-access-logs-owned-target" in caught


# Findings of the components' own defaults, reported to the lead (the blueprint's shipped stacks
# have the same): components/tracking.py plans mlflowVersion 3.0.0, read back as 3.0.
def test_aws_would_accept_the_planned_values(plan):
    assert {(f.rule, f.path): f.message for f in check_plan(plan)} == {}


# -- how it is installed ---------------------------------------------------------------------------


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text().splitlines():
        requirement = line.split("#", 1)[0].strip()
        if "==" in requirement:
            name, version = requirement.split("==", 1)
            pins[name.strip().lower()] = version.strip()
    return pins


def test_requirements_install_the_blueprint_with_its_own_pins():
    lines = [
        line.strip()
        for line in (EXAMPLE / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    assert "../.." in lines  # the checkout this example sits in (pip resolves it from here)
    assert (EXAMPLE / "../.." / "pyproject.toml").resolve() == ROOT / "pyproject.toml"
    pins = _pins(EXAMPLE / "requirements.txt")
    assert {"pulumi", "pulumi-aws"} <= set(pins)
    blueprint = _pins(ROOT / "requirements" / "runtime.txt")
    assert {n: v for n, v in pins.items() if blueprint.get(n) != v} == {}
