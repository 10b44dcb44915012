"""A real `moto_server` on a free loopback port, with IAM authorization on, loaded from a plan.

The first `SETUP_CALLS` requests are unauthenticated (moto's `INITIAL_NO_AUTH_ACTION_COUNT`):
they create an administrator user whose keys do the rest of the setup. Every later request is
authorized by moto against the identity policies of the caller, so credentials of an assumed
persona role can do exactly what the planned policies allow (as far as moto evaluates them).

    with moto_server(tmp_path, account_id=...) as server:
        load_plan(server, plan)                 # buckets, roles, inline and managed policies
        load_buckets(server, other_plan)        # only the buckets (another team's, say)
        creds = assume_as_trusted_principal(server, role_arn)  # through the planned trust
        creds = assume_through_user(server, role_arn)   # trust replaced by an IAM user
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

from tests.containers.container_test_utils import REQUEST_TIMEOUT, START_DEADLINE

# create_user, put_user_policy, create_access_key.
SETUP_CALLS = 3
# The shared deadlines for a busy machine: they only stop a hang of the server.
START_TIMEOUT_SECONDS = START_DEADLINE
STOP_TIMEOUT_SECONDS = 30
ADMIN_POLICY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class MotoServer:
    endpoint: str
    region: str
    admin: dict[str, str]  # environment variables with the administrator's keys

    def client(self, service: str, credentials: dict[str, str] | None = None):
        creds = credentials or self.admin
        return boto3.client(
            service,
            endpoint_url=self.endpoint,
            region_name=self.region,
            aws_access_key_id=creds["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=creds["AWS_SECRET_ACCESS_KEY"],
            aws_session_token=creds.get("AWS_SESSION_TOKEN"),
            config=Config(
                retries={"max_attempts": 1},
                connect_timeout=REQUEST_TIMEOUT,
                read_timeout=REQUEST_TIMEOUT,
            ),
        )

    def assume_role(self, role_arn: str, session: str = "e2e") -> dict[str, str]:
        """Credentials of `role_arn`, as environment variables for a client subprocess."""
        answer = self.client("sts").assume_role(RoleArn=role_arn, RoleSessionName=session)
        c = answer["Credentials"]
        return {
            "AWS_ACCESS_KEY_ID": c["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": c["SecretAccessKey"],
            "AWS_SESSION_TOKEN": c["SessionToken"],
        }


def _wait_until_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    # A TCP connect, not an HTTP request: a request could use up an unauthenticated call.
    # Each attempt may take the time left (a refused connect returns at once anyway).
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while (left := deadline - time.monotonic()) > 0:
        if process.poll() is not None:
            raise RuntimeError(f"moto_server exited early:\n{log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=max(1.0, left)):
                return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(
        f"moto_server did not listen within {START_TIMEOUT_SECONDS}s:\n{log.read_text()}"
    )


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=STOP_TIMEOUT_SECONDS)


@contextmanager
def moto_server(tmp_path: Path, *, account_id: str, region: str) -> Iterator[MotoServer]:
    """Start moto_server with authorization on; stop it however the block ends."""
    port = free_port()
    log = tmp_path / "moto_server.log"
    env = {
        **os.environ,
        "INITIAL_NO_AUTH_ACTION_COUNT": str(SETUP_CALLS),
        "MOTO_ACCOUNT_ID": account_id,
        "AWS_DEFAULT_REGION": region,
    }
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_until_listening(port, process, log)
        endpoint = f"http://127.0.0.1:{port}"
        anonymous = {"AWS_ACCESS_KEY_ID": "setup", "AWS_SECRET_ACCESS_KEY": "setup"}
        iam = MotoServer(endpoint, region, anonymous).client("iam")
        iam.create_user(UserName="e2e-admin")
        iam.put_user_policy(
            UserName="e2e-admin", PolicyName="admin", PolicyDocument=json.dumps(ADMIN_POLICY)
        )
        key = iam.create_access_key(UserName="e2e-admin")["AccessKey"]
        admin = {
            "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
        }
        yield MotoServer(endpoint, region, admin)
    finally:
        stop(process)


def _policy_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def load_buckets(server: MotoServer, plan: Any) -> list[str]:
    """Create the plan's buckets, versioned as planned; returns their names."""
    s3 = server.client("s3")
    names = []
    for bucket in plan.of_type("aws:s3/bucket:Bucket"):
        name = bucket.inputs["bucket"]
        s3.create_bucket(
            Bucket=name, CreateBucketConfiguration={"LocationConstraint": server.region}
        )
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        names.append(name)
    return names


