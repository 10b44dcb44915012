"""The S3/IAM cells of the access matrix, tried for real in moto with IAM authorization on.

Roles are created in moto from the planned documents (trust policy and inline permissions) of
each stack, with their principals replaced by IAM users (moto matches a trust principal against
the caller's ARN only, so an assumed SSO role could never match). Each persona is assumed with
sts and each cell is called with boto3: AccessDenied must match `deny`, success `allow`.
"""

from __future__ import annotations

import json
import os

import boto3
import pytest
from botocore.exceptions import ClientError
from moto import mock_aws
from moto.core import enable_iam_authentication

from mlopsctl.commands.access import naming_of, resolve
from settings.catalog import BUCKET_PURPOSES
from tests.personas.helpers import role_documents

REGION = "eu-west-1"
ENVIRONMENT_BUCKETS = ("audit",)


def _client(service, account=None, creds=None):
    if account:
        os.environ["MOTO_ACCOUNT_ID"] = account
    kwargs = {"region_name": REGION}
    if creds:
        kwargs |= {
            "aws_access_key_id": creds["AccessKeyId"],
            "aws_secret_access_key": creds["SecretAccessKey"],
            "aws_session_token": creds["SessionToken"],
        }
    return boto3.client(service, **kwargs)


def _call(cell, creds, arn: str, versions: dict[str, str]):
    if cell.action.startswith("iam:"):
        iam = _client("iam", creds=creds)
        return iam.get_role(RoleName=arn.rsplit("/", 1)[1])
    s3 = _client("s3", creds=creds)
    bucket, _, key = arn.removeprefix("arn:aws:s3:::").partition("/")
    calls = {
        "s3:GetObject": lambda: s3.get_object(Bucket=bucket, Key=key),
        "s3:PutObject": lambda: s3.put_object(Bucket=bucket, Key=key, Body=b"x"),
        "s3:DeleteObject": lambda: s3.delete_object(Bucket=bucket, Key=key),
        "s3:DeleteObjectVersion": lambda: s3.delete_object(
            Bucket=bucket, Key=key, VersionId=versions[bucket]
        ),
        "s3:ListBucket": lambda: s3.list_objects_v2(Bucket=bucket),
        "s3:GetBucketPolicy": lambda: s3.get_bucket_policy(Bucket=bucket),
        "s3:GetBucketTagging": lambda: s3.get_bucket_tagging(Bucket=bucket),
        "s3:PutBucketPolicy": lambda: s3.put_bucket_policy(
            Bucket=bucket, Policy=json.dumps({"Version": "2012-10-17", "Statement": []})
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


@pytest.fixture
def moto_world(matrix, matrix_plans, monkeypatch):
    """Roles, users and buckets of every stack in moto; yields persona credentials."""
    monkeypatch.delenv("AWS_PROFILE", raising=False)
    for var, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(var, value)
    with mock_aws():
        versions: dict[str, str] = {}
        users: dict[tuple[str, str], dict] = {}
        for stack, plan in matrix_plans.items():
            naming = naming_of(stack)
            account = naming.account_id
            iam, s3 = _client("iam", account), _client("s3", account)
            purposes = BUCKET_PURPOSES if plan.layer == "team" else ENVIRONMENT_BUCKETS
            for purpose in purposes:
                bucket = naming.bucket(purpose)
                s3.create_bucket(
                    Bucket=bucket, CreateBucketConfiguration={"LocationConstraint": REGION}
                )
                s3.put_bucket_versioning(
                    Bucket=bucket, VersioningConfiguration={"Status": "Enabled"}
                )
                s3.put_bucket_tagging(
                    Bucket=bucket, Tagging={"TagSet": [{"Key": "team", "Value": naming.team}]}
                )
                s3.put_bucket_policy(
                    Bucket=bucket,
                    Policy=json.dumps(
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Sid": "Placeholder",
                                    "Effect": "Deny",
                                    "Principal": "*",
                                    "Action": "s3:*",
                                    "Resource": f"arn:aws:s3:::{bucket}/none",
                                }
                            ],
                        }
                    ),
                )
                put = s3.put_object(Bucket=bucket, Key="matrix/sample.csv", Body=b"a,b\n1,2\n")
                versions[bucket] = put["VersionId"]
            for logical, role in role_documents(plan).items():
                user = f"{stack}-{logical}"[:64]
                user_arn = iam.create_user(UserName=user)["User"]["Arn"]
                # Only this user may assume the role (the planned principals are SSO roles).
                trust = {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": [user_arn]},
                            "Action": "sts:AssumeRole",
                        }
                    ],
                }
                created = iam.create_role(
                    RoleName=role["name"], AssumeRolePolicyDocument=json.dumps(trust)
                )["Role"]
                for index, document in enumerate(role["policies"]):
                    iam.put_role_policy(
                        RoleName=role["name"],
                        PolicyName=f"permissions-{index}",
                        PolicyDocument=json.dumps(document),
                    )
                iam.put_user_policy(
                    UserName=user,
                    PolicyName="assume",
                    PolicyDocument=json.dumps(
                        {
                            "Version": "2012-10-17",
                            "Statement": [
                                {
                                    "Effect": "Allow",
                                    "Action": "sts:AssumeRole",
                                    "Resource": created["Arn"],
                                }
                            ],
                        }
                    ),
                )
                key = iam.create_access_key(UserName=user)["AccessKey"]
                users[(stack, logical)] = {"role_arn": created["Arn"], "key": key}
        # The churn data scientist's own policy allows assuming fraud's role too: only the
        # trust policy can refuse it.
        _client("iam", naming_of("churn-dev").account_id).put_user_policy(
            UserName="churn-dev-data-scientist",
            PolicyName="assume-foreign",
            PolicyDocument=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "sts:AssumeRole",
                            "Resource": users[("fraud-dev", "data-scientist")]["role_arn"],
                        }
                    ],
                }
            ),
        )
        monkeypatch.delenv("MOTO_ACCOUNT_ID")
        yield users, versions


