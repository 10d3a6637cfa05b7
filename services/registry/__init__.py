"""The registry: households (KK) and residents (docs/registry-data.md)."""
