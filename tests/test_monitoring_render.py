"""The monitoring workloads as the pinned charts render them: every Helm release of the dev and
prod plans, rendered with the real Helm engine (tests/render_support.py), checked the way the
cluster and the workloads will meet them."""

from __future__ import annotations

import functools
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

from components.monitoring.endpoints import CRDS_RELEASE, PROMETHEUS_RELEASE
from components.monitoring.values import ALLOY_STORAGE_PATH
from components.monitoring.workload_checks import (
    cluster_secret_readers, containers, containers_without_requests, pod_spec, unpinned_images,
)
from components.versions import CHARTS, IMAGES
from tests import render_support as rs
from tests.monitoring_support import RELEASE
from tools import charts

PINNED = {pin.ref for pin in IMAGES.values()}
FIC = "azure-native:managedidentity:FederatedIdentityCredential"
PIA = "aws:eks/podIdentityAssociation:PodIdentityAssociation"
# Service accounts that may read Secrets in every namespace, and why.
CLUSTER_SECRET_READERS = {
    # The operator writes the generated Prometheus/Alertmanager config Secrets and reads the
    # Secrets that ServiceMonitors and Alertmanager configs reference, in any namespace.
    "monitoring/kube-prometheus-stack-operator",
}


@pytest.fixture(scope="module")
def rendered() -> list[rs.Rendered]:
    return rs.all_rendered()


def _workloads(r: rs.Rendered) -> list[dict[str, Any]]:
    return [o for o in r.objects if pod_spec(o) is not None]


def _find(r: rs.Rendered, kind: str, name: str) -> dict[str, Any]:
    [found] = [o for o in r.objects if o["kind"] == kind and o["metadata"]["name"] == name]
    return found


def _release(rendered: list[rs.Rendered], stack: str, chart: str, cloud: str = "aws") -> rs.Rendered:
    [found] = [r for r in rendered if r.stack == stack and r.chart == chart and f"-{cloud}-" in r.resource]
    return found


# -- where the charts come from ----------------------------------------------------------------

@pytest.mark.parametrize("key", sorted(CHARTS))
def test_every_pin_has_its_chart_or_is_listed_as_awaiting_it(key):
    problem = rs.chart_available(key)
    assert problem is None or key in rs.AWAITING_CHARTS, \
        f"{problem}. Until the lead adds it, list {key!r} in AWAITING_CHARTS (tests/render_support.py)"


@pytest.mark.parametrize("key", sorted(rs.AWAITING_CHARTS))
def test_no_pin_is_listed_as_awaiting_a_chart_that_has_arrived(key):
    if not charts.charts_dir().is_dir():
        pytest.skip("no shared/charts here: every chart is pulled from its repository")
    assert key in CHARTS, f"{key} is not a pin any more: drop it from AWAITING_CHARTS"
    assert rs.chart_available(key) is not None, \
        f"{key} {CHARTS[key].version} now renders from {charts.charts_dir()}: drop it from AWAITING_CHARTS"


def test_a_pin_without_its_chart_fails_naming_the_chart_and_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setenv(charts.CHARTS_DIR_ENV, str(tmp_path))
    monkeypatch.setenv(charts.CACHE_ENV, str(tmp_path / "cache"))
    with pytest.raises(charts.ChartUnavailable) as err:
        charts.locate("loki", "18.11.0", CHARTS["loki"].repo)
    assert "loki 18.11.0" in str(err.value) and str(tmp_path) in str(err.value)


def _chart(root, name, version, *, deps=(), values="", template=None):
    d = root / f"{name}-{version}"
    (d / "templates").mkdir(parents=True)
    meta = {"apiVersion": "v2", "name": name, "version": version,
            "dependencies": [{"name": n, "version": v, "repository": "https://example.invalid",
                              "condition": f"{n}.enabled"} for n, v in deps]}
    (d / "Chart.yaml").write_text(yaml.safe_dump(meta))
    (d / "values.yaml").write_text(values)
    if template:
        (d / "templates" / "cm.yaml").write_text(template)
    return d


def test_a_subchart_kept_beside_its_parent_is_rendered_with_it(tmp_path, monkeypatch):
    monkeypatch.setenv(charts.CHARTS_DIR_ENV, str(tmp_path))
    _chart(tmp_path, "parent", "1.0.0", deps=[("child", "2.0.0")], values="child:\n  enabled: true\n")
    _chart(tmp_path, "child", "2.0.0", template="apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-child\n")
    assembled = charts.assemble("parent", "1.0.0", {}, workdir=tmp_path / "work")
    objects = charts.render(assembled.path, {}, name="p", namespace="x", kube_version="1.35")
    assert [o["metadata"]["name"] for o in objects] == ["from-child"]


