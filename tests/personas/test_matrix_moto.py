"""The S3/IAM cells of the derived matrix without a request context, tried for real in moto.

moto (with IAM authorization on) judges S3 and IAM requests against the resource, ignoring
conditions, so a cell without context is decided by moto here, in addition to the evaluator.
The planned roles and inline policies of every stack are created in moto, in their accounts,
with their trust replaced by an IAM user each (moto matches a trust principal against the
caller's ARN only, so an assumed SSO role could never match; the trust policies themselves are
judged by the evaluator and, in test_journeys.py, by moto_server). Each acting role is assumed
with sts and each cell is called with boto3: AccessDenied must match `deny`, anything else
`allow`.
"""

from __future__ import annotations

import json
import os

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import enable_iam_authentication

from mlopsctl.access.arns import parse_s3_url
from mlopsctl.access.cells import evaluate_cell
from mlopsctl.access.evaluator import explain
from tests.conftest import SHIPPED_STACKS

PLACEHOLDER_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Placeholder",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": "arn:aws:s3:::placeholder-bucket/none",
        }
    ],
}


def _client(service, account=None, creds=None, region="eu-west-1"):
    if account:
        os.environ["MOTO_ACCOUNT_ID"] = account
    kwargs = {"region_name": region}
    if creds:
        kwargs |= {
            "aws_access_key_id": creds["AccessKeyId"],
            "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds.get("SessionToken"),
        }
    return boto3.client(service, **kwargs)


def _split(arn: str) -> tuple[str, str]:
    return parse_s3_url("s3://" + arn.split(":::", 1)[1])


def _call(cell, clients, versions: dict[str, str]):
    if cell.action == "iam:GetRole":
        return clients["iam"].get_role(RoleName=cell.resource.rsplit("/", 1)[1])
    s3 = clients["s3"]
    bucket, key = _split(cell.resource)
    calls = {
        "s3:GetObject": lambda: s3.get_object(Bucket=bucket, Key=key),
        "s3:PutObject": lambda: s3.put_object(Bucket=bucket, Key=key, Body=b"x"),
        "s3:DeleteObject": lambda: s3.delete_object(Bucket=bucket, Key=key),
        "s3:DeleteObjectVersion": lambda: s3.delete_object(
            Bucket=bucket, Key=key, VersionId=versions[cell.resource]
        ),
        "s3:ListBucket": lambda: s3.list_objects_v2(Bucket=bucket),
        "s3:GetBucketPolicy": lambda: s3.get_bucket_policy(Bucket=bucket),
        "s3:GetBucketTagging": lambda: s3.get_bucket_tagging(Bucket=bucket),
        "s3:PutBucketPolicy": lambda: s3.put_bucket_policy(
            Bucket=bucket, Policy=json.dumps(PLACEHOLDER_POLICY)
        ),
    }
    return calls[cell.action]()


def _outcome(call) -> str:
    try:
        call()
    except ClientError as error:
        code = error.response["Error"]["Code"]
        return "deny" if code in ("AccessDenied", "AccessDeniedException") else "allow"
    return "allow"


def _create_buckets(facts, versions, objects) -> None:
    for stack in facts.values():
        s3 = _client("s3", stack.account)
        for bucket in stack.buckets.values():
            s3.create_bucket(
                Bucket=bucket.name,
                CreateBucketConfiguration={"LocationConstraint": stack.region},
            )
            s3.put_bucket_versioning(
                Bucket=bucket.name, VersioningConfiguration={"Status": "Enabled"}
            )
            s3.put_bucket_tagging(
                Bucket=bucket.name, Tagging={"TagSet": [{"Key": "team", "Value": stack.team}]}
            )
            s3.put_bucket_policy(Bucket=bucket.name, Policy=json.dumps(PLACEHOLDER_POLICY))
        for arn in objects.get(stack.stack, ()):
            bucket, key = _split(arn)
            versions[arn] = s3.put_object(Bucket=bucket, Key=key, Body=b"a,b\n1,2\n")["VersionId"]


def _create_role(stack, role, users) -> None:
    iam = _client("iam", stack.account)
    user = f"u-{role.name}"[:64]
    user_arn = iam.create_user(UserName=user)["User"]["Arn"]
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": [user_arn]}, "Action": "sts:AssumeRole"}
        ],
    }
    created = iam.create_role(RoleName=role.name, AssumeRolePolicyDocument=json.dumps(trust))
    for index, document in enumerate(role.policies):
        iam.put_role_policy(
            RoleName=role.name,
            PolicyName=f"permissions-{index}",
            PolicyDocument=json.dumps(document),
        )
    assume = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": created["Role"]["Arn"]}
        ],
    }
    iam.put_user_policy(UserName=user, PolicyName="assume", PolicyDocument=json.dumps(assume))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    users[role.arn] = {"account": stack.account, "user": user, "key": key}


