"""Container health checks (deploy/docker-compose.yml).

    python deploy/healthcheck.py http http://127.0.0.1:8000/health
        healthy when the URL answers 200 (the gateway)
    python deploy/healthcheck.py rpc registry
        healthy when the service answers its ``ping`` RPC (services.shared.service.Service)

Exit status 0 when healthy, 1 otherwise (what Docker expects).
"""
import sys
import urllib.request

TIMEOUT = 5.0


def check_http(url):
    """True when ``GET url`` answers 200 within the timeout."""
    try:
        # Direct, whatever http_proxy says: the URL is the container's own port.
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(url, timeout=TIMEOUT) as answer:
            return answer.status == 200
    except OSError:
        return False


def check_rpc(service, config=None, timeout=TIMEOUT):
    """True when ``service`` answers ``ping`` within ``timeout`` seconds.

    ``config`` defaults to ``deploy/config.yaml`` read with the environment.
    """
    import warnings
    warnings.filterwarnings("ignore", message=r"(?s)\s*Eventlet is deprecated")
    import eventlet
    eventlet.monkey_patch()
    from nameko.standalone.rpc import ServiceRpcProxy

    from deploy.config import load_config
    try:
        with ServiceRpcProxy(service, config or load_config(), timeout=timeout) as proxy:
            return bool(proxy.ping().get("ok"))
    except Exception:  # noqa: BLE001 - any failure means unhealthy
        return False


def main(argv):
    if len(argv) != 2 or argv[0] not in ("http", "rpc"):
        print(__doc__, file=sys.stderr)
        return 2
    healthy = check_http(argv[1]) if argv[0] == "http" else check_rpc(argv[1])
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.path.insert(0, ".")
    sys.exit(main(sys.argv[1:]))
