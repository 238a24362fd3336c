"""VPC endpoint policies (pure functions, plain tests): what may pass through each endpoint.

An endpoint policy is a resource policy on the network path, evaluated on top of the caller's
IAM policy. The ones here stop credentials of *another* account from using this VPC's
endpoints (a copy of data pushed out to a foreign bucket or registry) without breaking what
the platform itself does:

* S3 gateway: principals of this account, plus read-only access to the AWS-owned ECR layer
  bucket (``prod-<region>-starport-layer-bucket``): image layers are downloaded from it on a
  URL ECR signs, so an "own account only" policy alone breaks every image pull
  (components/facts/aws.py VPC_ENDPOINTS); likewise registry.k8s.io's in-region layer bucket
  (metrics-server and kube-state-metrics come from there, and registry.k8s.io redirects a pull
  from an AWS address to that bucket, read anonymously); buckets of other owners that workloads
  must read (OS package mirrors, partners) are listed explicitly (``external_read_buckets``).
* ECR (api, dkr) and CloudWatch Logs: principals of this account. Pulls of AWS-owned images
  (the EKS add-ons) are made by this account's node role, so they still pass.
* STS keeps the default (full access) policy: ``AssumeRoleWithWebIdentity`` is called before
  the caller has any AWS identity, so an account condition would refuse web-identity
  federation (OIDC roles) made from inside the VPC.
"""

from __future__ import annotations

import json

from components.facts.aws import VPC_ENDPOINTS

PRINCIPAL_ACCOUNT_KEY = "aws:PrincipalAccount"
# Services whose endpoint gets the own-account policy; the others keep AWS's default (full access).
ACCOUNT_SCOPED_SERVICES = ("ecr.api", "ecr.dkr", "logs")


def ecr_layer_bucket_objects(*, partition: str, region: str) -> str:
    """``arn:aws:s3:::prod-eu-west-1-starport-layer-bucket/*``: where ECR keeps image layers."""
    return VPC_ENDPOINTS["ecr_layer_bucket"].value.format(partition=partition, region=region)


def registry_k8s_io_layer_objects(*, partition: str, region: str) -> str | None:
    """``arn:aws:s3:::prod-registry-k8s-io-eu-west-1/*``: the bucket registry.k8s.io sends pulls
    from ``region`` to (VPC_ENDPOINTS["registry_k8s_io_layer_bucket"]); None outside the aws partition."""
    if partition != "aws":
        return None
    buckets = VPC_ENDPOINTS["registry_k8s_io_layer_bucket"].value
    return f"arn:{partition}:s3:::{buckets.get(region, buckets['default']).format(region=region)}/*"


def _own_account(account_id: str, actions: str = "*") -> dict:
    return {
        "Sid": "OwnAccountPrincipals",
        "Effect": "Allow",
        "Principal": "*",
        "Action": actions,
        "Resource": "*",
        "Condition": {"StringEquals": {PRINCIPAL_ACCOUNT_KEY: account_id}},
    }


def s3_gateway_policy(*, partition: str, region: str, account_id: str,
                      external_read_buckets: list[str] | tuple[str, ...] = ()) -> str:
    """The S3 gateway endpoint policy: this account's principals, ECR and registry.k8s.io image
    layers, and reads of the listed buckets of other owners."""
    statements = [
        _own_account(account_id, "s3:*"),
        {
            "Sid": "EcrImageLayers",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": ecr_layer_bucket_objects(partition=partition, region=region),
        },
    ]
    k8s_registry = registry_k8s_io_layer_objects(partition=partition, region=region)
    if k8s_registry:
        statements.append({
            "Sid": "KubernetesRegistryLayers",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": k8s_registry,
        })
    if external_read_buckets:
        statements.append({
            "Sid": "ExternalReadBuckets",
            "Effect": "Allow",
            "Principal": "*",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [arn for b in external_read_buckets
                         for arn in (f"arn:{partition}:s3:::{b}", f"arn:{partition}:s3:::{b}/*")],
        })
    return json.dumps({"Version": "2012-10-17", "Statement": statements})


def interface_policy(service: str, *, account_id: str) -> str | None:
    """The policy of an interface endpoint, or None for AWS's default (full access)."""
    if service not in ACCOUNT_SCOPED_SERVICES:
        return None
    prefix = service.split(".")[0]
    return json.dumps({"Version": "2012-10-17", "Statement": [_own_account(account_id, f"{prefix}:*")]})
