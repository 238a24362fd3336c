"""The twincloud CrossGuard policy pack: the rules, importable without starting anything.

``POLICIES`` is what ``policies/__main__.py`` hands to ``pulumi_policy.PolicyPack`` (so
``pulumi preview --policy-pack policies`` runs them) and what ``tools.policy_eval`` runs
offline through pulumi_policy's own analyzer. Importing this package declares the rules
and nothing else: the pack server only starts in ``__main__``.
"""

from __future__ import annotations

from pulumi_policy import EnforcementLevel

from policies import (aws_security, azure_security, baseline, eks_access, elasticache, k8s_workloads,
                      monitoring_config, placement, platform, stack_rules, tagging, versions, vpc_endpoints,
                      workloads)
from policies import azure_operations  # own line, so parallel additions above merge cleanly

PACK_NAME = "twincloud-policies"
PACK_DESCRIPTION = ("twincloud schemas: tagging and naming, pinned versions, monitoring config, "
                    "AWS/Azure security baselines and production availability rules.")
# Rules that do not set their own level are mandatory: a policy worth writing is worth enforcing.
ENFORCEMENT_LEVEL = EnforcementLevel.MANDATORY
# Programmatic config on top of each rule's config_schema defaults (which hold the project's
# settings); the pack config of a stack (`pulumi preview --policy-pack-config`) overrides both.
INITIAL_CONFIG: dict = {}

POLICIES = [
    *tagging.POLICIES,
    *placement.POLICIES,
    *versions.POLICIES,
    *monitoring_config.POLICIES,
    *workloads.POLICIES,
    *k8s_workloads.POLICIES,
    *platform.POLICIES,
    *aws_security.POLICIES,
    *azure_security.POLICIES,
    *azure_operations.POLICIES,
    *stack_rules.POLICIES,
    *baseline.POLICIES,
    *vpc_endpoints.POLICIES,
    *eks_access.POLICIES,
    *elasticache.POLICIES,
]

__all__ = ["ENFORCEMENT_LEVEL", "INITIAL_CONFIG", "PACK_DESCRIPTION", "PACK_NAME", "POLICIES"]
