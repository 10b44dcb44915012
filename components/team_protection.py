"""What production never lets anyone overwrite: the objects the team serves from its buckets."""

from __future__ import annotations

from collections.abc import Mapping


def protected_object_keys(
    bucket_names: Mapping[str, str],
    served_model_url: str | None,
    environment_file: tuple[str, str] | None,
) -> dict[str, list[str]]:
    """Bucket purpose -> keys: the endpoint's model archive (an `s3://` URL in a team bucket)
    and the lab's environment file (`(purpose, key)`)."""
    purposes = {name: purpose for purpose, name in bucket_names.items()}
    keys: dict[str, list[str]] = {}
    if served_model_url:
        bucket, _, key = served_model_url.removeprefix("s3://").partition("/")
        if bucket in purposes and key:
            keys.setdefault(purposes[bucket], []).append(key)
    if environment_file is not None:
        purpose, key = environment_file
        keys.setdefault(purpose, []).append(key)
    return keys
