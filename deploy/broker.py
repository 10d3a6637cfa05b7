"""Make sure the RabbitMQ at ``AMQP_URI`` answers; start a local one if we can.

Used by ``deploy/run-local``, ``scripts/test``, ``.ci/run`` and the Docker
entrypoint, so every way of running the platform finds its broker the same
way. Standard library only: it runs before the virtualenv exists.

Command line::

    python3 deploy/broker.py ensure [--management] [--timeout 90]
        start a stopped local RabbitMQ if it is installed, wait until it answers
    python3 deploy/broker.py wait [--timeout 120]
        only wait (the Docker entrypoint: the broker is another container)

Exit status 0 when the broker answers, 1 (with a message saying what to do)
when it does not.
"""
import argparse
import base64
import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"
#: What ``rabbitmq-server`` listens on when started without configuration.
DEFAULT_AMQP_PORT = 5672
DEFAULT_MANAGEMENT_PORT = 15672
LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", ""}
#: The protocol header a 0-9-1 client sends first (AMQP 0-9-1 spec, section 4.2.2).
PROTOCOL_HEADER = b"AMQP\x00\x00\x09\x01"

HOW_TO_GET_ONE = """\
How to get a broker:
  - Debian/Ubuntu: sudo apt-get install rabbitmq-server  (then run this again)
  - Docker:        docker run -d -p 5672:5672 -p 15672:15672 rabbitmq:3-management
  - or point AMQP_URI at a RabbitMQ you already have, e.g.
      AMQP_URI=amqp://user:password@host:5672/ deploy/run-local"""


class BrokerUnavailable(Exception):
    """The broker does not answer and could not be started; ``str()`` says what to do."""


def parse_uri(uri):
    """Split an ``amqp://user:pass@host:port/vhost`` URI.

    Returns ``{"host", "port", "user", "password", "vhost"}`` with RabbitMQ's
    defaults (guest/guest, port 5672, vhost ``/``) for the parts left out.
    """
    parts = urllib.parse.urlsplit(uri)
    if parts.scheme not in ("amqp", "amqps"):
        raise ValueError("AMQP_URI must start with amqp:// or amqps://, got %r" % uri)
    vhost = urllib.parse.unquote(parts.path[1:]) if len(parts.path) > 1 else "/"
    return {
        "host": parts.hostname or "localhost",
        "port": parts.port or (5671 if parts.scheme == "amqps" else DEFAULT_AMQP_PORT),
        "user": urllib.parse.unquote(parts.username or "guest"),
        "password": urllib.parse.unquote(parts.password or "guest"),
        "vhost": vhost,
    }


def is_local(uri):
    """True when the URI names this machine on RabbitMQ's default port.

    Only then can ``rabbitmq-server`` (which listens on 5672 by default) be
    the broker the URI means.
    """
    info = parse_uri(uri)
    return info["host"] in LOCAL_HOSTS and info["port"] == DEFAULT_AMQP_PORT


