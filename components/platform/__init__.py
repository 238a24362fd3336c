"""Platform services on the clusters: Karpenter, metrics-server, External Secrets, Argo CD and friends."""
