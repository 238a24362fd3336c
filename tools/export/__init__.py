"""Scanner exports of the offline plan: Terraform plan JSON (AWS), ARM template (Azure),
Kubernetes manifests; and the checkov gate over them (``tools.export.scan``)."""
