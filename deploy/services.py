"""The one list of the platform's services (``deploy/services.txt``).

run-local starts what it names, the compose file is generated from it
(``deploy/compose.py``), and the gateway pings each service for ``/health``,
holds an RPC proxy to each and serves the routes of each
(``gateway/routes/<name>.py`` when there is one). A new service is its folder
under ``services/`` plus one line there. Standard library only (run-local reads
it before the virtualenv exists).
"""
import os

SERVICES_FILE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "services.txt")
GATEWAY = "gateway"


def read_services(path=None):
    """``[(name, "module:Class"), ...]`` in start order (``#`` starts a comment).

    Raises ValueError naming a line that is not ``<name> <module:Class>`` or a
    name listed twice.
    """
    path = path or os.environ.get("RUN_LOCAL_SERVICES") or SERVICES_FILE
    entries, seen = [], set()
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            line = line.split("#", 1)[0].strip()
            if not line:
                continue
            parts = line.split()
            if len(parts) != 2 or ":" not in parts[1] or parts[0] in seen:
                raise ValueError("%s line %d: want '<name> <module:Class>' once per name, got %r"
                                 % (path, number, line))
            seen.add(parts[0])
            entries.append((parts[0], parts[1]))
    return entries


def service_names(path=None):
    """The names of the services behind the gateway (every entry but the gateway)."""
    return [name for name, _ in read_services(path) if name != GATEWAY]
