"""The mock monitor that records what the program registers, and the mocks that answer it."""

from __future__ import annotations

import threading
from typing import Any

from pulumi.runtime import MockResourceArgs, Mocks
from pulumi.runtime.mocks import MockCallArgs, MockMonitor

from mlopsctl.plan.mock_outputs import CloudContext, mock_outputs
from mlopsctl.plan.model import PlannedResource


class PlanMocks(Mocks):
    def __init__(self, ctx: CloudContext, stack_references: dict[str, dict[str, Any]]):
        self.ctx = ctx
        self.stack_references = stack_references
        # The SDK registers resources from several executor threads at once: the URN being
        # registered and its inputs are per thread, or one resource records another's inputs.
        self._local = threading.local()

    @property
    def current_urn(self) -> str:
        return getattr(self._local, "urn", "")

    @current_urn.setter
    def current_urn(self, urn: str) -> None:
        self._local.urn = urn

    @property
    def last_inputs(self) -> dict[str, Any]:
        return getattr(self._local, "inputs", {})

    @last_inputs.setter
    def last_inputs(self, inputs: dict[str, Any]) -> None:
        self._local.inputs = inputs

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict]:
        self.last_inputs = dict(args.inputs)
        if args.typ == "pulumi:pulumi:StackReference":
            name = args.inputs.get("name") or args.name
            if name not in self.stack_references:
                known = ", ".join(self.stack_references) or "none"
                raise ValueError(
                    f"StackReference '{name}' cannot be answered offline (planned: {known})"
                )
            return name, {
                "name": name,
                "outputs": self.stack_references[name],
                "secretOutputNames": [],
            }
        if not args.custom:
            return f"{args.name}-component", {}
        return mock_outputs(
            args.typ, args.name, self.current_urn or args.name, args.inputs, self.ctx
        )

    def call(self, args: MockCallArgs) -> tuple[dict, list | None]:
        ctx = self.ctx
        answers: dict[str, dict[str, Any]] = {
            "aws:index/getCallerIdentity:getCallerIdentity": {
                "accountId": ctx.account_id,
                "arn": f"arn:{ctx.partition}:iam::{ctx.account_id}:user/offline-plan",
                "userId": "AIDAOFFLINEPLAN000000",
                "id": ctx.account_id,
            },
            "aws:index/getRegion:getRegion": {
                "name": ctx.region,
                "region": ctx.region,
                "id": ctx.region,
            },
            "aws:index/getPartition:getPartition": {
                "partition": ctx.partition,
                "dnsSuffix": "amazonaws.com",
                "id": ctx.partition,
            },
            "aws:ecr/getAuthorizationToken:getAuthorizationToken": {
                "authorizationToken": "offline",
                "userName": "AWS",
                "password": "offline-plan-token",
                "proxyEndpoint": f"https://{ctx.account_id}.dkr.ecr.{ctx.region}.amazonaws.com",
                "expiresAt": "2099-01-01T00:00:00Z",
                "id": ctx.region,
            },
        }
        if args.token not in answers:
            raise NotImplementedError(f"the offline plan has no answer for the call {args.token}")
        return answers[args.token], []  # the SDK iterates the failures: never None


class RecordingMonitor(MockMonitor):
    """Sees the whole RegisterResource request: parent, dependencies, provider, options."""

    def __init__(self, mocks: PlanMocks):
        super().__init__(mocks)
        self.plan_mocks = mocks
        self.records: list[PlannedResource] = []

    def RegisterResource(self, request):
        urn = self.make_urn(request.parent, request.type, request.name)
        self.plan_mocks.current_urn = urn
        response = super().RegisterResource(request)
        if request.type == "pulumi:pulumi:Stack":
            return response
        registration = self.resources[urn]
        self.records.append(
            PlannedResource(
                type=request.type,
                name=request.name,
                urn=urn,
                parent=request.parent,
                custom=bool(request.custom),
                provider=request.provider,
                # The SDK collects dependencies in sets: sorted, a plan's JSON is the same each run.
                dependencies=sorted(request.dependencies),
                property_dependencies={
                    key: sorted(value.urns) for key, value in request.propertyDependencies.items()
                },
                protect=bool(request.protect),
                retain_on_delete=bool(request.retainOnDelete),
                inputs=_plain(self.plan_mocks.last_inputs),
                outputs=_plain(registration.state),
                id=registration.id or "",
            )
        )
        return response

    def planned_resources(self) -> list[PlannedResource]:
        return list(self.records)


def _plain(value: Any) -> Any:
    """JSON-able copy of deserialized properties.

    Secrets keep the SDK wrapper (`{<rpc._special_sig_key>: <secret sig>, "value": ...}`)
    so that readers can tell them apart; offline they only ever hold placeholders
    (secure config cannot be decrypted here, and mock outputs are fake).
    """
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return f"<{type(value).__name__}>"