@pytest.fixture(scope="module")
def moto_world(derived):
    """Every shipped stack's moto cells, with roles, users, buckets and objects in moto."""
    matrices = [derived(s) for s in SHIPPED_STACKS]
    cells = [c for m in matrices for c in m.cells if c.proof == "moto"]
    facts = {s: f for m in matrices for s, f in m.facts.items()}
    objects: dict[str, set[str]] = {}
    for cell in cells:
        if cell.action.startswith("s3:") and "/" in cell.resource.split(":::", 1)[1]:
            objects.setdefault(cell.target, set()).add(cell.resource)
    with pytest.MonkeyPatch.context() as env, mock_aws():
        env.delenv("AWS_PROFILE", raising=False)
        env.setenv("AWS_ACCESS_KEY_ID", "testing")
        env.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        env.delenv("AWS_SESSION_TOKEN", raising=False)
        versions: dict[str, str] = {}
        users: dict[str, dict] = {}
        _create_buckets(facts, versions, objects)
        acting = {c.principal for c in cells}
        for stack in facts.values():
            for role in stack.roles:
                if role.arn in acting or role.label == "data-scientist":
                    _create_role(stack, role, users)
        os.environ.pop("MOTO_ACCOUNT_ID", None)
        yield cells, users, versions, facts


def _assume(users, role_arn):
    entry = users[role_arn]
    sts = _client("sts", creds={**entry["key"], "SessionToken": None})
    return sts.assume_role(RoleArn=role_arn, RoleSessionName="matrix")["Credentials"]


def test_moto_decides_every_s3_and_iam_cell_as_the_intent_says(moto_world):
    cells, users, versions, facts = moto_world
    assert len(cells) >= 200
    wrong = []
    with enable_iam_authentication():
        clients = {}
        for arn in sorted({c.principal for c in cells}):
            creds = _assume(users, arn)
            clients[arn] = {s: _client(s, creds=creds) for s in ("s3", "iam")}
        for cell in cells:
            outcome = _outcome(lambda c=cell: _call(c, clients[c.principal], versions))
            if outcome != cell.expect and not _moto_applies_a_conditional_deny(
                cell, facts, outcome
            ):
                wrong.append(
                    f"[{cell.step}] {cell.label}: expected {cell.expect}, moto says {outcome}"
                )
    assert not wrong, f"{len(wrong)} of {len(cells)} cells (judge: moto):\n" + "\n".join(wrong)


def _moto_applies_a_conditional_deny(cell, facts, outcome: str) -> bool:
    """moto ignores conditions, so a Deny whose condition AWS would find false (say, the
    production guardrail that lets only retraining write model archives, `ArnNotLike
    aws:PrincipalArn`) denies in moto anyway. Such a cell is the evaluator's, with the request
    context AWS always sets."""
    if outcome != "deny" or cell.expect != "allow":
        return False
    stack = facts[cell.stack]
    role = stack.role_by_arn(cell.principal)
    assert role is not None, cell.label
    # The conditional denies as moto applies them: without their conditions.
    denies = [
        {k: v for k, v in statement.items() if k != "Condition"}
        for document in role.policies
        for statement in document.get("Statement", [])
        if statement.get("Effect") == "Deny" and statement.get("Condition")
    ]
    matching = explain([{"Statement": denies}], cell.action, cell.resource, {}) if denies else []
    return bool(matching) and evaluate_cell(cell, facts) == "allow"


def test_a_principal_not_in_the_trust_policy_cannot_assume_a_persona(derived, moto_world):
    """Another team's user whose own policy allows the call: only the trust policy refuses."""
    _, users, _, _ = moto_world
    fraud = derived("fraud-dev").facts["fraud-dev"].human_role("data-scientist")
    churn = derived("churn-dev").facts["churn-dev"].human_role("data-scientist")
    intruder = users[churn.arn]
    iam = _client("iam", intruder["account"])
    foreign = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": fraud.arn}],
    }
    iam.put_user_policy(
        UserName=intruder["user"], PolicyName="assume-foreign", PolicyDocument=json.dumps(foreign)
    )
    os.environ.pop("MOTO_ACCOUNT_ID", None)
    with enable_iam_authentication():
        sts = _client("sts", creds={**intruder["key"], "SessionToken": None})
        with pytest.raises(ClientError) as denied:
            sts.assume_role(RoleArn=fraud.arn, RoleSessionName="intruder")
        assert denied.value.response["Error"]["Code"] == "AccessDenied", "judge: moto"
        assert _assume(users, fraud.arn)["AccessKeyId"], "judge: moto"
