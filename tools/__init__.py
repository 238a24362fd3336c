"""Command-line tools: the offline plan (``python -m tools.plan``) and its benchmark."""
