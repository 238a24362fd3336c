"""Stack rules: properties no single resource shows on its own.

* every S3 bucket has its v7 companions (public-access block, encryption, TLS-only
  bucket policy, versioning -- enabled in prod);
* EKS node roles carry the three AWS-managed node policies;
* Pod Identity roles trust only ``pods.eks.amazonaws.com``;
* prod has a NAT gateway in every AZ and node groups spanning at least three AZs;
* stateful prod resources are protected;
* the Azure NSG opens MySQL (3306) only to the AKS subnet;
* the primary failover health check has a us-east-1 CloudWatch alarm that notifies someone.

References are followed through the engine's property dependencies (known during a
preview) and, where the value is known, through names/ids. The environment comes from
the resources' ``Environment`` tags (or the stack's), never from the stack name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi_policy import Severity

from components.facts.aws import service_principal
from policies.aws_security import BUCKET_POLICY_TYPE, PAB_TYPE, SSE_TYPES
from policies.azure_security import allowed_inbound, nsg_rules, rule_ports, rule_sources
from policies.common import (
    MANDATORY,
    UNKNOWN,
    Graph,
    Res,
    StackRule,
    as_list,
    environments_schema,
    exposed_ports,
    get,
    parse_json_document,
    statements,
    string_list,
)

BUCKET_TYPES = ("aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2")
VERSIONING_TYPES = ("aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2")
SUBNET = "aws:ec2/subnet:Subnet"
NODE_GROUP = "aws:eks/nodeGroup:NodeGroup"
ROLE = "aws:iam/role:Role"
POD_IDENTITY_ASSOCIATION = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
POD_IDENTITY_PRINCIPAL = service_principal("pods.eks.amazonaws.com")  # source: components/facts/aws.py
POD_IDENTITY_ACTIONS = {"sts:AssumeRole", "sts:TagSession"}
NODE_ROLE_POLICIES = ["AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryReadOnly"]
DEFAULT_STATEFUL_TYPES = [
    "aws:rds/instance:Instance", "aws:rds/cluster:Cluster", "aws:elasticache/replicationGroup:ReplicationGroup",
    "aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2", "aws:dynamodb/table:Table", "aws:efs/fileSystem:FileSystem",
    "azure-native:keyvault:Vault", "azure-native:redis:Redis", "azure-native:redisenterprise:RedisEnterprise",
    "azure-native:redisenterprise:Database", "azure-native:storage:StorageAccount",
    # Data inside an account, messages in flight, and managed databases.
    "azure-native:storage:BlobContainer", "azure-native:storage:FileShare", "azure-native:servicebus:Namespace",
    "azure-native:dbformysql:Server", "azure-native:dbforpostgresql:Server", "azure-native:sql:Database",
    "azure-native:documentdb:DatabaseAccount",
    # Images a rebuild starts from, and keys without which encrypted data is unreadable.
    "aws:ecr/repository:Repository", "azure-native:containerregistry:Registry", "aws:kms/key:Key",
]
STORAGE_ACCOUNT = "azure-native:storage:StorageAccount"
BLOB_CONTAINER = "azure-native:storage:BlobContainer"
STATIC_WEBSITE = "azure-native:storage:StorageAccountStaticWebsite"
STORAGE_DATA_TYPES = ("azure-native:storage:BlobContainer", "azure-native:storage:FileShare",
                      "azure-native:storage:Queue", "azure-native:storage:Table")


def _linked(graph: Graph, target: Res, prop: str, types: Iterable[str], *, value_keys: Iterable[str]) -> list[Res]:
    """Resources of ``types`` whose ``prop`` refers to ``target``: by property dependency,
    or by a known value equal to one of ``target``'s known ``value_keys`` inputs."""
    types = tuple(types)
    found = graph.referrers(target, prop, *types)
    names = {v for v in (target.get(k) for k in value_keys) if isinstance(v, str) and v}
    if names:
        found += [r for r in graph.of_type(*types) if r not in found and r.get(prop) in names]
    return found


