"""MonitoringStack in the shipped plans (EKS) and in a component-level run on Azure bindings."""

import kubernetes_validate
import pytest
import yaml

from components.monitoring.checks import hpa_conflicts, image_refs, static_credentials
from components.monitoring.stack import MonitoringStackArgs, check_bindings
from components.monitoring.storage import AwsObjectStorage, AzureObjectStorage
from components.versions import CHARTS, IMAGES, check_pin
from tests.monitoring_support import (
    AZURE_ACCOUNT, AZURE_LOKI_CLIENT_ID, AZURE_TEMPO_CLIENT_ID, RELEASE, azure_run, loki_config_of, raw_objects,
    releases, stack_of, tempo_config_of, unwrap, values,
)
from tests.support import plan
from tools.engine import Secret

SA = "kubernetes:core/v1:ServiceAccount"
NS = "kubernetes:core/v1:Namespace"
SECRET = "kubernetes:core/v1:Secret"
NETPOL = "kubernetes:networking.k8s.io/v1:NetworkPolicy"


@pytest.fixture(scope="module")
def azure():
    return list(azure_run())


@pytest.fixture(scope="module")
def prod_eks(prod_plan):
    return stack_of(prod_plan, "aws")


@pytest.fixture(scope="module")
def prod_aks(prod_plan):
    return stack_of(prod_plan, "azure")


def _all_runs(dev_plan, prod_eks, prod_aks, azure):
    return {"dev": dev_plan.resources, "prod-eks": prod_eks, "prod-aks": prod_aks, "azure": azure}


def _by_meta_name(resources, typ):
    return {r.inputs["metadata"]["name"]: r for r in resources if r.type == typ}


# -- charts and images ------------------------------------------------------------------

MONITORING_CHARTS = ("prometheus-operator-crds", "kube-prometheus-stack", "loki", "tempo", "alloy", "grafana")


def test_plans_deploy_the_five_pinned_charts(dev_plan, prod_eks, prod_aks, azure):
    for resources in (dev_plan.resources, prod_eks, prod_aks, azure):
        found = releases(resources)
        assert set(found) == set(MONITORING_CHARTS) <= set(CHARTS)
        for key in MONITORING_CHARTS:
            pin = CHARTS[key]
            assert (found[key]["version"], found[key]["repositoryOpts"]["repo"]) == (pin.version, pin.repo)


def test_releases_have_explicit_helm_names(dev_plan):
    names = {chart: r["name"] for chart, r in releases(dev_plan.resources).items()}
    assert names == {"prometheus-operator-crds": "prometheus-operator-crds",
                     "kube-prometheus-stack": "kube-prometheus-stack", "loki": "loki", "tempo": "tempo",
                     "alloy": "alloy", "grafana": "grafana"}


def test_releases_run_on_the_eks_provider(dev_plan):
    for r in dev_plan.of_type(RELEASE):
        assert r.provider and "twincloud-dev-eks-k8s" in r.provider


def test_every_image_in_the_values_is_a_passing_pin(dev_plan, prod_eks, prod_aks, azure):
    pinned = {(f"{p.registry}/{p.repository}", p.tag) for p in IMAGES.values()}
    for resources in (dev_plan.resources, prod_eks, prod_aks, azure):
        for chart, release in releases(resources).items():
            refs = list(image_refs(release["values"]))
            assert refs or chart == "prometheus-operator-crds", chart  # CRDs only: no image
            for path, repo, tag in refs:
                assert (repo, tag) in pinned, f"{chart} {path}: {repo}:{tag} is not in components/versions.py"
                assert check_pin("image", repo, tag) == []


# -- identities and credentials -----------------------------------------------------------

def test_no_static_credentials_in_any_release_values(dev_plan, prod_eks, prod_aks, azure):
    for name, resources in _all_runs(dev_plan, prod_eks, prod_aks, azure).items():
        for chart, release in releases(resources).items():
            assert static_credentials(release["values"]) == [], f"{name}/{chart}"


