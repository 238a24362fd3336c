"""AksCluster: Entra-only access, workload identity, add-ons, networking and nodes as registered."""

import base64

import pytest
import yaml

from components.azure import roles
from components.azure.aks import AksCluster, AksClusterArgs, NodePoolSpec, dns_service_ip
from components.azure.kubeconfig import with_kubelogin_mode
from tests.azure_support import AKS, K8S_PROVIDER, ROLE, SUBNET, UAI, alternative_plan, role_guid
from tests.support import run_component
from tools.engine import Secret
from tools.mocks import AZURE_TENANT, aks_user_kubeconfig


def cluster(p):
    return p.one(AKS)


def aks_config(p):
    return p.config["azure"]["aks"]


def test_entra_integration_is_managed_with_azure_rbac(prod_plan):
    aad = cluster(prod_plan).inputs["aadProfile"]
    assert aad["managed"] is True and aad["enableAzureRBAC"] is True
    assert aad["tenantID"] == AZURE_TENANT


def test_local_accounts_are_disabled(prod_plan):
    assert cluster(prod_plan).inputs["disableLocalAccounts"] is True


def test_kubernetes_rbac_is_on(prod_plan):
    assert cluster(prod_plan).inputs["enableRBAC"] is True


def test_oidc_issuer_and_workload_identity_are_on(prod_plan):
    inputs = cluster(prod_plan).inputs
    assert inputs["oidcIssuerProfile"] == {"enabled": True}
    assert inputs["securityProfile"]["workloadIdentity"] == {"enabled": True}


def test_key_vault_csi_provider_runs_with_secret_rotation(prod_plan):
    addon = cluster(prod_plan).inputs["addonProfiles"]["azureKeyvaultSecretsProvider"]
    assert addon["enabled"] is True
    assert addon["config"]["enableSecretRotation"] == "true"


def test_azure_policy_addon_is_on(prod_plan):
    assert cluster(prod_plan).inputs["addonProfiles"]["azurepolicy"] == {"enabled": True}


def test_network_policy_comes_from_config(prod_plan):
    network = cluster(prod_plan).inputs["networkProfile"]
    assert network["networkPolicy"] == aks_config(prod_plan)["networkPolicy"] == "cilium"
    assert network["networkDataplane"] == "cilium"


def test_calico_from_config_uses_the_azure_dataplane():
    network = cluster(alternative_plan()).inputs["networkProfile"]
    assert network["networkPolicy"] == "calico" and network["networkDataplane"] == "azure"


def test_azure_cni_overlay_on_the_aks_subnet(prod_plan):
    inputs = cluster(prod_plan).inputs
    network = inputs["networkProfile"]
    assert network["networkPlugin"] == "azure" and network["networkPluginMode"] == "overlay"
    assert network["podCidr"] == aks_config(prod_plan)["podCidr"]
    assert network["dnsServiceIP"] == dns_service_ip(network["serviceCidr"])
    aks_subnet = prod_plan.one(SUBNET, "twincloud-prod-az-net-aks")
    for pool in inputs["agentPoolProfiles"]:
        assert pool["vnetSubnetID"].endswith("/subnets/aks")
    assert aks_subnet.urn in cluster(prod_plan).dependencies


def test_every_pool_is_autoscaled_within_its_configured_bounds(prod_plan):
    pools = {p["name"]: p for p in cluster(prod_plan).inputs["agentPoolProfiles"]}
    for want in aks_config(prod_plan)["nodePools"]:
        got = pools[want["name"]]
        assert got["enableAutoScaling"] is True
        assert (got["minCount"], got["maxCount"]) == (want["minCount"], want["maxCount"])
        assert got["minCount"] <= got["count"] <= got["maxCount"]


def test_prod_pools_span_every_configured_zone(prod_plan):
    zones = prod_plan.config["azure"]["zones"]
    assert zones == ["1", "2", "3"]
    for pool in cluster(prod_plan).inputs["agentPoolProfiles"]:
        assert pool["availabilityZones"] == zones


