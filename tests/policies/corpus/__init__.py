"""The insecure corpus, one module per rule family: variants of the shipped stacks, each caught
by the rule meant for it (see tests/policies/test_corpus.py)."""

from tests.policies.corpus import (
    accounts,
    cost,
    ecr,
    escalation,
    exposure,
    governance,
    iam,
    keys,
    kms,
    kubernetes,
    kubernetes_attacks,
    network,
    s3,
    s3_attacks,
    sagemaker,
    sagemaker_attacks,
    schedules,
)

CASES = [
    *s3.CASES,
    *s3_attacks.CASES,
    *kms.CASES,
    *keys.CASES,
    *accounts.CASES,
    *iam.CASES,
    *escalation.CASES,
    *sagemaker.CASES,
    *sagemaker_attacks.CASES,
    *schedules.CASES,
    *ecr.CASES,
    *kubernetes.CASES,
    *kubernetes_attacks.CASES,
    *network.CASES,
    *exposure.CASES,
    *governance.CASES,
    *cost.CASES,
]
