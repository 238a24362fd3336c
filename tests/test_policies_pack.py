"""The policy pack as a pack: loadable by the CLI, documented, evaluated offline through
pulumi_policy's analyzer, and passing on the shipped stacks."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from pathlib import Path

import pulumi_aws as aws
import pytest
import yaml
from pulumi_policy import PolicyConfigSchema, Severity

import policies
from policies import readme, taggable
from tests.policy_support import PREFIX, as_plan, declare, messages, named, violations, with_unknown
from tests.support import plan
from tools.engine import Plan
from tools.plan import main as plan_main
from tools.plan import render_violations

ROOT = Path(__file__).resolve().parent.parent


# -- the pack -----------------------------------------------------------------------------

def test_importing_policies_starts_no_pack_server():
    code = (
        "import pulumi_policy\n"
        "def boom(*a, **k): raise SystemExit('PolicyPack started on import')\n"
        "pulumi_policy.PolicyPack = boom\n"
        "import pulumi_policy.policy; pulumi_policy.policy.PolicyPack = boom\n"
        "import policies\n"
        "print(len(policies.POLICIES))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == str(len(policies.POLICIES))


def test_main_hands_every_policy_to_a_valid_policy_pack(monkeypatch):
    import pulumi_policy.policy as policy_module

    class Started(Exception):
        pass

    captured = {}

    def fake_server(*args, **kwargs):
        raise Started  # PolicyPack validated its arguments and built the analyzer servicer

    real_servicer = policy_module._PolicyAnalyzerServicer

    def recording_servicer(*args, **kwargs):
        captured["args"] = args
        return real_servicer(*args, **kwargs)

    monkeypatch.setattr(policy_module.grpc, "server", fake_server)
    monkeypatch.setattr(policy_module, "_PolicyAnalyzerServicer", recording_servicer)
    with pytest.raises(Started):
        runpy.run_path(str(ROOT / "policies" / "__main__.py"), run_name="__main__")
    name, _version, passed, level = captured["args"][:4]
    assert name == "twincloud-policies"
    assert passed is policies.POLICIES
    assert level == policies.ENFORCEMENT_LEVEL


def test_policy_names_are_unique():
    names = [p.name for p in policies.POLICIES]
    assert len(names) == len(set(names)), sorted(n for n in names if names.count(n) > 1)


@pytest.mark.parametrize("policy", policies.POLICIES, ids=lambda p: p.name)
def test_every_policy_is_documented_and_configurable(policy):
    assert policy.description and policy.remediation_steps
    assert isinstance(policy.severity, Severity)
    assert policy.enforcement_level is not None
    assert isinstance(policy.config_schema, PolicyConfigSchema)
    assert policy.config_schema.properties, "every rule takes config (at least exemptResources)"
    for key, schema in policy.config_schema.properties.items():
        assert "default" in schema, f"{policy.name}.{key} has no default"
        assert schema.get("description"), f"{policy.name}.{key} has no description"
    for check_id in policy.checkov:
        assert check_id in policy.description and f"checkov:{check_id}" in policy.tags


def test_pulumi_policy_yaml_declares_a_python_pack_with_a_virtualenv():
    doc = yaml.safe_load((ROOT / "policies" / "PulumiPolicy.yaml").read_text())
    assert doc["runtime"]["name"] == "python"
    assert doc["runtime"]["options"]["virtualenv"]
    assert doc["description"]


def test_pack_requirements_use_the_project_pins():
    def pins(path: Path) -> dict[str, str]:
        lines = [line.split("#")[0].strip() for line in path.read_text().splitlines()]
        return dict(line.split("==") for line in lines if "==" in line)

    pack, project = pins(ROOT / "policies" / "requirements.txt"), pins(ROOT / "requirements.txt")
    assert "pulumi-policy" in pack
    assert {k: project.get(k) for k in pack} == pack


def test_readme_table_matches_the_policies():
    text = (ROOT / "policies" / "README.md").read_text()
    assert readme.render_table() in text, "run `.venv/bin/python -m policies.readme`"


def test_taggable_types_list_matches_the_pinned_sdks():
    site_packages = Path(aws.__file__).resolve().parent.parent
    assert taggable.DATA.read_text() == taggable.render(site_packages), "run `.venv/bin/python -m policies.taggable`"


@pytest.mark.parametrize("token,expected", [
    ("aws:s3/bucket:Bucket", True),
    ("aws:ec2/subnet:Subnet", True),
    ("azure-native:containerservice:ManagedCluster", True),
    ("aws:s3/bucketPolicy:BucketPolicy", False),
    ("aws:iam/rolePolicyAttachment:RolePolicyAttachment", False),
    ("aws:autoscaling/group:Group", False),  # list-shaped tags
])
def test_taggable_types_know_which_resources_take_a_tag_map(token, expected):
    assert taggable.is_taggable(token) is expected


# -- the shipped stacks ---------------------------------------------------------------------

@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_shipped_stack_has_no_mandatory_violation(stack):
    found = plan(stack, policies=True).violations
    assert [v for v in found if v["level"] == "mandatory"] == []


# -- offline evaluation through the analyzer -----------------------------------------------

def _public_block(**flags):
    return lambda: aws.s3.BucketPublicAccessBlock(f"{PREFIX}-pab", bucket="some-bucket", **flags)


@pytest.fixture(scope="module")
def leaky_block():
    return declare(_public_block(block_public_acls=True, block_public_policy=False,
                                 ignore_public_acls=True, restrict_public_buckets=True))


def test_violations_have_the_documented_shape(leaky_block):
    (violation,) = violations(leaky_block, "s3-public-access-block")
    assert violation == {
        "policy": "s3-public-access-block",
        "urn": named(leaky_block, f"{PREFIX}-pab").urn,
        "level": "mandatory",
        "severity": "critical",
        "message": "public access block leaves ['blockPublicPolicy'] off; all four flags must be true",
        "description": violation["description"],
    }
    assert "CKV_AWS_53" in violation["description"]


def test_stack_config_can_lower_a_rule_to_advisory(leaky_block):
    found = violations(leaky_block, "s3-public-access-block",
                       {"s3-public-access-block": {"enforcementLevel": "advisory"}})
    assert [v["level"] for v in found] == ["advisory"]


def test_stack_config_can_disable_a_rule(leaky_block):
    assert violations(leaky_block, "s3-public-access-block", {"s3-public-access-block": "disabled"}) == []


def test_exempt_resources_are_skipped(leaky_block):
    config = {"s3-public-access-block": {"exemptResources": [f"{PREFIX}-p*"]}}
    assert violations(leaky_block, "s3-public-access-block", config) == []


def test_unknown_input_is_not_reported_as_a_violation(leaky_block):
    pab = named(leaky_block, f"{PREFIX}-pab")
    unknown = with_unknown(pab, "blockPublicPolicy")
    assert messages([unknown], "s3-public-access-block") == []


def test_known_inputs_beside_an_unknown_one_are_still_checked(leaky_block):
    pab = named(leaky_block, f"{PREFIX}-pab")
    unknown = with_unknown(pab, "ignorePublicAcls")
    assert messages([unknown], "s3-public-access-block") == [
        "public access block leaves ['blockPublicPolicy'] off; all four flags must be true"]


def test_unknown_values_raise_no_preview_diagnostics(leaky_block):
    """pulumi_policy turns an UnknownValueError escaping a rule into an advisory "can't run
    policy during preview" diagnostic; our rules never let one escape."""
    pab = named(leaky_block, f"{PREFIX}-pab")
    unknown = with_unknown(with_unknown(pab, "blockPublicPolicy"), "tags")
    assert [v for v in violations([unknown]) if "during preview" in v["message"]] == []


