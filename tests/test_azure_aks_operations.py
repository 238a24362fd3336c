"""AKS operations (issue 19): planned maintenance windows, run command off, API Server VNet
Integration as a config switch; on the real prod plan, the component, and bad config."""

from __future__ import annotations

import ipaddress

import pytest

from components.azure import roles
from components.azure.aks import AksCluster, MaintenanceWindowSpec
from components.azure.vnet import VNet, VNetArgs
from components.azure.vnet_plan import plan_vnet
from tests.azure_support import AKS, ROLE, SUBNET, one_problem, role_guid
from tests.support import run_component
from tests.test_azure_aks import args

MAINTENANCE = "azure-native:containerservice:MaintenanceConfiguration"


def windows(p):
    return {r.inputs["configName"]: r for r in p.of_type(MAINTENANCE)}


def test_prod_cluster_has_run_command_disabled(prod_plan):
    assert prod_plan.one(AKS).inputs["apiServerAccessProfile"]["disableRunCommand"] is True


def test_prod_has_both_planned_maintenance_windows_for_its_cluster(prod_plan):
    found = windows(prod_plan)
    assert set(found) == {"aksManagedAutoUpgradeSchedule", "aksManagedNodeOSUpgradeSchedule"}
    cluster = prod_plan.one(AKS)
    for w in found.values():
        assert w.inputs["resourceName"] == cluster.inputs["resourceName"] and cluster.urn in w.dependencies


def test_maintenance_windows_are_weekly_four_hours_from_the_config_defaults(prod_plan):
    auto = windows(prod_plan)["aksManagedAutoUpgradeSchedule"].inputs["maintenanceWindow"]
    node = windows(prod_plan)["aksManagedNodeOSUpgradeSchedule"].inputs["maintenanceWindow"]
    assert auto["schedule"] == {"weekly": {"dayOfWeek": "Sunday", "intervalWeeks": 1}}
    assert node["schedule"] == {"weekly": {"dayOfWeek": "Saturday", "intervalWeeks": 1}}
    assert auto["durationHours"] == node["durationHours"] == 4
    assert auto["startTime"] == "02:00" and auto["utcOffset"] == "+00:00"


def test_window_schedule_comes_from_config():
    from tests.dr_support import stack_config

    cfg = stack_config("prod", "twincloud:azure.aks.maintenance.nodeOs.dayOfWeek=Wednesday",
                       "twincloud:azure.aks.maintenance.nodeOs.startTime=23:30")
    assert (cfg.azure.aks.maintenance.node_os.day_of_week, cfg.azure.aks.maintenance.node_os.start_time) == (
        "Wednesday", "23:30")


@pytest.mark.parametrize(("override", "key", "words"), [
    ("twincloud:azure.aks.maintenance.autoUpgrade.durationHours=3", "maintenance.autoUpgrade.durationHours", "4"),
    ("twincloud:azure.aks.maintenance.nodeOs.startTime=25:00", "maintenance.nodeOs.startTime", "HH:MM"),
    ("twincloud:azure.aks.maintenance.nodeOs.dayOfWeek=Funday", "maintenance.nodeOs.dayOfWeek", "Sunday"),
    ("twincloud:azure.aks.maintenance.autoUpgrade.utcOffset=UTC", "maintenance.autoUpgrade.utcOffset", "+HH:MM"),
    ("twincloud:azure.aks.maintenance.nodeOs.enabled=false", "maintenance.nodeOs.enabled", "maintenance windows"),
    ("twincloud:azure.aks.disableRunCommand=false", "disableRunCommand", "run command"),
])
def test_bad_aks_operations_config_is_rejected_naming_the_key(override, key, words):
    message = one_problem("prod", override)
    assert f"twincloud:azure.aks.{key}:" in message and words in message, message


def test_vnet_integration_needs_the_user_assigned_identity():
    message = one_problem("prod", "twincloud:azure.aks.apiServerVnetIntegration=true",
                          "twincloud:azure.aks.identity=systemAssigned")
    assert message.startswith("twincloud:azure.aks.apiServerVnetIntegration:") and "userAssigned" in message


# -- API Server VNet Integration, on the components ------------------------------------------

@pytest.fixture(scope="module")
def integrated():
    def build():
        vnet = VNet("n", VNetArgs(location="westeurope", address_space="10.40.0.0/16", api_server_subnet=True))
        AksCluster("c", args(api_server_subnet_id=vnet.api_server_subnet_id, auto_upgrade_window=MaintenanceWindowSpec(
            day_of_week="Sunday")))
    return run_component(build)


def test_api_server_subnet_is_a_delegated_slash_28_in_the_reserved_eighth(integrated):
    subnet = next(r for r in integrated if r.type == SUBNET and r.inputs["subnetName"] == "apiserver")
    net = ipaddress.ip_network(subnet.inputs["addressPrefix"])
    assert net.prefixlen == 28 and net.subnet_of(list(ipaddress.ip_network("10.40.0.0/16").subnets(3))[6])
    assert [d["serviceName"] for d in subnet.inputs["delegations"]] == ["Microsoft.ContainerService/managedClusters"]


def test_cluster_projects_its_api_server_into_that_subnet(integrated):
    subnet = next(r for r in integrated if r.type == SUBNET and r.inputs["subnetName"] == "apiserver")
    access = next(r for r in integrated if r.type == AKS).inputs["apiServerAccessProfile"]
    assert access["enableVnetIntegration"] is True and access["subnetId"].endswith("/subnets/apiserver")
    assert subnet.urn in next(r for r in integrated if r.type == AKS).dependencies


def test_control_plane_identity_may_use_the_api_server_subnet_before_the_cluster_exists(integrated):
    grant = next(r for r in integrated if r.type == ROLE and r.name == "c-apiserver-subnet-network-contributor")
    assert role_guid(grant) == roles.NETWORK_CONTRIBUTOR and grant.inputs["scope"].endswith("/subnets/apiserver")
    assert grant.urn in next(r for r in integrated if r.type == AKS).dependencies


def test_without_the_switch_there_is_no_api_server_subnet(prod_plan):
    assert "apiserver" not in {r.inputs["subnetName"] for r in prod_plan.of_type(SUBNET)}
    assert "enableVnetIntegration" not in prod_plan.one(AKS).inputs["apiServerAccessProfile"]


def test_api_server_subnet_never_overlaps_the_other_tiers():
    for space in ("10.40.0.0/16", "10.1.2.0/24", "172.16.0.0/20"):
        layout = plan_vnet(space)
        api = ipaddress.ip_network(layout.apiserver)
        assert api.prefixlen == 28 and api.subnet_of(ipaddress.ip_network(space))
        assert not any(api.overlaps(ipaddress.ip_network(layout.cidr(t))) for t in ("aks", "endpoints", "database"))


@pytest.mark.parametrize("bad,match", [
    (dict(api_server_subnet_id="/s", identity="SystemAssigned"), "UserAssigned"),
    (dict(node_os_window=MaintenanceWindowSpec(day_of_week="Sunday", duration_hours=2)), "4-24 hours"),
])
def test_component_refuses_inconsistent_operations_args(bad, match):
    with pytest.raises(ValueError, match=match):
        AksCluster("c", args(**bad))
