"""The web app: resident pages and the officers' console, a client of ``/api/v1`` (docs/web.md)."""
