"""Insecure variants: SageMaker: the lab, serving and tracking."""

from __future__ import annotations

from tests.policies.corpus.cases import (
    DOMAIN,
    ENDPOINT_CONFIG,
    MLFLOW,
    MLFLOW_APP,
    MODEL,
    Case,
    add_notebook,
    put,
)
from tests.policies.helpers import (
    change,
)

CASES = [
    Case(
        "studio-public-internet",
        "fraud-dev",
        "sagemaker-domain-vpc-only",
        lambda p: change(p, DOMAIN, None, put("appNetworkAccessType", "PublicInternetOnly")),
    ),
    Case(
        "studio-without-kms",
        "fraud-prod",
        "sagemaker-domain-kms",
        lambda p: change(p, DOMAIN, None, put("kmsKeyId", None)),
    ),
    Case(
        "studio-without-idle-shutdown",
        "fraud-dev",
        "sagemaker-domain-idle-shutdown",
        lambda p: change(
            p,
            DOMAIN,
            None,
            put("defaultUserSettings.jupyterLabAppSettings.appLifecycleManagement", None),
        ),
    ),
    Case(
        "notebook-with-internet",
        "fraud-dev",
        "sagemaker-notebook-no-direct-internet",
        add_notebook(directInternetAccess="Enabled"),
    ),
    Case(
        "notebook-with-root",
        "fraud-dev",
        "sagemaker-notebook-no-root",
        add_notebook(rootAccess=None),
    ),  # AWS default: Enabled
    Case(
        "notebook-outside-vpc",
        "fraud-dev",
        "sagemaker-notebook-in-vpc",
        add_notebook(subnetId=None, securityGroups=None),
    ),
    Case(
        "notebook-without-kms", "fraud-dev", "sagemaker-notebook-kms", add_notebook(kmsKeyId=None)
    ),
    Case(
        "endpoint-without-kms",
        "fraud-prod",
        "sagemaker-endpoint-config-kms",
        lambda p: change(p, ENDPOINT_CONFIG, None, put("kmsKeyArn", None)),
    ),
    Case(
        "endpoint-without-capture",
        "fraud-prod",
        "sagemaker-endpoint-data-capture",
        lambda p: change(p, ENDPOINT_CONFIG, None, put("dataCaptureConfig", None)),
    ),
    Case(
        "serverless-endpoint-in-prod-rules",
        "fraud-dev",
        "sagemaker-endpoint-data-capture",
        pack={"sagemaker-endpoint-data-capture": {"serverlessExempt": False}},
    ),
    Case(
        "model-with-network",
        "fraud-prod",
        "sagemaker-model-network-isolation",
        lambda p: change(
            p,
            MODEL,
            None,
            lambda props: (
                props.pop("vpcConfig", None),
                props.update(enableNetworkIsolation=False),
            ),
        ),
    ),
    Case(
        "mlflow-patch-level-version",
        "fraud-prod",
        "sagemaker-mlflow-pinned-version",
        lambda p: change(p, MLFLOW, None, put("mlflowVersion", "3.0.0")),
    ),
    Case(
        "mlflow-foreign-bucket",
        "fraud-prod",
        "sagemaker-mlflow-team-artifact-bucket",
        lambda p: change(
            p, MLFLOW, None, put("artifactStoreUri", "s3://someone-elses-bucket/mlflow")
        ),
    ),
    Case(
        "mlflow-app-foreign-bucket",
        "fraud-dev",
        "sagemaker-mlflow-team-artifact-bucket",
        lambda p: change(
            p, MLFLOW_APP, None, put("artifactStoreUri", "s3://someone-elses-bucket/mlflow")
        ),
    ),
]