def _assume(users, stack, persona):
    entry = users[(stack, persona)]
    sts = boto3.client(
        "sts",
        region_name=REGION,
        aws_access_key_id=entry["key"]["AccessKeyId"],
        aws_secret_access_key=entry["key"]["SecretAccessKey"],
    )
    return sts.assume_role(RoleArn=entry["role_arn"], RoleSessionName="matrix")["Credentials"]


def test_moto_decides_every_s3_and_iam_cell_as_the_matrix_says(matrix, moto_world):
    users, versions = moto_world
    cells = [c for c in matrix if c.proven_in_moto]
    assert len(cells) >= 40
    mismatches = []
    with enable_iam_authentication():
        creds = {key: _assume(users, *key) for key in {(c.stack, c.persona) for c in cells}}
        for cell in cells:
            arn = resolve(cell.resource)
            outcome = _outcome(
                lambda c=cell, a=arn: _call(c, creds[(c.stack, c.persona)], a, versions)
            )
            if outcome != cell.expect:
                mismatches.append(f"{cell.label}: expected {cell.expect}, moto says {outcome}")
    assert not mismatches, "\n".join(mismatches)


def test_a_principal_not_in_the_trust_policy_cannot_assume_a_persona(matrix_plans, moto_world):
    users, _ = moto_world
    with enable_iam_authentication():
        intruder = users[("churn-dev", "data-scientist")]
        sts = boto3.client(
            "sts",
            region_name=REGION,
            aws_access_key_id=intruder["key"]["AccessKeyId"],
            aws_secret_access_key=intruder["key"]["SecretAccessKey"],
        )
        target = users[("fraud-dev", "data-scientist")]["role_arn"]
        with pytest.raises(ClientError) as denied:
            sts.assume_role(RoleArn=target, RoleSessionName="intruder")
        assert denied.value.response["Error"]["Code"] == "AccessDenied"
        assert _assume(users, "fraud-dev", "data-scientist")["AccessKeyId"]