def test_a_missing_subchart_the_values_turn_on_is_an_error_naming_it(tmp_path, monkeypatch):
    monkeypatch.setenv(charts.CHARTS_DIR_ENV, str(tmp_path))
    _chart(tmp_path, "parent", "1.0.0", deps=[("child", "2.0.0")], values="child:\n  enabled: false\n")
    assert charts.assemble("parent", "1.0.0", {}).missing == ("child 2.0.0",)  # off: fine
    with pytest.raises(charts.ChartUnavailable, match="child 2.0.0"):
        charts.assemble("parent", "1.0.0", {"child": {"enabled": True}})


def test_every_release_of_dev_and_prod_is_rendered_unless_its_chart_is_awaited(rendered):
    from tests.support import plan

    labels = {r.label for r in rendered}
    for stack in rs.STACKS:
        for release in plan(stack).of_type(RELEASE):
            key = rs.CHART_KEYS.get(release.inputs["chart"].rsplit("/", 1)[-1])  # OCI: oci://registry/path/<chart>
            assert key, f"{release.name}: chart {release.inputs['chart']!r} is not in components/versions.py CHARTS"
            assert f"{stack}/{release.name}" in labels or key in rs.AWAITING_CHARTS, release.name
    assert len(rendered) >= 10


# -- what the API server accepts ---------------------------------------------------------------

def _strict(schema: Any) -> Any:
    """A CRD's schema with unknown fields rejected (the API server would prune them silently)."""
    if isinstance(schema, dict):
        out = {k: _strict(v) for k, v in schema.items()}
        if out.get("type") == "object" and "properties" in out and "additionalProperties" not in out \
                and not out.get("x-kubernetes-preserve-unknown-fields"):
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


@functools.lru_cache(maxsize=1)
def _crd_schemas() -> dict[tuple[str, str], Any]:
    """A validator per served CRD version (built once: the operator's schemas are large)."""
    out = {}
    for crd in rs.all_crds():
        spec = crd["spec"]
        for v in spec["versions"]:
            schema = dict(v["schema"]["openAPIV3Schema"])
            props = dict(schema.get("properties") or {})
            props.pop("metadata", None)  # validated as ObjectMeta by the API server, not the CRD
            schema["properties"] = props
            # Not jsonschema.validate: that first checks the schema itself, and the CRDs carry
            # Go regexes (``(?i)`` mid-pattern) Python's re rejects.
            out[(f"{spec['group']}/{v['name']}", spec["names"]["kind"])] = jsonschema.Draft7Validator(_strict(schema))
    return out


def validate(obj: dict[str, Any], version: str, crds: dict[tuple[str, str], Any]) -> None:
    key = (obj["apiVersion"], obj["kind"])
    if key in crds:
        crds[key].validate({k: v for k, v in obj.items() if k != "metadata"})
    else:
        kubernetes_validate.validate(obj, version, strict=True)


def test_every_rendered_object_validates_against_its_schema(rendered, monkeypatch):
    from kubernetes_validate import utils

    # kubernetes-validate reads its (large) schema files again for every object: read them once.
    monkeypatch.setattr(utils, "schema_contents", functools.lru_cache(maxsize=None)(utils.schema_contents))
    crds = _crd_schemas()
    assert ("monitoring.coreos.com/v1", "ServiceMonitor") in crds
    for r in rendered:
        for obj in r.objects:
            try:
                validate(obj, r.kube_version, crds)
            except Exception as exc:  # noqa: BLE001 - report which object
                pytest.fail(f"{r.label}: {obj['kind']} {obj['metadata'].get('name')}: {str(exc)[:400]}")


def test_schema_check_rejects_an_unknown_field_in_a_custom_resource():
    crds = _crd_schemas()
    monitor = {"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor", "metadata": {"name": "x"},
               "spec": {"selector": {}, "endpoints": [{"port": "http", "intervall": "30s"}]}}
    with pytest.raises(jsonschema.ValidationError):
        validate(monitor, "1.35", crds)


# -- images, requests, identities --------------------------------------------------------------

def test_every_rendered_container_runs_a_pinned_image(rendered):
    for r in rendered:
        for obj in _workloads(r):
            assert unpinned_images(obj, PINNED) == [], f"{r.label} {obj['kind']} {obj['metadata']['name']}"
        for cr in (o for o in r.objects if o["kind"] in ("Prometheus", "Alertmanager")):
            assert cr["spec"]["image"] in PINNED, f"{r.label} {cr['kind']}"