def load_plan(server: MotoServer, plan: Any) -> dict[str, str]:
    """Create the plan's buckets and IAM roles with their policies; returns role name -> ARN."""
    load_buckets(server, plan)
    iam = server.client("iam")
    roles: dict[str, str] = {}
    for role in plan.of_type("aws:iam/role:Role"):
        name = role.outputs.get("name") or role.inputs["name"]
        created = iam.create_role(
            RoleName=name,
            Path=role.inputs.get("path") or "/",
            AssumeRolePolicyDocument=_policy_text(role.inputs["assumeRolePolicy"]),
        )
        roles[name] = created["Role"]["Arn"]
    for policy in plan.of_type("aws:iam/rolePolicy:RolePolicy"):
        iam.put_role_policy(
            RoleName=policy.inputs["role"],
            PolicyName=policy.inputs.get("name") or policy.name,
            PolicyDocument=_policy_text(policy.inputs["policy"]),
        )
    managed: dict[str, str] = {}
    for policy in plan.of_type("aws:iam/policy:Policy"):
        created = iam.create_policy(
            PolicyName=policy.outputs["name"],
            Path=policy.inputs.get("path") or "/",
            PolicyDocument=_policy_text(policy.inputs["policy"]),
        )
        managed[policy.outputs["arn"]] = created["Policy"]["Arn"]
    for attachment in plan.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment"):
        arn = attachment.inputs["policyArn"]
        iam.attach_role_policy(RoleName=attachment.inputs["role"], PolicyArn=managed.get(arn, arn))
    return roles


def _role_parts(arn: str) -> tuple[str, str]:
    """`arn:aws:iam::1:role/a/b/Name` -> ("/a/b/", "Name")."""
    resource = arn.split(":", 5)[5].removeprefix("role")
    path, _, name = resource.rpartition("/")
    return f"{path}/", name


def assume_as_trusted_principal(server: MotoServer, role_arn: str) -> dict[str, str]:
    """Assume `role_arn` the way its users do: first become a principal its trust policy names.

    Each configured role principal (e.g. an IAM Identity Center permission-set role) is created
    in moto, trusting the administrator and allowed only `sts:AssumeRole` on `role_arn`; moto
    then checks the planned trust policy when that principal assumes the persona role.
    """
    iam = server.client("iam")
    name = role_arn.rsplit("/", 1)[-1]
    trust = json.loads(json.dumps(iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]))
    principals = [
        p
        for statement in trust["Statement"]
        if statement["Effect"] == "Allow"
        for p in _as_list(statement.get("Principal", {}).get("AWS"))
        if ":role/" in p or ":assumed-role/" in p
    ]
    if not principals:
        raise LookupError(f"{role_arn}: its trust policy names no role principal to act as")
    principal = principals[0]
    if ":assumed-role/" in principal:  # rewritten by an earlier call, see below
        principal = iam.get_role(RoleName=principal.split("/")[1])["Role"]["Arn"]
    path, principal_name = _role_parts(principal)
    admin_arn = server.client("sts").get_caller_identity()["Arn"]
    with contextlib.suppress(iam.exceptions.EntityAlreadyExistsException):
        iam.create_role(
            RoleName=principal_name,
            Path=path,
            AssumeRolePolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": admin_arn},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
            ),
        )
    iam.put_role_policy(
        RoleName=principal_name,
        PolicyName=f"assume-{name}",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}
                ],
            }
        ),
    )
    # AWS matches a role principal against every session of that role; moto compares the
    # session ARN literally, so name the principal's session the way moto sees it.
    account = principal.split(":")[4]
    session_arn = f"arn:aws:sts::{account}:assumed-role/{principal_name}/principal"
    rewritten = json.loads(json.dumps(trust).replace(f'"{principals[0]}"', f'"{session_arn}"'))
    iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(rewritten))
    via = server.assume_role(principal, session="principal")
    answer = server.client("sts", via).assume_role(RoleArn=role_arn, RoleSessionName="persona")
    c = answer["Credentials"]
    return {
        "AWS_ACCESS_KEY_ID": c["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": c["SecretAccessKey"],
        "AWS_SESSION_TOKEN": c["SessionToken"],
    }


def assume_through_user(server: MotoServer, role_arn: str) -> dict[str, str]:
    """Credentials of `role_arn` for a role whose principals moto cannot be (a service such as
    sagemaker.amazonaws.com, a SAML provider): its trust policy is replaced by one naming a new
    IAM user, allowed only `sts:AssumeRole` on it. The role's permissions stay the planned ones.
    """
    iam = server.client("iam")
    name = role_arn.rsplit("/", 1)[-1]
    user = f"as-{name}"[:64]
    with contextlib.suppress(iam.exceptions.EntityAlreadyExistsException):
        iam.create_user(UserName=user)
    user_arn = iam.get_user(UserName=user)["User"]["Arn"]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": user_arn}, "Action": "sts:AssumeRole"}
        ],
    }
    iam.update_assume_role_policy(RoleName=name, PolicyDocument=json.dumps(trust))
    allow = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": role_arn}],
    }
    iam.put_user_policy(UserName=user, PolicyName="assume", PolicyDocument=json.dumps(allow))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    keys = {
        "AWS_ACCESS_KEY_ID": key["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": key["SecretAccessKey"],
    }
    answer = server.client("sts", keys).assume_role(RoleArn=role_arn, RoleSessionName="as-user")
    c = answer["Credentials"]
    return {
        "AWS_ACCESS_KEY_ID": c["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": c["SecretAccessKey"],
        "AWS_SESSION_TOKEN": c["SessionToken"],
    }


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)
