"""Container health checks (deploy/docker-compose.yml, deploy/k8s/).

    python deploy/healthcheck.py http http://127.0.0.1:8000/health
        healthy when the URL answers 200 (the gateway)
    python deploy/healthcheck.py rpc registry
        healthy when the service answers its ``ping`` RPC (services.shared.service.Service)
    python deploy/healthcheck.py gateway http://127.0.0.1:8000/health
        healthy when the gateway answers /health (200 or 503) and reaches at
        least one service: this gateway works, whatever one service's state
        (a Kubernetes readiness probe; docs/kubernetes.md)

Exit status 0 when healthy, 1 otherwise (what Docker expects).
"""
import json
import sys
import urllib.error
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


def check_gateway(url):
    """True when the gateway's ``/health`` at ``url`` says at least one service is "ok".

    /health answers 503 when any one service is down; taking every gateway
    out of a load balancer for that would turn one service's outage into the
    whole API's. A gateway that reaches no service (its own broker connection
    is broken) is not ready.
    """
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(url, timeout=TIMEOUT) as answer:
            body = answer.read()
    except urllib.error.HTTPError as refused:
        if refused.code != 503:
            return False
        body = refused.read()
    except OSError:
        return False
    try:
        services = json.loads(body.decode("utf-8")).get("services") or {}
    except (ValueError, AttributeError):
        return False
    return any(state == "ok" for state in services.values())


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


#: ``healthcheck.py <mode> <argument>``: the check of each mode.
CHECKS = {"http": check_http, "rpc": check_rpc, "gateway": check_gateway}


def main(argv):
    if len(argv) != 2 or argv[0] not in CHECKS:
        print(__doc__, file=sys.stderr)
        return 2
    healthy = CHECKS[argv[0]](argv[1])
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.path.insert(0, ".")
    sys.exit(main(sys.argv[1:]))