def test_loki_and_tempo_run_as_the_service_accounts_the_aws_bindings_name(dev_plan):
    accounts = _by_meta_name(dev_plan.resources, SA)
    assert {n: a.inputs["metadata"]["namespace"] for n, a in accounts.items()} == \
        {"loki": "monitoring", "tempo": "monitoring"}
    assert values(dev_plan.resources, "loki")["serviceAccount"] == {"create": False, "name": "loki"}
    assert values(dev_plan.resources, "tempo")["serviceAccount"] == \
        {"create": False, "name": "tempo", "automountServiceAccountToken": False}


def test_loki_and_tempo_run_as_the_service_accounts_the_azure_bindings_name(azure):
    accounts = _by_meta_name(azure, SA)
    assert accounts["loki-wi"].inputs["metadata"]["annotations"] == \
        {"azure.workload.identity/client-id": AZURE_LOKI_CLIENT_ID}
    assert accounts["tempo-wi"].inputs["metadata"]["annotations"] == \
        {"azure.workload.identity/client-id": AZURE_TEMPO_CLIENT_ID}
    assert values(azure, "loki")["serviceAccount"] == {"create": False, "name": "loki-wi"}
    assert values(azure, "tempo")["serviceAccount"] == \
        {"create": False, "name": "tempo-wi", "automountServiceAccountToken": False}


def test_azure_pods_opt_into_workload_identity(azure):
    assert values(azure, "loki")["defaults"]["podLabels"] == {"azure.workload.identity/use": "true"}
    assert values(azure, "tempo")["podLabels"] == {"azure.workload.identity/use": "true"}


def test_aws_pods_carry_no_workload_identity_label(dev_plan):
    assert values(dev_plan.resources, "loki")["defaults"]["podLabels"] == {}


def test_azure_configs_use_the_bound_containers_with_federated_tokens(azure):
    loki = loki_config_of(azure)["common"]["storage"]["azure"]
    assert loki == {"account_name": AZURE_ACCOUNT, "container_name": "loki-chunks", "use_federated_token": True}
    tempo = tempo_config_of(azure)["storage"]["trace"]
    assert tempo["azure"] == {"storage_account_name": AZURE_ACCOUNT, "container_name": "tempo-traces",
                              "use_federated_token": True}


def test_s3_endpoint_and_region_follow_the_stack_region():
    resources = plan("dev", "aws:region=us-west-2").resources
    assert loki_config_of(resources)["common"]["storage"]["s3"]["region"] == "us-west-2"
    s3 = tempo_config_of(resources)["storage"]["trace"]["s3"]
    assert (s3["endpoint"], s3["region"]) == ("s3.us-west-2.amazonaws.com", "us-west-2")


def test_shipped_loki_config_is_tsdb_v13_without_loki_2_fields(dev_plan, prod_eks, prod_aks):
    from components.monitoring.loki_config import removed_fields
    for resources in (dev_plan.resources, prod_eks, prod_aks):
        config = loki_config_of(resources)
        assert [(p["store"], p["schema"]) for p in config["schema_config"]["configs"]] == [("tsdb", "v13")]
        assert removed_fields(config) == []


def test_check_bindings_rejects_the_other_clouds_binding():
    aws = AwsObjectStorage(bucket="b", region="eu-west-1", service_account="loki")
    azure_binding = AzureObjectStorage("acct", "c", "id", "tempo")
    args = MonitoringStackArgs(provider=None, cloud="aws", loki_storage=aws, tempo_storage=azure_binding,
                               kubernetes_version="1.33", cluster_name="c")
    assert check_bindings(args) == ["tempo_storage must be AwsObjectStorage on aws, got AzureObjectStorage"]


def test_check_bindings_rejects_a_binding_in_another_namespace_or_a_shared_account():
    loki = AwsObjectStorage(bucket="b", region="eu-west-1", service_account="obs", namespace="default")
    tempo = AwsObjectStorage(bucket="t", region="eu-west-1", service_account="obs")
    problems = check_bindings(MonitoringStackArgs(provider=None, cloud="aws", loki_storage=loki, tempo_storage=tempo,
                                                  kubernetes_version="1.33", cluster_name="c"))
    assert len(problems) == 2 and "namespace monitoring" in problems[0] and "different service accounts" in problems[1]


