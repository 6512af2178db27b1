"""Where uploads and generated files live: local files by default, S3-compatible storage when configured.

Settings call :func:`s3_storage` with the ``S3_*`` environment (docs/DEPLOY.md,
"Several machines"); the storage tests call it with their own server's
address, so both use the same options.
"""

from __future__ import annotations


def s3_storage(
    *,
    bucket: str,
    endpoint_url: str | None = None,
    access_key: str | None = None,
    secret_key: str | None = None,
    region: str | None = None,
    prefix: str = "media",
) -> dict:
    """The ``STORAGES["default"]`` entry for a bucket.

    Files stay private (no public ACL; any URL is signed and expires), are
    never overwritten by a later file of the same name, and are addressed by
    path so MinIO and other S3-compatible servers work without DNS tricks.
    MRM serves them through its own views, after its permission checks.
    """
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint_url or None,
            "access_key": access_key or None,
            "secret_key": secret_key or None,
            "region_name": region or None,
            "location": prefix,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
            "addressing_style": "path",
        },
    }
