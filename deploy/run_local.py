"""Run the whole platform on this machine, in the foreground (docs/contract.md "Running it").

    deploy/run-local                 every service in deploy/services.txt
    deploy/run-local registry gateway   only those (by name)

Environment:
    AMQP_URI      RabbitMQ (default amqp://guest:guest@127.0.0.1:5672/). A local
                  broker that does not answer is started when rabbitmq-server is
                  installed, and stopped again on exit unless KEEP_BROKER=1.
    MONGO_URI     MongoDB; unset = each service keeps an in-process mongomock store.
    GATEWAY_PORT  HTTP port of the gateway (default 8000); the web app is at its /.
    WEB_PORT      internal port of the web app's process (default: a free one);
                  only the gateway talks to it.
    ADMIN_TOKEN   the admin token; generated and printed when unset.
    RUN_LOCAL_LOG_DIR (or LOG_DIR)  where the per-service logs go (default var/log).
    RUN_LOCAL_READY_FILE  when set, a JSON file {"url", "admin_token", "pid"}
                          written once /health answers 200 (scripts/demo waits on it).
    RUN_LOCAL_START_TIMEOUT  seconds to wait for /health (default 120).
    RUN_LOCAL_BROKER_TIMEOUT seconds to wait for a broker that is still starting
                             (default 60).
    RUN_LOCAL_RESTART_BACKOFF  seconds before a dead service's first restart
                             (default 1; doubles with each crash, at most 30).

Each service runs as `nameko run --config deploy/config.yaml <module:Class>` in
its own process group, logging to <log dir>/<name>.log. Ctrl-C, SIGTERM or
SIGHUP stop them all (SIGTERM for nameko's graceful stop, then SIGKILL to
each whole group after a grace period) and wait until none of their
processes is left. A service that exits on its own is started again after
1, 2, 4 ... s (at most 30 s); after 5 crashes within 60 s run-local gives up on
it and says so, and the others keep running (deploy/supervisor.py).
Exit status: 0 after a requested stop, 1 when the platform could not start
(settings, broker, a service given up on before /health answered) or when
every service has been given up on.
Standard library only: it runs scripts/setup to get the virtualenv first.
``deploy/run-local`` is the command; this module is what it runs.
"""
import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request

from deploy import broker
from deploy.processes import Platform
from deploy.services import read_services
from deploy.supervisor import Supervisor

# services.shared.settings.MIN_ADMIN_TOKEN (a test keeps them equal): run-local
# runs on the system's python3, without the platform's packages
MIN_ADMIN_TOKEN = 32

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

CONFIG = os.path.join("deploy", "config.yaml")
VENV = os.environ.get("BANSOS_VENV") or os.path.join(ROOT, ".venv")


class Interrupted(Exception):
    """A stop was requested before any service process existed."""


def say(text):
    show("run-local: %s" % text)


def show(text):
    """Print ``text``; a closed stdout (``run-local | tee`` whose tee died at Ctrl-C)
    must never stop run-local before it has stopped its services."""
    try:
        print(text, flush=True)
    except OSError:
        pass


def module_exists(spec, root=ROOT):
    """True when the module of ``module:Class`` has a source file under ``root``."""
    base = os.path.join(root, *spec.split(":")[0].split("."))
    return os.path.isfile(base + ".py") or os.path.isfile(os.path.join(base, "__init__.py"))