# -- sizing -------------------------------------------------------------------------------

def test_prod_prometheus_has_at_least_1gi_and_the_remote_write_receiver(prod_eks):
    from components.monitoring.durations import mebibytes
    spec = values(prod_eks, "kube-prometheus-stack")["prometheus"]["prometheusSpec"]
    assert spec["enableRemoteWriteReceiver"] is True
    assert mebibytes(spec["resources"]["requests"]["memory"]) >= 1024
    assert mebibytes(spec["resources"]["limits"]["memory"]) >= 1024
    assert spec["replicas"] >= 2


def test_prometheus_retention_and_volume_come_from_config(dev_plan):
    spec = values(dev_plan.resources, "kube-prometheus-stack")["prometheus"]["prometheusSpec"]
    assert spec["retention"] == "3d"
    assert spec["storageSpec"]["volumeClaimTemplate"]["spec"]["resources"]["requests"]["storage"] == "20Gi"


def test_no_workload_sets_replicas_alongside_an_autoscaler(prod_eks, prod_aks, azure):
    read = values(prod_eks, "loki")["read"]
    assert read["autoscaling"]["enabled"] is True and "replicas" not in read
    for resources in (prod_eks, prod_aks, azure):
        for chart, release in releases(resources).items():
            assert hpa_conflicts(release["values"]) == [], chart


def test_prod_runs_loki_simple_scalable_with_replication_three(prod_eks):
    assert values(prod_eks, "loki")["deploymentMode"] == "SimpleScalable"
    assert loki_config_of(prod_eks)["common"]["replication_factor"] == 3


def test_dev_runs_loki_single_binary_with_the_scalable_targets_off(dev_plan):
    v = values(dev_plan.resources, "loki")
    assert v["deploymentMode"] == "Monolithic" and v["singleBinary"]["replicas"] == 1
    assert [v[t]["replicas"] for t in ("write", "read", "backend")] == [0, 0, 0]


# -- Kubernetes objects -----------------------------------------------------------------

def test_raw_kubernetes_objects_validate_against_the_cluster_schema(dev_plan, prod_eks, prod_aks, azure):
    version = dev_plan.config["eks"]["version"]
    for name, resources in _all_runs(dev_plan, prod_eks, prod_aks, azure).items():
        objects = raw_objects(resources)
        assert len(objects) >= 10, name
        for r in objects:
            obj = unwrap(r.inputs)
            assert kubernetes_validate.validate(obj, version, strict=True) == version, f"{name} {r.name}"


def test_schema_validation_rejects_a_misspelt_field():
    obj = {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "x"}, "automountToken": False}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(obj, "1.33", strict=True)


def test_namespaces_carry_pod_security_labels(dev_plan):
    namespaces = _by_meta_name(dev_plan.resources, NS)
    backends = namespaces["monitoring"].inputs["metadata"]["labels"]
    assert backends["pod-security.kubernetes.io/enforce"] == "baseline"
    assert backends["pod-security.kubernetes.io/warn"] == "restricted"
    assert backends["pod-security.kubernetes.io/enforce-version"] == f"v{dev_plan.config['eks']['version']}"
    agents = namespaces["monitoring-agents"].inputs["metadata"]["labels"]
    assert agents["pod-security.kubernetes.io/enforce"] == "privileged"
    assert agents["pod-security.kubernetes.io/audit"] == "baseline"


def test_host_access_agents_live_in_the_agents_namespace(dev_plan):
    kps = values(dev_plan.resources, "kube-prometheus-stack")
    assert kps["prometheus-node-exporter"]["namespaceOverride"] == "monitoring-agents"
    assert [r["namespace"] for c, r in releases(dev_plan.resources).items() if c == "alloy"] == ["monitoring-agents"]


