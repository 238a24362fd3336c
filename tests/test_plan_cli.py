"""The offline plan as a user runs it: ``python -m tools.plan``."""

import json
import subprocess
import sys

from tools.engine import ROOT


def run_plan(*args):
    return subprocess.run([sys.executable, "-m", "tools.plan", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_json_plan_has_the_documented_shape():
    result = run_plan("--stack", "dev", "--json", "--set", "aws:region=us-west-2", "--empty-account")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["stack"] == "dev"
    assert doc["config"]["aws:region"] == "us-west-2"
    assert doc["config"]["vpc"]["natStrategy"] == "single"
    assert isinstance(doc["violations"], list)
    assert doc["emptyAccount"] is True  # every lookup answered as a new account would
    assert {p["configKey"] for p in doc["prerequisites"]} >= {"twincloud:eks.adminRoleNames[0]",
                                                               "twincloud:deploy.awsRoleName"}
    assert doc["resources"]
    for r in doc["resources"]:
        assert set(r) == {"urn", "type", "name", "parent", "protect", "inputs", "provider", "dependencies",
                          "propertyDependencies"}
        assert r["urn"].startswith("urn:pulumi:dev::twincloud::")
    cluster = next(r for r in doc["resources"] if r["type"] == "aws:eks/cluster:Cluster")
    # camelCase property names, as the engine and the policy pack see them
    assert "vpcConfig" in cluster["inputs"] and "enabledClusterLogTypes" in cluster["inputs"]
    assert cluster["parent"].endswith("twincloud:aws:EksCluster::twincloud-dev-eks")
    assert doc["outputs"]["kubeconfig"] == "[secret]"
    by_urn = {r["urn"]: r for r in doc["resources"]}
    node_group = next(r for r in doc["resources"] if r["type"] == "aws:eks/nodeGroup:NodeGroup")
    # what the engine orders creation by: every input's source resources, and dependsOn
    assert node_group["propertyDependencies"]["clusterName"] == [cluster["urn"]]
    assert cluster["urn"] in node_group["dependencies"]
    assert all(u in by_urn for deps in node_group["propertyDependencies"].values() for u in deps)
    assert set().union(*node_group["propertyDependencies"].values()) <= set(node_group["dependencies"])
    release = next(r for r in doc["resources"] if r["type"] == "kubernetes:helm.sh/v3:Release")
    assert by_urn[release["provider"]]["type"] == "pulumi:providers:kubernetes"
    subnet_azs = {r["inputs"]["availabilityZone"] for r in doc["resources"] if r["type"] == "aws:ec2/subnet:Subnet"}
    assert subnet_azs == {"us-west-2a", "us-west-2b"}


def test_tree_view_lists_components_and_their_children():
    result = run_plan("--stack", "prod")
    assert result.returncode == 0, result.stderr
    assert "+ twincloud:aws:Vpc  twincloud-prod-net" in result.stdout
    assert "  + aws:ec2/natGateway:NatGateway  twincloud-prod-net-nat-2" in result.stdout
    assert "kubeconfig: \"[secret]\"" in result.stdout


def test_bad_config_exits_non_zero_with_the_schema_message_and_no_traceback():
    result = run_plan("--stack", "dev", "--set", "twincloud:vpc.natStrategy=triple",
                      "--set", "twincloud:vpc.azCount=1")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "invalid stack config (2 problems)" in result.stderr
    assert "twincloud:vpc.natStrategy" in result.stderr and "twincloud:vpc.azCount" in result.stderr
    assert result.stdout == ""


def test_unknown_stack_is_a_clear_error():
    result = run_plan("--stack", "nope")
    assert result.returncode == 2
    assert "unknown stack 'nope'" in result.stderr and "dev, prod" in result.stderr


EXIT_CHILD = """
import sys
from tools.plan import exit_process
sys.stdout.write("x" * (1 << 20))  # more than a pipe holds: exit_process must flush it all
sys.stderr.write("done")
exit_process(int(sys.argv[1]))
"""


def test_cli_exit_flushes_all_output_and_keeps_each_exit_code():
    for code in (0, 1, 2, 3):  # ok, mandatory violation, bad config, bug in twincloud
        result = subprocess.run([sys.executable, "-c", EXIT_CHILD, str(code)], cwd=ROOT, capture_output=True,
                                text=True, timeout=60)
        assert (result.returncode, len(result.stdout), result.stderr) == (code, 1 << 20, "done")


def test_a_reader_that_closes_the_pipe_early_gets_no_traceback_and_exit_141():
    import os
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the plan writes its JSON
    result = subprocess.run([sys.executable, "-m", "tools.plan", "--stack", "dev", "--json"], cwd=ROOT,
                            stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=300)
    os.close(write_end)
    assert "Traceback" not in result.stderr
    assert result.returncode == 141