def test_the_pinned_image_check_reports_an_image_outside_the_table():
    pod = {"kind": "Pod", "spec": {"containers": [{"name": "x", "image": "ghcr.io/jkroepke/access-log-exporter:0.4.11"}]}}
    assert unpinned_images(pod, PINNED) == [
        "x: ghcr.io/jkroepke/access-log-exporter:0.4.11 is not in the pins table (components/versions.py IMAGES)"]


def test_every_rendered_container_has_cpu_and_memory_requests(rendered):
    for r in rendered:
        for obj in _workloads(r):
            assert containers_without_requests(obj) == [], f"{r.label} {obj['kind']} {obj['metadata']['name']}"
        for cr in (o for o in r.objects if o["kind"] in ("Prometheus", "Alertmanager")):
            assert set(cr["spec"]["resources"]["requests"]) >= {"cpu", "memory"}, f"{r.label} {cr['kind']}"


def _bound_accounts(stack: str) -> set[str]:
    """``namespace/name`` of every service account a cloud identity trusts in the plan."""
    from tests.support import plan

    p = plan(stack)
    bound = {f"{a.inputs['namespace']}/{a.inputs['serviceAccount']}" for a in p.of_type(PIA)}
    bound |= {str(f.inputs["subject"]).removeprefix("system:serviceaccount:").replace(":", "/")
              for f in p.of_type(FIC)}
    return bound


@pytest.mark.parametrize("chart,image,pods", [("loki", "grafana/loki", 7), ("tempo", "grafana/tempo", 3)])
def test_storage_pods_run_as_their_bound_account_without_an_api_token(rendered, chart, image, pods):
    checked = 0
    for r in (r for r in rendered if r.chart == chart):
        bound = _bound_accounts(r.stack)
        for obj in _workloads(r):
            spec = pod_spec(obj)
            if not any(image in c["image"] for c in containers(spec)):
                continue
            checked += 1
            assert f"{obj['metadata']['namespace']}/{spec['serviceAccountName']}" in bound, r.label
            assert spec.get("automountServiceAccountToken") is False, f"{r.label} {obj['metadata']['name']}"
    assert checked == pods  # loki: dev single binary, prod write/read/backend on EKS and AKS


def test_no_component_reads_secrets_cluster_wide_unless_listed(rendered):
    for r in rendered:
        readers = cluster_secret_readers(r.objects)
        assert set(readers) <= CLUSTER_SECRET_READERS, f"{r.label}: {readers}"


def test_grafana_reads_configmaps_and_secrets_only_in_its_namespace(rendered):
    for r in (r for r in rendered if r.chart == "grafana"):
        assert not [o for o in r.objects if o["kind"] in ("ClusterRole", "ClusterRoleBinding")], r.label
        role = _find(r, "Role", "grafana")
        assert role["metadata"]["namespace"] == "monitoring"


def test_the_secret_reader_check_finds_a_cluster_wide_grant():
    objects = [
        {"kind": "ClusterRole", "metadata": {"name": "reader"},
         "rules": [{"apiGroups": [""], "resources": ["configmaps", "secrets"], "verbs": ["get", "list"]}]},
        {"kind": "ClusterRoleBinding", "metadata": {"name": "b"},
         "roleRef": {"kind": "ClusterRole", "name": "reader"},
         "subjects": [{"kind": "ServiceAccount", "name": "grafana", "namespace": "monitoring"}]},
    ]
    assert cluster_secret_readers(objects) == {"monitoring/grafana": "reader"}


# -- rendered configs equal what we pass -------------------------------------------------------

def test_rendered_loki_config_is_the_one_we_pass(rendered):
    for r in (r for r in rendered if r.chart == "loki"):
        cm = _find(r, "ConfigMap", "loki")
        assert yaml.safe_load(cm["data"]["config.yaml"]) == yaml.safe_load(r.values["loki"]["config"]), r.label


def test_rendered_tempo_config_is_the_one_we_pass(rendered):
    for r in (r for r in rendered if r.chart == "tempo"):
        cm = _find(r, "ConfigMap", "tempo")
        assert yaml.safe_load(cm["data"]["tempo.yaml"]) == yaml.safe_load(r.values["config"]), r.label


def test_rendered_alloy_config_is_the_one_we_pass(rendered):
    for r in (r for r in rendered if r.chart == "alloy"):
        cm = _find(r, "ConfigMap", "alloy")
        assert cm["data"]["config.alloy"].strip() == r.values["alloy"]["configMap"]["content"].strip(), r.label