def test_plan_exits_nonzero_on_a_mandatory_violation(tmp_path, capsys):
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"allowed-regions": {"allowedAwsRegions": ["us-west-2"]}}))
    assert plan_main(["--stack", "dev", "--policy-pack-config", str(config)]) == 1
    assert "mandatory [allowed-regions]" in capsys.readouterr().out


def test_plan_exits_zero_when_violations_are_advisory(tmp_path, capsys):
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"allowed-regions": {"allowedAwsRegions": ["us-west-2"],
                                                      "enforcementLevel": "advisory"}}))
    assert plan_main(["--stack", "dev", "--policy-pack-config", str(config)]) == 0
    assert "advisory [allowed-regions]" in capsys.readouterr().out


def test_plan_output_groups_violations_by_severity():
    def v(policy, severity, level="mandatory"):
        return {"policy": policy, "urn": f"urn:{policy}", "level": level, "severity": severity, "message": "m"}

    shown = as_plan([])
    shown.violations = [v("a", "low"), v("b", "critical", "advisory"), v("c", "high")]
    text = render_violations(shown)
    assert text.index("  critical:") < text.index("  high:") < text.index("  low:")
    assert "advisory [b]" in text.split("  high:")[0]
    assert text.startswith("Policy violations (3: 2 mandatory, 1 advisory)")