# -- S3 companions ---------------------------------------------------------------------------

def check_bucket_companions(graph: Graph, cfg: Mapping[str, Any]) -> Iterable[tuple[Res, str]]:
    for bucket in graph.of_type(*BUCKET_TYPES):
        keys = ("bucket",)
        missing = []
        if not _linked(graph, bucket, "bucket", (PAB_TYPE,), value_keys=keys):
            missing.append("BucketPublicAccessBlock")
        if not _linked(graph, bucket, "bucket", SSE_TYPES, value_keys=keys):
            missing.append("BucketServerSideEncryptionConfiguration")
        if not _linked(graph, bucket, "bucket", (BUCKET_POLICY_TYPE,), value_keys=keys):
            missing.append("BucketPolicy (TLS-only)")
        versioning = _linked(graph, bucket, "bucket", VERSIONING_TYPES, value_keys=keys)
        env = graph.environment(bucket)
        if missing:
            yield bucket, (f"bucket {bucket.name} has no {', '.join(missing)}; with the v7 split resources each "
                           f"is a separate resource the bucket component must declare")
        if env in cfg["versioningEnvironments"]:
            statuses = [v.get("versioningConfiguration", "status") for v in versioning]
            if UNKNOWN in statuses:
                continue
            if "Enabled" not in statuses:
                yield bucket, f"{env}: bucket {bucket.name} has no BucketVersioning with status Enabled"


# -- EKS node role ------------------------------------------------------------------------------

def _role_for(graph: Graph, res: Res, prop: str) -> list[Res]:
    roles = graph.deps(res, prop, ROLE)
    if roles:
        return roles
    arn = res.get(prop)
    if isinstance(arn, str) and ":role/" in arn:
        name = arn.rsplit("/", 1)[-1]
        return [r for r in graph.of_type(ROLE) if r.get("name") == name]
    return []


def _attached_policy_arns(graph: Graph, role: Res) -> list[Any]:
    arns = list(as_list(role.get("managedPolicyArns")))
    for attachment in _linked(graph, role, "role", ("aws:iam/rolePolicyAttachment:RolePolicyAttachment",),
                              value_keys=("name",)):
        arns.append(attachment.get("policyArn"))
    for exclusive in _linked(graph, role, "roleName",
                             ("aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",),
                             value_keys=("name",)):
        arns.extend(as_list(exclusive.get("policyArns")))
    return arns


def check_node_role_policies(graph: Graph, cfg: Mapping[str, Any]) -> Iterable[tuple[Res, str]]:
    for group in graph.of_type(NODE_GROUP):
        for role in _role_for(graph, group, "nodeRoleArn"):
            arns = _attached_policy_arns(graph, role)
            if UNKNOWN in arns:
                continue
            names = {a.rsplit("/", 1)[-1] for a in arns if isinstance(a, str)}
            missing = [p for p in cfg["requiredPolicies"] if p not in names]
            if missing:
                yield group, (f"node group {group.name} uses role {role.name}, which lacks {missing}; nodes cannot "
                              f"join, run the VPC CNI or pull images without them")


# -- Pod Identity trust ---------------------------------------------------------------------

def _principals(stmt: Mapping[str, Any]) -> list[tuple[str, Any]]:
    principal = stmt.get("Principal")
    if principal == "*":
        return [("*", "*")]
    if not isinstance(principal, Mapping):
        return []
    return [(kind, v) for kind, values in principal.items() for v in as_list(values)]


