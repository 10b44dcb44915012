"""Bad serving config: one clear error each, before any resource is registered."""

import pytest

from mlopsctl.plan.engine import PlanError
from settings import ConfigError

CASES = [
    (
        "fraud-dev",
        {"mlops:inference": {"backend": "lambda"}},
        ["mlops:inference.backend", "'lambda'", "allowed:", "sagemaker", "kubernetes"],
    ),
    (
        "fraud-prod",
        {"mlops:inference": {"sagemaker": {"instanceType": "ml.p4d.24xlarge"}}},
        ["mlops:inference.sagemaker.instanceType", "ml.p4d.24xlarge", "allowed: ml.t3.medium"],
    ),
    (
        "fraud-prod",
        {"mlops:inference": {"sagemaker": {"minInstances": 5, "maxInstances": 3}}},
        ["mlops:inference.sagemaker", "minInstances = 5", "maxInstances = 3", "allowed"],
    ),
    (
        "vision-dev",
        {"mlops:inference": {"kubernetes": {"minReplicas": 3, "maxReplicas": 2}}},
        ["mlops:inference.kubernetes", "minReplicas = 3", "allowed"],
    ),
    (
        "vision-dev",
        {"mlops:inference": {"kubernetes": {"context": None}}},
        ["mlops:inference", "names no cluster", "kubernetes.context", "kubeconfig"],
    ),
    (
        "fraud-dev",
        {"mlops:registry": {"images": {"pipeline": "ghcr.io/acme/pipeline:1"}}},
        ["mlops:registry.images.pipeline", "ghcr.io/acme/pipeline:1", "ECR image URI"],
    ),
    (
        "fraud-dev",
        {"mlops:retraining": {"monitor": {"enabled": True}}},
        ["mlops:retraining.monitor.enabled", "real-time", "allowed: false"],
    ),
    (
        "fraud-dev",
        {"mlops:retraining": {"schedule": "every monday"}},
        [
            "mlops:retraining.schedule",
            "'every monday'",
            "allowed: an EventBridge Scheduler expression",
        ],
    ),
    (
        "vision-dev",
        {"mlops:inference": {"kubernetes": {"gpus": 2}}},
        ["gpus = 2", "quotaGpus = 2", "allowed"],
    ),
]


@pytest.mark.parametrize(("stack", "change", "fragments"), CASES)
def test_bad_config_gives_one_clear_error(plan_with, stack, change, fragments):
    with pytest.raises(PlanError) as caught:
        plan_with(stack, change)
    assert isinstance(caught.value.__cause__, ConfigError)
    assert caught.value.registered == 0
    message = str(caught.value)
    assert message.count("\n  - ") == 1, message
    for fragment in fragments:
        assert fragment in message, (fragment, message)