def test_plan_without_violations_says_so():
    assert render_violations(Plan(stack="dev", config={}, resources=[])) == "Policies: no violations."


def test_hand_built_resources_without_a_request_are_evaluated_from_their_inputs():
    from tools.engine import PlannedResource

    urn = f"urn:pulumi:unit::twincloud::aws:ecr/repository:Repository::{PREFIX}-repo"
    repo = PlannedResource(urn=urn, type="aws:ecr/repository:Repository", name=f"{PREFIX}-repo", parent=None,
                           custom=True, protect=False, retain_on_delete=False,
                           inputs={"name": "repo", "imageTagMutability": "MUTABLE"})
    assert messages([repo], "ecr-immutable-tags") == [
        "imageTagMutability is 'MUTABLE'; tags must be immutable so a deployed tag always means one image"]


def test_policy_config_naming_an_unknown_policy_is_rejected(leaky_block):
    from tools.policy_eval import PolicyConfigError

    with pytest.raises(PolicyConfigError, match=r"unknown policies \['s3-public-acces-block'\]"):
        violations(leaky_block, None, {"s3-public-acces-block": "disabled"})


def test_policy_config_of_the_wrong_type_is_rejected(leaky_block):
    from tools.policy_eval import PolicyConfigError

    with pytest.raises(PolicyConfigError, match=r"allowed-regions\.allowedAwsRegions: 'eu-west-1' is not of type 'array'"):
        violations(leaky_block, None, {"allowed-regions": {"allowedAwsRegions": "eu-west-1"}})


def test_policy_config_all_sets_every_enforcement_level(leaky_block):
    found = violations(leaky_block, None, {"all": {"enforcementLevel": "advisory"}})
    assert found and {v["level"] for v in found} == {"advisory"}


def test_plan_reports_a_bad_policy_config_without_a_traceback(tmp_path, capsys):
    config = tmp_path / "policy.json"
    config.write_text(json.dumps({"no-such-rule": "disabled"}))
    assert plan_main(["--stack", "dev", "--policy-pack-config", str(config)]) == 2
    assert capsys.readouterr().err.startswith("error: policy pack config names unknown policies ['no-such-rule']")


def test_pack_imports_only_what_its_own_requirements_install():
    # `pulumi preview --policy-pack policies` runs the pack in policies/venv, built from
    # policies/requirements.txt (pulumi, pulumi-policy, PyYAML): importing the rules must not
    # pull in the providers, pydantic or anything else only the project's venv has.
    import subprocess
    import sys

    code = ("import sys, policies; print(sorted({m.split('.')[0] for m in sys.modules}))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    loaded = set(eval(out.stdout))  # noqa: S307 - our own subprocess's repr of a list of names
    allowed_third_party = {"pulumi", "pulumi_policy", "yaml", "google", "grpc", "semver", "dill", "debugpy"}
    forbidden = {"pulumi_aws", "pulumi_azure_native", "pulumi_kubernetes", "pulumi_random", "pydantic",
                 "jsonschema", "kubernetes_validate", "hypothesis"}
    assert not (loaded & forbidden), loaded & forbidden
    requirements = (ROOT / "policies" / "requirements.txt").read_text()
    assert "pulumi-policy==" in requirements and "PyYAML==" in requirements
    assert "pulumi_policy" in loaded and allowed_third_party & loaded


def test_pack_own_config_matches_every_policy_schema():
    # a plan without --policy-pack-config skips the schema check of the pack's own config: this is it
    from google.protobuf import empty_pb2
    from pulumi.runtime import proto

    from tools.engine import Plan
    from tools.policy_eval import _reconciled_config, _Servicers

    servicers = _Servicers(None, Plan(stack="dev", config={}, resources=[]))
    info = servicers.full.GetAnalyzerInfo(empty_pb2.Empty(), None)
    configured = _reconciled_config(info, proto, {})  # raises PolicyConfigError on a mismatch
    assert set(configured.policyConfig) == {p.name for p in info.policies}


@pytest.mark.parametrize("stack", ["dev", "prod"])
def test_stack_rules_whose_types_the_plan_lacks_report_nothing(stack):
    # without a policy config, the stack rules none of whose types the plan holds are not run
    # (tools/policy_eval.py _Servicers.stack_rules); a config ({} here) runs the whole pack
    from tools.policy_eval import evaluate

    p = plan(stack)
    assert evaluate(p) == evaluate(p, {})