def test_system_pool_is_reserved_for_critical_addons(prod_plan):
    pools = cluster(prod_plan).inputs["agentPoolProfiles"]
    system = [p for p in pools if p["mode"] == "System"]
    assert system and all("CriticalAddonsOnly=true:NoSchedule" in p["nodeTaints"] for p in system)
    assert any(p["mode"] == "User" for p in pools)


def test_nodes_get_no_public_ips(prod_plan):
    assert all(p["enableNodePublicIP"] is False for p in cluster(prod_plan).inputs["agentPoolProfiles"])


def test_autoscaler_owns_the_node_counts(prod_plan):
    assert "agentPoolProfiles[*].count" in cluster(prod_plan).ignore_changes


def test_kubernetes_version_is_pinned_from_config(prod_plan):
    inputs = cluster(prod_plan).inputs
    assert inputs["kubernetesVersion"] == aks_config(prod_plan)["version"]
    assert {p["orchestratorVersion"] for p in inputs["agentPoolProfiles"]} == {inputs["kubernetesVersion"]}
    assert inputs["autoUpgradeProfile"]["upgradeChannel"] == "patch"


def test_api_server_is_limited_to_the_authorized_ranges(prod_plan):
    access = cluster(prod_plan).inputs["apiServerAccessProfile"]
    nat_ips = [f"{ip}/32" for ip in prod_plan.outputs["natPublicIps"]]
    # the configured ranges, plus the AWS NAT addresses the in-network deploy runner comes from
    assert access["authorizedIPRanges"] == aks_config(prod_plan)["apiServerAuthorizedIpRanges"] + nat_ips
    assert access["authorizedIPRanges"] and "0.0.0.0/0" not in access["authorizedIPRanges"]


def test_private_cluster_from_config():
    access = cluster(alternative_plan()).inputs["apiServerAccessProfile"]
    assert access["enablePrivateCluster"] is True
    assert "authorizedIPRanges" not in access


def test_user_assigned_control_plane_identity_may_join_the_aks_subnet(prod_plan):
    identity = cluster(prod_plan).inputs["identity"]
    uai = prod_plan.one(UAI, "twincloud-prod-aks-control-plane")
    assert identity["type"] == "UserAssigned"
    assert f"/userAssignedIdentities/{uai.name}" in identity["userAssignedIdentities"][0]
    assert uai.urn in cluster(prod_plan).dependencies
    grant = prod_plan.one(ROLE, "twincloud-prod-aks-subnet-network-contributor")
    assert role_guid(grant) == roles.NETWORK_CONTRIBUTOR
    assert grant.inputs["scope"].endswith("/subnets/aks")
    assert uai.urn in grant.dependencies and grant.urn in cluster(prod_plan).dependencies


def test_system_assigned_identity_from_config():
    p = alternative_plan()
    assert cluster(p).inputs["identity"] == {"type": "SystemAssigned"}
    grant = p.one(ROLE, "twincloud-prod-aks-subnet-network-contributor")
    assert cluster(p).urn in grant.dependencies  # the principal exists only once the cluster does


def test_deployer_is_cluster_admin_through_azure_rbac(prod_plan):
    grant = prod_plan.one(ROLE, "twincloud-prod-aks-deployer-admin")
    assert role_guid(grant) == roles.AKS_RBAC_CLUSTER_ADMIN
    assert grant.inputs["scope"].endswith("/managedClusters/twincloud-prod-aks")


def test_kubeconfig_export_is_a_secret(prod_plan):
    assert isinstance(prod_plan.outputs["aksKubeconfig"], Secret)


