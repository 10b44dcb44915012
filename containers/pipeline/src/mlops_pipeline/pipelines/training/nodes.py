"""Nodes of the training pipeline: plain functions, no Kedro imports."""

from __future__ import annotations

import logging
from typing import Any

import mlflow
import mlflow.sklearn
import pandas as pd
from mlflow.models import infer_signature
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import accuracy_score, f1_score, roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

logger = logging.getLogger(__name__)


def split_data(
    data: pd.DataFrame, params: dict[str, Any]
) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series, pd.Series]:
    """Stratified train/test split of the configured features and target."""
    missing = [c for c in [*params["features"], params["target"]] if c not in data.columns]
    if missing:
        raise ValueError(f"training data lacks column(s): {missing}")
    features = data[params["features"]].astype("float64")
    target = data[params["target"]]
    X_train, X_test, y_train, y_test = train_test_split(
        features,
        target,
        test_size=params["test_size"],
        random_state=params["random_state"],
        stratify=target,
    )
    return X_train, X_test, y_train, y_test


def train_model(
    X_train: pd.DataFrame,
    y_train: pd.Series,
    model_params: dict[str, Any],
    split_params: dict[str, Any],
) -> Pipeline:
    """Fit a standardised logistic regression."""
    model = Pipeline(
        [
            ("scale", StandardScaler()),
            (
                "classifier",
                LogisticRegression(
                    C=model_params["C"],
                    max_iter=model_params["max_iter"],
                    random_state=split_params["random_state"],
                ),
            ),
        ]
    )
    return model.fit(X_train, y_train)


def evaluate_model(model: Pipeline, X_test: pd.DataFrame, y_test: pd.Series) -> dict[str, float]:
    """Hold-out metrics."""
    predicted = model.predict(X_test)
    scores = model.predict_proba(X_test)[:, 1]
    metrics = {
        "accuracy": float(accuracy_score(y_test, predicted)),
        "f1": float(f1_score(y_test, predicted)),
        "roc_auc": float(roc_auc_score(y_test, scores)),
    }
    logger.info("Hold-out metrics: %s", metrics)
    return metrics


def log_to_mlflow(
    model: Pipeline,
    metrics: dict[str, float],
    X_train: pd.DataFrame,
    *,
    model_params: dict[str, Any],
    split_params: dict[str, Any],
    mlflow_params: dict[str, Any],
) -> dict[str, Any]:
    """Log params, metrics and the model to MLflow and register a new model version.

    The tracking server comes from MLFLOW_TRACKING_URI (read by MLflow itself).
    """
    mlflow.set_experiment(mlflow_params["experiment_name"])
    with mlflow.start_run(run_name="kedro-training") as run:
        mlflow.set_tag("mlops.training_data", str(mlflow_params["training_data"]))
        mlflow.log_params(
            {
                "model_type": "LogisticRegression",
                "C": model_params["C"],
                "max_iter": model_params["max_iter"],
                "test_size": split_params["test_size"],
                "random_state": split_params["random_state"],
                "features": ",".join(split_params["features"]),
                "n_train_rows": len(X_train),
            }
        )
        mlflow.log_metrics(metrics)
        mlflow.log_dict(metrics, "metrics.json")
        model_info = mlflow.sklearn.log_model(
            sk_model=model,
            name="model",
            signature=infer_signature(X_train, model.predict(X_train)),
            input_example=X_train.head(3),
            registered_model_name=mlflow_params["registered_model_name"],
        )
    result = {
        "run_id": run.info.run_id,
        "experiment_id": run.info.experiment_id,
        "model_uri": model_info.model_uri,
        "registered_model_name": mlflow_params["registered_model_name"],
        "registered_model_version": model_info.registered_model_version,
        "metrics": metrics,
    }
    logger.info("Logged MLflow run %s: %s", run.info.run_id, result)
    return result
