"""``nameko`` as run-local starts it: eventlet's deprecation notice filtered.

eventlet 0.41 prints a multi-line deprecation warning on import, which would
open every service log with lines that are not records (docs/style.md: filter that
warning, don't hide others). Usage is nameko's: ``python -m deploy.nameko_main
run --config deploy/config.yaml services.registry.service:RegistryService``.
"""
import sys
import warnings

warnings.filterwarnings("ignore", message=r"(?s)\s*Eventlet is deprecated")

from nameko.cli.main import main  # noqa: E402 - after the filter

if __name__ == "__main__":
    sys.exit(main())