def amqp_answers(uri, timeout=2.0):
    """True when an AMQP 0-9-1 broker at ``uri`` answers the protocol header.

    An open TCP port is not enough (a booting RabbitMQ accepts connections
    before it can serve them): the broker must reply with a method frame
    (Connection.Start: frame type 1 on channel 0).
    """
    info = parse_uri(uri)
    try:
        with socket.create_connection((info["host"], info["port"]), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(PROTOCOL_HEADER)
            head = sock.recv(7)
    except OSError:
        return False
    return len(head) == 7 and head[0] == 1 and head[1:3] == b"\x00\x00"


def management_url(uri):
    """The management API base URL for the broker of ``uri`` (``RABBIT_CTL_URI`` wins)."""
    explicit = os.environ.get("RABBIT_CTL_URI")
    if explicit:
        return explicit.rstrip("/")
    info = parse_uri(uri)
    return "http://%s:%s@%s:%d" % (urllib.parse.quote(info["user"], safe=""),
                                   urllib.parse.quote(info["password"], safe=""),
                                   info["host"], DEFAULT_MANAGEMENT_PORT)


def management_answers(url, timeout=2.0):
    """True when ``GET <url>/api/overview`` answers 200 (credentials taken from the URL)."""
    try:
        return _management_request(url, "GET", "/api/overview", timeout=timeout) == 200
    except (OSError, urllib.error.URLError, ValueError):
        return False


def wait_until(condition, timeout, interval=0.25, sleep=time.sleep):
    """Poll ``condition()`` until it is true or ``timeout`` seconds pass; return its last value."""
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return True
        if time.monotonic() >= deadline:
            return False
        sleep(interval)


def start_local_rabbitmq(say):
    """Run ``rabbitmq-server -detached``; raise BrokerUnavailable when that is impossible."""
    server = shutil.which("rabbitmq-server") or (
        "/usr/sbin/rabbitmq-server" if os.path.exists("/usr/sbin/rabbitmq-server") else None)
    if server is None:
        raise BrokerUnavailable("RabbitMQ is not installed on this machine.\n" + HOW_TO_GET_ONE)
    say("RabbitMQ is not answering; starting it (%s -detached)" % server)
    result = subprocess.run([server, "-detached"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0 and "already running" not in result.stdout:
        hint = "" if os.geteuid() == 0 else "\nTry: sudo rabbitmq-server -detached"
        raise BrokerUnavailable("Could not start RabbitMQ (%s exited %d):\n%s%s" % (
            server, result.returncode, result.stdout.strip(), hint))


def enable_management(say):
    """Enable the management plugin (nameko's ``rabbit_config`` test fixture needs its API)."""
    plugins = shutil.which("rabbitmq-plugins") or "/usr/sbin/rabbitmq-plugins"
    if not os.path.exists(plugins):
        raise BrokerUnavailable("The RabbitMQ management API does not answer and "
                                "rabbitmq-plugins is not installed here.")
    say("enabling the RabbitMQ management plugin")
    result = subprocess.run([plugins, "enable", "rabbitmq_management"], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    if result.returncode != 0:
        raise BrokerUnavailable("Could not enable rabbitmq_management:\n%s\nTry: sudo "
                                "rabbitmq-plugins enable rabbitmq_management" % result.stdout)


def ensure(uri, management=False, timeout=90.0, start=True, say=None, wait=0.0,
           sleep=time.sleep):
    """Make sure the broker at ``uri`` answers (and its management API, if asked).

    Starts a stopped local RabbitMQ when ``start`` is true and the URI is
    local, and waits up to ``timeout`` seconds for it. A broker this call
    cannot start (another machine or container, still booting) is waited for
    up to ``wait`` seconds (0: not at all). ``sleep(seconds)`` waits between
    polls (tests pass their own rather than replacing ``time.sleep`` for every
    thread of the process). Returns True when this call started the broker (so
    the caller may stop it again), False when it was already running. Raises
    BrokerUnavailable with instructions otherwise.
    """
    say = say or (lambda text: print(text, file=sys.stderr, flush=True))
    started = False
    answers = amqp_answers(uri)
    if not answers and not (start and is_local(uri)):
        if wait > 0:
            say("RabbitMQ at %s does not answer yet; waiting up to %.0f s for it to start"
                % (redact(uri), wait))
        if not (wait > 0 and wait_until(lambda: amqp_answers(uri), wait, sleep=sleep)):
            within = " within %.0f s" % wait if wait > 0 else ""
            raise BrokerUnavailable("No RabbitMQ answers at %s%s.\n%s" % (
                redact(uri), within, _advice(uri)))
        say("RabbitMQ answers at %s" % redact(uri))
    elif not answers:
        start_local_rabbitmq(say)
        started = True
        if not wait_until(lambda: amqp_answers(uri), timeout, sleep=sleep):
            raise BrokerUnavailable("RabbitMQ was started but did not answer within %.0f s; "
                                    "see /var/log/rabbitmq/." % timeout)
        say("RabbitMQ answers at %s" % redact(uri))
    if management:
        url = management_url(uri)
        if not management_answers(url):
            if is_local(uri):
                enable_management(say)
            if not wait_until(lambda: management_answers(url), timeout, sleep=sleep):
                raise BrokerUnavailable("The RabbitMQ management API does not answer at %s "
                                        "within %.0f s." % (redact(url), timeout))
    return started


def _management_request(url, method, path, body=None, timeout=10.0):
    """Send one management API request (credentials from ``url``, never via an
    ``http_proxy``); return the status. Raises HTTPError for an error status."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.hostname + (":%d" % parts.port if parts.port else "")
    target = urllib.parse.urlunsplit((parts.scheme, netloc, path, "", ""))
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(target, data=data, method=method)
    request.add_header("Content-Type", "application/json")
    if parts.username:
        pair = "%s:%s" % (urllib.parse.unquote(parts.username),
                          urllib.parse.unquote(parts.password or ""))
        request.add_header("Authorization", "Basic " + base64.b64encode(pair.encode()).decode())
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(request, timeout=timeout) as answer:
        return answer.status


def create_private_vhost(uri, prefix="bansos-run"):
    """Create a fresh vhost on the broker of ``uri``, usable by its user.

    Returns ``(uri_with_the_new_vhost, vhost)``. A platform whose stores are
    in memory starts empty every time; on a vhost of its own it cannot
    receive events an earlier or a parallel run left in durable queues.
    Raises OSError/URLError when the management API refuses.
    """
    info = parse_uri(uri)
    vhost = "%s-%s" % (prefix, secrets.token_hex(4))
    url = management_url(uri)
    quoted = urllib.parse.quote(vhost, safe="")
    _management_request(url, "PUT", "/api/vhosts/%s" % quoted, {})
    _management_request(url, "PUT", "/api/permissions/%s/%s" % (
        quoted, urllib.parse.quote(info["user"], safe="")),
        {"configure": ".*", "write": ".*", "read": ".*"})
    parts = urllib.parse.urlsplit(uri)
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, "/" + quoted, "", "")), vhost


def delete_vhost(uri, vhost):
    """Delete ``vhost`` (and with it its queues) on the broker of ``uri``; never raises."""
    try:
        _management_request(management_url(uri), "DELETE",
                             "/api/vhosts/%s" % urllib.parse.quote(vhost, safe=""))
        return True
    except (OSError, urllib.error.URLError, ValueError):
        return False


def _advice(uri):
    info = parse_uri(uri)
    if info["host"] in LOCAL_HOSTS and info["port"] != DEFAULT_AMQP_PORT:
        return ("It names port %d on this machine; a RabbitMQ started here listens on %d "
                "unless configured otherwise, so start one there yourself or fix AMQP_URI.\n%s"
                % (info["port"], DEFAULT_AMQP_PORT, HOW_TO_GET_ONE))
    return HOW_TO_GET_ONE


def stop_local_rabbitmq(say=None):
    """Stop the local RabbitMQ node (used only for a broker this tooling started)."""
    say = say or (lambda text: print(text, file=sys.stderr, flush=True))
    ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    say("stopping the RabbitMQ this script started")
    subprocess.run([ctl, "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def redact(uri):
    """The URI with its password replaced by ``***`` (for messages and logs)."""
    parts = urllib.parse.urlsplit(uri)
    if not parts.password:
        return uri
    netloc = parts.netloc.replace(":%s@" % parts.password, ":***@", 1)
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("action", choices=["ensure", "wait"])
    parser.add_argument("--uri", default=os.environ.get("AMQP_URI") or DEFAULT_AMQP_URI)
    parser.add_argument("--management", action="store_true",
                        help="also require the management API (test fixtures use it)")
    parser.add_argument("--timeout", type=float, default=90.0)
    args = parser.parse_args(argv)
    try:
        if args.action == "wait":
            print("waiting for RabbitMQ at %s" % redact(args.uri), file=sys.stderr, flush=True)
            if not wait_until(lambda: amqp_answers(args.uri), args.timeout, interval=1.0):
                raise BrokerUnavailable("No RabbitMQ answered at %s within %.0f s." % (
                    redact(args.uri), args.timeout))
        else:
            ensure(args.uri, management=args.management, timeout=args.timeout)
    except (BrokerUnavailable, ValueError) as exc:
        print("error: %s" % exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
