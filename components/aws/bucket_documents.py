"""Pure builders for the documents around an S3 bucket used through EKS Pod Identity.

No resources here: the IAM trust and permission policies, the TLS-only bucket policy,
the KMS key policy and S3's bucket-name rules, each a plain function with plain tests.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Sequence
from typing import Literal

from components.facts.aws import regional_name, service_principal
from components.aws.key_policies import account_admin_statement

Access = Literal["read-only", "read-write"]

POD_IDENTITY_PRINCIPAL = service_principal("pods.eks.amazonaws.com")
# EKS Pod Identity calls AssumeRole and tags the session with the pod's cluster, namespace
# and service account; without sts:TagSession the association cannot hand out credentials.
POD_IDENTITY_ACTIONS = ("sts:AssumeRole", "sts:TagSession")

# Object-level and bucket-level actions per access mode. Nothing else is ever granted:
# no s3:*, no bucket configuration or policy changes, no other bucket.
OBJECT_ACTIONS: dict[Access, tuple[str, ...]] = {
    "read-only": ("s3:GetObject", "s3:GetObjectTagging"),
    "read-write": (
        "s3:GetObject", "s3:GetObjectTagging", "s3:PutObject", "s3:PutObjectTagging",
        "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts",
    ),
}
BUCKET_ACTIONS: dict[Access, tuple[str, ...]] = {
    "read-only": ("s3:ListBucket", "s3:GetBucketLocation"),
    "read-write": ("s3:ListBucket", "s3:GetBucketLocation", "s3:ListBucketMultipartUploads"),
}
# KMS actions the workload needs on the bucket key (through S3 only).
KMS_ACTIONS: dict[Access, tuple[str, ...]] = {
    "read-only": ("kms:Decrypt",),
    "read-write": ("kms:Decrypt", "kms:GenerateDataKey"),
}

# Storage classes a lifecycle rule may transition objects to.
STORAGE_CLASSES = ("STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR", "GLACIER", "DEEP_ARCHIVE")

# S3 bucket naming rules (docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).
_BUCKET_CHARS = re.compile(r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$")
RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def pod_identity_trust_policy() -> str:
    """Trust policy letting only EKS Pod Identity assume the role (and tag the session)."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "EksPodIdentity",
            "Effect": "Allow",
            "Principal": {"Service": POD_IDENTITY_PRINCIPAL},
            "Action": list(POD_IDENTITY_ACTIONS),
        }],
    })


def bucket_access_policy(bucket_arn: str, access: Access) -> str:
    """Least-privilege workload policy: resources are exactly the bucket and its objects."""
    if access not in OBJECT_ACTIONS:
        raise ValueError(f"access must be 'read-only' or 'read-write', got {access!r}")
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "ListBucket",
                "Effect": "Allow",
                "Action": list(BUCKET_ACTIONS[access]),
                "Resource": bucket_arn,
            },
            {
                "Sid": "Objects",
                "Effect": "Allow",
                "Action": list(OBJECT_ACTIONS[access]),
                "Resource": f"{bucket_arn}/*",
            },
        ],
    })


def tls_only_bucket_policy(bucket_arn: str) -> str:
    """Bucket policy denying every request that does not arrive over TLS."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [bucket_arn, f"{bucket_arn}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }],
    })


def workload_key_policy(
    *, partition: str, account_id: str, region: str, role_arn: str, access: Access
) -> str:
    """KMS key policy for a bucket key: the account administers it (the default key policy,
    so IAM can manage the key), and the workload role may use it only through S3 in this
    region and account, so the role's own IAM policy stays limited to the bucket."""
    return json.dumps({
        "Version": "2012-10-17",
        "Statement": [
            account_admin_statement(partition, account_id),
            {
                "Sid": "WorkloadUsesThroughS3",
                "Effect": "Allow",
                "Principal": {"AWS": role_arn},
                "Action": list(KMS_ACTIONS[access]),
                "Resource": "*",
                "Condition": {"StringEquals": {
                    "kms:ViaService": regional_name("kms:ViaService", service="s3", region=region,
                                                    partition=partition),
                    "kms:CallerAccount": account_id,
                }},
            },
        ],
    })


def bucket_name_problems(name: str) -> list[str]:
    """Why ``name`` is not a safe S3 bucket name (empty list when it is).

    Stricter than S3 on one point: dots are refused, since a dotted name breaks TLS
    certificate matching for virtual-hosted-style requests.
    """
    problems = []
    if not 3 <= len(name) <= 63:
        problems.append(f"must be 3 to 63 characters long (is {len(name)})")
    if not _BUCKET_CHARS.match(name):
        problems.append("must use only lower-case letters, digits and '-', and start and end with a letter or digit")
    if "." in name:
        problems.append("must not contain '.' (dotted names break TLS for virtual-hosted requests)")
    try:
        ipaddress.ip_address(name)
        problems.append("must not look like an IP address")
    except ValueError:
        pass
    for prefix in RESERVED_PREFIXES:
        if name.startswith(prefix):
            problems.append(f"must not start with the reserved prefix {prefix!r}")
    for suffix in RESERVED_SUFFIXES:
        if name.endswith(suffix):
            problems.append(f"must not end with the reserved suffix {suffix!r}")
    return problems


def statements(document: str | dict) -> list[dict]:
    """The statements of a policy document as a list (helper for callers and tests)."""
    doc = json.loads(document) if isinstance(document, str) else document
    stmts = doc.get("Statement", [])
    return stmts if isinstance(stmts, list) else [stmts]


def as_list(value: str | Sequence[str]) -> list[str]:
    """An IAM ``Action``/``Resource`` value (string or list) as a list."""
    return [value] if isinstance(value, str) else list(value)