def pod_identity_trust_problems(document: Any) -> list[str]:
    problems = []
    for stmt in statements(document):
        if stmt.get("Effect") != "Allow":
            continue
        others = [f"{k}:{v}" for k, v in _principals(stmt) if (k, v) != ("Service", POD_IDENTITY_PRINCIPAL)]
        if others:
            problems.append(f"trusts {others} besides {POD_IDENTITY_PRINCIPAL}")
        actions = [a for a in as_list(stmt.get("Action")) if a not in POD_IDENTITY_ACTIONS]
        if actions:
            problems.append(f"allows {actions}; Pod Identity needs only sts:AssumeRole and sts:TagSession")
    if not any((k, v) == ("Service", POD_IDENTITY_PRINCIPAL)
               for s in statements(document) if s.get("Effect") == "Allow" for k, v in _principals(s)):
        problems.append(f"does not trust {POD_IDENTITY_PRINCIPAL}")
    return problems


def check_pod_identity_trust(graph: Graph, cfg: Mapping[str, Any]) -> Iterable[tuple[Res, str]]:
    roles: dict[str, Res] = {}
    for association in graph.of_type(POD_IDENTITY_ASSOCIATION):
        for role in _role_for(graph, association, "roleArn"):
            roles[role.urn] = role
    for role in graph.of_type(ROLE):
        policy = role.get("assumeRolePolicy")
        if isinstance(policy, str) and POD_IDENTITY_PRINCIPAL in policy:
            roles[role.urn] = role
        elif isinstance(policy, Mapping) and POD_IDENTITY_PRINCIPAL in str(policy):
            roles[role.urn] = role
    for role in roles.values():
        document = parse_json_document(role.get("assumeRolePolicy"))
        if document is UNKNOWN:
            continue
        for problem in pod_identity_trust_problems(document):
            yield role, f"Pod Identity role {role.name} {problem}"


# -- prod availability ----------------------------------------------------------------------

def _subnet_az(subnet: Res) -> Any:
    return subnet.get("availabilityZone") or subnet.get("availabilityZoneId")


def check_nat_per_az(graph: Graph, cfg: Mapping[str, Any]) -> Iterable[tuple[Res, str]]:
    for vpc in graph.of_type("aws:ec2/vpc:Vpc"):
        env = graph.environment(vpc)
        if env not in cfg["environments"]:
            continue
        subnets = graph.referrers(vpc, "vpcId", SUBNET)
        azs = {_subnet_az(s) for s in subnets}
        if UNKNOWN in azs or not azs:
            continue
        covered: set[Any] = set()
        subnet_urns = {s.urn: s for s in subnets}
        for nat in graph.of_type("aws:ec2/natGateway:NatGateway"):
            if nat.get("connectivityType", default="public") != "public":
                continue
            if nat.get("availabilityMode") == "regional" and vpc.urn in nat.property_dependencies.get("vpcId", []):
                covered |= azs
                continue
            for subnet in graph.deps(nat, "subnetId", SUBNET):
                if subnet.urn in subnet_urns:
                    covered.add(_subnet_az(subnet))
        missing = sorted(str(a) for a in azs - covered)
        if missing:
            yield vpc, (f"{env}: VPC {vpc.name} has no NAT gateway in {missing}; one NAT per AZ keeps an AZ outage "
                        f"from cutting the other AZs off (twincloud:vpc.natStrategy: per_az)")


def check_node_group_azs(graph: Graph, cfg: Mapping[str, Any]) -> Iterable[tuple[Res, str]]:
    minimum = int(cfg["minAzs"])
    for group in graph.of_type(NODE_GROUP):
        env = graph.environment(group)
        if env not in cfg["environments"]:
            continue
        subnets = graph.deps(group, "subnetIds", SUBNET)
        azs = {_subnet_az(s) for s in subnets}
        if not subnets or UNKNOWN in azs:
            continue
        if len(azs) < minimum:
            yield group, (f"{env}: node group {group.name} spans {len(azs)} AZ(s) {sorted(map(str, azs))}; "
                          f"it needs at least {minimum} to survive an AZ outage")


