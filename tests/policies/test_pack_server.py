"""The pack as the Pulumi CLI runs it: `policies/__main__.py` serves CrossGuard's Analyzer gRPC
protocol; the test plays the engine's part (GetAnalyzerInfo, Configure, Analyze, AnalyzeStack)
with planned resources. This proves the real PolicyPack path, not only the offline runner."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from mlopsctl.plan.model import Plan, PlannedResource
from mlopsctl.policy_runner import enforcement_of, policy_config, stack_pack_config
from policies.registry import all_policies, policy_names
from tests.conftest import PROJECT, PROJECT_ROOT
from tests.policies.helpers import change, remove
from tests.policies.isolation import ISOLATION


@pytest.fixture(scope="module")
def analyzer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    """The pack as `pulumi policy publish` ships it: its directory alone, unpacked under another
    name, run with nothing of the project importable (tests/policies/isolation.py)."""
    pack = tmp_path_factory.mktemp("published") / "mlops-data-rules-0.1.0"
    shutil.copytree(PROJECT_ROOT / "policies", pack, ignore=shutil.ignore_patterns("__pycache__"))
    serve = ISOLATION + "import runpy\nrunpy.run_path('__main__.py', run_name='__main__')\n"
    process = subprocess.Popen(
        [sys.executable, "-W", "ignore", "-c", serve],
        cwd=pack,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        port = int(process.stdout.readline().strip())  # the pack announces its port (bound to 0)
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        yield analyzer_pb2_grpc.AnalyzerStub(channel)
        channel.close()
    finally:
        process.kill()
        process.wait()


def _struct(values: dict) -> struct_pb2.Struct:
    result = struct_pb2.Struct()
    result.update(json.loads(json.dumps(values)))
    return result


def _provider(plan: Plan, resource: PlannedResource) -> analyzer_pb2.AnalyzerProviderResource:
    provider = plan.provider_of(resource)
    if provider is None:
        return None
    return analyzer_pb2.AnalyzerProviderResource(
        type=provider.type,
        properties=_struct(provider.inputs),
        urn=provider.urn,
        name=provider.name,
    )


def _configure(stub, stack: str, changes: dict | None = None) -> None:
    """Send a stack's pack config (`mlopsctl pack-config <stack>`, with `changes` per policy)
    the way the CLI does (levels resolved, properties per policy)."""
    config = {**stack_pack_config(PROJECT, stack), **(changes or {})}
    levels = {"advisory": analyzer_pb2.ADVISORY, "mandatory": analyzer_pb2.MANDATORY}
    stub.Configure(
        analyzer_pb2.ConfigureAnalyzerRequest(
            policyConfig={
                policy.name: analyzer_pb2.PolicyConfig(
                    enforcementLevel=levels[enforcement_of(policy, config).value],
                    properties=_struct(policy_config(policy, config)),
                )
                for policy in all_policies()
            }
        )
    )


def test_the_pack_serves_every_policy(analyzer) -> None:
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == "mlops-data-rules"
    assert sorted(p.name for p in info.policies) == sorted(policy_names())


def test_resource_policies_judge_planned_inputs(analyzer, plan) -> None:
    planned = copy.deepcopy(plan("fraud-dev"))
    key = planned.one("aws:kms/key:Key")
    request = analyzer_pb2.AnalyzeRequest(
        type=key.type,
        properties=_struct(key.inputs),
        urn=key.urn,
        name=key.name,
        provider=_provider(planned, key),
    )
    assert [d.policyName for d in analyzer.Analyze(request).diagnostics] == []
    change(planned, key.type, None, lambda p: p.update(enableKeyRotation=False))
    request.properties.CopyFrom(_struct(key.inputs))
    assert [d.policyName for d in analyzer.Analyze(request).diagnostics] == ["kms-key-rotation"]


def _analyze_stack(analyzer, planned: Plan) -> list[analyzer_pb2.AnalyzeDiagnostic]:
    resources = [
        analyzer_pb2.AnalyzerResource(
            type=r.type,
            properties=_struct(r.outputs),
            urn=r.urn,
            name=r.name,
            options=analyzer_pb2.AnalyzerResourceOptions(protect=r.protect),
            provider=_provider(planned, r),
            parent=r.parent,
            dependencies=r.dependencies,
            propertyDependencies={
                k: analyzer_pb2.AnalyzerPropertyDependencies(urns=v)
                for k, v in r.property_dependencies.items()
            },
        )
        for r in planned.resources
    ]
    return list(
        analyzer.AnalyzeStack(analyzer_pb2.AnalyzeStackRequest(resources=resources)).diagnostics
    )


def test_stack_policies_join_buckets_to_companions(analyzer, plan) -> None:
    planned = copy.deepcopy(plan("fraud-prod"))
    _configure(analyzer, "fraud-prod")

    def analyze() -> list[str]:
        return sorted({d.policyName for d in _analyze_stack(analyzer, planned)})

    assert analyze() == []
    remove(planned, "aws:s3/bucketVersioning:BucketVersioning", "dvc-bucket-versioning")
    planned.one("aws:s3/bucket:Bucket", "raw-bucket").protect = False
    assert analyze() == ["governance-production-protection", "s3-versioning-enabled"]


def test_an_exemption_waives_a_violation_and_is_shown_as_advisory(analyzer, plan) -> None:
    """Under the real protocol: the engine analyses each resource, then the stack."""
    planned = copy.deepcopy(plan("fraud-dev"))
    reason = "key material imported from the HSM, rotated by hand (SEC-1234)"
    exemption = {"exemptions": [{"resource": "team-key", "reason": reason}]}
    _configure(analyzer, "fraud-dev", {"kms-key-rotation": exemption})
    key = planned.one("aws:kms/key:Key")
    change(planned, key.type, None, lambda p: p.update(enableKeyRotation=False))
    request = analyzer_pb2.AnalyzeRequest(
        type=key.type,
        properties=_struct(key.inputs),
        urn=key.urn,
        name=key.name,
        provider=_provider(planned, key),
    )
    assert list(analyzer.Analyze(request).diagnostics) == []
    [shown] = [
        d for d in _analyze_stack(analyzer, planned) if d.policyName == "exemptions-in-force"
    ]
    assert shown.enforcementLevel == analyzer_pb2.ADVISORY
    assert shown.urn == key.urn and reason in shown.message
    _configure(analyzer, "fraud-dev")  # other tests see the stack's own config


# What the engine sends for a value a first preview cannot know yet (pulumi_policy.proxy).
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"


def _as_first_preview(planned: Plan) -> Plan:
    """Each input that depends on another resource's output is unknown (nothing exists yet),
    and no resource has outputs beyond its inputs."""
    preview = copy.deepcopy(planned)
    for r in preview.resources:
        for key, urns in r.property_dependencies.items():
            if urns and key in r.inputs:
                r.inputs[key] = UNKNOWN
        r.outputs = dict(r.inputs)
    return preview


def _preview_diagnostics(analyzer, planned: Plan) -> list[analyzer_pb2.AnalyzeDiagnostic]:
    found = []
    for r in planned.resources:
        request = analyzer_pb2.AnalyzeRequest(
            type=r.type,
            properties=_struct(r.inputs),
            urn=r.urn,
            name=r.name,
            options=analyzer_pb2.AnalyzerResourceOptions(protect=r.protect),
            provider=_provider(planned, r),
        )
        found += list(analyzer.Analyze(request).diagnostics)
    return found + _analyze_stack(analyzer, planned)


@pytest.mark.parametrize("stack", ["fraud-prod", "vision-dev", "dev"])
def test_a_first_preview_with_unknown_values_reports_no_false_violation(
    analyzer, served, plan, stack
) -> None:
    """Under a real first `pulumi preview` the pack sees unknowns where the plan has mock
    values: no rule may take an unknown for a bad value (a mandatory diagnostic), and none may
    fail on it; a rule that needs the value says it cannot run yet (advisory)."""
    planned = served(stack) if stack != "dev" else copy.deepcopy(plan(stack))
    preview = _as_first_preview(planned)
    unknowns = [v for r in preview.resources for v in r.inputs.values() if v == UNKNOWN]
    assert len(unknowns) > 20  # the preview really has unknowns
    _configure(analyzer, stack)
    diagnostics = _preview_diagnostics(analyzer, preview)
    mandatory = [
        f"{d.policyName}: {d.message}"
        for d in diagnostics
        if d.enforcementLevel == analyzer_pb2.MANDATORY
    ]
    assert mandatory == []
    # The same preview with one known bad value is still caught: the pack did judge it.
    key = preview.one("aws:kms/key:Key")
    key.inputs["enableKeyRotation"] = False
    caught = {d.policyName for d in _preview_diagnostics(analyzer, preview)}
    assert "kms-key-rotation" in caught
