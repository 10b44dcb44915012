"""The archives of a team's model package versions, read from its plan: what an endpoint serves
(Models are built from a model package, `primaryContainer.modelPackageName`) and may roll back
to, under the prefix the retraining pipeline writes them to. Production's guardrail keeps them.
"""

from __future__ import annotations

import json
from typing import Any

from mlopsctl.access.arns import parse_s3_url
from mlopsctl.plan import Plan

# Where the retraining run writes a model package's archive: the pipeline's environment names
# the S3 prefix and the package group (`<prefix>/<group>/<MLflow version>/model.tar.gz`).
PACKAGES_URI_VARIABLE = "MLOPS_MODEL_PACKAGE_S3_URI"
PACKAGE_GROUP_VARIABLE = "MLOPS_MODEL_PACKAGE_GROUP"
ARCHIVE = "{prefix}/{group}/{version}/model.tar.gz"
ARCHIVE_VERSION = 1  # a registered MLflow version: every one has its archive


def _environments(value: Any) -> list[dict[str, Any]]:
    """Every mapping of a pipeline definition that sets the model package variables."""
    if isinstance(value, list):
        return [e for v in value for e in _environments(v)]
    if not isinstance(value, dict):
        return []
    found = [value] if PACKAGES_URI_VARIABLE in value else []
    return found + [e for v in value.values() for e in _environments(v)]


def _served_groups(plan: Plan) -> set[str]:
    """The package groups of the model packages planned Models are built from
    (`primaryContainer.modelPackageName` = `arn:...:model-package/<group>/<n>`)."""
    groups = set()
    for model in plan.of_type("aws:sagemaker/model:Model"):
        containers = [model.inputs.get("primaryContainer") or {}]
        containers += model.inputs.get("containers") or []
        for container in containers:
            name = str(container.get("modelPackageName") or "")
            if ":model-package/" in name:
                groups.add(name.split(":model-package/", 1)[1].rsplit("/", 1)[0])
    return groups


def model_archives(plan: Plan) -> tuple[tuple[str, str], ...]:
    """The archives of the team's model package versions: what an endpoint serves and may roll
    back to, under the prefix the retraining pipeline writes them to."""
    archives = set()
    for pipeline in plan.of_type("aws:sagemaker/pipeline:Pipeline"):
        definition = pipeline.inputs.get("pipelineDefinition") or "{}"
        definition = json.loads(definition) if isinstance(definition, str) else definition
        for environment in _environments(definition):
            bucket, prefix = parse_s3_url(str(environment[PACKAGES_URI_VARIABLE]))
            groups = _served_groups(plan) | {str(environment.get(PACKAGE_GROUP_VARIABLE) or "")}
            for group in sorted(g for g in groups if g):
                key = ARCHIVE.format(
                    prefix=prefix.rstrip("/"), group=group, version=ARCHIVE_VERSION
                )
                archives.add((bucket, key.lstrip("/")))
    return tuple(sorted(archives))
