"""The mapping tables against botocore: every operation exists, every rename target is a
member, every planned type of the shipped stacks and their variants is mapped or has a stated
reason not to be; and the distilled model cache is a faithful copy of botocore's models."""

from __future__ import annotations

import pytest
from botocore.loaders import Loader

from mlopsctl.conformance import models as models_module
from mlopsctl.conformance.mapping import (
    NOT_API_PREFIXES,
    NOT_API_RESOURCES,
    REQUESTS,
    wanted_operations,
)
from mlopsctl.conformance.requests import FLATTEN, SKIP, Request
from mlopsctl.conformance.shapes import resolve
from mlopsctl.plan import plan_stack
from tests.conformance.helpers import NOTEBOOK_LAB, REALTIME, SELF_HOSTED, plan_changed
from tests.conftest import SHIPPED_STACKS

VARIANTS = {"notebook-instance": NOTEBOOK_LAB, "self-hosted": SELF_HOSTED, "realtime": REALTIME}


@pytest.fixture(scope="module")
def loaded():
    return models_module.load_models(wanted_operations())


def test_every_mapped_operation_is_in_botocore():
    loader = Loader()
    for service, operations in wanted_operations().items():
        model = loader.load_service_model(service, "service-2")
        missing = set(operations) - set(model["operations"])
        assert not missing, (service, missing)


def _base_of(request: Request, key: str, loaded) -> tuple[str, str]:
    """The shape a nested rename resolves from: walk the key's parents as the checker does."""
    model = loaded[request.service]
    root = model.input_shape(request.operation)
    shape, base = root, root
    parts = key.split(".")
    for depth in range(1, len(parts)):
        parent = ".".join(parts[:depth])
        target = request.renames.get(parent)
        if target == FLATTEN:
            continue
        found = resolve(model, base, target, "") if target else None
        member = model.member(shape, parts[depth - 1]) if not target else None
        shape = found[0] if found else member[1]
        while model.shape(shape)["type"] == "list":
            shape = model.shape(shape)["member"]
            base = shape
    return base, root


@pytest.mark.parametrize("resource_type", sorted(REQUESTS))
def test_every_rename_target_is_a_botocore_member(resource_type, loaded):
    for request in REQUESTS[resource_type]:
        model = loaded[request.service]
        for key, target in request.renames.items():
            if target in (SKIP, FLATTEN):
                continue
            base, _ = _base_of(request, key, loaded)
            assert resolve(model, base, target, "") is not None, (request.operation, key, target)
        for member in request.supplied:
            root = model.input_shape(request.operation)
            assert member in model.shape(root).get("required", []), (request.operation, member)


@pytest.fixture(scope="module")
def planned_types():
    plans = [plan_stack(stack) for stack in SHIPPED_STACKS]
    plans += [plan_changed("fraud-dev", change) for change in VARIANTS.values()]
    return {resource.type for plan in plans for resource in plan.resources}


def test_every_planned_type_is_mapped_or_explained(planned_types):
    unexplained = {
        t
        for t in planned_types
        if t not in REQUESTS and t not in NOT_API_RESOURCES and not t.startswith(NOT_API_PREFIXES)
    }
    assert unexplained == set()


def test_distilled_cache_is_botocore_s_data(loaded):
    fresh = models_module.distill_from_botocore(wanted_operations())
    for service, model in loaded.items():
        assert model.operations == fresh[service]["operations"]
        assert model.shapes == fresh[service]["shapes"]
    # spot check against botocore's own reading of the model
    notebook = fresh["sagemaker"]["shapes"]["InstanceType"]
    assert (
        notebook["enum"]
        == Loader().load_service_model("sagemaker", "service-2")["shapes"]["InstanceType"]["enum"]
    )


def test_cache_is_written_and_read_back(tmp_path, monkeypatch):
    monkeypatch.setenv("MLOPSCTL_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(models_module, "_LOADED", {})
    wanted = {"sagemaker": ["CreateNotebookInstance"]}
    first = models_module.load_models(wanted)
    (written,) = tmp_path.glob("conformance-models-*.json")
    monkeypatch.setattr(models_module, "_LOADED", {})
    monkeypatch.setattr(models_module, "distill_from_botocore", lambda _: pytest.fail("re-read"))
    second = models_module.load_models(wanted)
    assert second["sagemaker"].shapes == first["sagemaker"].shapes
    assert written.stat().st_size > 0
