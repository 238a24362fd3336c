"""The performance machinery of the offline plan (README "Tests and performance")."""

import gc

import pytest

from tools.bench import floor_source, sdk_classes
from tools.engine import cyclic_gc_paused


def test_plan_run_pauses_the_cyclic_collector_and_restores_it_after_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), cyclic_gc_paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()


def test_plan_run_leaves_a_disabled_collector_disabled():
    gc.disable()
    try:
        with cyclic_gc_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_bench_floor_imports_the_sdk_class_of_each_type():
    source = floor_source(["aws:ec2/vpc:Vpc", "kubernetes:karpenter.sh/v1:NodePool"], sdk_classes())
    # a CRD type has no class of its own: the SDK registers it through CustomResource
    assert source.splitlines() == ["from pulumi_aws.ec2 import Vpc",
                                   "from pulumi_kubernetes.apiextensions import CustomResource"]


def test_console_script_ends_like_python_m_tools_plan():
    import tomllib

    from tools.engine import ROOT

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["twincloud-plan"] == "tools.plan:cli"  # gc off, exit_process: the same process as `-m`
