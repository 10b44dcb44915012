"""Cross-key rules of inference, retraining and monitoring: the instance policy, GPU counts."""

from __future__ import annotations

import re

from settings.catalog import MODEL_MONITOR_ACCOUNTS
from settings.derived import monitor_possible
from settings.rules.context import TeamView
from settings.values import OIDC_PROVIDER_PATTERN


def _not_allowed(key: str, value: str, allowed: tuple[str, ...], settings: TeamView) -> str:
    gpu_hint = (
        " (a GPU type: needs mlops:personas.allowGpu and the team's GPU list)"
        if value in settings.env.governance.allowed_gpu_instance_types and value not in allowed
        else ""
    )
    return (
        f"{key} = '{value}': not an instance type this team may start in environment "
        f"'{settings.env.stack}'{gpu_hint}; allowed: {', '.join(allowed)}"
    )


def inference_problems(settings: TeamView) -> list[str]:
    inference = settings.inference
    sagemaker = inference.sagemaker
    policy = settings.instances
    if inference.backend != "sagemaker" or sagemaker.resolved_mode(settings.production) != (
        "realtime"
    ):
        return []
    key = "mlops:inference.sagemaker"
    if sagemaker.instance_type not in policy.inference:
        return [
            _not_allowed(f"{key}.instanceType", sagemaker.instance_type, policy.inference, settings)
        ]
    if (
        policy.is_gpu(sagemaker.instance_type)
        and sagemaker.max_instances > policy.max_gpu_instances
    ):
        return [
            f"{key}.maxInstances = {sagemaker.max_instances}: a GPU endpoint counts against the "
            f"environment's maxGpuInstancesPerTeam; allowed: at most {policy.max_gpu_instances}"
        ]
    return []


def kubernetes_gpu_problems(settings: TeamView) -> list[str]:
    kube = settings.inference.kubernetes
    if settings.inference.backend != "kubernetes" or kube.quota_gpus == 0:
        return []
    # The cluster's GPUs are the environment's to share: the ceiling holds with or without
    # personas.allowGpu, which governs the SageMaker types people start.
    ceiling = settings.env.governance.max_gpu_instances_per_team
    if kube.quota_gpus > ceiling:
        return [
            f"mlops:inference.kubernetes.quotaGpus = {kube.quota_gpus}: more GPUs than the "
            f"environment's maxGpuInstancesPerTeam ({ceiling}); allowed: at most {ceiling}"
        ]
    return []


def kubernetes_identity_problems(settings: TeamView) -> list[str]:
    """IRSA: the cluster's OIDC provider is in the stack's account and region, and is given
    whenever the stack creates a service account role (the retraining CronJob's always)."""
    inference = settings.inference
    if inference.backend != "kubernetes":
        return []
    kube, key = inference.kubernetes, "mlops:inference.kubernetes.oidcProviderArn"
    provider = kube.oidc_provider_arn
    if provider is None:
        retrains = settings.retraining.enabled
        if kube.irsa_role_arn is not None and not retrains:
            return []
        needs = "the retraining CronJob's role" if kube.irsa_role_arn else "the pods' IAM roles"
        return [
            f"{key} is not set: {needs} (IRSA) trust the cluster's IAM OIDC provider; allowed: "
            f"arn:aws:iam::{settings.account_id}:oidc-provider/oidc.eks.{settings.region}"
            ".amazonaws.com/id/<ID> (aws eks describe-cluster --query cluster.identity.oidc."
            "issuer)" + ("" if retrains else ", or kubernetes.irsaRoleArn (a role of your own)")
        ]
    match = re.fullmatch(OIDC_PROVIDER_PATTERN, provider)
    if match is None:  # refused by the field's own validator
        return []
    problems = []
    if match["account"] != settings.account_id:
        problems.append(
            f"{key} is in account '{match['account']}': the provider must be in the stack's "
            f"account; allowed: account mlops:accountId = '{settings.account_id}'"
        )
    if match["region"] != settings.region:
        problems.append(
            f"{key} is in region '{match['region']}': the cluster must be in the stack's "
            f"region; allowed: region aws:region = '{settings.region}'"
        )
    return problems


def retraining_problems(settings: TeamView) -> list[str]:
    retraining = settings.retraining
    allowed = settings.instances.retraining
    if (
        settings.inference.backend == "sagemaker"
        and retraining.enabled
        and retraining.instance_type not in allowed
    ):
        return [
            _not_allowed(
                "mlops:retraining.instanceType", retraining.instance_type, allowed, settings
            )
        ]
    return []


def monitor_problems(settings: TeamView) -> list[str]:
    monitor = settings.retraining.monitor
    if monitor.enabled and not monitor_possible(settings.inference, settings.production):
        return [
            "mlops:retraining.monitor.enabled = true: needs a SageMaker real-time endpoint "
            "with data capture (serverless endpoints and the kubernetes backend capture no "
            "data); allowed: false, or inference.backend sagemaker with sagemaker.mode "
            "realtime"
        ]
    if not settings.monitoring_enabled:
        return []
    problems = []
    allowed = settings.instances.monitoring
    if monitor.instance_type not in allowed:
        problems.append(
            _not_allowed(
                "mlops:retraining.monitor.instanceType", monitor.instance_type, allowed, settings
            )
        )
    if settings.region not in MODEL_MONITOR_ACCOUNTS:
        problems.append(
            f"aws:region = '{settings.region}': the Model Monitor image account of this "
            f"region is not known here; allowed: {', '.join(MODEL_MONITOR_ACCOUNTS)} "
            "(or retraining.monitor.enabled: false)"
        )
    return problems


RULES = (
    inference_problems,
    kubernetes_gpu_problems,
    kubernetes_identity_problems,
    retraining_problems,
    monitor_problems,
)