def free_port():
    """A port nothing listens on now (the web app's internal one)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_free(port):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("0.0.0.0", port))
        except OSError:
            return False
    return True


#: The gateway is on this machine: never go through an http_proxy from the environment.
DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def health(url, timeout=3.0):
    """Return ``(status, body)`` of ``GET url`` (status 0 when nothing answers)."""
    try:
        with DIRECT.open(url, timeout=timeout) as answer:
            return answer.status, answer.read(2000).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(2000).decode("utf-8", "replace")
    except (OSError, ValueError) as exc:
        return 0, str(exc)


def settings():
    """Read and check the environment; return the child environment and facts to print."""
    env = dict(os.environ)
    env["AMQP_URI"] = env.get("AMQP_URI") or broker.DEFAULT_AMQP_URI
    env["MONGO_URI"] = env.get("MONGO_URI", "")
    port = env.get("GATEWAY_PORT") or "8000"
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise SystemExit("run-local: GATEWAY_PORT must be a port number, got %r" % port)
    env["GATEWAY_PORT"] = port
    if not env.get("WEB_PORT"):
        # the kernel may hand out the gateway's port again once whoever chose it
        # closed it (the tests pick GATEWAY_PORT the same way): never share it
        web = free_port()
        while str(web) == port:
            web = free_port()
        env["WEB_PORT"] = str(web)
    generated = not env.get("ADMIN_TOKEN")
    if generated:
        # hex, so that it never starts with "-" and reads as an option on a command line
        env["ADMIN_TOKEN"] = secrets.token_hex(20)
    elif len(env["ADMIN_TOKEN"]) < MIN_ADMIN_TOKEN:
        # every service would refuse it at start, each under its own traceback
        raise SystemExit("run-local: ADMIN_TOKEN must be at least %d characters (e.g. "
                         "openssl rand -hex 24); it has %d"
                         % (MIN_ADMIN_TOKEN, len(env["ADMIN_TOKEN"])))
    env["PYTHONUNBUFFERED"] = "1"
    env["PATH"] = os.path.join(VENV, "bin") + os.pathsep + env.get("PATH", "")
    env["VIRTUAL_ENV"] = VENV
    return env, int(port), generated


def main(argv):
    stop = {"requested": False}
    platform = None

    def on_signal(signum, frame):
        if stop["requested"] and platform is not None:
            platform.force = True  # a second Ctrl-C: stop waiting for a graceful exit
        stop["requested"] = True
        if platform is None:
            raise Interrupted()  # nothing to stop yet: leave at once

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, on_signal)

    started_broker = False
    vhost = shared_uri = None
    ready_file = os.environ.get("RUN_LOCAL_READY_FILE")
    try:
        env, port, generated = settings()
        services = read_services()
        if argv:
            unknown = set(argv) - {name for name, _ in services}
            if unknown:
                raise SystemExit("run-local: unknown service(s) %s; known: %s" % (
                    ", ".join(sorted(unknown)), ", ".join(n for n, _ in services)))
            services = [s for s in services if s[0] in argv]
        if any(name == "gateway" for name, _ in services) and not port_free(port):
            raise SystemExit("run-local: port %d is in use (another run-local?); "
                             "choose another with GATEWAY_PORT=..." % port)
        if os.environ.get("RUN_LOCAL_SKIP_SETUP") != "1":
            subprocess.run([os.path.join(ROOT, "scripts", "setup")], check=True)
        private = (not env["MONGO_URI"] and broker.parse_uri(env["AMQP_URI"])["vhost"] == "/"
                   and os.environ.get("RUN_LOCAL_SHARED_VHOST") != "1")
        broker_wait = float(os.environ.get("RUN_LOCAL_BROKER_TIMEOUT") or 60)
        try:
            started_broker = broker.ensure(env["AMQP_URI"], timeout=broker_wait,
                                           wait=broker_wait, say=say)
        except broker.BrokerUnavailable as exc:
            say("error: %s\n(waited %.0f s; RUN_LOCAL_BROKER_TIMEOUT sets how long)"
                % (exc, broker_wait))
            return 1
        if private:
            try:
                broker.ensure(env["AMQP_URI"], management=True, timeout=30, say=say)
            except broker.BrokerUnavailable as exc:
                private = False
                say("warning: %s; using / where events of earlier runs may wait" % exc)
        if private:
            shared_uri = env["AMQP_URI"]
            try:
                env["AMQP_URI"], vhost = broker.create_private_vhost(shared_uri)
            except (OSError, ValueError) as exc:
                say("warning: could not create a private vhost (%s); using / where events "
                    "of earlier runs may wait" % exc)
        if vhost:
            say("in-memory stores start empty, so this run uses a RabbitMQ vhost of its own "
                "(%s, deleted on exit): no event of an earlier or parallel run can reach it "
                "(RUN_LOCAL_SHARED_VHOST=1 to use / instead)" % vhost)
        runnable = []
        for name, spec in services:
            if module_exists(spec):
                runnable.append((name, spec))
            else:
                say("skipping %s: %s is not written yet" % (name, spec.split(":")[0]))
        if not env["MONGO_URI"]:
            say("MONGO_URI is unset: each service keeps its data in memory (mongomock); "
                "it is lost when they stop")
        log_dir = (os.environ.get("RUN_LOCAL_LOG_DIR") or os.environ.get("LOG_DIR")
                   or os.path.join(ROOT, "var", "log"))
        nameko = [os.path.join(VENV, "bin", "python"), "-m", "deploy.nameko_main"]
        platform = Platform(runnable, env, log_dir, nameko=nameko,
                            config=CONFIG, cwd=ROOT, say=say)
        platform.start()
        return run(platform, port, env, generated, ready_file, stop)
    except Interrupted:
        say("interrupted")
        return 0
    finally:
        if platform is not None:
            platform.stop()
        if ready_file and os.path.exists(ready_file):
            os.unlink(ready_file)
        if vhost:
            broker.delete_vhost(shared_uri, vhost)
        if started_broker and os.environ.get("KEEP_BROKER") != "1":
            broker.stop_local_rabbitmq(say=say)


def started_ok(answer, services):
    """With only some services started (``run-local registry gateway``), /health
    stays 503 for the others: ready when every started one answers ``ok``."""
    try:
        status = json.loads(answer[1]).get("services", {})
    except (ValueError, AttributeError):
        return False
    started = [name for name, _ in services if name != "gateway"]
    return bool(status) and all(status.get(name) == "ok" for name in started)


def run(platform, port, env, generated, ready_file, stop, supervisor=None):
    """Wait for /health, announce the platform, then watch it until asked to stop.

    A service that exits meanwhile is restarted with backoff, and given up on
    after repeated crashes (``deploy.supervisor``); returns 1 when a service is
    given up on before the platform answers, or when every one is, else 0.
    """
    url = "http://127.0.0.1:%d" % port
    has_gateway = any(name == "gateway" for name, _ in platform.services)
    has_web = any(name == "web" for name, _ in platform.services)
    timeout = float(os.environ.get("RUN_LOCAL_START_TIMEOUT") or 120)
    deadline = time.monotonic() + timeout
    last = (0, "")
    supervisor = supervisor or Supervisor(
        platform, say, start=float(os.environ.get("RUN_LOCAL_RESTART_BACKOFF") or 1))
    while has_gateway and not stop["requested"]:
        if supervisor.check():
            say("error: the platform could not start; logs: %s" % platform.log_dir)
            return 1
        last = health(url + "/health")
        if last[0] == 200 or started_ok(last, platform.services):
            break
        if time.monotonic() > deadline:
            say("error: %s/health did not answer 200 within %.0f s; last answer: %s %s\n"
                "logs: %s" % (url, timeout, last[0], last[1][:500], platform.log_dir))
            return 1
        time.sleep(0.25)
    if stop["requested"]:
        return 0
    token_note = "(generated; set ADMIN_TOKEN to choose one)" if generated else "(from ADMIN_TOKEN)"
    show("\nBansos Tanjung Barat is running.\n"
         "  web app:     %s/   (officers: %s/konsol/)\n"
         "  gateway:     %s   (health: %s/health)\n"
         "  admin token: %s   %s\n"
         "  data:        %s\n"
         "  logs:        %s/<service>.log\n"
         "Press Ctrl-C to stop.\n" % (
             url if has_gateway and has_web else "(not started)", url,
             url if has_gateway else "(not started)", url, env["ADMIN_TOKEN"], token_note,
             "MongoDB at MONGO_URI" if env["MONGO_URI"] else "in memory (mongomock)",
             platform.log_dir))
    if ready_file:
        tmp = ready_file + ".tmp"
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump({"url": url, "admin_token": env["ADMIN_TOKEN"], "pid": os.getpid()}, handle)
        os.replace(tmp, ready_file)
    while not stop["requested"]:
        supervisor.check()
        if supervisor.all_given_up():
            say("error: every service has stopped for good; logs: %s" % platform.log_dir)
            return 1
        time.sleep(0.2)
    return 0

