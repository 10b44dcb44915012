"""IAM, KMS, S3, ECR and Secrets Manager resource types -> their API requests.

Names the engine auto-generates when the program gives none (a role's, an inline policy's) are
`supplied`: the plan has no value for them yet.
"""

from __future__ import annotations

from mlopsctl.conformance.requests import SKIP, Request, request

_BUCKET = ("Bucket",)
_S3 = "s3"

IAM_REQUESTS: dict[str, tuple[Request, ...]] = {
    "aws:iam/role:Role": (
        request(
            "iam",
            "CreateRole",
            {
                "name": "RoleName",
                "assumeRolePolicy": "AssumeRolePolicyDocument",
                "namePrefix": SKIP,
                "forceDetachPolicies": SKIP,
                "inlinePolicies": SKIP,  # PutRolePolicy calls, checked as RolePolicy would be
                "managedPolicyArns": SKIP,
            },
            supplied=("RoleName",),
        ),
    ),
    "aws:iam/rolePolicy:RolePolicy": (
        request(
            "iam",
            "PutRolePolicy",
            {
                "role": "RoleName",
                "name": "PolicyName",
                "policy": "PolicyDocument",
                "namePrefix": SKIP,
            },
            supplied=("PolicyName",),
        ),
    ),
    "aws:iam/policy:Policy": (
        request(
            "iam",
            "CreatePolicy",
            {"name": "PolicyName", "policy": "PolicyDocument", "namePrefix": SKIP},
            supplied=("PolicyName",),
        ),
    ),
    "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (
        request("iam", "AttachRolePolicy", {"role": "RoleName"}),
    ),
}

KMS_REQUESTS: dict[str, tuple[Request, ...]] = {
    "aws:kms/key:Key": (
        request(
            "kms",
            "CreateKey",
            {"customerMasterKeySpec": "KeySpec", "enableKeyRotation": SKIP, "isEnabled": SKIP},
        ),
        request(
            "kms",
            "ScheduleKeyDeletion",
            {"deletionWindowInDays": "PendingWindowInDays"},
            claims=("deletionWindowInDays",),
            supplied=("KeyId",),
        ),
        request("kms", "EnableKeyRotation", claims=("rotationPeriodInDays",), supplied=("KeyId",)),
    ),
    "aws:kms/alias:Alias": (
        request("kms", "CreateAlias", {"name": "AliasName", "namePrefix": SKIP}),
    ),
}

S3_REQUESTS: dict[str, tuple[Request, ...]] = {
    "aws:s3/bucket:Bucket": (
        request(
            _S3,
            "CreateBucket",
            {
                "bucketPrefix": SKIP,
                "forceDestroy": SKIP,
                "objectLockEnabled": "ObjectLockEnabledForBucket",
                "region": SKIP,
            },
            supplied=_BUCKET,
        ),
        request(
            _S3, "PutBucketTagging", {"tags": "Tagging.TagSet"}, claims=("tags",), supplied=_BUCKET
        ),
    ),
    "aws:s3/bucketVersioning:BucketVersioning": (request(_S3, "PutBucketVersioning"),),
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": (
        request(_S3, "PutBucketEncryption", {"rules": "ServerSideEncryptionConfiguration.Rules"}),
    ),
    "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": (
        request(
            _S3,
            "PutPublicAccessBlock",
            {
                key: f"PublicAccessBlockConfiguration.{key[0].upper()}{key[1:]}"
                for key in (
                    "blockPublicAcls",
                    "blockPublicPolicy",
                    "ignorePublicAcls",
                    "restrictPublicBuckets",
                )
            }
            | {"skipDestroy": SKIP},
        ),
    ),
    "aws:s3/bucketPolicy:BucketPolicy": (request(_S3, "PutBucketPolicy"),),
    "aws:s3/bucketOwnershipControls:BucketOwnershipControls": (
        request(_S3, "PutBucketOwnershipControls", {"rule": "OwnershipControls.Rules"}),
    ),
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": (
        request(_S3, "PutBucketLifecycleConfiguration", {"rules": "LifecycleConfiguration.Rules"}),
    ),
    "aws:s3/bucketLogging:BucketLogging": (
        request(
            _S3,
            "PutBucketLogging",
            {
                key: f"BucketLoggingStatus.LoggingEnabled.{key[0].upper()}{key[1:]}"
                for key in ("targetBucket", "targetPrefix", "targetGrants", "targetObjectKeyFormat")
            },
        ),
    ),
}

ECR_REQUESTS: dict[str, tuple[Request, ...]] = {
    "aws:ecr/repository:Repository": (
        request(
            "ecr",
            "CreateRepository",
            {
                "name": "repositoryName",
                "encryptionConfigurations": "encryptionConfiguration",
                "forceDelete": SKIP,
            },
        ),
    ),
    "aws:ecr/lifecyclePolicy:LifecyclePolicy": (
        request(
            "ecr",
            "PutLifecyclePolicy",
            {"repository": "repositoryName", "policy": "lifecyclePolicyText"},
        ),
    ),
    "aws:ecr/repositoryPolicy:RepositoryPolicy": (
        request(
            "ecr", "SetRepositoryPolicy", {"repository": "repositoryName", "policy": "policyText"}
        ),
    ),
}

SECRETS_REQUESTS: dict[str, tuple[Request, ...]] = {
    # recoveryWindowInDays is a DeleteSecret parameter; replicas are AddReplicaRegions.
    "aws:secretsmanager/secret:Secret": (
        request(
            "secretsmanager",
            "CreateSecret",
            {"recoveryWindowInDays": SKIP, "namePrefix": SKIP, "policy": SKIP, "replicas": SKIP},
            supplied=("Name",),
        ),
    ),
}
