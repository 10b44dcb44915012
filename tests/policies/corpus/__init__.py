"""The insecure corpus, one module per rule family: variants of the shipped stacks, each caught
by the rule meant for it (see tests/policies/test_corpus.py)."""

from tests.policies.corpus import (
    cost,
    ecr,
    governance,
    iam,
    kms,
    kubernetes,
    network,
    s3,
    sagemaker,
)

CASES = [
    *s3.CASES,
    *kms.CASES,
    *iam.CASES,
    *sagemaker.CASES,
    *ecr.CASES,
    *kubernetes.CASES,
    *network.CASES,
    *governance.CASES,
    *cost.CASES,
]
