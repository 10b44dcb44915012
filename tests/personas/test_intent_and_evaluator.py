"""The intent's format, the documented ARN formats, and the evaluator's trust-policy semantics."""

from __future__ import annotations

import pytest

from mlopsctl.access import arns
from mlopsctl.access.evaluator import evaluate_trust, explain, principal_matches
from mlopsctl.access.intent import IntentError, load_intent, parse_intent

ACCOUNT = "111122223333"
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_X_1"


def test_shipped_intent_loads_and_every_step_is_named():
    rules = load_intent()
    assert len(rules) >= 80
    assert all(r.step for r in rules)
    assert {r.expect for r in rules} == {"allow", "deny"}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ({"who": "human", "actions": ["s3:GetObject"], "resource": {"kind": "object"}}, "expect"),
        (
            {"who": "boss", "actions": ["a:B"], "resource": {"kind": "any"}, "expect": "allow"},
            "who",
        ),
        (
            {"who": "human", "actions": ["a:B"], "resource": {"kind": "x"}, "expect": "allow"},
            "kind",
        ),
        (
            {"who": "human", "actions": ["a:B"], "resource": {"kind": "any"}, "expect": "deny"}
            | {"personas": ["boss"]},
            "personas",
        ),
        (
            {"who": "human", "actions": ["a:B"], "expect": "deny"}
            | {"resource": {"kind": "app", "team": "mars"}},
            "team",
        ),
        ({"who": "human", "actions": ["a:B"], "on": {"kind": "any"}, "expect": "deny"}, "keys"),
    ],
)
def test_a_malformed_rule_is_refused(rule, message):
    with pytest.raises(IntentError, match=message):
        parse_intent({"rules": [rule]})


def test_documented_run_time_formats():
    app = arns.app_resource("d-abc123", "alice-private")
    assert app == "app/d-abc123/alice-private/jupyterlab/default"
    assert arns.training_job_resource("Fraud-Train") == "training-job/fraud-train"
    stream = arns.studio_app_stream("d-abc123", "alice-private")
    assert stream == "d-abc123/alice-private/JupyterLab/default"
    assert arns.training_job_stream("job") == "job/algo-1-1700000000"
    assert arns.processing_job_stream("job") == "job/algo-1-1700000000"
    assert arns.endpoint_stream("AllTraffic", "i-0abc") == "AllTraffic/i-0abc"
    assert (
        arns.log_stream_arn("aws", "eu-west-1", ACCOUNT, arns.STUDIO_LOG_GROUP, stream)
        == f"arn:aws:logs:eu-west-1:{ACCOUNT}:log-group:/aws/sagemaker/studio:log-stream:"
        "d-abc123/alice-private/JupyterLab/default"
    )
    assert arns.s3_object_arn("aws", "b", "k/x") == "arn:aws:s3:::b/k/x"
    assert arns.parse_s3_url("s3://b/dvc") == ("b", "dvc")


def test_principal_matching():
    assert principal_matches({"AWS": ROOT}, ROLE)  # the account: any of its principals
    assert principal_matches({"AWS": ACCOUNT}, ROLE)
    assert not principal_matches({"AWS": ROOT}, "arn:aws:iam::999988887777:role/x")
    session = f"arn:aws:sts::{ACCOUNT}:assumed-role/AWSReservedSSO_X_1/alice"
    assert principal_matches({"AWS": [ROLE]}, session)  # a role matches its sessions
    assert not principal_matches({"AWS": [ROLE]}, f"arn:aws:iam::{ACCOUNT}:role/other")
    saml = f"arn:aws:iam::{ACCOUNT}:saml-provider/idp"
    assert principal_matches({"Federated": saml}, saml, "Federated")
    assert not principal_matches({"AWS": saml}, saml, "Federated")
    assert principal_matches("*", ROLE)


def test_trust_evaluation_with_principal_tags_and_explicit_deny():
    tagged = {
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": ROOT},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"aws:PrincipalTag/team": "fraud"}},
            }
        ]
    }
    caller = f"arn:aws:iam::{ACCOUNT}:role/anyone"
    with_tag = {"aws:PrincipalTag/team": "fraud"}
    assert evaluate_trust(tagged, "sts:AssumeRole", caller, with_tag) == "allow"
    assert evaluate_trust(tagged, "sts:AssumeRole", caller, {}) == "deny"
    assert evaluate_trust(tagged, "sts:TagSession", caller, with_tag) == "deny"
    nobody = {
        "Statement": [
            *tagged["Statement"],
            {"Effect": "Deny", "Principal": {"AWS": ROOT}, "Action": "sts:AssumeRole"},
        ]
    }
    assert evaluate_trust(nobody, "sts:AssumeRole", caller, with_tag) == "deny"
    with pytest.raises(ValueError, match="NotPrincipal"):
        evaluate_trust(
            {"Statement": [{"Effect": "Deny", "NotPrincipal": {"AWS": ROOT}, "Action": "*"}]},
            "sts:AssumeRole",
            caller,
            {},
        )


def test_explain_names_the_deciding_statements():
    docs = [
        {
            "Statement": [
                {"Sid": "Read", "Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},
                {"Sid": "NotRaw", "Effect": "Deny", "Action": "s3:*", "Resource": "arn:raw/*"},
            ]
        }
    ]
    assert explain(docs, "s3:GetObject", "arn:raw/k", {}) == ["Allow:Read", "Deny:NotRaw"]
    assert explain(docs, "s3:PutObject", "arn:x/k", {}) == []
