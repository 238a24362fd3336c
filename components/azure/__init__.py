"""Azure components: network, AKS, registry, cache, messaging, secrets and workload identity."""
