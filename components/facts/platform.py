"""Platform-service facts: what EKS, AKS, Karpenter, External Secrets and Argo CD define, each
with the source it was checked against (the charts and images are in components/versions.py)."""

from __future__ import annotations

from components.facts import Fact

_KARPENTER = "aws/karpenter-provider-aws@1d927085dd81"
_KARPENTER_CFN = (f"{_KARPENTER} website/content/en/v1.14/getting-started/getting-started-with-karpenter/"
                  "cloudformation.yaml")
_ESO = "external-secrets/external-secrets@cc5bfbc2234a"
_ARGOCD = "argoproj/argo-cd@443415b55275 (v3.4.4)"
_EKS_GUIDE = "awsdocs/amazon-eks-user-guide@1b1d3dfc05c9"
_AKS_DOCS = "MicrosoftDocs/azure-aks-docs@3827f3a5324a"

# EventBridge rules feeding Karpenter's interruption queue: key -> (source, detail-type).
INTERRUPTION_EVENTS: dict[str, Fact] = {
    "scheduled-change": Fact(("aws.health", "AWS Health Event"), f"{_KARPENTER_CFN} ScheduledChangeRule"),
    "spot-interruption": Fact(("aws.ec2", "EC2 Spot Instance Interruption Warning"),
                              f"{_KARPENTER_CFN} SpotInterruptionRule"),
    "rebalance": Fact(("aws.ec2", "EC2 Instance Rebalance Recommendation"), f"{_KARPENTER_CFN} RebalanceRule"),
    "instance-state-change": Fact(("aws.ec2", "EC2 Instance State-change Notification"),
                                  f"{_KARPENTER_CFN} InstanceStateChangeRule"),
    "capacity-reservation-interruption": Fact(
        ("aws.ec2", "EC2 Capacity Reservation Instance Interruption Warning"),
        f"{_KARPENTER_CFN} CapacityReservationInterruptionRule"),
}

KARPENTER: dict[str, Fact] = {
    "queue_retention_seconds": Fact(300, f"{_KARPENTER_CFN} KarpenterInterruptionQueue.MessageRetentionPeriod"),
    "queue_target_id": Fact("KarpenterInterruptionQueueTarget", f"{_KARPENTER_CFN} *Rule.Targets[].Id"),
    "passed_to_service": Fact(("ec2.amazonaws.com", "ec2.amazonaws.com.cn"),
                              f"{_KARPENTER_CFN} IAMIntegrationPolicy AllowPassingInstanceRole (iam:PassedToService)"),
    "queue_senders": Fact(("events.amazonaws.com", "sqs.amazonaws.com"),
                          f"{_KARPENTER_CFN} KarpenterInterruptionQueuePolicy"),
    "node_policies": Fact(("AmazonEKSWorkerNodePolicy", "AmazonEKS_CNI_Policy", "AmazonEC2ContainerRegistryPullOnly"),
                          f"{_KARPENTER_CFN} KarpenterNodeRole.ManagedPolicyArns (less AmazonSSMManagedInstanceCore)"),
    "namespace": Fact("kube-system", f"{_KARPENTER} website/content/en/v1.14/getting-started/"
                                     "getting-started-with-karpenter/_index.md (KARPENTER_NAMESPACE)"),
    "label_capacity_type": Fact("karpenter.sh/capacity-type", f"{_KARPENTER} website/content/en/v1.14/concepts/nodepools.md"),
    "label_instance_category": Fact("karpenter.k8s.aws/instance-category",
                                    f"{_KARPENTER} website/content/en/v1.14/concepts/nodepools.md"),
    "label_instance_family": Fact("karpenter.k8s.aws/instance-family",
                                  f"{_KARPENTER} website/content/en/v1.14/concepts/nodepools.md"),
    "crd_chart": Fact("karpenter-crd", f"{_KARPENTER} website/content/en/v1.14/upgrading/upgrade-guide.md (CRD Upgrades)"),
}

EKS: dict[str, Fact] = {
    "one_access_entry_per_principal": Fact(
        True, f"{_EKS_GUIDE} latest/ug/manage-access/k8s-access/creating-access-entries.adoc (\"An IAM principal "
              "can't be included in more than one access entry\"; managed node group roles get theirs from EKS)"),
    "node_access_entry_type": Fact("EC2_LINUX", f"{_EKS_GUIDE} latest/ug/manage-access/k8s-access/"
                                                "creating-access-entries.adoc (type EC2_LINUX for self-managed nodes)"),
}

AKS: dict[str, Fact] = {
    "metrics_server_managed": Fact(
        True, f"{_AKS_DOCS} articles/aks/use-metrics-server-vertical-pod-autoscaler.md (AKS runs Metrics Server "
              "in kube-system: two pods, a PodDisruptionBudget, VPA-sized; configured through a ConfigMap)"),
}

EXTERNAL_SECRETS: dict[str, Fact] = {
    "read_actions": Fact(("secretsmanager:GetResourcePolicy", "secretsmanager:GetSecretValue",
                          "secretsmanager:DescribeSecret", "secretsmanager:ListSecretVersionIds"),
                         f"{_ESO} docs/provider/aws-access.md (EKS Pod Identity Setup), "
                         "docs/provider/aws-secrets-manager.md (IAM Policy)"),
    "pod_identity_no_auth_block": Fact(True, f"{_ESO} docs/provider/aws-access.md (serviceAccountRef cannot be used "
                                             "with EKS Pod Identity; no auth section)"),
    "conversion_off_by_default": Fact(False, f"{_ESO} deploy/charts/external-secrets/values.yaml crds.conversion.enabled"),
    "stored_version": Fact("v1", f"{_ESO} config/crds/bases/external-secrets.io_clustersecretstores.yaml "
                                 "(v1 served+storage; v1beta1 served: false)"),
}

ARGOCD: dict[str, Fact] = {
    "hpa_field_manager": Fact("kube-controller-manager", f"{_ARGOCD} docs/user-guide/diffing.md"),
    "sync_wave_annotation": Fact("argocd.argoproj.io/sync-wave", f"{_ARGOCD} docs/user-guide/sync-waves.md"),
    "admin_disable_key": Fact("admin.enabled", f"{_ARGOCD} docs/operator-manual/user-management/index.md"),
    "server_side_diff_param": Fact("controller.diff.server.side", f"{_ARGOCD} docs/user-guide/diff-strategies.md"),
    "cascade_finalizer": Fact("resources-finalizer.argocd.argoproj.io", f"{_ARGOCD} docs/user-guide/app_deletion.md"),
}

KUBERNETES: dict[str, Fact] = {
    "prestop_sleep_action": Fact(
        "lifecycle.preStop.sleep", "kubernetes/enhancements#3960 (KEP-3960: alpha 1.29, beta 1.30 on by default, "
                                   "stable 1.34); kubernetes.io/blog/2025/05/14/kubernetes-v1-33-updates-to-container-lifecycle"),
}

TABLES = ("INTERRUPTION_EVENTS", "KARPENTER", "EKS", "AKS", "EXTERNAL_SECRETS", "ARGOCD", "KUBERNETES")