def test_kubeconfig_authenticates_with_kubelogin_non_interactively(prod_plan):
    doc = yaml.safe_load(prod_plan.outputs["aksKubeconfig"].value)
    exec_cfg = doc["users"][0]["user"]["exec"]
    assert exec_cfg["command"] == "kubelogin"
    assert exec_cfg["args"][:3] == ["get-token", "--login", aks_config(prod_plan)["kubeloginMode"]]
    assert "devicecode" not in exec_cfg["args"] and "--server-id" in exec_cfg["args"]
    assert "client-certificate-data" not in str(doc) and "token" not in doc["users"][0]["user"]


def test_kubernetes_provider_gets_the_secret_kubeconfig(prod_plan):
    provider = prod_plan.one(K8S_PROVIDER, "twincloud-prod-aks-k8s")
    assert isinstance(provider.inputs["kubeconfig"], Secret)


def test_oidc_issuer_url_is_exported(prod_plan):
    assert prod_plan.outputs["aksOidcIssuerUrl"].startswith("https://")


# -- the component on its own -------------------------------------------------------------------

def args(**overrides):
    base = dict(resource_group_name="rg", location="westeurope", cluster_name="c", kubernetes_version="1.35",
                subnet_id="/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v/subnets/aks",
                node_pools=[NodePoolSpec(name="system", mode="System", vm_size="Standard_D4s_v5",
                                         min_count=1, max_count=3)])
    base.update(overrides)
    return AksClusterArgs(**base)


def test_cilium_runs_with_node_subnet_ip_assignment():
    # Azure CNI powered by Cilium supports overlay, VNet and node-subnet IP assignment
    # (MicrosoftDocs/azure-aks-docs@007506caa707 articles/aks/azure-cni-powered-by-cilium.md, Option 3).
    resources = run_component(lambda: AksCluster("c", args(network_plugin_mode="vnet", network_policy="cilium")))
    network = [r for r in resources if r.type == AKS][0].inputs["networkProfile"]
    assert network["networkDataplane"] == "cilium" and network["networkPolicy"] == "cilium"
    assert "networkPluginMode" not in network  # node-subnet IPs: no overlay


def test_component_default_is_a_private_api_server():
    resources = run_component(lambda: AksCluster("c", args()))
    access = [r for r in resources if r.type == AKS][0].inputs["apiServerAccessProfile"]
    assert access["enablePrivateCluster"] is True


@pytest.mark.parametrize("bad,match", [
    (dict(private_cluster=False), "needs authorized_ip_ranges"),
    (dict(private_cluster=False, authorized_ip_ranges=["0.0.0.0/0"]), "0.0.0.0/0"),
    (dict(kubernetes_version="1.20"), "not pinned"),
    (dict(node_pools=[NodePoolSpec(name="user", vm_size="Standard_D4s_v5", min_count=0, max_count=3)]),
     "mode 'System'"),
])
def test_component_refuses_insecure_or_inconsistent_args(bad, match):
    with pytest.raises(ValueError, match=match):
        AksCluster("c", args(**bad))


# -- kubeconfig conversion (pure) ----------------------------------------------------------------

def aks_kubeconfig_b64():
    return base64.b64encode(aks_user_kubeconfig("rg", "c", "westeurope").encode()).decode()


@pytest.mark.parametrize("mode", ["azurecli", "workloadidentity", "msi"])
def test_conversion_keeps_only_login_and_server_id(mode):
    doc = yaml.safe_load(with_kubelogin_mode(aks_kubeconfig_b64(), mode))
    assert doc["users"][0]["user"]["exec"]["args"] == [
        "get-token", "--login", mode, "--server-id", "6dae42f8-4368-4678-94ff-3960e28e3630"]


def test_spn_conversion_keeps_tenant_but_not_the_cli_client_id():
    args_ = yaml.safe_load(with_kubelogin_mode(aks_kubeconfig_b64(), "spn"))["users"][0]["user"]["exec"]["args"]
    assert "--tenant-id" in args_ and "--client-id" not in args_


def test_unknown_kubelogin_mode_rejected():
    with pytest.raises(ValueError, match="unknown kubelogin mode"):
        with_kubelogin_mode(aks_kubeconfig_b64(), "devicecode")
