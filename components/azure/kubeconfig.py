"""Pure kubeconfig handling for AKS with Entra ID and local accounts disabled.

With ``disableLocalAccounts`` the admin credential (a static client certificate) does not
exist; the only credential is the *user* kubeconfig, which carries no secret: it tells the
client to get an Entra token through the ``kubelogin`` exec plugin. AKS returns it with
``format=exec`` using the interactive ``devicecode`` login, which a CI run cannot answer, so
:func:`with_kubelogin_mode` rewrites the exec arguments the way ``kubelogin
convert-kubeconfig -l <mode>`` does:

* ``azurecli`` (default): reuse the ``az login`` session of whoever runs ``pulumi``;
* ``workloadidentity``: federated token from the environment (``AZURE_CLIENT_ID``,
  ``AZURE_TENANT_ID``, ``AZURE_FEDERATED_TOKEN_FILE``), e.g. GitHub Actions OIDC;
* ``spn``: service principal from ``AAD_SERVICE_PRINCIPAL_CLIENT_ID``/``..._SECRET``;
* ``msi``: the managed identity of the machine running ``pulumi``.

Every mode keeps ``--server-id`` (the AKS Entra server application), which is all the
token audience needs.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import yaml

KUBELOGIN_MODES = ("azurecli", "workloadidentity", "spn", "msi")
EXEC_API_VERSION = "client.authentication.k8s.io/v1beta1"


def _arg(args: list[str], flag: str) -> str | None:
    for i, a in enumerate(args):
        if a == flag and i + 1 < len(args):
            return args[i + 1]
    return None


def decode_kubeconfig(value: str) -> dict[str, Any]:
    """A kubeconfig as AKS returns it (base64 YAML) or plain YAML, as a dict."""
    text = value
    try:
        text = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        pass
    doc = yaml.safe_load(text)
    if not isinstance(doc, dict) or "clusters" not in doc:
        raise ValueError("not a kubeconfig: no 'clusters' key")
    return doc


def with_kubelogin_mode(kubeconfig: str, mode: str = "azurecli") -> str:
    """The user kubeconfig with every kubelogin user switched to the non-interactive ``mode``.

    Returns YAML text. Users that do not run kubelogin are left alone.
    """
    if mode not in KUBELOGIN_MODES:
        raise ValueError(f"unknown kubelogin mode {mode!r}; allowed: {', '.join(KUBELOGIN_MODES)}")
    doc = decode_kubeconfig(kubeconfig)
    for user in doc.get("users") or []:
        exec_cfg = (user.get("user") or {}).get("exec")
        if not exec_cfg or "kubelogin" not in str(exec_cfg.get("command", "")).lower():
            continue
        old = [str(a) for a in exec_cfg.get("args") or []]
        server_id = _arg(old, "--server-id")
        if not server_id:
            raise ValueError(f"kubeconfig user {user.get('name')!r} has no --server-id")
        args = ["get-token", "--login", mode, "--server-id", server_id]
        if mode == "spn":
            # The client id comes from AAD_SERVICE_PRINCIPAL_CLIENT_ID: the one in AKS's kubeconfig
            # is the AKS Microsoft Entra client application (80faf920-..., components/facts/azure.py
            # ENTRA_APPLICATIONS), a public client for interactive logins, not the service principal.
            for flag in ("--tenant-id", "--environment"):
                if _arg(old, flag):
                    args += [flag, _arg(old, flag)]
        exec_cfg.update(command="kubelogin", args=args, apiVersion=EXEC_API_VERSION)
        exec_cfg.setdefault("provideClusterInfo", False)
    return yaml.safe_dump(doc, sort_keys=False)