def test_rendered_grafana_datasources_are_the_ones_we_pass(rendered):
    for r in (r for r in rendered if r.chart == "grafana"):
        cm = _find(r, "ConfigMap", "grafana")
        assert yaml.safe_load(cm["data"]["datasources.yaml"]) == r.values["datasources"]["datasources.yaml"]


def test_rendered_twincloud_alert_rules_are_the_ones_we_pass(rendered):
    found = 0
    for r in (r for r in rendered if r.chart == "kube-prometheus-stack"):
        rule = _find(r, "PrometheusRule", f"{PROMETHEUS_RELEASE}-twincloud")
        assert rule["spec"] == r.values["additionalPrometheusRulesMap"]["twincloud"], r.label
        found += 1
    assert found == 3 or rs.chart_available("kube-prometheus-stack") is not None


def test_prod_loki_uses_the_memcached_caches_the_chart_runs(rendered):
    for r in (r for r in rendered if r.chart == "loki" and r.stack == "prod"):
        config = yaml.safe_load(_find(r, "ConfigMap", "loki")["data"]["config.yaml"])
        services = {f"{o['metadata']['name']}.{o['metadata']['namespace']}.svc" for o in r.objects
                    if o["kind"] == "Service"}
        chunks = config["chunk_store_config"]["chunk_cache_config"]["memcached_client"]["addresses"]
        results = config["query_range"]["results_cache"]["cache"]["memcached_client"]["addresses"]
        for address in (chunks, results):
            host = address.split("+", 1)[-1].split("_memcached-client._tcp.", 1)[-1].split(":")[0]
            assert host.removesuffix(".cluster.local") in services, f"{r.label}: {address}"
        assert config["query_range"]["cache_results"] is True
        for cache in ("loki-chunks-cache", "loki-results-cache"):
            assert _find(r, "StatefulSet", cache)


def test_alloy_keeps_its_read_positions_on_the_node(rendered):
    for r in (r for r in rendered if r.chart == "alloy"):
        ds = _find(r, "DaemonSet", "alloy")
        spec = pod_spec(ds)
        [alloy] = [c for c in spec["containers"] if c["name"] == "alloy"]
        assert f"--storage.path={ALLOY_STORAGE_PATH}" in alloy["args"]
        [mount] = [m for m in alloy["volumeMounts"] if m["mountPath"] == ALLOY_STORAGE_PATH]
        [volume] = [v for v in spec["volumes"] if v["name"] == mount["name"]]
        assert volume["hostPath"]["type"] == "DirectoryOrCreate"


def test_alloy_discovers_pods_of_its_own_node(rendered):
    # The config selects pods by sys.env("HOSTNAME"); the chart must set it to the node name.
    for r in (r for r in rendered if r.chart == "alloy"):
        [alloy] = [c for c in pod_spec(_find(r, "DaemonSet", "alloy"))["containers"] if c["name"] == "alloy"]
        [env] = [e for e in alloy["env"] if e["name"] == "HOSTNAME"]
        assert env["valueFrom"]["fieldRef"]["fieldPath"] == "spec.nodeName"


def test_grafana_with_a_volume_is_replaced_not_rolled(rendered):
    found = 0
    for r in (r for r in rendered if r.chart == "grafana"):
        deployment = _find(r, "Deployment", "grafana")
        if any(o["kind"] == "PersistentVolumeClaim" for o in r.objects):
            found += 1
            assert deployment["spec"]["strategy"]["type"] == "Recreate", r.label
    assert found >= 2  # prod on EKS and AKS


# -- the agents run with what they need --------------------------------------------------------

def _hardened(container: dict[str, Any], pod: dict[str, Any]) -> list[str]:
    sc = container.get("securityContext") or {}
    seccomp = (sc.get("seccompProfile") or (pod.get("securityContext") or {}).get("seccompProfile") or {})
    problems = []
    if sc.get("allowPrivilegeEscalation") is not False:
        problems.append("allowPrivilegeEscalation")
    if (sc.get("capabilities") or {}).get("drop") != ["ALL"] or (sc.get("capabilities") or {}).get("add"):
        problems.append("capabilities")
    if seccomp.get("type") != "RuntimeDefault":
        problems.append("seccompProfile")
    if sc.get("privileged"):
        problems.append("privileged")
    if sc.get("readOnlyRootFilesystem") is not True:
        problems.append("readOnlyRootFilesystem")
    return problems


@pytest.mark.parametrize("kind,name", [("DaemonSet", "alloy"),
                                       ("DaemonSet", "kube-prometheus-stack-prometheus-node-exporter")])
