"""The JSON policy documents of a plan: which property holds one, and of which kind.

Kinds decide the Principal and Resource rules of the IAM policy grammar: identity policies
(attached to a role) name no principal and must name resources; trust policies and resource
policies (bucket, key, repository) name principals.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from mlopsctl.conformance.finding import item_path
from mlopsctl.conformance.shapes import plain
from mlopsctl.plan.model import Plan, PlannedResource

IDENTITY, TRUST, RESOURCE, ENDPOINT = "identity", "trust", "resource", "endpoint"
ROLE = "aws:iam/role:Role"
ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy"
MANAGED_POLICY = "aws:iam/policy:Policy"
DOCUMENTS = {
    ROLE: (("assumeRolePolicy", TRUST),),
    ROLE_POLICY: (("policy", IDENTITY),),
    MANAGED_POLICY: (("policy", IDENTITY),),
    "aws:s3/bucketPolicy:BucketPolicy": (("policy", RESOURCE),),
    "aws:kms/key:Key": (("policy", RESOURCE),),
    "aws:ecr/repositoryPolicy:RepositoryPolicy": (("policy", RESOURCE),),
    "aws:ec2/vpcEndpoint:VpcEndpoint": (("policy", ENDPOINT),),
}


@dataclass(frozen=True)
class Document:
    resource: PlannedResource
    path: str
    kind: str
    text: str  # as sent to AWS

    def parsed(self) -> Any:
        return json.loads(self.text)


def _text(value: Any) -> str | None:
    value = plain(value)
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return json.dumps(value)
    return None


def documents(plan: Plan) -> Iterator[Document]:
    for resource in plan.resources:
        for path, kind in DOCUMENTS.get(resource.type, ()):
            text = _text(resource.inputs.get(path))
            if text is not None:
                yield Document(resource, path, kind, text)
        if resource.type == ROLE:
            for index, inline in enumerate(resource.inputs.get("inlinePolicies") or []):
                text = _text(inline.get("policy")) if isinstance(inline, dict) else None
                if text is not None:
                    path = f"{item_path('inlinePolicies', index)}.policy"
                    yield Document(resource, path, IDENTITY, text)
