"""The main job: drive a running platform through its HTTP API, step by step.

``python -m demo --url http://127.0.0.1:8000 --token <admin token>`` runs the
steps of ``demo/registry.py``, ``demo/distribution.py`` and
``demo/complaints.py`` in order; ``scripts/demo`` starts the platform first.
``gateway.client.Client`` is the API client the steps use.
"""
