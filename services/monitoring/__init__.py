"""The monitoring service: one timeline per resident and per family, and the
year's figures, projected from every service's events (issue 14; docs/monitoring.md)."""
