"""The monitoring stack: Prometheus, Alertmanager, Loki 3, Tempo 2.6, Alloy and Grafana.

Pure renderers (``*_config.py``, ``alert_rules.py``, ``grafana.py``, ``values.py``) produce
every config file and Helm values document as plain data; ``stack.py`` declares the
resources (namespaces, service accounts, secrets, config maps, network policies and the
pinned Helm releases) that carry them.
"""
