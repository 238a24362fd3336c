"""The scanner exports (tools/export): Terraform plan JSON, ARM template, manifests."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from tools.export import sdk
from tools.export.arm import ARM_TYPES, DATA_PLANE, api_version, export_arm
from tools.export.manifests import REDACTED, export_manifests
from tools.export.scan import ScanError, load_skips
from tools.export.terraform_names import TF_BLOCK_RENAMES, TF_TYPES
from tools.export.tfplan import export_tfplan
from tools.plan import main as plan_main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def dev_tf(dev_plan):
    return export_tfplan(dev_plan)


@pytest.fixture(scope="module")
def prod_tf(prod_plan):
    return export_tfplan(prod_plan)


@pytest.fixture(scope="module")
def prod_arm(prod_plan):
    return export_arm(prod_plan)


def _resource(doc, section, address):
    rows = doc["planned_values"]["root_module"]["resources"] if section == "planned" else \
        doc["configuration"]["root_module"]["resources"]
    return next(r for r in rows if r["address"] == address)


# -- names: derived from the pinned SDK, facts cited ----------------------------------------

def test_every_terraform_type_entry_is_a_resource_of_the_pinned_sdk():
    for token in TF_TYPES:
        sdk.resource_class(token)  # raises for a token the SDK does not define


def test_every_terraform_type_entry_cites_its_source():
    assert [t for t, (_, source) in TF_TYPES.items() if not source.strip()] == []


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_every_planned_aws_type_has_a_terraform_type(stack, dev_plan, prod_plan):
    plan = {"dev": dev_plan, "prod": prod_plan}[stack]
    types = {r.type for r in plan.resources if r.custom and r.type.split(":")[0] in ("aws", "random")}
    assert sorted(types - set(TF_TYPES)) == []


def test_every_block_rename_is_a_list_of_objects_in_the_sdk():
    by_tf = {tf: token for token, (tf, _) in TF_TYPES.items()}
    for (tf, path), _ in TF_BLOCK_RENAMES.items():
        props = sdk.resource_properties(by_tf[tf])
        prop = None
        for part in path.split("."):
            prop = next(p for p in props.values() if p.python_name == part)
            props = sdk.properties(prop.nested[0]) if prop.nested else {}
        assert prop.is_list and prop.nested, f"{tf} {path} is not a list of objects in the SDK"


# -- Terraform plan JSON ----------------------------------------------------------------------

def test_tfplan_has_the_fields_checkov_requires(dev_tf):
    assert {"format_version", "terraform_version", "planned_values", "resource_changes",
            "configuration"} <= set(dev_tf)


def test_attribute_names_are_the_sdk_python_names(dev_tf):
    repo = next(r for r in dev_tf["planned_values"]["root_module"]["resources"] if r["type"] == "aws_ecr_repository")
    assert repo["values"]["image_tag_mutability"] == "IMMUTABLE"
    assert "imageTagMutability" not in repo["values"]


def test_single_nested_object_is_a_block_of_one(dev_tf):
    repo = next(r for r in dev_tf["planned_values"]["root_module"]["resources"] if r["type"] == "aws_ecr_repository")
    assert repo["values"]["image_scanning_configuration"] == [{"scan_on_push": True}]


def test_pluralised_list_block_gets_its_terraform_name(dev_tf):
    sse = next(r for r in dev_tf["planned_values"]["root_module"]["resources"]
               if r["type"] == "aws_s3_bucket_server_side_encryption_configuration")
    assert "rule" in sse["values"] and "rules" not in sse["values"]


def test_an_id_the_plan_produces_becomes_a_reference(dev_tf):
    sse = next(r for r in dev_tf["configuration"]["root_module"]["resources"]
               if r["type"] == "aws_s3_bucket_server_side_encryption_configuration")
    bucket = sse["expressions"]["bucket"]["references"]
    assert re.fullmatch(r"aws_s3_bucket\.[\w-]+\.id", bucket[0]) and bucket[1] == bucket[0][: -len(".id")]
    planned = _resource(dev_tf, "planned", sse["address"])
    assert "bucket" not in planned["values"]
    change = next(c for c in dev_tf["resource_changes"] if c["address"] == sse["address"])
    assert change["change"]["after_unknown"]["bucket"] is True


def test_an_arn_in_a_nested_block_becomes_a_reference(dev_tf):
    sse = next(r for r in dev_tf["configuration"]["root_module"]["resources"]
               if r["type"] == "aws_s3_bucket_server_side_encryption_configuration"
               and "loki-chunks" in r["address"])  # an SSE-KMS bucket (the access-log bucket is SSE-S3)
    key = sse["expressions"]["rule"][0]["apply_server_side_encryption_by_default"][0]["kms_master_key_id"]
    assert key["references"][0].startswith("aws_kms_key.") and key["references"][0].endswith(".arn")


def test_values_the_program_sets_stay_constants(dev_tf):
    repo = next(r for r in dev_tf["configuration"]["root_module"]["resources"] if r["type"] == "aws_ecr_repository")
    assert repo["expressions"]["image_tag_mutability"] == {"constant_value": "IMMUTABLE"}


def test_every_reference_names_an_exported_resource(prod_tf):
    addresses = {r["address"] for r in prod_tf["planned_values"]["root_module"]["resources"]}
    refs = set(re.findall(r'"references": \["([^"]+)"', json.dumps(prod_tf)))
    assert refs and {ref.rsplit(".", 1)[0] for ref in refs} <= addresses


def test_resources_in_the_dr_region_use_an_aliased_provider(prod_tf):
    cert = next(r for r in prod_tf["configuration"]["root_module"]["resources"] if r["type"] == "aws_acm_certificate")
    key = cert["provider_config_key"]
    assert key.startswith("aws.") and prod_tf["configuration"]["provider_config"][key]["expressions"]["region"] == {
        "constant_value": "us-east-1"}


# -- ARM template -----------------------------------------------------------------------------

def test_every_planned_azure_type_has_an_arm_type_or_is_data_plane(prod_plan):
    types = {r.type for r in prod_plan.resources if r.custom and r.type.startswith("azure-native:")}
    assert sorted(types - set(ARM_TYPES) - DATA_PLANE) == []


def test_api_version_is_the_one_the_pinned_sdk_uses():
    assert api_version("azure-native:containerservice:ManagedCluster") == "2025-09-01"


def test_flattened_inputs_go_back_into_the_properties_bag(prod_arm):
    aks = next(r for r in prod_arm["resources"] if r["type"] == "Microsoft.ContainerService/managedClusters")
    assert "agentPoolProfiles" in aks["properties"] and "agentPoolProfiles" not in aks
    assert aks["location"] and "location" not in aks["properties"]
    assert "resourceName" not in aks["properties"] and "resourceGroupName" not in aks["properties"]


def test_child_resources_are_named_by_their_parents(prod_arm):
    subnet = next(r for r in prod_arm["resources"] if r["type"] == "Microsoft.Network/virtualNetworks/subnets")
    assert subnet["name"].count("/") == 1


def test_sub_resources_get_the_arm_properties_shape(prod_arm):
    nsg = next(r for r in prod_arm["resources"] if r["type"] == "Microsoft.Network/networkSecurityGroups")
    rule = nsg["properties"]["securityRules"][0]
    assert set(rule) == {"name", "properties"} and "access" in rule["properties"]


def test_wire_names_are_restored(prod_arm):
    accounts = [r for r in prod_arm["resources"] if r["type"] == "Microsoft.Storage/storageAccounts"]
    acls = [a["properties"]["networkAcls"] for a in accounts if "networkAcls" in a["properties"]]
    assert acls and all("networkRuleSet" not in a["properties"] for a in accounts)
    assert all("virtualNetworkResourceId" not in r for a in acls for r in a.get("virtualNetworkRules", []))


def test_secret_values_become_securestring_parameters(prod_arm):
    secrets = [r for r in prod_arm["resources"] if r["type"] == "Microsoft.KeyVault/vaults/secrets"]
    values = [s["properties"]["value"] for s in secrets]
    assert values and all(v.startswith("[parameters('") for v in values)
    assert {p["type"] for p in prod_arm["parameters"].values()} == {"securestring"}


# -- manifests ----------------------------------------------------------------------------------

def test_manifests_are_kubernetes_objects_without_secret_data(prod_plan):
    docs = [d for d in yaml.safe_load_all(export_manifests(prod_plan)) if d]
    assert all({"apiVersion", "kind", "metadata"} <= set(d) for d in docs)
    secrets = [d for d in docs if d["kind"] == "Secret"]
    assert secrets and all(set((s.get("stringData") or s.get("data")).values()) == {REDACTED} for s in secrets)


def test_helm_releases_carry_chart_and_values(prod_plan):
    releases = [d for d in yaml.safe_load_all(export_manifests(prod_plan)) if d and d["kind"] == "HelmRelease"]
    assert releases and all(r["spec"]["chart"]["spec"]["chart"] and r["spec"]["chart"]["spec"]["version"]
                            for r in releases)
    assert any(r["spec"]["values"] for r in releases)


# -- CLI and skip file ---------------------------------------------------------------------------

def test_plan_cli_writes_the_tfplan_export(capsys):
    assert plan_main(["--stack", "dev", "--format", "tfplan"]) == 0
    assert json.loads(capsys.readouterr().out)["terraform_version"]


def test_shipped_skip_file_is_valid_and_every_entry_has_a_reason():
    skips = load_skips()
    assert skips and all(s.reason for s in skips)


def test_skip_entry_without_reason_is_rejected(tmp_path):
    bad = tmp_path / "skips.yaml"
    bad.write_text("skips:\n  - check: CKV_AWS_1\n    resource: '*'\n")
    with pytest.raises(ScanError, match=r"skips\[0\]\.reason: required"):
        load_skips(bad)


def test_docs_link_the_skip_file():
    assert "policies/checkov-skips.yaml" in (ROOT / "docs" / "scanners.md").read_text()


def test_every_block_rename_cites_its_source():
    from tools.export.terraform_names import TF_BLOCK_RENAME_ROWS

    assert [k for k, (_, source) in TF_BLOCK_RENAME_ROWS.items() if not source.strip()] == []


def test_exported_kubernetes_objects_validate_against_the_cluster_version(prod_plan):
    """What a manifest scanner reads must be valid Kubernetes (HelmRelease is a Flux CRD, skipped)."""
    import kubernetes_validate

    version = prod_plan.config["eks"]["version"]
    from components.custom_resources import CUSTOM_RESOURCES

    # CRD kinds have no built-in schema: test_sdk_properties checks them against their CRD.
    crd_kinds = {typ.rsplit(":", 1)[-1] for typ in CUSTOM_RESOURCES}
    docs = [d for d in yaml.safe_load_all(export_manifests(prod_plan))
            if d and d["kind"] not in ("HelmRelease", "HelmRepository", *crd_kinds)]
    assert docs
    for d in docs:
        assert kubernetes_validate.validate(d, version, strict=True) == version, d["metadata"]


def test_helm_releases_point_at_a_declared_helm_repository(prod_plan):
    docs = [d for d in yaml.safe_load_all(export_manifests(prod_plan)) if d]
    repos = {(d["metadata"]["namespace"], d["metadata"]["name"]) for d in docs if d["kind"] == "HelmRepository"}
    releases = [d for d in docs if d["kind"] == "HelmRelease"]
    assert all((r["metadata"]["namespace"], r["spec"]["chart"]["spec"]["sourceRef"]["name"]) in repos
               for r in releases if "sourceRef" in r["spec"]["chart"]["spec"])
    assert all(re.fullmatch(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?", name) for _, name in repos)


def test_key_vault_secret_expiry_is_written_as_exp(prod_arm):
    secrets = [r for r in prod_arm["resources"] if r["type"] == "Microsoft.KeyVault/vaults/secrets"]
    assert secrets and all("exp" in s["properties"]["attributes"] and "expires" not in s["properties"]["attributes"]
                           for s in secrets)
