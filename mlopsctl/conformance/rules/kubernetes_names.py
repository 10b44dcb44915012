"""Kubernetes object names, label and annotation keys, label values, container and port names.

Sources (kubernetes.io, read 2026-12-01): "Object Names and IDs" (DNS-1123 subdomain names: at
most 253 characters, lowercase alphanumerics, `-` and `.`, alphanumeric at both ends; DNS-1123
label names: at most 63, no `.`; RFC 1035 label names, for Services: also starting with a
letter), "Labels and Selectors" (keys: an optional DNS subdomain prefix and `/`, a name of at
most 63 alphanumerics, `-`, `_`, `.`, alphanumeric at both ends; values: at most 63 of the same,
or empty), "Annotations" (keys as labels, all annotations at most 256 KiB), "CronJob" (name at
most 52 characters; `spec.timeZone` a tz database name), the Pod API (container and volume
names DNS-1123 labels, container port names IANA service names: at most 15 lowercase
alphanumerics and `-`, with a letter, no `--`, alphanumeric at both ends). The expressions are
those of k8s.io/apimachinery/pkg/util/validation.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from mlopsctl.conformance.finding import Finding, Origin, child_path, finding, item_path
from mlopsctl.conformance.rules.schedules import is_iana_zone
from mlopsctl.conformance.shapes import plain
from mlopsctl.plan.model import Plan

RULE = "kubernetes-name"
SOURCE = "Kubernetes docs: Object Names and IDs; Labels and Selectors (read 2026-12-01)"
_LABEL = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?"
# Compiled on first use (re caches them): most plans have no Kubernetes resources.
DNS1123_LABEL = _LABEL
DNS1123_SUBDOMAIN = rf"{_LABEL}(\.{_LABEL})*"
DNS1035_LABEL = r"[a-z]([-a-z0-9]*[a-z0-9])?"
QUALIFIED_NAME = r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
IANA_SVC_NAME = r"[a-z0-9]([a-z0-9-]*[a-z0-9])?"
MAX_LABEL, MAX_SUBDOMAIN, MAX_CRONJOB, MAX_PORT_NAME = 63, 253, 52, 15
MAX_ANNOTATIONS = 256 * 1024


def dns_label(name: str) -> str | None:
    if len(name) > MAX_LABEL or not re.fullmatch(DNS1123_LABEL, name):
        return "is not a DNS-1123 label (at most 63 lowercase alphanumerics or '-')"
    return None


def dns_subdomain(name: str) -> str | None:
    if len(name) > MAX_SUBDOMAIN or not re.fullmatch(DNS1123_SUBDOMAIN, name):
        return "is not a DNS-1123 subdomain (at most 253 lowercase alphanumerics, '-' or '.')"
    return None


def rfc1035_label(name: str) -> str | None:
    if len(name) > MAX_LABEL or not re.fullmatch(DNS1035_LABEL, name):
        return "is not an RFC 1035 label (a letter, then lowercase alphanumerics or '-', <= 63)"
    return None


def cronjob_name(name: str) -> str | None:
    if len(name) > MAX_CRONJOB:
        return f"is {len(name)} characters; a CronJob name takes at most {MAX_CRONJOB}"
    return dns_subdomain(name)


def label_key(key: str) -> str | None:
    prefix, _, name = key.rpartition("/")
    if prefix and dns_subdomain(prefix):
        return f"has a prefix '{prefix}' that is not a DNS subdomain"
    if len(name) > MAX_LABEL or not re.fullmatch(QUALIFIED_NAME, name):
        return "is not a qualified name (<= 63 alphanumerics, '-', '_', '.', alphanumeric ends)"
    return None


def label_value(value: str) -> str | None:
    if value and (len(value) > MAX_LABEL or not re.fullmatch(QUALIFIED_NAME, value)):
        return "is not a label value (empty, or <= 63 alphanumerics, '-', '_', '.')"
    return None


def port_name(name: str) -> str | None:
    valid = re.fullmatch(IANA_SVC_NAME, name) and "--" not in name and re.search("[a-z]", name)
    if len(name) > MAX_PORT_NAME or not valid:
        return "is not an IANA service name (<= 15 lowercase alphanumerics or '-', a letter)"
    return None


_NAME_RULES = {"Namespace": dns_label, "Service": rfc1035_label, "CronJob": cronjob_name}


def _labels(labels: Any, path: str) -> Iterator[tuple[str, str, str | None]]:
    if not isinstance(labels, dict):
        return
    for key, value in labels.items():
        yield child_path(path, key), key, label_key(key)
        if isinstance(value, str):
            yield child_path(path, key), value, label_value(value)


def _metadata(metadata: Any, path: str) -> Iterator[tuple[str, str, str | None]]:
    if not isinstance(metadata, dict):
        return
    yield from _labels(metadata.get("labels"), f"{path}.labels")
    annotations = metadata.get("annotations")
    if isinstance(annotations, dict):
        for key in annotations:
            yield child_path(f"{path}.annotations", key), key, label_key(key)
        size = sum(len(k) + len(str(v)) for k, v in annotations.items())
        if size > MAX_ANNOTATIONS:
            yield f"{path}.annotations", str(size), f"total {size} characters > 256 KiB"


def _containers(pod: dict[str, Any], path: str) -> Iterator[tuple[str, str, str | None]]:
    for field in ("containers", "initContainers"):
        for index, container in enumerate(pod.get(field) or []):
            here = item_path(f"{path}.{field}", index)
            if isinstance(container.get("name"), str):
                yield f"{here}.name", container["name"], dns_label(container["name"])
            for number, port in enumerate(container.get("ports") or []):
                if isinstance(port, dict) and isinstance(port.get("name"), str):
                    yield (
                        f"{item_path(f'{here}.ports', number)}.name",
                        port["name"],
                        port_name(port["name"]),
                    )
    for index, volume in enumerate(pod.get("volumes") or []):
        if isinstance(volume, dict) and isinstance(volume.get("name"), str):
            path_ = f"{item_path(f'{path}.volumes', index)}.name"
            yield path_, volume["name"], dns_label(volume["name"])


def _nested(value: Any, path: str) -> Iterator[tuple[str, str, str | None]]:
    """Checks inside a spec: templates' metadata, selectors, pods."""
    if isinstance(value, dict):
        for key, child in value.items():
            here = child_path(path, key)
            if key == "metadata":
                yield from _metadata(child, here)
            elif key == "matchLabels":
                yield from _labels(child, here)
            elif key == "spec" and isinstance(child, dict) and "containers" in child:
                yield from _containers(child, here)
                yield from _nested(child, here)
            else:
                yield from _nested(child, here)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nested(item, item_path(path, index))


