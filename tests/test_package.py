"""twincloud as an installable library: the wheel, its version and changelog, the example
consumer project, and the source-based component package for other Pulumi languages."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tools.engine import ROOT, plan_project

EXAMPLE = ROOT / "examples" / "team-platform"


def _pins(lines: list[str]) -> dict[str, str]:
    pins = {}
    for line in lines:
        line = line.split("#", 1)[0].strip()
        m = re.fullmatch(r"([A-Za-z0-9_.\-]+)==(\S+)", line)
        if m:
            pins[m.group(1).lower()] = m.group(2)
    return pins


def test_runtime_dependencies_carry_the_same_pins_as_requirements_txt():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = _pins(project["dependencies"])
    required = _pins((ROOT / "requirements.txt").read_text().splitlines())
    assert declared, "pyproject.toml declares no runtime dependencies"
    assert {k: required.get(k) for k in declared} == declared


def test_every_module_the_library_imports_at_runtime_is_a_declared_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = set(_pins(project["dependencies"]))
    # import name -> distribution name for what components/, policies/, tools/ import
    for module, dist in {"pulumi": "pulumi", "pulumi_aws": "pulumi-aws", "pulumi_azure_native": "pulumi-azure-native",
                         "pulumi_kubernetes": "pulumi-kubernetes", "pulumi_random": "pulumi-random",
                         "pulumi_policy": "pulumi-policy", "pydantic": "pydantic", "yaml": "pyyaml",
                         "botocore": "botocore"}.items():
        used = subprocess.run(["grep", "-rlE", rf"^\s*(import|from) {module}\b", "components", "policies", "tools",
                               "stacks", "twincloud"], cwd=ROOT, capture_output=True, text=True).stdout
        if used:
            assert dist in declared, f"{module} is imported by {used.split()[0]} but {dist} is not a dependency"


def test_version_is_semantic_0x_and_has_a_changelog_entry():
    import twincloud

    assert re.fullmatch(r"0\.\d+\.\d+", twincloud.__version__)
    changelog = (ROOT / "CHANGELOG.md").read_text()
    assert re.search(rf"^## \[?{re.escape(twincloud.__version__)}\]?", changelog, re.M), \
        f"CHANGELOG.md has no section for {twincloud.__version__}"
    assert "Upgrading" in changelog


def test_public_api_names_resolve_to_the_components():
    import twincloud
    from components.aws.vpc import Vpc

    assert twincloud.Vpc is Vpc
    for name in twincloud.__all__:
        assert getattr(twincloud, name) is not None, name
    with pytest.raises(AttributeError):
        twincloud.NoSuchComponent  # noqa: B018


def test_example_plans_offline_with_its_own_project_name_and_policies():
    plan = plan_project(EXAMPLE, "dev", policies=False)
    types = {r.type for r in plan.resources}
    assert {"twincloud:aws:Vpc", "twincloud:aws:EksCluster", "twincloud:aws:PodIdentityBucket"} <= types
    assert all("::team-platform::" in r.urn for r in plan.resources)
    from tools.policy_eval import evaluate

    config = json.loads((EXAMPLE / "policy-config.json").read_text())
    assert [v for v in evaluate(plan, config) if v["level"] == "mandatory"] == []


def test_example_without_its_policy_config_is_held_to_the_twincloud_project_tag():
    plan = plan_project(EXAMPLE, "dev", policies=True)
    assert any(v["policy"] == "required-tags" for v in plan.violations), \
        "the pack's default Project tag is twincloud: a team project must pass its own policy config"


def test_bad_project_dir_is_a_clear_error(tmp_path):
    from tools.plan import main

    assert main(["--project-dir", str(tmp_path), "--stack", "dev"]) == 2


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_wheel_installs_into_a_fresh_venv_and_plans_the_example_from_outside_the_repo(tmp_path):
    """Build the wheel, install it (no deps) into a new virtualenv that sees the pinned
    dependencies of the project venv, and plan a copy of the example outside the repository:
    every module and data file the plan needs must come from the installed package."""
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation",
                    "-w", str(dist), str(ROOT)], check=True, capture_output=True)
    wheels = list(dist.glob("twincloud-*.whl"))
    assert len(wheels) == 1
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next((venv / "lib").glob("python3*/site-packages"))
    deps = next(p for p in map(Path, sys.path) if p.name == "site-packages" and (p / "pulumi").is_dir())
    (site / "_twincloud_test_deps.pth").write_text(f"{deps}\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--target", str(site),
                    str(wheels[0])], check=True, capture_output=True)
    py = str(venv / "bin" / "python")
    project = tmp_path / "team-platform"
    shutil.copytree(EXAMPLE, project)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PULUMI_CONFIG")}
    where = subprocess.run([py, "-c", "import tools, components, twincloud; print(tools.__file__); "
                            "print(twincloud.__version__)"], cwd=project, env=env, capture_output=True, text=True,
                           check=True).stdout.split()
    assert where[0].startswith(str(site)), f"tools imported from {where[0]}, not the installed package"
    check = subprocess.run([py, "-m", "pip", "check"], cwd=project, env=env, capture_output=True, text=True)
    assert "twincloud" not in check.stdout, check.stdout  # the wheel's declared pins are satisfied
    out = subprocess.run([py, "-m", "tools.plan", "--project-dir", ".", "--stack", "dev", "--json",
                          "--policy-pack-config", "policy-config.json"],
                         cwd=project, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-2000:]
    plan = json.loads(out.stdout)
    assert plan["outputs"]["twincloudVersion"] == where[1]
    assert {r["type"] for r in plan["resources"]} >= {"twincloud:aws:Vpc", "twincloud:aws:EksCluster",
                                                      "twincloud:aws:PodIdentityBucket"}
    assert plan["violations"] == []


# -- the source-based component package (other Pulumi languages) ------------------------------

def _provider():
    from pulumi.provider.experimental.component import ComponentProvider

    import twincloud
    from twincloud.package import COMPONENTS, PACKAGE_NAME

    return ComponentProvider(COMPONENTS, PACKAGE_NAME, version=twincloud.__version__)


def test_plugin_manifest_names_the_entry_point_that_hosts_the_components():
    import yaml

    manifest = yaml.safe_load((ROOT / "PulumiPlugin.yaml").read_text())
    assert manifest["runtime"] == "python"
    entry = (ROOT / manifest["main"]).read_text()
    assert "component_provider_host(COMPONENTS" in entry


def test_package_schema_is_inferred_from_the_type_annotations():
    import twincloud

    schema = json.loads(_provider().schema)
    assert schema["name"] == "twincloud" and schema["version"] == twincloud.__version__
    vpc = schema["resources"]["twincloud:index:Vpc"]
    assert vpc["isComponent"] is True
    assert sorted(vpc["requiredInputs"]) == ["availabilityZones", "cidr"]
    assert {"natStrategy", "clusterName", "flowLogRetentionDays"} <= set(vpc["inputProperties"])
    assert {"vpcId", "privateSubnetIds", "natGatewayIds"} <= set(vpc["properties"])
    bucket = schema["resources"]["twincloud:index:PodIdentityBucket"]
    assert {"bucketName", "region", "clusterName", "namespace", "serviceAccount"} <= set(bucket["requiredInputs"])
    assert set(schema["resources"]) == {"twincloud:index:Vpc", "twincloud:index:EcrRepositories",
                                        "twincloud:index:PodIdentityBucket"}


def test_construct_builds_the_real_component_under_the_package_token():
    """What a TypeScript or Go program's `new twincloud.Vpc(...)` asks the plugin to do."""
    from pulumi import ResourceOptions

    from tools.engine import run_under_mocks

    provider = _provider()
    results = []

    def program():
        results.append(provider.construct("team-net", "twincloud:index:Vpc", {
            "cidr": "10.42.0.0/16", "availabilityZones": ["eu-west-1a", "eu-west-1b"], "natStrategy": "single",
        }, ResourceOptions()))

    resources, _ = run_under_mocks(program, stack="dev", config={"aws:region": "eu-west-1"}, project="consumer")
    front = next(r for r in resources if r.type == "twincloud:index:Vpc")
    inner = next(r for r in resources if r.type == "twincloud:aws:Vpc")
    assert inner.parent == front.urn
    assert len([r for r in resources if r.type == "aws:ec2/natGateway:NatGateway"]) == 1
    assert len([r for r in resources if r.type == "aws:ec2/subnet:Subnet"]) == 6
    assert results and results[0].urn is not None


def test_construct_rejects_a_missing_required_input():
    from pulumi import ResourceOptions
    from pulumi.errors import InputPropertyError

    from tools.engine import run_under_mocks

    provider = _provider()
    errors = []

    def program():
        try:
            provider.construct("team-net", "twincloud:index:Vpc", {"cidr": "10.42.0.0/16"}, ResourceOptions())
        except InputPropertyError as e:
            errors.append(str(e))

    run_under_mocks(program, stack="dev", config={"aws:region": "eu-west-1"}, project="consumer")
    assert errors and "availabilityZones" in errors[0]
