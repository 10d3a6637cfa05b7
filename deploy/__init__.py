"""How the platform is deployed: config, local runner, containers (see README.md)."""
