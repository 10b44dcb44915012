"""The kubernetes backend (vision-dev), under the plan engine."""

import pytest

K8S = "kubernetes:"


@pytest.fixture(scope="module")
def vision(served):
    return served("vision-dev")


def _one(result, kind, name=None):
    return result.one(f"kubernetes:{kind}", name)


def test_vision_dev_plans_on_kubernetes_with_an_explicit_provider(vision):
    provider = vision.one("pulumi:providers:kubernetes")
    assert provider.inputs["context"] == "arn:aws:eks:eu-west-1:210987654321:cluster/ml-dev"
    kube = [r for r in vision.resources if r.type.startswith(K8S)]
    assert len(kube) >= 10
    for resource in kube:
        assert vision.provider_of(resource) is provider, resource.name
    assert vision.of_type("aws:sagemaker/endpoint:Endpoint") == []


def test_namespace_quota_limits_and_default_deny(vision):
    ns = _one(vision, "core/v1:Namespace").inputs["metadata"]
    assert ns["name"] == "mlops-vision-dev"
    assert ns["labels"]["mlops.io/team"] == "vision"
    assert ns["labels"]["pod-security.kubernetes.io/enforce"] == "restricted"
    hard = _one(vision, "core/v1:ResourceQuota").inputs["spec"]["hard"]
    assert hard["requests.nvidia.com/gpu"] == "2"
    assert hard["requests.cpu"] == "8" and hard["limits.memory"] == "32Gi"
    (limit,) = _one(vision, "core/v1:LimitRange").inputs["spec"]["limits"]
    assert limit["type"] == "Container" and limit["default"] and limit["defaultRequest"]
    deny = _one(vision, "networking.k8s.io/v1:NetworkPolicy", "default-deny").inputs["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}


def test_service_account_uses_its_own_irsa_role(vision):
    account = _one(vision, "core/v1:ServiceAccount", "service-account").inputs
    assert account["metadata"]["annotations"] == {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::210987654321:role/mlops-vision-dev-model-server-irsa"
    }


def test_deployment_probes_limits_and_hardening(vision):
    spec = _one(vision, "apps/v1:Deployment").inputs["spec"]
    pod = spec["template"]["spec"]
    (container,) = pod["containers"]
    assert container["image"] == vision.exports["imageUris"]["inference"]
    for probe in ("readinessProbe", "livenessProbe"):
        assert container[probe]["httpGet"] == {"path": "/ping", "port": 8080}
    resources = container["resources"]
    assert resources["requests"] == {"cpu": "1", "memory": "4Gi"}  # CPU-only: no GPU
    assert resources["limits"] == {"cpu": "2", "memory": "8Gi"}
    security = container["securityContext"]
    assert security["allowPrivilegeEscalation"] is False
    assert security["readOnlyRootFilesystem"] is True
    assert security["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["serviceAccountName"] == "model-server"
    env = {e["name"]: e["value"] for e in container["env"]}
    served = (
        "arn:aws:sagemaker:eu-west-1:210987654321:model-package/mlops-vision-dev-vision-detector/3"
    )
    assert env["MODEL_PACKAGE_ARN"] == served
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    assert any(env["MODEL_PATH"].startswith(m + "/") for m in mounts)  # writable: an emptyDir


def test_service_autoscaler_and_disruption_budget(vision):
    selector = {"app.kubernetes.io/name": "model-server"}
    service = _one(vision, "core/v1:Service").inputs["spec"]
    assert service["selector"] == selector and service["type"] == "ClusterIP"
    assert service["ports"][0]["targetPort"] == 8080
    hpa = _one(vision, "autoscaling/v2:HorizontalPodAutoscaler").inputs["spec"]
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (1, 2)
    assert hpa["scaleTargetRef"]["kind"] == "Deployment"
    pdb = _one(vision, "policy/v1:PodDisruptionBudget").inputs["spec"]
    assert pdb["selector"]["matchLabels"] == selector


def test_retraining_cron_job_runs_the_pipeline_image(vision):
    cron = _one(vision, "batch/v1:CronJob").inputs["spec"]
    assert cron["schedule"] == "0 2 * * *"
    pod = cron["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    assert container["image"] == vision.exports["imageUris"]["pipeline"]
    env = {e["name"]: e["value"] for e in container["env"]}
    assert env["MLFLOW_TRACKING_URI"] == vision.exports["mlflowTrackingUri"]
    assert env["MLOPS_DVC_REMOTE_URL"] == vision.exports["dvcRemote"]["url"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True
    account = _one(vision, "core/v1:ServiceAccount", "retraining-service-account").inputs
    assert account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"] == (
        "arn:aws:iam::210987654321:role/mlops-vision-dev-retraining-irsa"
    )


def test_secret_kubeconfig_reaches_the_provider_as_a_secret(plan_with):
    result = plan_with(
        "vision-dev",
        {"mlops:inference": {"kubernetes": {"context": None}, "kubeconfig": {"secure": "v1:abc"}}},
    )
    kubeconfig = result.one("pulumi:providers:kubernetes").inputs["kubeconfig"]
    assert "offline-plan-placeholder-kubeconfig" in str(kubeconfig)
    assert "context" not in result.one("pulumi:providers:kubernetes").inputs