def test_prod_protects_the_monitoring_namespace_and_dev_does_not(dev_plan, prod_eks, prod_aks):
    assert _by_meta_name(prod_eks, NS)["monitoring"].protect is True
    assert _by_meta_name(prod_aks, NS)["monitoring"].protect is True
    assert _by_meta_name(dev_plan.resources, NS)["monitoring"].protect is False


def test_network_policies_admit_otlp_from_everywhere_and_the_rest_only_from_monitoring(dev_plan):
    policies = _by_meta_name(dev_plan.resources, NETPOL)
    backends = policies["monitoring-backends-ingress"].inputs["spec"]["ingress"]
    assert backends == [{"from": [{"namespaceSelector": {"matchExpressions": [{
        "key": "kubernetes.io/metadata.name", "operator": "In", "values": ["monitoring", "monitoring-agents"]}]}}]}]
    agents = policies["monitoring-agents-ingress"].inputs["spec"]["ingress"]
    assert agents[1] == {"from": [{"namespaceSelector": {}}],
                         "ports": [{"port": 4317, "protocol": "TCP"}, {"port": 4318, "protocol": "TCP"}]}


def test_alloy_exposes_the_otlp_ports(dev_plan):
    ports = values(dev_plan.resources, "alloy")["alloy"]["extraPorts"]
    assert {(p["name"], p["port"]) for p in ports} == {("otlp-grpc", 4317), ("otlp-http", 4318)}


# -- secrets ----------------------------------------------------------------------------

def test_alertmanager_config_and_grafana_password_are_secrets_outside_helm_values(prod_plan, prod_eks):
    secrets = _by_meta_name(prod_eks, SECRET)
    assert isinstance(secrets["alertmanager-twincloud"].inputs["stringData"], Secret)
    assert isinstance(secrets["grafana-admin"].inputs["stringData"], Secret)
    am = values(prod_eks, "kube-prometheus-stack")["alertmanager"]["alertmanagerSpec"]
    assert (am["useExistingSecret"], am["configSecret"]) == (True, "alertmanager-twincloud")
    assert values(prod_eks, "grafana")["admin"]["existingSecret"] == "grafana-admin"
    assert isinstance(prod_plan.outputs["grafanaAdminPasswordAws"], Secret)
    assert isinstance(prod_plan.outputs["grafanaAdminPasswordAzure"], Secret)


def test_alertmanager_secret_routes_to_the_configured_receiver(azure):
    secret = _by_meta_name(azure, SECRET)["alertmanager-twincloud"]
    config = yaml.safe_load(unwrap(secret.inputs["stringData"])["alertmanager.yaml"])
    hooks = {r["name"]: r for r in config["receivers"]}
    assert hooks["oncall"]["webhook_configs"][0]["url"] == "https://hooks.example/T0/B0/x"


def test_dashboards_are_config_maps_the_grafana_sidecar_loads(dev_plan):
    maps = [r for r in dev_plan.of_type("kubernetes:core/v1:ConfigMap")
            if r.inputs["metadata"].get("labels", {}).get("grafana_dashboard") == "1"]
    assert {m.inputs["metadata"]["name"] for m in maps} == {"dashboard-golden-signals", "dashboard-monitoring-stack"}
    sidecar = values(dev_plan.resources, "grafana")["sidecar"]["dashboards"]
    assert (sidecar["enabled"], sidecar["label"], sidecar["labelValue"]) == (True, "grafana_dashboard", "1")


def test_monitoring_can_be_disabled():
    resources = plan("dev", "twincloud:monitoring.enabled=false").resources
    assert not [r for r in resources if r.type == "twincloud:k8s:MonitoringStack"]
    assert releases(resources) == {}


def test_eks_releases_wait_for_their_pod_identity_association(prod_plan):
    associations = {a.inputs["serviceAccount"]: a.urn
                    for a in prod_plan.of_type("aws:eks/podIdentityAssociation:PodIdentityAssociation")}
    releases = {r.inputs["name"]: r for r in prod_plan.of_type("kubernetes:helm.sh/v3:Release")
                if r.parent and "monitoring-aws" in r.parent}
    assert associations["loki"] in releases["loki"].dependencies
    assert associations["tempo"] in releases["tempo"].dependencies