def test_node_agents_drop_every_capability_and_privilege(rendered, kind, name):
    checked = 0
    for r in rendered:
        for obj in (o for o in r.objects if o["kind"] == kind and o["metadata"]["name"] == name):
            spec = pod_spec(obj)
            for c in containers(spec):
                assert _hardened(c, spec) == [], f"{r.label} {name}/{c['name']}"
                checked += 1
    if name == "alloy" or rs.chart_available("kube-prometheus-stack") is None:
        assert checked, name


# -- CRDs as their own step --------------------------------------------------------------------

def test_kube_prometheus_stack_installs_no_crds_the_crds_release_does(rendered):
    from tests.support import plan

    for stack in rs.STACKS:
        kps = [r for r in plan(stack).of_type(RELEASE) if r.inputs["name"] == PROMETHEUS_RELEASE]
        crds = [r for r in plan(stack).of_type(RELEASE) if r.inputs["name"] == CRDS_RELEASE]
        assert len(kps) == len(crds) >= 1
        for k in kps:
            assert k.inputs["values"]["crds"] == {"enabled": False}
            [mine] = [c for c in crds if c.parent == k.parent]
            assert mine.urn in k.dependencies
            assert mine.inputs["version"] == CHARTS["prometheus-operator-crds"].version
    for r in (r for r in rendered if r.chart == "prometheus-operator-crds"):
        kinds = {o["spec"]["names"]["kind"] for o in r.objects if o["kind"] == "CustomResourceDefinition"}
        assert {"ServiceMonitor", "PrometheusRule", "Prometheus", "Alertmanager"} <= kinds


def test_crds_release_ships_the_crds_of_the_operator_version_kube_prometheus_stack_runs():
    assert CHARTS["prometheus-operator-crds"].app_version == CHARTS["kube-prometheus-stack"].app_version



# -- every value we set is one the chart reads -------------------------------------------------

# Values whose effect the rendered templates cannot show, each with where it acts.
ACTS_OUTSIDE_THE_TEMPLATES = {
    ("kube-prometheus-stack", "crds.enabled"):
        "prometheus-community/helm-charts@cf408a290aec charts/kube-prometheus-stack/Chart.yaml:53 (condition of the "
        "crds subchart, whose crds/ directory Helm installs outside the templates)",
    ("grafana", "testFramework.enabled"):
        "grafana-community/helm-charts@864f77946836 charts/grafana/templates/tests/test.yaml (a test hook: only "
        "`helm test` runs it, and the render leaves templates/tests/ out)",
    ("loki", "loki.storage.type"):
        "grafana-community/helm-charts@3386a1156177 charts/loki/templates/_helpers.tpl:546 (loki.isUsingObjectStorage, "
        "read where scalable targets run; a Monolithic release sets it too, for the day it scales)",
}


def test_every_value_we_set_is_one_the_chart_reads(rendered):
    """Changing or removing each leaf of the values must change the rendered manifests; a value
    the chart ignores is a bug or dead config. Each (chart, key) is checked once."""
    checked: set[tuple[str, tuple[str, ...]]] = set()
    ignored = []
    for r in rendered:
        paths = [p for p in charts.leaf_paths(r.values) if p and (r.chart, p) not in checked]
        checked |= {(r.chart, p) for p in paths}
        for path in charts.ignored_values(r.path, r.values, name=r.name, namespace=r.namespace,
                                          kube_version=r.kube_version, api_versions=rs.crd_api_versions(),
                                          paths=paths):
            if (r.chart, path) not in ACTS_OUTSIDE_THE_TEMPLATES:
                ignored.append(f"{r.label}: {path}")
    assert ignored == []


def test_the_ignored_value_check_finds_a_value_the_chart_never_reads(rendered):
    r = next(r for r in rendered if r.chart == "tempo")
    values = {**r.values, "tempo": {**r.values["tempo"], "reportingEnabled": False}}  # read only by the
    # chart's own config template, which our `config` replaces
    assert charts.ignored_values(r.path, values, name=r.name, namespace=r.namespace, kube_version=r.kube_version,
                                 paths=[("tempo", "reportingEnabled")]) == ["tempo.reportingEnabled"]


def test_every_exception_to_the_ignored_value_check_is_set_somewhere_and_cited():
    from tests.support import plan

    for (chart, path), source in ACTS_OUTSIDE_THE_TEMPLATES.items():
        assert "@" in source and ":" in source, path
        assert any(tuple(path.split(".")) in charts.leaf_paths(r.inputs["values"])
                   for stack in rs.STACKS for r in plan(stack).of_type(RELEASE) if r.inputs["chart"] == chart), \
            f"{chart} {path} is set by no release: drop the exception"