def _storage_has_data(graph: Graph, account: Res) -> bool:
    """A storage account holds data unless all it serves is a static website (``$web``)."""
    website = _linked(graph, account, "accountName", (STATIC_WEBSITE,), value_keys=("accountName",))
    data = [r for r in _linked(graph, account, "accountName", STORAGE_DATA_TYPES, value_keys=("accountName",))
            if r.get("containerName") != "$web"]
    return bool(data) or not website


def check_stateful_protected(graph: Graph, cfg: Mapping[str, Any]) -> Iterable[tuple[Res, str]]:
    for res in graph.of_type(*cfg["statefulTypes"]):
        env = graph.environment(res)
        if env not in cfg["environments"] or res.protect:
            continue
        if res.type == STORAGE_ACCOUNT and not _storage_has_data(graph, res):
            continue
        if res.type == BLOB_CONTAINER and res.get("containerName") == "$web":
            continue  # a static website's pages are rebuilt from the repository on every `pulumi up`
        yield res, (f"{env}: stateful {res.type.rsplit(':', 1)[-1]} {res.name} is not protected; pass "
                    f"protect=cfg.protect_stateful so `pulumi destroy` or a replace cannot delete its data")


# -- Azure MySQL reachability ---------------------------------------------------------------

def _aks_subnet_prefixes(graph: Graph) -> set[str] | Any:
    """Address prefixes of the subnets AKS node pools run in."""
    prefixes: set[str] = set()
    pools: list[tuple[Res, str, Any]] = []
    for cluster in graph.of_type("azure-native:containerservice:ManagedCluster"):
        for pool in as_list(cluster.get("agentPoolProfiles")):
            pools.append((cluster, "agentPoolProfiles", get(pool, "vnetSubnetID")))
    for pool in graph.of_type("azure-native:containerservice:AgentPool"):
        pools.append((pool, "vnetSubnetID", pool.get("vnetSubnetID")))
    for owner, prop, subnet_id in pools:
        for subnet in graph.deps(owner, prop, "azure-native:network:Subnet"):
            prefixes.update(p for p in [subnet.get("addressPrefix"), *as_list(subnet.get("addressPrefixes"))] if p)
        if isinstance(subnet_id, str) and "/subnets/" in subnet_id:
            name = subnet_id.rsplit("/", 1)[-1]
            for subnet in graph.of_type("azure-native:network:Subnet"):
                if subnet.get("subnetName") == name or subnet.get("name") == name:
                    prefixes.update(p for p in [subnet.get("addressPrefix"),
                                                *as_list(subnet.get("addressPrefixes"))] if p)
            for vnet in graph.deps(owner, prop, "azure-native:network:VirtualNetwork"):
                for inline in as_list(vnet.get("subnets")):
                    if get(inline, "name") == name:
                        prefixes.update(p for p in [get(inline, "addressPrefix"),
                                                    *as_list(get(inline, "addressPrefixes"))] if p)
    if any(p is UNKNOWN for p in prefixes):
        return UNKNOWN
    return prefixes


def check_mysql_from_aks_only(graph: Graph, cfg: Mapping[str, Any]) -> Iterable[tuple[Res, str]]:
    port = int(cfg["port"])
    aks_prefixes = set(cfg["aksSubnetPrefixes"]) or _aks_subnet_prefixes(graph)
    if aks_prefixes is UNKNOWN:
        return
    for nsg in graph.of_type("azure-native:network:NetworkSecurityGroup", "azure-native:network:SecurityRule"):
        for label, rule in nsg_rules(nsg):
            if rule is UNKNOWN or not allowed_inbound(rule):
                continue
            ranges = rule_ports(rule)
            if ranges is UNKNOWN or not exposed_ports(ranges, [port]):
                continue
            sources = rule_sources(rule)
            if UNKNOWN in sources:
                continue
            outside = [s for s in sources if s not in aks_prefixes]
            if outside or not sources:
                allowed = sorted(aks_prefixes) or "no AKS subnet found in the stack"
                yield nsg, (f"{label} allows {port} from {outside or ['*']}; only the AKS subnet "
                            f"({allowed}) may reach it")


