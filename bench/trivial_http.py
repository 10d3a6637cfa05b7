"""The baseline of bench_scale: a nameko HTTP entrypoint that makes one RPC and
answers a small JSON body, with nothing else in the way (no gateway, no store)."""
import json

from nameko.rpc import RpcProxy, rpc
from nameko.web.handlers import http


class BenchEcho:
    name = "bench_echo"

    @rpc
    def echo(self, payload):
        return payload


class BenchFront:
    name = "bench_front"
    echo = RpcProxy("bench_echo")

    @http("POST", "/echo")
    def front(self, request):
        answer = self.echo.echo(json.loads(request.get_data(as_text=True) or "{}"))
        return 200, {"Content-Type": "application/json"}, json.dumps(answer)
