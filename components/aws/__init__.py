"""AWS components: network, EKS, registries, data stores and edge."""
