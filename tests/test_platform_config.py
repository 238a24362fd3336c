"""twincloud:platform: bad config names its key, dev is cheap and prod highly available."""

from __future__ import annotations

import pytest

from stacks.config import ConfigError, load_config
from tests.support import config_with
from tests.test_config_schema import one_problem
from tools.engine import _wire_config


def test_nodepool_without_limits_is_named():
    config = config_with("dev")
    del config["twincloud:platform"]["karpenter"]["nodePools"][0]["cpuLimit"]
    wire, _ = _wire_config(config)
    with pytest.raises(ConfigError) as e:
        load_config(wire, stack="dev")
    (msg,) = e.value.problems
    assert msg.startswith("twincloud:platform.karpenter.nodePools[0]") and "needs cpuLimit and memoryLimit" in msg


def test_nodepool_duration_follows_the_crd_pattern():
    msg = one_problem("dev", "twincloud:platform.karpenter.nodePools[0].consolidateAfter=5 minutes")
    assert msg.startswith("twincloud:platform.karpenter.nodePools[0].consolidateAfter: '5 minutes' is not")


def test_nodepool_budget_follows_the_crd_pattern():
    msg = one_problem("dev", "twincloud:platform.karpenter.nodePools[0].disruptionBudget=110%")
    assert msg.startswith("twincloud:platform.karpenter.nodePools[0].disruptionBudget:")


def test_unknown_capacity_type_is_rejected():
    msg = one_problem("dev", "twincloud:platform.karpenter.nodePools[0].capacityTypes=[reserved]")
    assert msg.startswith("twincloud:platform.karpenter.nodePools[0].capacityTypes[0]:")


def test_prod_needs_two_karpenter_controllers():
    msg = one_problem("prod", "twincloud:platform.karpenter.replicas=1")
    assert msg.startswith("twincloud:platform.karpenter.replicas: prod runs at least 2")


def test_prod_argocd_must_be_ha():
    assert one_problem("prod", "twincloud:platform.argocd.ha=false").startswith("twincloud:platform.argocd.ha:")


def test_sso_needs_the_external_url():
    msg = one_problem("dev", "twincloud:platform.argocd.sso={issuer: 'https://login.example.com', "
                             "clientId: argocd, adminGroup: ops}")
    assert msg.startswith("twincloud:platform.argocd.sso: SSO needs Argo CD's external URL")


def test_app_of_apps_repo_must_be_a_git_url():
    msg = one_problem("dev", "twincloud:platform.argocd.appOfApps.repoURL=github.com/x/y")
    assert msg.startswith("twincloud:platform.argocd.appOfApps.repoURL:")


def test_secret_prefix_must_end_with_a_slash():
    msg = one_problem("dev", "twincloud:platform.externalSecrets.secretPrefix=team")
    assert msg.startswith("twincloud:platform.externalSecrets.secretPrefix:")


def test_dev_is_cheap_and_prod_is_highly_available():
    dev, prod = (config_with(s)["twincloud:platform"] for s in ("dev", "prod"))
    assert dev["karpenter"]["replicas"] == 1 and "ha" not in dev["argocd"]
    assert prod["karpenter"]["replicas"] == 2 and prod["argocd"]["ha"] is True
    assert prod["metricsServer"]["replicas"] == 2 and prod["externalSecrets"]["replicas"] == 2
