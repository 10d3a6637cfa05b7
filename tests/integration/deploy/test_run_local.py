"""deploy/run-local end to end, with stand-in services, over the real RabbitMQ.

run-local is given a services file naming the small nameko services below
(imported from this module by `nameko run`), so these tests check the runner
itself: start, wait for /health, announce, and stop on a signal leaving no
process behind, including a grandchild a service started.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys

import pytest
from nameko.extensions import DependencyProvider
from nameko.rpc import rpc
from nameko.web.handlers import http

from deploy.healthcheck import check_http
from tests.helpers import free_port, wait_for

pytestmark = pytest.mark.integration

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
RUN_LOCAL = os.path.join(ROOT, "deploy", "run-local")
MODULE = "tests.integration.deploy.test_run_local"


class StartsGrandchild(DependencyProvider):
    """Starts a long-lived child process, as a service with a helper process would."""

    def setup(self):
        path = os.environ.get("DEPLOYTEST_GRANDCHILD_FILE")
        if path:
            child = subprocess.Popen(["sleep", "600"])
            with open(path + ".tmp", "w", encoding="utf-8") as handle:
                handle.write(str(child.pid))
            os.replace(path + ".tmp", path)


class FakeGateway:
    """Like the real gateway: HTTP routes, and AMQP (its RPC proxies' reply queue)."""

    name = "deploytest_gateway"

    @http("GET", "/health")
    def health(self, request):
        return 200, json.dumps({"status": "ok"})

    @rpc
    def ping(self):
        return "pong"


class FakeWorker:
    name = "deploytest_worker"
    helper = StartsGrandchild()

    # Not http: every service with an http entrypoint binds WEB_SERVER_ADDRESS
    # (with SO_REUSEPORT), and would share the gateway's port.
    @rpc
    def ping(self):
        return "pong"



def alive(pid):
    """True while ``pid`` exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid, encoding="utf-8") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.fixture
def launch(tmp_path, rabbit_config):
    """Start run-local with a services file; yield a function, kill leftovers afterwards.

    The services get a vhost of their own (nameko's rabbit_config), removed afterwards.
    """
    started = []

    def start(services, **env):
        services_file = tmp_path / "services.txt"
        services_file.write_text("".join("%s %s\n" % pair for pair in services))
        port = free_port()
        full_env = dict(os.environ)
        full_env.pop("ADMIN_TOKEN", None)
        full_env.update(
            AMQP_URI=rabbit_config["AMQP_URI"], GATEWAY_PORT=str(port),
            RUN_LOCAL_SERVICES=str(services_file), RUN_LOCAL_LOG_DIR=str(tmp_path / "log"),
            RUN_LOCAL_READY_FILE=str(tmp_path / "ready.json"), RUN_LOCAL_SKIP_SETUP="1",
            BANSOS_VENV=os.path.dirname(os.path.dirname(sys.executable)),
            DEPLOYTEST_GRANDCHILD_FILE=str(tmp_path / "grandchild"))
        full_env.update(env)
        proc = subprocess.Popen([RUN_LOCAL], cwd=ROOT, env=full_env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True, start_new_session=True)
        started.append(proc)
        return proc, port

    yield start
    for proc in started:  # a failed test must not leave a platform running
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


def child_pids(output):
    return [int(pid) for pid in re.findall(r"started \S+\s+pid (\d+)", output)]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_starts_announces_and_stops_leaving_no_process(launch, tmp_path, signum):
    proc, port = launch([("worker", "%s:FakeWorker" % MODULE),
                         ("later", "services.notwrittenyet.service:LaterService"),
                         ("gateway", "%s:FakeGateway" % MODULE)])
    ready = tmp_path / "ready.json"
    wait_for(lambda: ready.exists() or proc.poll() is not None, timeout=90)
    assert proc.poll() is None, proc.stdout.read()
    announced = json.loads(ready.read_text())
    assert announced["url"] == "http://127.0.0.1:%d" % port
    assert len(announced["admin_token"]) >= 24
    assert check_http(announced["url"] + "/health")
    # The worker starts beside the gateway, so its child may come a moment later.
    grandchild = int(wait_for(lambda: (tmp_path / "grandchild").exists()
                              and (tmp_path / "grandchild").read_text()))
    assert alive(grandchild)

    proc.send_signal(signum)
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, output
    assert "skipping later: services.notwrittenyet.service is not written yet" in output
    assert "http://127.0.0.1:%d" % port in output
    assert announced["admin_token"] in output
    assert "no process left behind" in output
    pids = child_pids(output)
    assert len(pids) == 2
    assert not [pid for pid in pids + [grandchild] if alive(pid)]
    assert not ready.exists()
    assert not check_http(announced["url"] + "/health")
    log = (tmp_path / "log" / "gateway.log").read_text()
    assert "starting services: deploytest_gateway" in log


def children_of(pid):
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry, encoding="utf-8") as handle:
                    if int(handle.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(entry))
            except OSError:
                pass
    return found


def test_a_closed_output_does_not_stop_it_before_its_services(launch, tmp_path):
    """``run-local | tee log`` and Ctrl-C: tee dies first, so every line run-local
    writes while stopping meets a closed pipe. It must stop its services anyway
    (it used to die on the first line and leave them all running)."""
    proc, port = launch([("worker", "%s:FakeWorker" % MODULE),
                         ("gateway", "%s:FakeGateway" % MODULE)])
    ready = tmp_path / "ready.json"
    wait_for(lambda: ready.exists() or proc.poll() is not None, timeout=90)
    assert proc.poll() is None
    grandchild = int(wait_for(lambda: (tmp_path / "grandchild").exists()
                              and (tmp_path / "grandchild").read_text()))
    services = children_of(proc.pid)
    assert len(services) == 2
    proc.stdout.close()  # the reader is gone, as tee is after Ctrl-C
    proc.send_signal(signal.SIGINT)
    try:
        assert proc.wait(timeout=60) == 0
        assert not [pid for pid in services + [grandchild] if alive(pid)]
        assert not check_http("http://127.0.0.1:%d/health" % port)
    finally:  # what a run-local that died left must not outlive the test
        for pid in services + [grandchild]:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)


def test_a_service_that_keeps_dying_is_restarted_then_given_up_while_the_rest_run(launch,
                                                                                   tmp_path):
    proc, port = launch([("worker", "%s:FakeWorker" % MODULE),
                         ("broken", "%s:NoSuchService" % MODULE),
                         ("gateway", "%s:FakeGateway" % MODULE)],
                        RUN_LOCAL_RESTART_BACKOFF="0.1")
    log = tmp_path / "log" / "broken.log"
    wait_for(lambda: (log.exists() and "not restarted again" in log.read_text())
             or proc.poll() is not None, timeout=60)
    assert proc.poll() is None
    assert log.read_text().count("Failed to find service class 'NoSuchService'") == 5
    assert check_http("http://127.0.0.1:%d/health" % port)  # the others keep running

    proc.send_signal(signal.SIGTERM)
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, output
    assert "broken exited with status 0; restarting it in 0.1 s (crash 1 of 5" in output
    assert output.count("restarted broken") == 4
    assert "giving up on it (the other services keep running)" in output
    assert "NoSuchService" in output  # the end of its log
    assert not [pid for pid in child_pids(output) if alive(pid)]


def test_an_unreachable_broker_is_explained_and_nothing_starts(launch):
    proc, _ = launch([("gateway", "%s:FakeGateway" % MODULE)],
                     AMQP_URI="amqp://guest:guest@127.0.0.1:%d/" % free_port(),
                     RUN_LOCAL_BROKER_TIMEOUT="2")
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "waiting up to 2 s for it to start" in output
    assert "No RabbitMQ answers at amqp://guest:***@127.0.0.1:" in output
    assert "How to get a broker" in output
    assert not child_pids(output)


def test_a_busy_gateway_port_is_refused_before_anything_starts(launch):
    with socket.socket() as busy:
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        proc, _ = launch([("gateway", "%s:FakeGateway" % MODULE)],
                         GATEWAY_PORT=str(busy.getsockname()[1]))
        output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 1
    assert "is in use" in output and "GATEWAY_PORT" in output


def test_in_memory_run_on_the_root_vhost_gets_a_private_vhost_deleted_on_exit(launch, tmp_path):
    """A platform whose stores start empty must not receive what earlier or
    parallel runs left in durable queues on ``/`` (seen in a newcomer's run)."""
    import requests
    mgmt = "http://127.0.0.1:15672/api/vhosts"
    proc, _ = launch([("worker", "%s:FakeWorker" % MODULE), ("gateway", "%s:FakeGateway" % MODULE)],
                     AMQP_URI="amqp://guest:guest@127.0.0.1:5672/", MONGO_URI="")
    ready = tmp_path / "ready.json"
    wait_for(lambda: ready.exists() or proc.poll() is not None, timeout=90)
    assert proc.poll() is None, proc.stdout.read()
    ours = [v["name"] for v in requests.get(mgmt, auth=("guest", "guest"), timeout=10).json()
            if v["name"].startswith("bansos-run-")]
    proc.send_signal(signal.SIGTERM)
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode == 0, output
    vhost = re.search(r"vhost of its own \((bansos-run-[0-9a-f]+)", output).group(1)
    assert vhost in ours
    left = [v["name"] for v in requests.get(mgmt, auth=("guest", "guest"), timeout=10).json()]
    assert vhost not in left
