"""metrics-server, External Secrets, Argo CD and the optional services on the clusters they belong to."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from components.platform.values import (
    argocd_values, external_secrets_values, karpenter_values, metrics_server_values, opencost_values, rollouts_values,
)
from components.versions import CHARTS, PLATFORM_CHARTS
from tests.support import plan, policy_json

RELEASE = "kubernetes:helm.sh/v3:Release"
APPLICATION = "kubernetes:argoproj.io/v1alpha1:Application"
STORE = "kubernetes:external-secrets.io/v1:ClusterSecretStore"
CHART_KEYS = Path(__file__).parent / "data" / "chart_keys"


def releases(p, prefix: str) -> dict[str, dict]:
    return {r.inputs["chart"].rsplit("/", 1)[-1]: r.inputs for r in p.of_type(RELEASE) if r.name.startswith(prefix)}


# -- where each service runs ------------------------------------------------------------------

def test_eks_gets_every_platform_chart_at_its_pin(prod_plan):
    eks = {r.inputs["chart"].rsplit("/", 1)[-1]: r.inputs["version"] for r in prod_plan.of_type(RELEASE)
           if "-azure" not in r.name}
    for chart in ("karpenter", "karpenter-crd", "metrics-server", "external-secrets", "argo-cd"):
        assert eks[chart] == CHARTS[chart].version, chart


def test_aks_gets_argocd_but_not_metrics_server_or_eso(prod_plan):
    # AKS runs its own metrics-server; secrets come through the Key Vault CSI driver.
    aks = releases(prod_plan, "twincloud-prod-argocd-azure")
    assert set(aks) == {"argo-cd"}
    charts = [r.inputs["chart"] for r in prod_plan.of_type(RELEASE)]
    assert charts.count("metrics-server") == 1 and charts.count("external-secrets") == 1
    assert prod_plan.one(RELEASE, "twincloud-prod-metrics-server-release").provider.startswith(
        "urn:pulumi:prod::twincloud::twincloud:aws:EksCluster")


def test_optional_services_are_off_by_default(dev_plan, prod_plan):
    for p in (dev_plan, prod_plan):
        assert not {"argo-rollouts", "opencost"} & {r.inputs["chart"] for r in p.of_type(RELEASE)}


def test_optional_services_install_when_enabled():
    p = plan("dev", "twincloud:platform.argoRollouts.enabled=true", "twincloud:platform.opencost.enabled=true")
    charts = {r.inputs["chart"]: r.inputs for r in p.of_type(RELEASE)}
    assert charts["argo-rollouts"]["version"] == CHARTS["argo-rollouts"].version
    prometheus = charts["opencost"]["values"]["opencost"]["prometheus"]["internal"]
    assert (prometheus["namespaceName"], prometheus["serviceName"], prometheus["port"]) == (
        "monitoring", "kube-prometheus-stack-prometheus", 9090)


# -- External Secrets ----------------------------------------------------------------------------

def test_eso_reads_only_the_stack_prefix(prod_plan):
    doc = policy_json(prod_plan.one("aws:iam/rolePolicy:RolePolicy", "twincloud-prod-external-secrets-read")
                      .inputs["policy"])
    (statement,) = doc["Statement"]
    assert statement["Resource"] == "arn:aws:secretsmanager:eu-west-1:123456789012:secret:twincloud-prod/*"
    assert sorted(statement["Action"]) == ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy",
                                           "secretsmanager:GetSecretValue", "secretsmanager:ListSecretVersionIds"]


def test_eso_role_trusts_only_pod_identity(prod_plan):
    trust = policy_json(prod_plan.one("aws:iam/role:Role", "twincloud-prod-external-secrets-role")
                        .inputs["assumeRolePolicy"])
    assert [s["Principal"] for s in trust["Statement"]] == [{"Service": "pods.eks.amazonaws.com"}]
    assoc = prod_plan.one("aws:eks/podIdentityAssociation:PodIdentityAssociation",
                          "twincloud-prod-external-secrets-pod-identity")
    assert (assoc.inputs["namespace"], assoc.inputs["serviceAccount"]) == ("external-secrets", "external-secrets")


def test_eso_crds_upgrade_with_the_chart_without_a_conversion_webhook():
    values = external_secrets_values(replicas=2, service_account="external-secrets")
    assert values["installCRDs"] is True
    assert values["crds"] == {"conversion": {"enabled": False}, "unsafeServeV1Beta1": False}


def test_cluster_secret_store_uses_the_controllers_pod_identity(prod_plan):
    store = prod_plan.one(STORE)
    assert store.inputs["spec"] == {"provider": {"aws": {"service": "SecretsManager", "region": "eu-west-1"}}}
    release = prod_plan.one(RELEASE, "twincloud-prod-external-secrets-release")
    assert release.urn in store.dependencies


def test_replicated_eso_elects_a_leader_and_has_pdbs(prod_plan):
    values = prod_plan.one(RELEASE, "twincloud-prod-external-secrets-release").inputs["values"]
    assert values["replicaCount"] == 2 and values["leaderElect"] is True
    assert values["podDisruptionBudget"]["enabled"] is True
    assert values["webhook"]["podDisruptionBudget"]["enabled"] is True


# -- Argo CD ---------------------------------------------------------------------------------------

def test_app_of_apps_comes_from_config(prod_plan):
    root = prod_plan.one(APPLICATION, "twincloud-prod-argocd-aws-app-app-of-apps").inputs
    assert root["spec"]["source"] == {"repoURL": "https://github.com/twincloud/platform-apps.git",
                                      "path": "clusters/prod", "targetRevision": "main"}
    assert root["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"] == "-10"


def test_argocd_runs_on_both_clusters_with_the_app_of_apps(prod_plan):
    names = {r.name for r in prod_plan.of_type(APPLICATION)}
    assert {"twincloud-prod-argocd-aws-app-app-of-apps", "twincloud-prod-argocd-azure-app-app-of-apps"} <= names


def test_autoscaled_workload_replicas_are_ignored_and_respected(prod_plan):
    api = prod_plan.one(APPLICATION, "twincloud-prod-argocd-aws-app-api").inputs
    assert {"group": "apps", "kind": "Deployment", "namespace": "apps", "name": "api",
            "jsonPointers": ["/spec/replicas"], "managedFieldsManagers": ["kube-controller-manager"]} \
        in api["spec"]["ignoreDifferences"]
    assert "RespectIgnoreDifferences=true" in api["spec"]["syncPolicy"]["syncOptions"]


def test_operator_defaulted_fields_are_ignored(prod_plan):
    root = prod_plan.one(APPLICATION, "twincloud-prod-argocd-aws-app-app-of-apps").inputs
    eso = [d for d in root["spec"]["ignoreDifferences"] if d["kind"] == "ExternalSecret"]
    assert eso and "/spec/target/creationPolicy" in eso[0]["jsonPointers"]
    cm = prod_plan.one(RELEASE, "twincloud-prod-argocd-aws-release").inputs["values"]["configs"]
    assert cm["params"]["controller.diff.server.side"] == "true"
    assert "kube-controller-manager" in cm["cm"]["resource.customizations.ignoreDifferences.apps_Deployment"]


def test_sync_waves_put_the_root_first_and_crds_can_land_before_resources(prod_plan):
    apps = {r.inputs["metadata"]["name"]: r.inputs for r in prod_plan.of_type(APPLICATION)}
    assert int(apps["app-of-apps"]["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"]) < \
        int(apps["api"]["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"])
    for app in apps.values():
        assert "SkipDryRunOnMissingResource=true" in app["spec"]["syncPolicy"]["syncOptions"]


def test_applications_wait_for_the_argocd_release(prod_plan):
    release = prod_plan.one(RELEASE, "twincloud-prod-argocd-aws-release")
    for app in prod_plan.of_type(APPLICATION):
        if "-aws-" in app.name:
            assert release.urn in app.dependencies


def test_local_admin_is_on_until_sso_then_off():
    assert argocd_values(ha=False, url=None, sso=None)["configs"]["cm"]["admin.enabled"] is True
    with_sso = argocd_values(ha=False, url="https://argocd.example.com",
                             sso={"issuer": "https://login.example.com", "client_id": "argocd", "admin_group": "ops"})
    assert with_sso["configs"]["cm"]["admin.enabled"] is False
    assert with_sso["configs"]["rbac"] == {"policy.default": "", "policy.csv": "g, ops, role:admin\n"}
    assert "enablePKCEAuthentication: true" in with_sso["configs"]["cm"]["oidc.config"]


def test_argocd_server_drains_before_it_stops():
    server = argocd_values(ha=True, url=None, sso=None)["server"]
    assert server["lifecycle"] == {"preStop": {"sleep": {"seconds": 5}}}
    assert server["terminationGracePeriodSeconds"] > 5


def test_prod_argocd_is_ha_with_pdbs(prod_plan):
    values = prod_plan.one(RELEASE, "twincloud-prod-argocd-aws-release").inputs["values"]
    for component in ("server", "repoServer", "applicationSet"):
        assert values[component]["replicas"] == 2 and values[component]["pdb"]["enabled"] is True, component


def test_replicated_monitoring_components_get_pdbs_and_anti_affinity(prod_plan):
    values = prod_plan.one(RELEASE, "twincloud-prod-monitoring-aws-kube-prometheus-stack").inputs["values"]
    for component, spec in (("prometheus", "prometheusSpec"), ("alertmanager", "alertmanagerSpec")):
        assert values[component][spec]["replicas"] > 1
        assert values[component]["podDisruptionBudget"] == {"enabled": True, "minAvailable": 1}, component
        assert values[component][spec]["podAntiAffinity"] == "hard", component


# -- chart values exist upstream -----------------------------------------------------------------

def _leaves(node, prefix=()):
    if isinstance(node, dict) and node:
        for k, v in node.items():
            yield from _leaves(v, (*prefix, k))
    else:
        yield prefix


# argocd-cm / argocd-cmd-params-cm / argocd-rbac-cm keys are free-form maps in the chart; their keys
# are Argo CD's (argoproj/argo-cd@443415b55275 docs/operator-manual/argocd-cm.yaml,
# argocd-cmd-params-cm.yaml, argocd-rbac-cm.yaml at v3.4.4).
ARGOCD_CONFIG_KEYS = {
    "cm": {"admin.enabled", "exec.enabled", "url", "oidc.config",
           "resource.customizations.ignoreDifferences.apps_Deployment",
           "resource.customizations.ignoreDifferences.apps_StatefulSet"},
    "params": {"controller.diff.server.side"},
    "rbac": {"policy.default", "policy.csv"},
}


@pytest.mark.parametrize("chart,values", [
    ("karpenter", karpenter_values(cluster_name="c", queue="q", replicas=2, system_node_group="s",
                                   service_account="karpenter", region="eu-west-1")),
    ("metrics-server", metrics_server_values(replicas=2)),
    ("external-secrets", external_secrets_values(replicas=2, service_account="external-secrets")),
    ("argo-cd", argocd_values(ha=True, url="https://a", sso={"issuer": "https://i", "client_id": "c",
                                                              "admin_group": "g"})),
    ("argo-rollouts", rollouts_values(replicas=2)),
    ("opencost", opencost_values(prometheus_namespace="m", prometheus_service="p", prometheus_port=9090,
                                 cluster_id="c")),
])
def test_values_keys_exist_in_the_pinned_chart(chart, values):
    data = json.loads((CHART_KEYS / f"{chart}.json").read_text())
    assert "@" in data["source"]
    keys = set(data["keys"])
    unknown = []
    for path in _leaves(values):
        if chart == "argo-cd" and path[0] == "configs" and path[1] in ARGOCD_CONFIG_KEYS:
            if path[2] not in ARGOCD_CONFIG_KEYS[path[1]]:
                unknown.append(".".join(path))
            continue
        for i in range(len(path), 0, -1):
            prefix = ".".join(path[:i])
            if prefix in keys:
                if i < len(path) and any(k.startswith(prefix + ".") for k in keys):
                    unknown.append(".".join(path))  # the chart lists this map's keys and ours is not one
                break
        else:
            unknown.append(".".join(path))
    assert unknown == []


def test_platform_pins_name_their_verified_source():
    for key, pin in PLATFORM_CHARTS.items():
        assert "@" in pin.verified and pin.version in pin.verified, key


def test_readme_spot_pod_spec_is_valid_for_the_cluster_version(dev_plan):
    import re

    import kubernetes_validate
    import yaml

    text = (Path(__file__).parent.parent / "README.md").read_text()
    section = text.split("### Ship an app through Argo CD onto spot capacity", 1)[1].split("\n### ", 1)[0]
    block = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    spec = yaml.safe_load("\n".join(line[3:] for line in block.splitlines()))["spec"]
    spec["containers"][0]["image"] = "example:1"
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "x"}, "spec": spec}
    version = dev_plan.config["eks"]["version"]
    assert kubernetes_validate.validate(pod, version, strict=True) == version
    assert spec["tolerations"][0]["key"] == "twincloud.io/spot"  # the shipped spot pools' taint
