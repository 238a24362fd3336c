"""WorkloadIdentity: an identity federated to exactly one service account on the AKS issuer."""

import pulumi
import pytest

from components.azure.workload_identity import (
    CLIENT_ID_ANNOTATION,
    TOKEN_EXCHANGE_AUDIENCE,
    USE_LABEL,
    WorkloadIdentity,
    WorkloadIdentityArgs,
)
from tests.azure_support import FIC, UAI
from tests.support import of_type, run_component


def identities(p):
    return p.config["azure"]["workloadIdentities"]


@pytest.mark.parametrize("index", [0, 1])
def test_federated_credential_subject_is_the_service_account(prod_plan, index):
    w = identities(prod_plan)[index]
    fic = prod_plan.one(FIC, f"twincloud-prod-wi-{w['name']}-federation")
    assert fic.inputs["subject"] == f"system:serviceaccount:{w['namespace']}:{w['serviceAccount']}"


def test_audience_is_the_token_exchange_audience(prod_plan):
    for fic in prod_plan.of_type(FIC):
        assert fic.inputs["audiences"] == ["api://AzureADTokenExchange"] == [TOKEN_EXCHANGE_AUDIENCE]


def test_issuer_is_the_aks_oidc_issuer(prod_plan):
    for fic in prod_plan.of_type(FIC):
        if "-wi-" in fic.name:  # (the ACR push identity trusts GitHub: test_azure_acr_standby.py)
            assert fic.inputs["issuer"] == prod_plan.outputs["aksOidcIssuerUrl"]


def test_credential_belongs_to_its_identity(prod_plan):
    for w in identities(prod_plan):
        uai = prod_plan.one(UAI, f"twincloud-prod-wi-{w['name']}")
        fic = prod_plan.one(FIC, f"twincloud-prod-wi-{w['name']}-federation")
        assert uai.urn in fic.dependencies and fic.inputs["resourceName"].startswith(uai.name)


def test_client_ids_are_exported_for_service_account_annotations(prod_plan):
    assert set(prod_plan.outputs["workloadIdentityClientIds"]) == {w["name"] for w in identities(prod_plan)}


def test_component_outputs_what_the_pod_needs():
    seen = {}

    def build():
        wi = WorkloadIdentity("wi", WorkloadIdentityArgs(resource_group_name="rg", location="westeurope",
                                                         oidc_issuer_url="https://issuer.example/", namespace="obs",
                                                         service_account="loki"))
        seen["labels"] = wi.pod_labels
        seen["sa"] = (wi.namespace, wi.service_account)
        wi.service_account_annotations.apply(lambda a: seen.setdefault("annotations", a))
        wi.client_id.apply(lambda c: seen.setdefault("client_id", c))
        pulumi.export("done", wi.client_id)

    resources = run_component(build)
    assert len(of_type(resources, UAI)) == 1 and len(of_type(resources, FIC)) == 1
    assert seen["labels"] == {USE_LABEL: "true"}
    assert seen["sa"] == ("obs", "loki")
    assert seen["annotations"] == {CLIENT_ID_ANNOTATION: seen["client_id"]}
