"""Pure maths for the Azure VNet (no Pulumi resources here; property-tested).

Subnet layout of a VNet address space, by eighths of the space:

* eighths 0-3 -> ``aks``: AKS nodes (and pods with VNet-integrated Azure CNI), the largest;
* eighth 4    -> ``endpoints``: private endpoints of PaaS services;
* eighth 5    -> ``database``: the hybrid/database tier (MySQL reachable from AKS only);
* eighth 6    -> its first /28 is ``apiserver``: the subnet AKS API Server VNet Integration
  projects the API server into (created only when asked for; AKS needs at least a /28);
* eighths 6-7 -> otherwise reserved for later tiers (gateway, bastion) so the others never move.

NSG rules are declared as ordered :class:`RuleSpec` lists and get their priorities from
:func:`assign_priorities` (never typed per rule): list order is evaluation order, so the
explicit internet denies always come first. :func:`nsg_decision` evaluates a rule set the way
Azure does (lowest priority number wins, then the platform's default rules) and is what the
tests use to prove what a subnet admits.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

SUBNET_TIERS = ("aks", "endpoints", "database")
API_SERVER_TIER = "apiserver"  # optional: API Server VNet Integration
API_SERVER_PREFIX = 28  # the minimum size AKS supports (components/facts/azure.py AKS_API_SERVER)
MIN_PREFIX, MAX_PREFIX = 16, 24
AZURE_RESERVED_IPS = 5  # Azure keeps the first four and the last address of every subnet

# Ports that must never be reachable from the internet, with the name used in rule names.
SENSITIVE_PORTS: dict[int, str] = {22: "ssh", 3389: "rdp", 3306: "mysql", 6379: "redis"}
MYSQL_PORT = 3306

PRIORITY_MIN, PRIORITY_MAX = 100, 4096  # Azure's range for custom rules
INTERNET = "Internet"  # Azure service tag for addresses outside the virtual network
VIRTUAL_NETWORK = "VirtualNetwork"

# Azure's default inbound rules (priorities 65000+), evaluated after the custom ones.
DEFAULT_INBOUND_RULES: tuple[dict[str, Any], ...] = (
    {"name": "AllowVnetInBound", "priority": 65000, "access": "Allow", "direction": "Inbound", "protocol": "*",
     "sourceAddressPrefix": VIRTUAL_NETWORK, "destinationAddressPrefix": VIRTUAL_NETWORK,
     "destinationPortRange": "*"},
    {"name": "AllowAzureLoadBalancerInBound", "priority": 65001, "access": "Allow", "direction": "Inbound",
     "protocol": "*", "sourceAddressPrefix": "AzureLoadBalancer", "destinationAddressPrefix": "*",
     "destinationPortRange": "*"},
    {"name": "DenyAllInBound", "priority": 65500, "access": "Deny", "direction": "Inbound", "protocol": "*",
     "sourceAddressPrefix": "*", "destinationAddressPrefix": "*", "destinationPortRange": "*"},
)


# -- subnets -----------------------------------------------------------------------------

@dataclass(frozen=True)
class VnetLayout:
    """The subnets of one address space (CIDR strings)."""

    address_space: str
    aks: str
    endpoints: str
    database: str
    apiserver: str = ""

    def cidr(self, tier: str) -> str:
        return {"aks": self.aks, "endpoints": self.endpoints, "database": self.database,
                API_SERVER_TIER: self.apiserver}[tier]

    @property
    def usable_aks_ips(self) -> int:
        return ipaddress.ip_network(self.aks).num_addresses - AZURE_RESERVED_IPS


def plan_vnet(address_space: str) -> VnetLayout:
    """Carve ``address_space`` (an IPv4 /16 to /24) into the AKS, endpoint and database subnets."""
    net = ipaddress.ip_network(address_space, strict=True)
    if not isinstance(net, ipaddress.IPv4Network):
        raise ValueError(f"{address_space} is not IPv4")
    if not MIN_PREFIX <= net.prefixlen <= MAX_PREFIX:
        raise ValueError(f"address space must be between /{MIN_PREFIX} and /{MAX_PREFIX}, got /{net.prefixlen}")
    eighths = list(net.subnets(prefixlen_diff=3))
    aks = next(net.subnets(prefixlen_diff=1))
    apiserver = next(eighths[6].subnets(new_prefix=API_SERVER_PREFIX))
    return VnetLayout(address_space=str(net), aks=str(aks), endpoints=str(eighths[4]), database=str(eighths[5]),
                      apiserver=str(apiserver))


# -- NSG rules -----------------------------------------------------------------------------

@dataclass(frozen=True)
class RuleSpec:
    """An NSG rule without its priority (the position in its list decides that)."""

    name: str
    access: str  # Allow | Deny
    source: str  # CIDR or service tag
    ports: tuple[str, ...]  # "22", "80-90" or "*"
    protocol: str = "Tcp"  # Tcp | Udp | *
    destination: str = "*"
    direction: str = "Inbound"
    description: str = ""


@dataclass(frozen=True)
class SecurityRule:
    """A rule with its generated priority; ``wire()`` is the engine's camelCase shape."""

    spec: RuleSpec
    priority: int

    def wire(self) -> dict[str, Any]:
        s = self.spec
        out: dict[str, Any] = {
            "name": s.name, "priority": self.priority, "direction": s.direction, "access": s.access,
            "protocol": s.protocol, "sourceAddressPrefix": s.source, "sourcePortRange": "*",
            "destinationAddressPrefix": s.destination,
        }
        if len(s.ports) == 1:
            out["destinationPortRange"] = s.ports[0]
        else:
            out["destinationPortRanges"] = list(s.ports)
        if s.description:
            out["description"] = s.description
        return out


