"""Only the gateway may declare HTTP entrypoints: any other service with an
``@http`` would bind the same WEB_SERVER_ADDRESS and silently answer some of
the gateway's requests (seen while building deploy/run-local)."""
import importlib

from nameko.web.handlers import HttpRequestHandler

from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR


def _services():
    out = []
    with open("deploy/services.txt", encoding="utf-8") as handle:
        for line in handle:
            line = line.split("#", 1)[0].split()
            if len(line) == 2:
                module, cls = line[1].split(":")
                out.append((line[0], getattr(importlib.import_module(module), cls)))
    return out


def test_no_service_but_the_gateway_has_http_entrypoints():
    offenders, gateway_routes = [], 0
    for name, cls in _services():
        for attr in dir(cls):
            for ext in getattr(getattr(cls, attr), ENTRYPOINT_EXTENSIONS_ATTR, ()):
                if isinstance(ext, HttpRequestHandler):
                    if name == "gateway":
                        gateway_routes += 1
                    else:
                        offenders.append("%s.%s" % (name, attr))
    assert offenders == []
    assert gateway_routes == 2  # one entrypoint for "/" and one for every other path


def test_the_gateway_serves_every_route_of_its_modules():
    from gateway.service import ROUTER
    assert len(ROUTER.specs) > 50
