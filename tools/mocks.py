"""What the clouds would answer, and nothing more.

These mocks stand in for provider calls (AZ lists, caller identity, partition, client
config) and for the attributes a provider computes on create (ids, ARNs, endpoints).
Everything the program itself decides -- names, inputs, wiring -- runs for real.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from dataclasses import dataclass
from typing import Any

import pulumi

from components.facts.aws import ALB_HOSTED_ZONES, HOSTED_ZONES
from components.facts.azure import ENTRA_APPLICATIONS
from components.naming import region_code

ACCOUNT_ID = "123456789012"
AZURE_SUBSCRIPTION = "00000000-0000-0000-0000-000000000001"
AZURE_TENANT = "00000000-0000-0000-0000-0000000000aa"
AZURE_OBJECT_ID = "00000000-0000-0000-0000-0000000000bb"

# AZ letters a new account sees per region (us-west-1 really has only two).
_REGION_AZ_LETTERS = {
    "us-east-1": "abcdef",
    "us-west-1": "ac",
    "ca-central-1": "abd",
    "ap-northeast-1": "acd",
}


# Canonical hosted zone ids of Application Load Balancers per region (for alias records;
# docs.aws.amazon.com/general/latest/gr/elb.html).
# What the ELB API answers as an ALB's CanonicalHostedZoneId (sources in components/facts/aws.py).
ALB_ZONE_IDS = {region: fact.value for region, fact in ALB_HOSTED_ZONES.items()}


class NotFound(Exception):
    """What a lookup of something that does not exist answers (empty-account mode)."""


@dataclass(frozen=True)
class Existing:
    """What a new account/subscription holds before the first ``pulumi up``: the things stack
    config declares as existing beforehand (``stacks/prerequisites.py``), and nothing else."""

    hosted_zone_names: frozenset[str] = frozenset()
    hosted_zone_ids: frozenset[str] = frozenset()
    stacks: frozenset[str] = frozenset()


# Provider calls that describe the caller's account or region, not a resource in it: a new
# account answers them as any other.
ACCOUNT_FACTS = frozenset({
    "aws:index/getAvailabilityZones:getAvailabilityZones",
    "aws:index/getCallerIdentity:getCallerIdentity",
    "aws:index/getPartition:getPartition",
    "aws:index/getRegion:getRegion",
    "azure-native:authorization:getClientConfig",
})


def _check_exists(mocks: CloudMocks, token: str, args: dict[str, Any]) -> None:
    """Raise ``NotFound`` for a lookup of something a new account does not hold."""
    existing = mocks.empty_account
    assert existing is not None
    if token in ACCOUNT_FACTS:
        return
    if token == "aws:route53/getZone:getZone":
        name = str(args.get("name") or "").rstrip(".")
        if (args.get("zoneId") in existing.hosted_zone_ids) or (name and name in existing.hosted_zone_names):
            return
        raise NotFound(f"no matching Route 53 Hosted Zone found (name={name or None!r}, "
                       f"zoneId={args.get('zoneId')!r}); declare it in twincloud:dr (hostedZoneName/hostedZoneId)")
    if token == "azure-native:containerservice:listManagedClusterUserCredentials":
        if mocks._was_created("aks", args.get("resourceName")):
            return
        raise NotFound(f"ResourceNotFound: managed cluster {args.get('resourceName')!r} was not found")
    if token == "azure-native:redis:listRedisKeys":
        if mocks._was_created("redis", args.get("name")):
            return
        raise NotFound(f"ResourceNotFound: Redis cache {args.get('name')!r} was not found")
    if token == "aws:lb/getLoadBalancer:getLoadBalancer":
        raise NotFound(f"no matching ELBv2 Load Balancer found (tags={args.get('tags')!r}, name={args.get('name')!r}): "
                       "nothing in a new account has created it")
    raise NotFound(f"{token}: a new account holds nothing this lookup could find, and the mocks know no answer")


def availability_zones(region: str) -> list[str]:
    return [f"{region}{letter}" for letter in _REGION_AZ_LETTERS.get(region, "abc")]


def partition_for(region: str) -> str:
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def _h(*parts: Any, n: int = 8) -> str:
    return hashlib.sha256("/".join(map(str, parts)).encode()).hexdigest()[:n]


# Physical-id prefixes AWS uses for EC2-style resources.
_AWS_ID_PREFIX = {
    "aws:ec2/vpc:Vpc": "vpc-",
    "aws:ec2/subnet:Subnet": "subnet-",
    "aws:ec2/internetGateway:InternetGateway": "igw-",
    "aws:ec2/natGateway:NatGateway": "nat-",
    "aws:ec2/eip:Eip": "eipalloc-",
    "aws:ec2/routeTable:RouteTable": "rtb-",
    "aws:ec2/securityGroup:SecurityGroup": "sg-",
    "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup": "sg-",
    "aws:ec2/flowLog:FlowLog": "fl-",
    "aws:ec2/launchTemplate:LaunchTemplate": "lt-",
}

# Resources whose physical name Pulumi auto-generates from the logical name when unset.
_AUTONAMED = {"name", "bucket", "repositoryName", "clusterName", "nodeGroupName", "replicationGroupId"}


class CloudMocks(pulumi.runtime.Mocks):
    """Answers provider calls and create results for AWS, Azure, Kubernetes and random."""

    def __init__(self, aws_region: str = "eu-west-1", azure_location: str = "westeurope",
                 stack_outputs: dict[str, dict[str, Any]] | None = None,
                 empty_account: Existing | None = None) -> None:
        self.aws_region = aws_region
        self.azure_location = azure_location
        # What the state backend holds for other stacks (read by pulumi.StackReference).
        self.stack_outputs = dict(stack_outputs or {})
        # Empty-account mode: a new account/subscription holds only what ``Existing`` lists
        # (declared in stack config) and what this program creates; every other lookup is
        # answered "not found", as the cloud would.
        self.empty_account = empty_account
        self._created: dict[str, set[str]] = {}
        # IngressClassParams name -> group, IngressClass name -> (controller, params name)
        self._ingress_params: dict[str, str | None] = {}
        self._ingress_classes: dict[str, tuple[str | None, str | None]] = {}
        self._provider_regions: dict[str, str] = {}
        self._lock = threading.Lock()

    # -- provider calls -------------------------------------------------------------
    def _region_for(self, provider_ref: str | None) -> str:
        if provider_ref:
            rid = provider_ref.split("::")[-1]
            with self._lock:
                return self._provider_regions.get(rid, self.aws_region)
        return self.aws_region

    def _remember(self, kind: str, name: Any) -> None:
        with self._lock:
            self._created.setdefault(kind, set()).add(str(name))

    def _was_created(self, kind: str, name: Any) -> bool:
        with self._lock:
            return str(name) in self._created.get(kind, set())

    def call(self, args: pulumi.runtime.MockCallArgs):
        if self.empty_account is not None:
            _check_exists(self, args.token, dict(args.args))
        token = args.token
        region = args.args.get("region") or self._region_for(args.provider)
        partition = partition_for(region)
        if token == "aws:index/getAvailabilityZones:getAvailabilityZones":
            names = availability_zones(region)
            return {
                "id": region,
                "names": names,
                "zoneIds": [f"{region[:3]}{region.split('-')[-1]}-az{i + 1}" for i in range(len(names))],
                "groupNames": [region] * len(names),
                "state": args.args.get("state"),
            }, []
        if token == "aws:index/getCallerIdentity:getCallerIdentity":
            return {
                "id": ACCOUNT_ID,
                "accountId": ACCOUNT_ID,
                "arn": f"arn:{partition}:sts::{ACCOUNT_ID}:assumed-role/platform-deployer/pulumi",
                "userId": "AROAEXAMPLEDEPLOYER:pulumi",
            }, []
        if token == "aws:index/getPartition:getPartition":
            suffix = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
            return {"id": partition, "partition": partition, "dnsSuffix": suffix,
                    "reverseDnsPrefix": "com.amazonaws"}, []
        if token == "aws:index/getRegion:getRegion":
            return {"id": region, "name": region, "region": region,
                    "endpoint": f"ec2.{region}.amazonaws.com", "description": region}, []
        if token == "aws:route53/getZone:getZone":
            name = str(args.args.get("name") or "example.com").rstrip(".")
            zone_id = args.args.get("zoneId") or "Z" + _h("zone", name, n=20).upper()
            return {"id": zone_id, "zoneId": zone_id, "name": name, "arn": f"arn:{partition}:route53:::hostedzone/{zone_id}",
                    "privateZone": bool(args.args.get("privateZone")), "resourceRecordSetCount": 2,
                    "nameServers": [f"ns-{i}.awsdns-{i}.org" for i in range(4)], "callerReference": _h(name),
                    "comment": "", "linkedServiceDescription": "", "linkedServicePrincipal": "",
                    "primaryNameServer": "ns-0.awsdns-0.org", "tags": {}}, []
        if token == "aws:lb/getLoadBalancer:getLoadBalancer":
            # The load balancer the AWS Load Balancer Controller created for an ingress, found by its tags.
            tags = dict(args.args.get("tags") or {})
            lb = args.args.get("name") or f"k8s-{str(tags.get('ingress.k8s.aws/stack', 'lb')).replace('/', '-')}-{_h(tags, n=10)}"
            lb = lb[:32].rstrip("-")
            lb_id = _h("lb", lb, region, n=16)
            return {"id": f"arn:{partition}:elasticloadbalancing:{region}:{ACCOUNT_ID}:loadbalancer/app/{lb}/{lb_id}",
                    "arn": f"arn:{partition}:elasticloadbalancing:{region}:{ACCOUNT_ID}:loadbalancer/app/{lb}/{lb_id}",
                    "name": lb, "loadBalancerType": "application", "internal": False, "ipAddressType": "ipv4",
                    "dnsName": f"{lb}-{int(_h(lb, region, n=8), 16) % 10**10}.{region}.elb.amazonaws.com",
                    "zoneId": ALB_ZONE_IDS.get(region, "Z" + _h("alb-zone", region, n=13).upper()),
                    "tags": tags, "region": region}, []
        if token == "azure-native:authorization:getClientConfig":
            return {"clientId": "00000000-0000-0000-0000-0000000000cc", "objectId": AZURE_OBJECT_ID,
                    "subscriptionId": AZURE_SUBSCRIPTION, "tenantId": AZURE_TENANT}, []
        if token == "azure-native:containerservice:listManagedClusterUserCredentials":
            kubeconfig = aks_user_kubeconfig(args.args.get("resourceGroupName"), args.args.get("resourceName"),
                                             self.azure_location)
            return {"kubeconfigs": [{"name": "clusterUser",
                                     "value": base64.b64encode(kubeconfig.encode()).decode()}]}, []
        if token == "azure-native:redis:listRedisKeys":
            cache = args.args.get("name")
            return {"primaryKey": base64.b64encode(_h("redis-primary", cache, n=32).encode()).decode(),
                    "secondaryKey": base64.b64encode(_h("redis-secondary", cache, n=32).encode()).decode()}, []
        return {}, []

    # -- resource creation ----------------------------------------------------------
    def new_resource(self, args: pulumi.runtime.MockResourceArgs):
        typ, name, inputs = args.typ, args.name, dict(args.inputs)
        if typ == "pulumi:pulumi:StackReference":
            target = inputs.get("name") or args.resource_id or name
            if (self.empty_account is not None and target not in self.stack_outputs
                    and target not in self.empty_account.stacks):
                raise NotFound(f"unknown stack {target!r}: a new backend holds no such stack; declare it "
                               "in stack config (it then counts as a prerequisite) or create it first")
            return target, {"name": target, "outputs": dict(self.stack_outputs.get(target, {})),
                            "secretOutputNames": []}
        if not args.custom:
            return f"{name}", {}
        if typ.startswith("pulumi:providers:"):
            rid = f"{name}_id"
            if typ == "pulumi:providers:aws" and inputs.get("region"):
                with self._lock:
                    self._provider_regions[rid] = inputs["region"]
            return rid, inputs
        if typ.startswith("aws:"):
            return self._aws(typ, name, inputs, self._region_for(args.provider))
        if typ.startswith("azure-native:"):
            return self._azure(typ, name, inputs)
        if typ.startswith("random:"):
            return self._random(typ, name, inputs)
        if typ.startswith("kubernetes:"):
            return self._kubernetes(typ, name, inputs)
        return f"{name}-{_h(typ, name)}", inputs

    def _kubernetes(self, typ: str, name: str, state: dict):
        """Objects as the API server answers them once their controllers have reconciled.

        An Ingress whose IngressClass belongs to the AWS Load Balancer Controller
        (``spec.controller: ingress.k8s.aws/alb``) gets the status the controller writes once it
        has created (or joined) the ALB of the class's ingress group (``IngressClassParams``
        ``spec.group.name``): ``status.loadBalancer.ingress[0].hostname`` = the ALB's DNS name,
        ``k8s-<group>-<hash>-<n>.<region>.elb.amazonaws.com``. pulumi-kubernetes waits for that
        status before it reports the Ingress created. An Ingress of a class no controller serves
        gets no status, as in a cluster.
        """
        meta = state.get("metadata") or {}
        obj = meta.get("name") or name
        spec = state.get("spec") or {}
        with self._lock:
            if typ.endswith(":IngressClassParams"):
                self._ingress_params[obj] = ((spec.get("group") or {}).get("name"))
            elif typ == "kubernetes:networking.k8s.io/v1:IngressClass":
                self._ingress_classes[obj] = (spec.get("controller"), (spec.get("parameters") or {}).get("name"))
            elif typ == "kubernetes:networking.k8s.io/v1:Ingress":
                controller, params = self._ingress_classes.get(spec.get("ingressClassName"), (None, None))
                if controller == "ingress.k8s.aws/alb":
                    ns = meta.get("namespace") or "default"
                    group = self._ingress_params.get(params) or (meta.get("annotations") or {}).get(
                        "alb.ingress.kubernetes.io/group.name") or f"{ns}-{obj}"
                    lb = f"k8s-{str(group).replace('.', '')[:17]}-{_h('alb', group, n=10)}"
                    hostname = f"{lb}-{int(_h(group, self.aws_region, n=8), 16) % 10**10}.{self.aws_region}.elb.amazonaws.com"
                    state["status"] = {"loadBalancer": {"ingress": [{"hostname": hostname}]}}
        return f"{name}-{_h(typ, name)}", state

    def _aws(self, typ: str, name: str, state: dict, region: str):
        partition = partition_for(region)
        module, kind = typ.split(":")[1].split("/")[0], typ.split(":")[-1]
        for key in _AUTONAMED:
            if key in state and not state[key]:
                state[key] = f"{name}-{_h(typ, name, n=7)}"
        if "name" not in state or not state.get("name"):
            state["name"] = f"{name}-{_h(typ, name, n=7)}"
        rid = _AWS_ID_PREFIX.get(typ, "") + _h(typ, name, n=17 if typ in _AWS_ID_PREFIX else 12)
        phys = state.get("name")
        if module == "iam":
            state["arn"] = f"arn:{partition}:iam::{ACCOUNT_ID}:{kind[0].lower() + kind[1:]}/{phys}"
            state.setdefault("uniqueId", "AROA" + _h(name, n=16).upper())
            rid = phys
        elif module == "s3" and kind == "Bucket":
            bucket = state.get("bucket") or phys
            state.update(bucket=bucket, arn=f"arn:{partition}:s3:::{bucket}",
                         bucketDomainName=f"{bucket}.s3.amazonaws.com",
                         bucketRegionalDomainName=f"{bucket}.s3.{region}.amazonaws.com", region=region)
            rid = bucket
        elif module == "kms" and kind == "Key":
            rid = f"{_h(name, n=8)}-{_h(name, 1, n=4)}-{_h(name, 2, n=4)}-{_h(name, 3, n=4)}-{_h(name, 4, n=12)}"
            if state.get("multiRegion"):
                rid = "mrk-" + _h(name, n=32)
            state.update(arn=f"arn:{partition}:kms:{region}:{ACCOUNT_ID}:key/{rid}", keyId=rid)
        elif module == "kms" and kind == "ReplicaKey":
            # a replica shares the primary's key id (mrk-...) and lives in the provider's region
            rid = str(state.get("primaryKeyArn", "")).rsplit("/", 1)[-1] or "mrk-" + _h(name, n=32)
            state.update(arn=f"arn:{partition}:kms:{region}:{ACCOUNT_ID}:key/{rid}", keyId=rid,
                         keyRotationEnabled=True, keyUsage="ENCRYPT_DECRYPT")
        elif module == "route53" and kind == "Record":
            state["fqdn"] = str(state.get("name", "")).rstrip(".")
        elif module == "eks" and kind == "Cluster":
            cluster = state.get("name")
            rid = cluster
            state.update(
                arn=f"arn:{partition}:eks:{region}:{ACCOUNT_ID}:cluster/{cluster}",
                endpoint=f"https://{_h(cluster, n=32).upper()}.gr7.{region}.eks.amazonaws.com",
                certificateAuthority={"data": "LS0tLS1CRUdJTi1NT0NLLUNBLS0tLS0K"},
                identities=[{"oidcs": [{"issuer": f"https://oidc.eks.{region}.amazonaws.com/id/{_h(cluster, n=32).upper()}"}]}],
                status="ACTIVE",
                platformVersion="eks.1",
            )
            vpc = dict(state.get("vpcConfig") or {})
            vpc.update(clusterSecurityGroupId="sg-" + _h("cluster-sg", cluster, n=17),
                       vpcId="vpc-" + _h("vpc-of", cluster, n=17))
            state["vpcConfig"] = vpc
        elif module == "ecr" and kind == "Repository":
            repo = state.get("name")
            state.update(arn=f"arn:{partition}:ecr:{region}:{ACCOUNT_ID}:repository/{repo}",
                         repositoryUrl=f"{ACCOUNT_ID}.dkr.ecr.{region}.amazonaws.com/{repo}",
                         registryId=ACCOUNT_ID)
            rid = repo
        elif module == "ec2" and kind == "SecurityGroup":
            state["arn"] = f"arn:{partition}:ec2:{region}:{ACCOUNT_ID}:security-group/{rid}"
        elif module == "ec2" and kind == "LaunchTemplate":
            # a new template has version 1, which is also its default version
            state.update(arn=f"arn:{partition}:ec2:{region}:{ACCOUNT_ID}:launch-template/{rid}",
                         latestVersion=1, defaultVersion=1)
        elif module == "elasticache" and kind == "ReplicationGroup":
            gid = state.get("replicationGroupId") or phys
            state.update(
                arn=f"arn:{partition}:elasticache:{region}:{ACCOUNT_ID}:replicationgroup:{gid}",
                primaryEndpointAddress=f"master.{gid}.{_h(gid, n=6)}.{region_code(region)}.cache.amazonaws.com",
                readerEndpointAddress=f"replica.{gid}.{_h(gid, n=6)}.{region_code(region)}.cache.amazonaws.com",
                port=state.get("port") or 6379,
            )
            rid = gid
        elif module == "cloudfront" and kind == "Distribution":
            rid = "E" + _h(name, n=13).upper()
            state.update(arn=f"arn:{partition}:cloudfront::{ACCOUNT_ID}:distribution/{rid}",
                         domainName=f"d{_h(name, n=13)}.cloudfront.net", hostedZoneId=HOSTED_ZONES["cloudfront"].value,
                         status="Deployed")
        elif module == "route53" and kind == "Zone":
            rid = "Z" + _h(name, n=20).upper()
            state.update(zoneId=rid, nameServers=[f"ns-{i}.awsdns-{i}.org" for i in range(4)])
        elif module == "route53" and kind == "HealthCheck":
            rid = f"{_h(name, n=8)}-{_h(name, 1, n=4)}-{_h(name, 2, n=4)}-{_h(name, 3, n=4)}-{_h(name, 4, n=12)}"
        elif module == "acm" and kind == "Certificate":
            state.update(
                arn=f"arn:{partition}:acm:{region}:{ACCOUNT_ID}:certificate/{_h(name, n=36)}",
                domainValidationOptions=[{
                    "domainName": state.get("domainName"),
                    # ACM gives one validation CNAME per domain and account, in every region
                    # (hashicorp/terraform-provider-aws#13653), so it depends on the domain only.
                    "resourceRecordName": f"_{_h(state.get('domainName'), n=32)}.{state.get('domainName')}.",
                    "resourceRecordType": "CNAME",
                    "resourceRecordValue": f"_{_h(state.get('domainName'), 2, n=32)}.acm-validations.aws.",
                }],
            )
        elif module == "cloudwatch" and kind == "LogGroup":
            # arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName} (the Service
            # Authorization Reference's log-group ARN, as parliament's iam_definition.json holds it);
            # the provider strips the API's ":*" suffix (pulumi_aws/cloudwatch/log_group.py, `arn`).
            rid = phys
            state["arn"] = f"arn:{partition}:logs:{region}:{ACCOUNT_ID}:log-group:{phys}"
        elif module == "ec2" and kind == "Eip":
            # an Elastic IP from Amazon's pool: a public address (deterministic here)
            n = int(_h("eip", name, region, n=6), 16)
            state.update(publicIp=f"52.{16 + n % 200}.{(n >> 8) % 256}.{n % 254 + 1}", domain=state.get("domain") or "vpc")
        elif module == "sqs" and kind == "Queue":
            # SQS: the id is the queue URL; the ARN names the queue, not a path
            state.update(arn=f"arn:{partition}:sqs:{region}:{ACCOUNT_ID}:{phys}",
                         url=f"https://sqs.{region}.amazonaws.com/{ACCOUNT_ID}/{phys}")
            rid = state["url"]
        elif module == "cloudwatch" and kind == "EventRule":
            state["arn"] = f"arn:{partition}:events:{region}:{ACCOUNT_ID}:rule/{phys}"
            rid = phys
        elif module == "amp" and kind == "Workspace":
            # ws-<uuid>, arn:${Partition}:aps:${Region}:${Account}:workspace/${WorkspaceId} (parliament
            # iam_definition.json, service aps); endpoint: docs.aws.amazon.com/prometheus/latest/userguide/
            # AMP-APIReference-RemoteWrite.html (/workspaces/<id>/api/v1/remote_write).
            h = _h(typ, name, n=32)
            rid = f"ws-{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
            state.update(arn=f"arn:{partition}:aps:{region}:{ACCOUNT_ID}:workspace/{rid}",
                         prometheusEndpoint=f"https://aps-workspaces.{region}.amazonaws.com/workspaces/{rid}/")
        elif module == "lb" and kind in {"LoadBalancer"}:
            state.update(dnsName=f"{phys}-{_h(name, n=10)}.{region}.elb.amazonaws.com", zoneId=ALB_ZONE_IDS.get(region, ALB_ZONE_IDS["eu-west-1"]))
        if "arn" not in state:
            service = module
            state["arn"] = f"arn:{partition}:{service}:{region}:{ACCOUNT_ID}:{kind.lower()}/{rid}"
        return rid, state

    def _azure(self, typ: str, name: str, state: dict):
        provider_ns = {
            "resources": "Microsoft.Resources", "network": "Microsoft.Network",
            "containerservice": "Microsoft.ContainerService", "containerregistry": "Microsoft.ContainerRegistry",
            "cache": "Microsoft.Cache", "redis": "Microsoft.Cache", "redisenterprise": "Microsoft.Cache",
            "servicebus": "Microsoft.ServiceBus",
            "keyvault": "Microsoft.KeyVault", "storage": "Microsoft.Storage",
            "managedidentity": "Microsoft.ManagedIdentity", "authorization": "Microsoft.Authorization",
            "operationalinsights": "Microsoft.OperationalInsights", "cdn": "Microsoft.Cdn",
        }
        module, kind = typ.split(":")[1], typ.split(":")[2]
        rg = state.get("resourceGroupName") or f"{name}-rg"
        phys = None
        for key in ("resourceName", "registryName", "vaultName", "accountName", "namespaceName", "name",
                    "virtualNetworkName", "networkSecurityGroupName", "subnetName", "cacheName",
                    "queueName", "topicName", "subscriptionName", "secretName", "containerName",
                    "federatedIdentityCredentialResourceName", "resourceGroupName"):
            if state.get(key) and key != "resourceGroupName":
                phys = state[key]
                break
        if kind == "ResourceGroup":
            phys = state.get("resourceGroupName") or f"{name}{_h(name, n=6)}"
            state["resourceGroupName"] = phys
            rid = f"/subscriptions/{AZURE_SUBSCRIPTION}/resourceGroups/{phys}"
            state.update(name=phys)
            return rid, state
        phys = phys or f"{name}{_h(name, n=6)}"
        ns = provider_ns.get(module, f"Microsoft.{module.capitalize()}")
        rid = f"/subscriptions/{AZURE_SUBSCRIPTION}/resourceGroups/{rg}/providers/{ns}/{kind[0].lower()}{kind[1:]}s/{phys}"
        arm = _azure_arm_path(typ, state, name, phys)
        if arm:  # the real ARM id shape (child resources nest under their parent)
            path, leaf = arm
            rid = f"/subscriptions/{AZURE_SUBSCRIPTION}/resourceGroups/{rg}/providers/{path}"
            state["name"] = leaf
        state.setdefault("name", phys)
        # azure-native takes user-assigned identities as a list of ids; ARM answers a map of
        # id -> {principalId, clientId}.
        identity = state.get("identity")
        if isinstance(identity, dict) and isinstance(identity.get("userAssignedIdentities"), list):
            state["identity"] = {**identity, "userAssignedIdentities": {
                uid: {"principalId": _guid("uai-principal", uid), "clientId": _guid("uai-client", uid)}
                for uid in identity["userAssignedIdentities"]}}
        if module == "managedidentity" and kind == "UserAssignedIdentity":
            state.update(principalId=_guid("principal", name), clientId=_guid("client", name), tenantId=AZURE_TENANT)
        elif module == "containerservice" and kind == "ManagedCluster":
            self._remember("aks", phys)
            state["identityProfile"] = {"kubeletidentity": {
                "clientId": _guid("kubelet-client", name), "objectId": _guid("kubelet-object", name),
                "resourceId": f"/subscriptions/{AZURE_SUBSCRIPTION}/resourceGroups/MC_{rg}/providers/"
                              f"Microsoft.ManagedIdentity/userAssignedIdentities/{phys}-agentpool"}}
            state["oidcIssuerProfile"] = {**(state.get("oidcIssuerProfile") or {}),
                                          "issuerURL": f"https://{self.azure_location}.oic.prod-aks.azure.com/{AZURE_TENANT}/{_guid('oidc', name)}/"}
            identity = dict(state.get("identity") or {})
            if identity.get("type") == "SystemAssigned":
                identity.update(principalId=_guid("aks-principal", name), tenantId=AZURE_TENANT)
            state["identity"] = identity
            addons = dict(state.get("addonProfiles") or {})
            if "azureKeyvaultSecretsProvider" in addons:
                addons["azureKeyvaultSecretsProvider"] = {**addons["azureKeyvaultSecretsProvider"], "identity": {
                    "clientId": _guid("kv-client", name), "objectId": _guid("kv-object", name)}}
            state["addonProfiles"] = addons
            state["fqdn"] = aks_fqdn(phys, self.azure_location)
        elif module == "containerregistry" and kind == "Registry":
            state["loginServer"] = f"{phys}.azurecr.io"
        elif module == "keyvault" and kind == "Vault":
            state.setdefault("properties", {})
            state["properties"] = {**state["properties"], "vaultUri": f"https://{phys}.vault.azure.net/"}
        elif module in ("cache", "redis") and kind == "Redis":
            self._remember("redis", phys)
            state.update(hostName=f"{phys}.redis.cache.windows.net", sslPort=6380, port=6379)
        elif module == "redisenterprise" and kind == "RedisEnterprise":
            # Azure Managed Redis answers <cluster>.<region>.redis.azure.net
            state["hostName"] = f"{state['name']}.{state.get('location') or self.azure_location}.redis.azure.net"
        elif module == "storage" and kind == "StorageAccount":
            state["primaryEndpoints"] = {
                "blob": f"https://{phys}.blob.core.windows.net/",
                "web": f"https://{phys}.z6.web.core.windows.net/",
                "dfs": f"https://{phys}.dfs.core.windows.net/",
            }
        elif module == "storage" and kind == "StorageAccountStaticWebsite":
            state["containerName"] = "$web"
        elif module == "storage" and kind == "Blob":
            acct = state.get("accountName")
            state.update(url=f"https://{acct}.blob.core.windows.net/{state.get('containerName')}/{state.get('blobName')}",
                         metadata=state.get("metadata") or {}, type=state.get("type") or "Block")
        elif module == "servicebus" and kind == "Namespace":
            state["serviceBusEndpoint"] = f"https://{phys}.servicebus.windows.net:443/"
        elif module == "network" and kind == "Subnet":
            state.setdefault("id", rid)
        state.setdefault("id", rid)
        return rid, state

    def _random(self, typ: str, name: str, state: dict):
        length = int(state.get("length") or 16)
        alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
        if state.get("upper", True) is not False:
            alphabet += "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
        digest = hashlib.sha256(f"{typ}/{name}".encode()).digest() * (length // 32 + 1)
        value = "".join(alphabet[b % len(alphabet)] for b in digest[:length])
        if typ in ("random:index/randomPassword:RandomPassword", "random:index/randomString:RandomString"):
            state["result"] = value
            if typ.endswith("RandomPassword"):
                state["bcryptHash"] = "$2a$10$" + value
        elif typ == "random:index/randomId:RandomId":
            state.update(hex=_h(name, n=int(state.get("byteLength") or 4) * 2), b64Url=value[:8])
        elif typ == "random:index/randomUuid:RandomUuid":
            state["result"] = _guid("uuid", name)
        return f"{name}-{_h(name, n=6)}", state


# Child resources: (input naming the leaf, or None for the fixed leaf "default"; ARM path
# template over the resource's inputs and {leaf}).
_ARM_CHILD_PATHS: dict[str, tuple[str | None, str]] = {
    "azure-native:network:Subnet": ("subnetName", "Microsoft.Network/virtualNetworks/{virtualNetworkName}/subnets/{leaf}"),
    "azure-native:servicebus:Queue": ("queueName", "Microsoft.ServiceBus/namespaces/{namespaceName}/queues/{leaf}"),
    "azure-native:servicebus:Topic": ("topicName", "Microsoft.ServiceBus/namespaces/{namespaceName}/topics/{leaf}"),
    "azure-native:servicebus:Subscription": (
        "subscriptionName", "Microsoft.ServiceBus/namespaces/{namespaceName}/topics/{topicName}/subscriptions/{leaf}"),
    "azure-native:keyvault:Secret": ("secretName", "Microsoft.KeyVault/vaults/{vaultName}/secrets/{leaf}"),
    "azure-native:managedidentity:FederatedIdentityCredential": (
        "federatedIdentityCredentialResourceName",
        "Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}/federatedIdentityCredentials/{leaf}"),
    "azure-native:redisenterprise:RedisEnterprise": ("clusterName", "Microsoft.Cache/redisEnterprise/{leaf}"),
    "azure-native:redisenterprise:Database": (
        "databaseName", "Microsoft.Cache/redisEnterprise/{clusterName}/databases/{leaf}"),
    "azure-native:redisenterprise:AccessPolicyAssignment": (
        "accessPolicyAssignmentName",
        "Microsoft.Cache/redisEnterprise/{clusterName}/databases/{databaseName}/accessPolicyAssignments/{leaf}"),
    "azure-native:privatedns:PrivateZone": ("privateZoneName", "Microsoft.Network/privateDnsZones/{leaf}"),
    "azure-native:network:PrivateEndpoint": ("privateEndpointName", "Microsoft.Network/privateEndpoints/{leaf}"),
    "azure-native:storage:BlobContainer": (
        "containerName", "Microsoft.Storage/storageAccounts/{accountName}/blobServices/default/containers/{leaf}"),
    "azure-native:storage:BlobServiceProperties": (
        None, "Microsoft.Storage/storageAccounts/{accountName}/blobServices/{leaf}"),
    "azure-native:operationalinsights:Workspace": ("workspaceName", "Microsoft.OperationalInsights/workspaces/{leaf}"),
    "azure-native:storage:ManagementPolicy": (
        None, "Microsoft.Storage/storageAccounts/{accountName}/managementPolicies/{leaf}"),
}


class _Inputs(dict):
    """Inputs for a path template: a missing one formats as ``None``, as ``state.get`` did."""

    def __missing__(self, key: str) -> Any:
        return None


def _azure_arm_path(typ: str, state: dict, name: str, phys: str) -> tuple[str, str] | None:
    """``(provider path, leaf name)`` of azure-native types whose ARM id the generic rule gets wrong."""
    if typ in _ARM_CHILD_PATHS:
        leaf_key, template = _ARM_CHILD_PATHS[typ]
        leaf = str(state.get(leaf_key) or f"{name}{_h(name, n=6)}") if leaf_key else "default"
        return template.format_map(_Inputs(state, leaf=leaf)), leaf
    plain = {
        "azure-native:storage:StorageAccount": "Microsoft.Storage/storageAccounts",
        "azure-native:managedidentity:UserAssignedIdentity": "Microsoft.ManagedIdentity/userAssignedIdentities",
        "azure-native:containerregistry:Registry": "Microsoft.ContainerRegistry/registries",
        "azure-native:redis:Redis": "Microsoft.Cache/redis",
        "azure-native:containerservice:ManagedCluster": "Microsoft.ContainerService/managedClusters",
        "azure-native:servicebus:Namespace": "Microsoft.ServiceBus/namespaces",
        "azure-native:keyvault:Vault": "Microsoft.KeyVault/vaults",
        "azure-native:network:VirtualNetwork": "Microsoft.Network/virtualNetworks",
        "azure-native:network:NetworkSecurityGroup": "Microsoft.Network/networkSecurityGroups",
    }
    if typ in plain:
        return f"{plain[typ]}/{phys}", phys
    return None


# Entra application ids AKS writes into its exec-format user kubeconfig (first-party, the
# same in every tenant; sources in components/facts/azure.py).
AKS_AAD_SERVER_ID = ENTRA_APPLICATIONS["Azure Kubernetes Service AAD Server"].value
AKS_AAD_CLIENT_ID = ENTRA_APPLICATIONS["Azure Kubernetes Service AAD Client"].value


def aks_fqdn(cluster: str, location: str) -> str:
    return f"{cluster}-{_h('fqdn', cluster, n=8)}.hcp.{location}.azmk8s.io"


def aks_user_kubeconfig(resource_group: str | None, cluster: str | None, location: str) -> str:
    """What listClusterUserCredential(format=exec) returns for an Entra-integrated cluster."""
    user = f"clusterUser_{resource_group}_{cluster}"
    return f"""apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: LS0tLS1CRUdJTi1NT0NLLUNBLS0tLS0K
    server: https://{aks_fqdn(str(cluster), location)}:443
  name: {cluster}
contexts:
- context:
    cluster: {cluster}
    user: {user}
  name: {cluster}
current-context: {cluster}
kind: Config
preferences: {{}}
users:
- name: {user}
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      args:
      - get-token
      - --environment
      - AzurePublicCloud
      - --server-id
      - {AKS_AAD_SERVER_ID}
      - --client-id
      - {AKS_AAD_CLIENT_ID}
      - --tenant-id
      - {AZURE_TENANT}
      - --login
      - devicecode
      command: kubelogin
      env: null
      installHint: kubelogin is not installed
      provideClusterInfo: false
"""


def _guid(*parts: Any) -> str:
    h = _h(*parts, n=32)
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"