def assign_priorities(specs: Sequence[RuleSpec], *, start: int = PRIORITY_MIN, step: int = 10) -> list[SecurityRule]:
    """Priorities in list order: ``start``, ``start + step``, ... (lower number = evaluated first).

    Raises ``ValueError`` on duplicate rule names or when the list does not fit Azure's range.
    """
    if step < 1 or start < PRIORITY_MIN:
        raise ValueError(f"start must be >= {PRIORITY_MIN} and step >= 1")
    names = [s.name for s in specs]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"duplicate NSG rule names: {dupes}")
    last = start + step * (len(specs) - 1)
    if specs and last > PRIORITY_MAX:
        raise ValueError(f"{len(specs)} rules with step {step} from {start} exceed priority {PRIORITY_MAX}")
    return [SecurityRule(spec, start + i * step) for i, spec in enumerate(specs)]


def internet_deny_rules() -> list[RuleSpec]:
    """Explicit denies for every sensitive port from the internet (TCP and UDP)."""
    return [
        RuleSpec(name=f"deny-internet-{label}", access="Deny", source=INTERNET, ports=(str(port),), protocol="*",
                 description=f"never admit {label} ({port}) from the internet")
        for port, label in SENSITIVE_PORTS.items()
    ]


def subnet_rules(layout: VnetLayout, ingress_ports: Iterable[int] = (443,)) -> dict[str, list[SecurityRule]]:
    """The NSG rules of every subnet tier, in evaluation order with generated priorities.

    * every tier: the explicit internet denies first;
    * ``aks``: ``ingress_ports`` (TCP) from the internet to the node subnet, for the public
      load balancer of the ingress controller;
    * ``database``: MySQL from the AKS node subnet only, then a deny of MySQL from anywhere
      else (the default ``AllowVnetInBound`` would otherwise admit peered networks and the
      endpoint subnet).
    """
    ports = sorted(set(ingress_ports))
    bad = [p for p in ports if p in SENSITIVE_PORTS]
    if bad:
        raise ValueError(f"ingress ports {bad} must never be open to the internet")
    rules: dict[str, list[RuleSpec]] = {tier: internet_deny_rules() for tier in SUBNET_TIERS}
    if ports:
        rules["aks"].append(RuleSpec(
            name="allow-internet-ingress", access="Allow", source=INTERNET, destination=layout.aks,
            ports=tuple(str(p) for p in ports), description="public load balancer of the ingress controller",
        ))
    rules["database"] += [
        RuleSpec(name="allow-aks-mysql", access="Allow", source=layout.aks, destination=layout.database,
                 ports=(str(MYSQL_PORT),), description="MySQL from the AKS node subnet"),
        RuleSpec(name="deny-other-mysql", access="Deny", source="*", ports=(str(MYSQL_PORT),), protocol="*",
                 description="MySQL from anywhere but the AKS node subnet"),
    ]
    return {tier: assign_priorities(specs) for tier, specs in rules.items()}


# -- evaluation (Azure's semantics) ---------------------------------------------------------

def _port_matches(rule: Mapping[str, Any], port: int) -> bool:
    ranges = rule.get("destinationPortRanges") or [rule.get("destinationPortRange") or "*"]
    for r in ranges:
        r = str(r)
        if r in ("*", "Any"):
            return True
        lo, _, hi = r.partition("-")
        if int(lo) <= port <= int(hi or lo):
            return True
    return False


def _prefix_matches(prefix: str, source: str, vnet_cidrs: Sequence[str]) -> bool:
    """Does an address prefix (CIDR or service tag) cover ``source`` ('Internet' or an IP)?"""
    if prefix in ("*", "Any", "0.0.0.0/0"):
        return True
    if source == INTERNET:
        return prefix == INTERNET
    ip = ipaddress.ip_address(source)
    if prefix == VIRTUAL_NETWORK:
        return any(ip in ipaddress.ip_network(c) for c in vnet_cidrs)
    if prefix == INTERNET:
        return not any(ip in ipaddress.ip_network(c) for c in vnet_cidrs)
    try:
        return ip in ipaddress.ip_network(prefix, strict=False)
    except ValueError:
        return False  # another service tag (AzureLoadBalancer, ...)


def nsg_decision(
    rules: Iterable[Mapping[str, Any]],
    *,
    source: str,
    port: int,
    protocol: str = "Tcp",
    vnet_cidrs: Sequence[str] = (),
) -> tuple[str, str]:
    """``(access, rule name)`` for inbound traffic from ``source`` ('Internet' or an IP) to ``port``.

    ``rules`` are NSG rules in the engine's camelCase shape; Azure's default rules are
    appended, then the lowest priority number that matches wins.
    """
    inbound = [r for r in rules if r.get("direction", "Inbound") == "Inbound"]
    for rule in sorted([*inbound, *DEFAULT_INBOUND_RULES], key=lambda r: int(r["priority"])):
        if rule.get("protocol", "*") not in ("*", protocol):
            continue
        if not _port_matches(rule, port):
            continue
        prefixes = rule.get("sourceAddressPrefixes") or [rule.get("sourceAddressPrefix") or "*"]
        if any(_prefix_matches(p, source, vnet_cidrs) for p in prefixes):
            return str(rule["access"]), str(rule["name"])
    raise AssertionError("unreachable: DenyAllInBound matches everything")
