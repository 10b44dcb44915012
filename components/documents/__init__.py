"""Policy documents (IAM, KMS key and bucket policies) built by pure functions from plain values.

Components call these inside `.apply` where a value is only known at deploy time; tests call them
directly, without Pulumi.
"""