# -- the rules -----------------------------------------------------------------------------

S3_BUCKET_COMPANIONS = StackRule(
    name="s3-bucket-companions",
    description="Every S3 bucket has a public-access block, default encryption, a TLS-only policy and versioning "
                "(enabled in prod)",
    check=check_bucket_companions,
    resource_types=(*BUCKET_TYPES, PAB_TYPE, *SSE_TYPES, BUCKET_POLICY_TYPE, *VERSIONING_TYPES),
    checkov=("CKV_AWS_21", "CKV2_AWS_6"),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Declare the bucket through the platform's bucket component, which creates all four companion "
                "resources with `bucket=<bucket>.id`.",
    config={"versioningEnvironments": environments_schema(["prod"], "versioning must be Enabled")},
    tags=["aws", "s3"],
)

EKS_NODE_ROLE_POLICIES = StackRule(
    name="eks-node-role-policies",
    description="EKS node groups use a role carrying the AWS-managed worker, CNI and ECR read-only policies",
    check=check_node_role_policies,
    resource_types=(NODE_GROUP, ROLE, "aws:iam/rolePolicyAttachment:RolePolicyAttachment"),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Attach AmazonEKSWorkerNodePolicy, AmazonEKS_CNI_Policy and AmazonEC2ContainerRegistryReadOnly "
                "to the node role (components/aws/eks.py does) and make node groups depend on the attachments.",
    config={"requiredPolicies": string_list(NODE_ROLE_POLICIES, "Managed policy names every node role needs.")},
    tags=["aws", "eks", "iam"],
)

POD_IDENTITY_ROLE_TRUST = StackRule(
    name="pod-identity-role-trust",
    description="IAM roles used through EKS Pod Identity trust only pods.eks.amazonaws.com",
    check=check_pod_identity_trust,
    resource_types=(ROLE, POD_IDENTITY_ASSOCIATION),
    checkov=("CKV_AWS_60", "CKV_AWS_61"),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Use service_trust_policy('pods.eks.amazonaws.com', ('sts:AssumeRole', 'sts:TagSession')) "
                "(components/aws/iam.py) as the role's assume-role policy and nothing else.",
    tags=["aws", "eks", "iam"],
)

PROD_NAT_PER_AZ = StackRule(
    name="prod-nat-per-az",
    description="Production VPCs have a NAT gateway in every availability zone they use",
    check=check_nat_per_az,
    resource_types=("aws:ec2/vpc:Vpc", SUBNET, "aws:ec2/natGateway:NatGateway"),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Set twincloud:vpc.natStrategy to per_az.",
    config={"environments": environments_schema(["prod"], "every AZ needs its own NAT gateway")},
    tags=["aws", "network", "availability"],
)

PROD_NODE_GROUP_AZS = StackRule(
    name="prod-node-groups-span-azs",
    description="Production EKS node groups span at least three availability zones",
    check=check_node_group_azs,
    resource_types=(NODE_GROUP, SUBNET),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Set twincloud:vpc.azCount to 3 (or more); node groups use every private subnet.",
    config={
        "environments": environments_schema(["prod"], "node groups must span minAzs zones"),
        "minAzs": {"type": "integer", "default": 3, "description": "Fewest AZs a node group may span."},
    },
    tags=["aws", "eks", "availability"],
)

PROD_STATEFUL_PROTECTED = StackRule(
    name="prod-stateful-protected",
    description="Stateful production resources (databases, caches, buckets, vaults, storage with data, "
                "message brokers) are protected",
    check=check_stateful_protected,
    resource_types=tuple(DEFAULT_STATEFUL_TYPES),
    severity=Severity.CRITICAL,
    enforcement=MANDATORY,
    remediation="Pass opts=pulumi.ResourceOptions(protect=cfg.protect_stateful) to the resource.",
    config={
        "environments": environments_schema(["prod"], "stateful resources must be protected"),
        "statefulTypes": string_list(DEFAULT_STATEFUL_TYPES, "Resource types that hold data."),
    },
    tags=["data-protection"],
)

