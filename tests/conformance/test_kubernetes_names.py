"""Kubernetes names on vision-dev's planned objects (the kubernetes inference backend).

Expected rules: kubernetes.io "Object Names and IDs", "Labels and Selectors", "CronJob" (read
2026-12-01): DNS-1123 subdomain names (<= 253), DNS-1123 label names (<= 63) for namespaces,
RFC 1035 labels for Services, label keys [prefix/]name and values (<= 63), CronJob names
<= 52 characters and `timeZone` a tz database name, container port names IANA service names.
"""

from __future__ import annotations

import zoneinfo

import pytest

from mlopsctl.conformance import check_plan
from tests.conformance.helpers import one_finding, with_change
from tests.conftest import plan_served

NAMESPACE = "kubernetes:core/v1:Namespace"
SERVICE = "kubernetes:core/v1:Service"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
CRONJOB = "kubernetes:batch/v1:CronJob"
RULE = "kubernetes-name"


@pytest.fixture(scope="module")
def vision():
    return plan_served("vision-dev")


def _one(plan, type_token):
    (item,) = plan.of_type(type_token)
    return item.name


def _metadata(**change):
    return lambda inputs: inputs["metadata"].update(change)


@pytest.mark.parametrize(
    ("type_token", "bad"),
    [
        (NAMESPACE, "MLops-Vision"),  # uppercase
        (NAMESPACE, "mlops.vision"),  # a label: no dots
        (NAMESPACE, "n" * 64),
        (DEPLOYMENT, "model_server"),  # underscore
        (DEPLOYMENT, "model-server-"),
        (SERVICE, "1-model-server"),  # RFC 1035: starts with a letter
        (CRONJOB, "r" * 53),  # CronJob names <= 52
    ],
)
def test_bad_object_name(vision, type_token, bad):
    name = _one(vision, type_token)
    changed = with_change(vision, type_token, name, _metadata(name=bad))
    item = one_finding(changed, type_token, name, "metadata.name", RULE)
    assert item.value == bad and "Object Names" in item.source


def test_dotted_deployment_name_is_a_subdomain(vision):
    name = _one(vision, DEPLOYMENT)
    changed = with_change(vision, DEPLOYMENT, name, _metadata(name="model.server"))
    assert [f for f in check_plan(changed) if f.rule == RULE] == []


@pytest.mark.parametrize(
    ("key", "value", "path"),
    [
        ("mlops.io/team", "v" * 64, 'metadata.labels["mlops.io/team"]'),
        ("mlops.io/owner", "vision lead", 'metadata.labels["mlops.io/owner"]'),
        ("Mlops_IO/team", "vision", 'metadata.labels["Mlops_IO/team"]'),
        ("mlops.io/-team", "vision", 'metadata.labels["mlops.io/-team"]'),
    ],
)
def test_bad_label(vision, key, value, path):
    name = _one(vision, NAMESPACE)
    changed = with_change(
        vision, NAMESPACE, name, lambda i: i["metadata"]["labels"].update({key: value})
    )
    one_finding(changed, NAMESPACE, name, path, RULE)


def test_container_port_name(vision):
    name = _one(vision, DEPLOYMENT)

    def change(inputs):
        inputs["spec"]["template"]["spec"]["containers"][0]["ports"][0]["name"] = (
            "http-model-server"
        )

    changed = with_change(vision, DEPLOYMENT, name, change)
    one_finding(changed, DEPLOYMENT, name, "spec.template.spec.containers[0].ports[0].name", RULE)


def test_cronjob_time_zone(vision):
    name = _one(vision, CRONJOB)
    assert "Europe/Dubln" not in zoneinfo.available_timezones()
    changed = with_change(
        vision, CRONJOB, name, lambda i: i["spec"].update(timeZone="Europe/Dubln")
    )
    one_finding(changed, CRONJOB, name, "spec.timeZone", RULE)


def test_planned_kubernetes_objects_pass(vision):
    assert [f for f in check_plan(vision) if f.rule == RULE] == []