def _checks(inputs: dict[str, Any]) -> Iterator[tuple[str, str, str | None]]:
    raw = inputs.get("metadata")
    metadata: dict[str, Any] = raw if isinstance(raw, dict) else {}
    kind = str(inputs.get("kind", ""))
    if isinstance(metadata.get("name"), str):
        name_rule = _NAME_RULES.get(kind, dns_subdomain)
        yield "metadata.name", metadata["name"], name_rule(metadata["name"])
    if isinstance(metadata.get("namespace"), str):
        yield "metadata.namespace", metadata["namespace"], dns_label(metadata["namespace"])
    yield from _metadata(metadata, "metadata")
    yield from _nested(inputs.get("spec"), "spec")
    zone = (inputs.get("spec") or {}).get("timeZone") if kind == "CronJob" else None
    if isinstance(zone, str) and not is_iana_zone(zone):
        yield "spec.timeZone", zone, "is not a tz database time zone name"


def check(plan: Plan) -> list[Finding]:
    found = []
    for resource in plan.resources:
        if not resource.type.startswith("kubernetes:") or resource.type.startswith("pulumi:"):
            continue
        inputs = plain(resource.inputs)
        for path, value, problem in _checks(inputs if isinstance(inputs, dict) else {}):
            if problem:
                found.append(
                    finding(resource, path, value, Origin(RULE, SOURCE), f"'{value}' {problem}")
                )
    return found