NSG_MYSQL_FROM_AKS_ONLY = StackRule(
    name="nsg-mysql-from-aks-only",
    description="Azure NSG rules open MySQL (3306) only to the AKS node subnet",
    check=check_mysql_from_aks_only,
    resource_types=("azure-native:network:NetworkSecurityGroup", "azure-native:network:SecurityRule",
                    "azure-native:network:Subnet", "azure-native:containerservice:ManagedCluster"),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Set the rule's sourceAddressPrefix to the AKS subnet's address prefix.",
    config={
        "port": {"type": "integer", "default": 3306, "description": "The database port to guard."},
        "aksSubnetPrefixes": string_list(
            [], "Allowed source prefixes; empty means the AKS node subnets found in the stack."),
    },
    tags=["azure", "network"],
)



# -- DR: an alarm on the primary health check ------------------------------------------------

ALARM_TYPE = "aws:cloudwatch/metricAlarm:MetricAlarm"


def check_failover_alarm(graph: Graph, cfg: Mapping[str, Any]) -> Iterable[tuple[Res, str]]:
    """Every health check on a PRIMARY failover record has a CloudWatch alarm on its
    ``HealthCheckStatus`` with an alarm action, created in the metrics' region (us-east-1)."""
    from components.facts.aws import ROUTE53_METRICS

    alarms = graph.of_type(ALARM_TYPE)
    for record in graph.of_type("aws:route53/record:Record"):
        kinds = [get(p, "type") for p in as_list(record.get("failoverRoutingPolicies"))]
        if "PRIMARY" not in kinds:
            continue
        for check in graph.deps(record, "healthCheckId", "aws:route53/healthCheck:HealthCheck"):
            watching = [a for a in alarms if check in graph.deps(a, "dimensions")
                        and a.get("namespace") == ROUTE53_METRICS["namespace"].value
                        and a.get("metricName") == ROUTE53_METRICS["metric"].value]
            if not watching:
                yield check, (f"no CloudWatch alarm on {ROUTE53_METRICS['metric'].value} of the primary health check "
                              f"{check.name}: a failover would go unnoticed until users report it")
                continue
            for alarm in watching:
                region = alarm.provider_props.get("region")
                if region not in (None, UNKNOWN) and region != ROUTE53_METRICS["region"].value:
                    yield alarm, (f"alarm {alarm.name} is in {region}; Route 53 health-check metrics exist only in "
                                  f"{ROUTE53_METRICS['region'].value}, so it would never fire")
                if not as_list(alarm.get("alarmActions")):
                    yield alarm, f"alarm {alarm.name} has no alarmActions: it fires without telling anyone"


ROUTE53_FAILOVER_ALARM = StackRule(
    name="route53-failover-alarm",
    description="The primary failover health check has a us-east-1 CloudWatch alarm that notifies someone",
    check=check_failover_alarm,
    resource_types=("aws:route53/record:Record", "aws:route53/healthCheck:HealthCheck", ALARM_TYPE),
    severity=Severity.HIGH,
    enforcement=MANDATORY,
    remediation="Keep twincloud:dr.failoverAlarm.enabled true and list on-call receivers in "
                "twincloud:dr.failoverAlarm.receivers (components/aws/failover_alarm.py builds the alarm in us-east-1).",
    tags=["aws", "dr", "availability"],
)

POLICIES = [
    S3_BUCKET_COMPANIONS, EKS_NODE_ROLE_POLICIES, POD_IDENTITY_ROLE_TRUST,
    PROD_NAT_PER_AZ, PROD_NODE_GROUP_AZS, PROD_STATEFUL_PROTECTED, NSG_MYSQL_FROM_AKS_ONLY,
    ROUTE53_FAILOVER_ALARM,
]
