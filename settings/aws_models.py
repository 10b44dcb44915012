"""Allowed values read from botocore's service models (shipped with boto3), loaded once."""

from __future__ import annotations

from functools import cache


@cache
def _sagemaker_shapes() -> dict:
    import botocore.loaders  # only stacks that need an enum pay for loading the model

    return botocore.loaders.Loader().load_service_model("sagemaker", "service-2")["shapes"]


def notebook_instance_types() -> tuple[str, ...]:
    """CreateNotebookInstance.InstanceType enum (botocore sagemaker 2017-07-24)."""
    return tuple(_sagemaker_shapes()["InstanceType"]["enum"])


def studio_app_instance_types() -> tuple[str, ...]:
    """CreateApp ResourceSpec.InstanceType enum (botocore sagemaker `AppInstanceType`)."""
    return tuple(_sagemaker_shapes()["AppInstanceType"]["enum"])
