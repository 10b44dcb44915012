"""The environment layer: network, environment KMS key, access-log and audit buckets, auditor.

Everything here is shared by every team of the environment; team stacks read the exports
through a StackReference (see `components/team.py`). The layer only wires: each section is a
child component, and `environment_exports` assembles the exports from their outputs.
"""

from __future__ import annotations

import pulumi

from components.auditor import Auditor, AuditorArgs
from components.documents.storage import access_log_delivery_statement, flow_log_delivery_statements
from components.encryption import KmsKey, KmsKeyArgs
from components.naming import Naming
from components.network import Network, NetworkArgs
from components.network_egress import EgressArgs
from components.storage import LifecycleRules, SecureBucket, SecureBucketArgs
from settings import EnvironmentSettings
from settings.catalog import INTERFACE_ENDPOINT_SERVICES

FLOW_LOG_PREFIX = "flow-logs/"
# Noncurrent versions of log objects are kept this long.
LOG_NONCURRENT_VERSION_DAYS = 30


class EnvironmentLayer(pulumi.ComponentResource):
    exports: dict[str, pulumi.Input]

    def __init__(self, settings: EnvironmentSettings, naming: Naming, opts: pulumi.ResourceOptions):
        super().__init__("mlops:layer:Environment", naming.scope, None, opts)
        self.settings, self.naming = settings, naming
        self.child = pulumi.ResourceOptions(parent=self)
        key = KmsKey(
            "environment-key",
            KmsKeyArgs(
                alias=naming.kms_alias("environment"),
                description=f"Environment {settings.environment}: logs and audit data",
                account_id=settings.account_id,
                region=settings.region,
                production=settings.production,
                service_principals=("delivery.logs.amazonaws.com",),
                log_group_prefix=f"/{settings.name_prefix}/",
            ),
            self.child,
        )
        access_logs, audit = self._log_buckets(key)
        network = self._network(audit)
        auditor = Auditor(
            "auditor",
            AuditorArgs(
                naming=naming,
                audit_bucket_arn=audit.arn,
                environment_key_arn=key.arn,
                principals=list(settings.governance.auditor_principals),
            ),
            self.child,
        )
        self.exports = environment_exports(
            settings=settings,
            key=key,
            access_logs=access_logs,
            audit=audit,
            network=network,
            auditor=auditor,
        )
        self.register_outputs(self.exports)

    def _log_buckets(self, key: KmsKey) -> tuple[SecureBucket, SecureBucket]:
        """The S3 access-log bucket (SSE-S3: S3 delivers no access logs to SSE-KMS buckets) and
        the audit bucket (VPC flow logs, under the environment key)."""
        settings, naming = self.settings, self.naming
        lifecycle = LifecycleRules(
            expiration_days=settings.governance.audit_log_retention_days,
            noncurrent_version_expiration_days=LOG_NONCURRENT_VERSION_DAYS,
        )
        access_logs = SecureBucket(
            "access-logs",
            SecureBucketArgs(
                bucket_name=naming.bucket("access-logs"),
                purpose="access-logs",
                data_classification="internal",
                kms_key_arn=None,  # S3 access-log delivery supports SSE-S3 targets only
                access_log_bucket=None,  # a log bucket does not log into itself
                lifecycle=lifecycle,
                production=settings.production,
                extra_policy_statements=[
                    access_log_delivery_statement(
                        naming.bucket_arn("access-logs"), settings.account_id
                    )
                ],
            ),
            self.child,
        )
        audit = SecureBucket(
            "audit",
            SecureBucketArgs(
                bucket_name=naming.bucket("audit"),
                purpose="audit",
                data_classification="confidential",
                kms_key_arn=key.arn,
                access_log_bucket=access_logs.name,
                lifecycle=lifecycle,
                production=settings.production,
                extra_policy_statements=flow_log_delivery_statements(
                    naming.bucket_arn("audit"),
                    settings.account_id,
                    settings.region,
                    FLOW_LOG_PREFIX,
                ),
            ),
            self.child,
        )
        return access_logs, audit

    def _network(self, audit: SecureBucket) -> Network:
        settings, net = self.settings, self.settings.network
        return Network(
            "network",
            NetworkArgs(
                mode=net.mode,
                region=settings.region,
                name=self.naming.name("vpc"),
                cidr=net.cidr,
                availability_zones=list(net.availability_zones),
                interface_endpoints={
                    endpoint: INTERFACE_ENDPOINT_SERVICES[endpoint].format(region=settings.region)
                    for endpoint in net.interface_endpoints
                },
                interface_endpoint_azs=net.resolved_interface_endpoint_azs(settings.production),
                flow_log_destination_arn=audit.arn.apply(lambda arn: f"{arn}/{FLOW_LOG_PREFIX}"),
                egress=self._egress(),
                vpc_id=net.vpc_id,
                subnet_ids=list(net.subnet_ids),
                security_group_ids=list(net.security_group_ids),
            ),
            self.child,
        )

    def _egress(self) -> EgressArgs:
        egress = self.settings.network.egress
        # Adopt mode creates no egress resources (settings allow none, or private hosts only).
        if self.settings.network.mode == "adopt":
            return EgressArgs()
        return EgressArgs(
            mode=egress.mode,
            destination_cidrs=[d.cidr for d in egress.destinations if d.cidr],
            destination_prefix_list_ids=[
                d.prefix_list_id for d in egress.destinations if d.prefix_list_id
            ],
            nat_gateways=egress.resolved_nat_gateways(self.settings.production),
            transit_gateway_id=egress.transit_gateway_id,
        )


def environment_exports(
    *,
    settings: EnvironmentSettings,
    key: KmsKey,
    access_logs: SecureBucket,
    audit: SecureBucket,
    network: Network,
    auditor: Auditor,
) -> dict[str, pulumi.Input]:
    """The environment stack's outputs (team stacks read them through a StackReference)."""
    return {
        "layer": "environment",
        "environment": settings.environment,
        "production": settings.production,
        "region": settings.region,
        "accountId": settings.account_id,
        "vpcId": network.vpc_id,
        "privateSubnetIds": network.subnet_ids,
        "workloadSecurityGroupIds": network.workload_security_group_ids,
        "privateRouteTableIds": network.private_route_table_ids,
        "environmentKmsKeyArn": key.arn,
        "accessLogBucket": access_logs.name,
        "auditBucket": audit.name,
        "auditorRoleArn": auditor.role_arn,
        # What team stacks validated against at settings time (checked by the team layer).
        "teamContract": settings.team_contract,
    }
