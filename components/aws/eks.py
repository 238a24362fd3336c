"""``EksCluster``: an EKS control plane with managed node groups and Pod Identity.

Builds the cluster IAM role, a KMS key for secrets envelope encryption, the control-plane
log group, the cluster (API authentication mode, private endpoint), access entries (admins,
the preview role's read-only view and ``accessEntries`` from config: components/aws/access_entries.py),
the node IAM role, managed node groups spread over every private subnet, the pinned
add-ons (vpc-cni, kube-proxy, eks-pod-identity-agent, coredns), a kubeconfig and a
Kubernetes provider for later components.

Secure defaults, a sentence each:
* the node role always carries AmazonEKSWorkerNodePolicy, AmazonEKS_CNI_Policy and
  AmazonEC2ContainerRegistryReadOnly, and node groups wait for them (nodes never joined
  without them);
* the API endpoint is private; a public endpoint needs explicit CIDRs and never 0.0.0.0/0;
* Kubernetes secrets are envelope-encrypted with a rotating KMS key that only the cluster
  role uses (the account administers it through IAM, as AWS's default key policy does);
* all five control-plane log types go to a log group with a retention period, encrypted
  with a key of its own that CloudWatch Logs may use for that log group only;
* authentication mode is ``API`` (access entries), and the creator gets no implicit admin;
* add-on versions come from the one pins table, so a rebuild installs what was tested;
* ``upgradePolicy.supportType`` follows the EKS release calendar (STANDARD while the version
  is in standard support, EXTENDED after; EKS refuses STANDARD for a version past it);
* the Kubernetes provider (hence every object and Helm release created through it) waits for
  the node groups and CoreDNS, so nothing talks to an API that cannot yet schedule or resolve;
* node groups ignore ``desiredSize`` drift: the autoscaler owns it, not ``pulumi up``;
* every node group has its own launch template (IMDSv2 only, hop limit 1, root volume encrypted
  with the cluster's node-volume key: ``components/aws/node_launch_template.py``), pins its AMI
  ``releaseVersion`` from the one pins table (a rebuild boots the tested AMI), rolls updates
  within ``maxUnavailable`` and has EKS node auto repair on;
* the VPC CNI's network policy agent is on, so NetworkPolicies are enforced, not decorative;
* persistent volumes come from the EBS CSI driver (its role reached through Pod Identity,
  no node-wide permissions) and a default ``gp3`` StorageClass that always encrypts, and
  retains volumes when the cluster is deletion-protected (prod), so a deleted claim never
  deletes data.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from components.aws.access_entries import AccessEntrySpec, declare_access_entries
from components.aws.iam import managed_policy_arn, service_trust_policy
from components.facts import eks_calendar
from components.facts.aws import managed_policy, service_principal
from components.aws.key_policies import ebs_key_policy, log_group_key_policy, role_key_policy
from components.aws.node_launch_template import NodeLaunchTemplateArgs, node_launch_template
from components.naming import child_name
from components.versions import EKS_ADDONS, EKS_AMI_RELEASES

NODE_ROLE_POLICIES = tuple(managed_policy(p) for p in (
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKS_CNI_Policy",
    "AmazonEC2ContainerRegistryReadOnly",
))
CONTROL_PLANE_LOG_TYPES = ("api", "audit", "authenticator", "controllerManager", "scheduler")
# Add-ons that must run before nodes can become Ready; coredns needs nodes to schedule on.
ADDONS_BEFORE_NODES = ("vpc-cni", "kube-proxy", "eks-pod-identity-agent")
ADDONS_AFTER_NODES = ("coredns", "aws-ebs-csi-driver")
EBS_CSI_SERVICE_ACCOUNT = "ebs-csi-controller-sa"


@dataclass
class NodeGroupSpec:
    """One managed node group."""

    name: str
    instance_types: list[str]
    min_size: int
    max_size: int
    desired_size: int
    capacity_type: str = "ON_DEMAND"  # or SPOT
    disk_size: int = 50  # GiB, root volume (in the node group's launch template)
    disk_type: str = "gp3"
    # Rolling updates: at most this many nodes, or this percentage, replaced at once (one of them).
    max_unavailable: int | None = None
    max_unavailable_percentage: int | None = 33
    auto_repair: bool = True  # EKS node auto repair replaces nodes that stay unhealthy
    labels: dict[str, str] = field(default_factory=dict)
    taints: list[dict[str, str]] = field(default_factory=list)  # {key, value, effect}


@dataclass
class EksClusterArgs:
    """Arguments of :class:`EksCluster`."""

    cluster_name: str
    version: str
    region: str
    private_subnet_ids: pulumi.Input[list[str]]
    node_groups: list[NodeGroupSpec]
    admin_principal_arns: list[pulumi.Input[str]] = field(default_factory=list)
    # Read-only principals (pull-request previews): AmazonEKSAdminViewPolicy, cluster-wide.
    viewer_principal_arns: list[pulumi.Input[str]] = field(default_factory=list)
    # Further principals and their access policies (twincloud:eks.accessEntries), cluster- or namespace-scoped.
    access_entries: list[AccessEntrySpec] = field(default_factory=list)
    endpoint_public_access: bool = False
    public_access_cidrs: list[str] = field(default_factory=list)
    service_cidr: str = "172.20.0.0/16"
    log_retention_days: int = 365
    deletion_protection: bool = False
    protect: bool = False  # prod: the cluster and its secrets key survive a mistaken destroy
    # The day the EKS support calendar is read at (default today, UTC): picks upgradePolicy.supportType.
    calendar_date: date | None = None


def ami_type_for(instance_types: list[str]) -> str:
    """AL2023 AMI matching the instance architecture (Graviton families end in ``g``)."""
    family = instance_types[0].split(".")[0]
    graviton = len(family) >= 3 and family[-1] == "g" or family[-2:] in ("gd", "gn")
    return "AL2023_ARM_64_STANDARD" if graviton else "AL2023_x86_64_STANDARD"


def kubeconfig_for(cluster_name: str, endpoint: str, ca_data: str, region: str) -> str:
    """A kubeconfig that authenticates with ``aws eks get-token`` (no static credentials)."""
    return json.dumps({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": cluster_name, "cluster": {"server": endpoint, "certificate-authority-data": ca_data}}],
        "contexts": [{"name": cluster_name, "context": {"cluster": cluster_name, "user": cluster_name}}],
        "current-context": cluster_name,
        "users": [{"name": cluster_name, "user": {"exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": "aws",
            "args": ["--region", region, "eks", "get-token", "--cluster-name", cluster_name, "--output", "json"],
        }}}],
    })


class EksCluster(pulumi.ComponentResource):
    """EKS cluster with managed node groups; see the module docstring."""

    cluster_name: pulumi.Output[str]
    endpoint: pulumi.Output[str]
    cluster_security_group_id: pulumi.Output[str]
    oidc_issuer: pulumi.Output[str]
    kubeconfig: pulumi.Output[str]
    provider: k8s.Provider

    def __init__(self, name: str, args: EksClusterArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("twincloud:aws:EksCluster", name, None, opts)
        if args.version not in EKS_ADDONS:
            raise ValueError(f"no pinned add-on versions for Kubernetes {args.version}; "
                             f"pinned: {', '.join(sorted(EKS_ADDONS))} (components/versions.py)")
        if args.version not in EKS_AMI_RELEASES:
            raise ValueError(f"no pinned AMI release for Kubernetes {args.version}; "
                             f"pinned: {', '.join(sorted(EKS_AMI_RELEASES))} (components/versions.py)")
        child = pulumi.ResourceOptions(parent=self)
        partition = aws.get_partition(opts=pulumi.InvokeOptions(parent=self)).partition
        account_id = aws.get_caller_identity(opts=pulumi.InvokeOptions(parent=self)).account_id

        # -- control plane ---------------------------------------------------------------
        cluster_role = aws.iam.Role(
            child_name(name, "cluster"),
            assume_role_policy=service_trust_policy(service_principal("eks.amazonaws.com"), ("sts:AssumeRole", "sts:TagSession")),
            opts=child,
        )
        cluster_policy = aws.iam.RolePolicyAttachment(
            child_name(name, "cluster-policy"),
            role=cluster_role.name,
            policy_arn=managed_policy_arn(partition, managed_policy("AmazonEKSClusterPolicy")),
            opts=child,
        )
        self.secrets_key = aws.kms.Key(
            child_name(name, "secrets"),
            description=f"EKS secrets envelope encryption for {args.cluster_name}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=cluster_role.arn.apply(lambda role_arn: role_key_policy(
                partition=partition, account_id=account_id, role_arn=role_arn)),
            # Deleting this key makes every Kubernetes secret of the cluster unreadable.
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        # AmazonEKSClusterPolicy already carries the KMS read secrets encryption needs ("kms: Read a
        # key from AWS KMS. This is required for the Kubernetes control plane to support secrets
        # encryption": awsdocs/amazon-eks-user-guide@4d52b4d05e34 latest/ug/security/iam-reference/
        # security-iam-awsmanpol.adoc:48). This inline grant adds use of this one key only.
        key_access = aws.iam.RolePolicy(
            child_name(name, "cluster-kms"),
            role=cluster_role.id,
            policy=self.secrets_key.arn.apply(lambda arn: json.dumps({
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Action": ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
                    "Resource": arn,
                }],
            })),
            opts=child,
        )
        log_group_name = f"/aws/eks/{args.cluster_name}/cluster"  # the name EKS writes to
        self.log_key = aws.kms.Key(
            child_name(name, "control-plane-logs"),
            description=f"CloudWatch Logs encryption for {log_group_name}",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=log_group_key_policy(partition=partition, account_id=account_id, region=args.region,
                                        log_group_name=log_group_name),
            # Deleting this key makes the control-plane (audit) logs unreadable.
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
        log_group = aws.cloudwatch.LogGroup(
            child_name(name, "control-plane"),
            name=log_group_name,
            retention_in_days=args.log_retention_days,
            kms_key_id=self.log_key.arn,
            opts=child,
        )
        self.cluster = aws.eks.Cluster(
            name,
            name=args.cluster_name,
            version=args.version,
            role_arn=cluster_role.arn,
            vpc_config=aws.eks.ClusterVpcConfigArgs(
                subnet_ids=args.private_subnet_ids,
                endpoint_private_access=True,
                endpoint_public_access=args.endpoint_public_access,
                public_access_cidrs=list(args.public_access_cidrs) if args.endpoint_public_access else None,
            ),
            access_config=aws.eks.ClusterAccessConfigArgs(
                authentication_mode="API",
                bootstrap_cluster_creator_admin_permissions=False,
            ),
            encryption_config=aws.eks.ClusterEncryptionConfigArgs(
                provider=aws.eks.ClusterEncryptionConfigProviderArgs(key_arn=self.secrets_key.arn),
                resources=["secrets"],
            ),
            enabled_cluster_log_types=list(CONTROL_PLANE_LOG_TYPES),
            kubernetes_network_config=aws.eks.ClusterKubernetesNetworkConfigArgs(
                ip_family="ipv4", service_ipv4_cidr=args.service_cidr,
            ),
            bootstrap_self_managed_addons=False,
            deletion_protection=args.deletion_protection,
            upgrade_policy=aws.eks.ClusterUpgradePolicyArgs(support_type=eks_calendar.support_type(
                args.version, args.calendar_date or eks_calendar.today_utc())),
            opts=pulumi.ResourceOptions(parent=self, depends_on=[cluster_policy, key_access, log_group],
                                        protect=args.protect),
        )
        cluster_name = self.cluster.name

        # -- access entries (authentication mode API): components/aws/access_entries.py ----
        self.access_entries = declare_access_entries(
            self, name, cluster_name, partition, admins=list(args.admin_principal_arns),
            viewers=list(args.viewer_principal_arns), entries=list(args.access_entries))

        # -- add-ons that nodes need ---------------------------------------------------
        pins = EKS_ADDONS[args.version]

        # The VPC CNI enforces Kubernetes NetworkPolicies only with its policy agent switched on.
        addon_config = {"vpc-cni": json.dumps({"enableNetworkPolicy": "true"})}

        def addon(addon_name: str, depends_on: list[pulumi.Resource],
                  pod_identity: list[aws.eks.AddonPodIdentityAssociationArgs] | None = None) -> aws.eks.Addon:
            return aws.eks.Addon(
                child_name(name, addon_name),
                cluster_name=cluster_name,
                addon_name=addon_name,
                addon_version=pins[addon_name],
                resolve_conflicts_on_create="OVERWRITE",
                resolve_conflicts_on_update="OVERWRITE",
                pod_identity_associations=pod_identity,
                configuration_values=addon_config.get(addon_name),
                opts=pulumi.ResourceOptions(parent=self, depends_on=depends_on),
            )

        early_addons = [addon(a, []) for a in ADDONS_BEFORE_NODES]

        # -- nodes ---------------------------------------------------------------------
        self.node_role = aws.iam.Role(
            child_name(name, "node"),
            assume_role_policy=service_trust_policy(service_principal("ec2.amazonaws.com")),
            opts=child,
        )
        node_policies = [
            aws.iam.RolePolicyAttachment(
                child_name(name, "node", policy),
                role=self.node_role.name,
                policy_arn=managed_policy_arn(partition, policy),
                opts=child,
            )
            for policy in NODE_ROLE_POLICIES
        ]
        self.node_volume_key = self._node_volume_key(name, args, partition, account_id)
        release = EKS_AMI_RELEASES[args.version].release_version
        self.node_groups: list[aws.eks.NodeGroup] = []
        for spec in args.node_groups:
            template = node_launch_template(child_name(name, spec.name), NodeLaunchTemplateArgs(
                volume_key_arn=self.node_volume_key.arn, volume_size=spec.disk_size, volume_type=spec.disk_type,
            ), opts=child)
            self.node_groups.append(aws.eks.NodeGroup(
                child_name(name, spec.name),
                cluster_name=cluster_name,
                node_role_arn=self.node_role.arn,
                subnet_ids=args.private_subnet_ids,
                version=args.version,
                ami_type=ami_type_for(spec.instance_types),
                release_version=release,
                launch_template=aws.eks.NodeGroupLaunchTemplateArgs(
                    id=template.id, version=template.latest_version.apply(str)),
                capacity_type=spec.capacity_type,
                instance_types=list(spec.instance_types),
                scaling_config=aws.eks.NodeGroupScalingConfigArgs(
                    min_size=spec.min_size, max_size=spec.max_size, desired_size=spec.desired_size,
                ),
                update_config=aws.eks.NodeGroupUpdateConfigArgs(
                    max_unavailable=spec.max_unavailable,
                    max_unavailable_percentage=None if spec.max_unavailable else spec.max_unavailable_percentage),
                node_repair_config=aws.eks.NodeGroupNodeRepairConfigArgs(enabled=spec.auto_repair),
                labels={"twincloud.io/node-group": spec.name, **spec.labels},
                taints=[aws.eks.NodeGroupTaintArgs(key=t["key"], value=t.get("value"), effect=t["effect"])
                        for t in spec.taints] or None,
                opts=pulumi.ResourceOptions(
                    parent=self,
                    depends_on=[*node_policies, *early_addons],
                    ignore_changes=["scalingConfig.desiredSize"],
                ),
            ))
        coredns = addon("coredns", list(self.node_groups))
        # What anything talking to the cluster API needs first: nodes to schedule on and
        # cluster DNS (Helm hooks, webhooks and controllers resolve Services by name).
        self.ready: list[pulumi.Resource] = [*self.node_groups, coredns]
        ebs_role = aws.iam.Role(
            child_name(name, "ebs-csi"),
            assume_role_policy=service_trust_policy(service_principal("pods.eks.amazonaws.com"),
                                                    ("sts:AssumeRole", "sts:TagSession")),
            opts=child,
        )
        ebs_policy = aws.iam.RolePolicyAttachment(
            child_name(name, "ebs-csi"),
            role=ebs_role.name,
            policy_arn=managed_policy_arn(partition, managed_policy("service-role/AmazonEBSCSIDriverPolicy")),
            opts=child,
        )
        ebs_csi = addon("aws-ebs-csi-driver", [*self.node_groups, ebs_policy], [
            aws.eks.AddonPodIdentityAssociationArgs(role_arn=ebs_role.arn, service_account=EBS_CSI_SERVICE_ACCOUNT),
        ])

        # -- outputs -------------------------------------------------------------------
        self.cluster_name = cluster_name
        self.endpoint = self.cluster.endpoint
        self.cluster_security_group_id = self.cluster.vpc_config.apply(
            lambda v: v.cluster_security_group_id  # the EKS-managed SG attached to nodes too
        )
        self.oidc_issuer = self.cluster.identities.apply(lambda ids: ids[0].oidcs[0].issuer)
        self.kubeconfig = pulumi.Output.secret(pulumi.Output.all(
            cluster_name, self.cluster.endpoint, self.cluster.certificate_authority.data
        ).apply(lambda a: kubeconfig_for(a[0], a[1], a[2], args.region)))
        # Every Kubernetes object and Helm release of the cluster goes through this provider,
        # so waiting here makes all of them wait for nodes and CoreDNS on the first `up`.
        self.provider = k8s.Provider(
            child_name(name, "k8s"),
            kubeconfig=self.kubeconfig,
            opts=pulumi.ResourceOptions(parent=self, depends_on=self.ready),
        )
        self.default_storage_class = k8s.storage.v1.StorageClass(
            child_name(name, "gp3"),
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name="gp3",
                annotations={"storageclass.kubernetes.io/is-default-class": "true"},
            ),
            provisioner="ebs.csi.aws.com",
            parameters={"type": "gp3", "encrypted": "true", "fsType": "ext4"},
            volume_binding_mode="WaitForFirstConsumer",  # volume lands in the pod's AZ
            allow_volume_expansion=True,
            reclaim_policy="Retain" if args.deletion_protection else "Delete",
            opts=pulumi.ResourceOptions(parent=self, provider=self.provider, depends_on=[ebs_csi]),
        )
        self.register_outputs({
            "clusterName": self.cluster_name,
            "endpoint": self.endpoint,
            "clusterSecurityGroupId": self.cluster_security_group_id,
            "oidcIssuer": self.oidc_issuer,
            "kubeconfig": self.kubeconfig,
            "nodeRoleArn": self.node_role.arn,
            "nodeVolumeKeyArn": self.node_volume_key.arn,
        })

    def _node_volume_key(self, name: str, args: EksClusterArgs, partition: str, account_id: str) -> aws.kms.Key:
        """The key of every node root volume (managed node groups and Karpenter's nodes): EC2
        uses it on behalf of this account's principals only (``key_policies.ebs_key_policy``)."""
        return aws.kms.Key(
            child_name(name, "node-volumes"),
            description=f"EBS root volumes of {args.cluster_name}'s nodes",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=ebs_key_policy(partition=partition, account_id=account_id, region=args.region),
            # Deleting this key makes every running node's root volume unreadable.
            opts=pulumi.ResourceOptions(parent=self, protect=args.protect),
        )
