"""The main job: live through a year of the village on a running platform, over its HTTP API.

``python -m demo --url http://127.0.0.1:8000 --token <admin token>`` runs the
steps named in ``demo.__main__.STEPS`` in order (docs/main-job.md);
``scripts/demo`` starts the platform first. ``gateway.client.Client`` is the
API client the steps use.
"""
