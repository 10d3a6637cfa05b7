"""A private RabbitMQ node that a fault test may stop and start (issue 9).

The shared broker on 5672 is never touched: this node has its own name
(``bansos-fault-<pid>-<n>@localhost``), its own AMQP and distribution ports,
no plugins, and its data, logs and Erlang cookie in a temporary directory
that is removed afterwards. ``blink()`` stops its RabbitMQ application
(connections drop, connects are refused) and ``start()`` brings it back, the
way an operator's restart or a crash of the broker looks to the services.

Use the ``fault_broker`` fixture (registered by the root ``conftest.py``); it
skips the test when ``rabbitmq-server`` is not installed.
"""
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
import time

import pytest

SERVER = shutil.which("rabbitmq-server") or "/usr/sbin/rabbitmq-server"
CTL = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
_counter = itertools.count()


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class FaultBroker:
    """One private node. ``amqp_uri`` is where services connect."""

    def __init__(self, base_dir, start_timeout=60.0):
        self.base_dir = base_dir
        self.start_timeout = start_timeout
        self.node = "bansos-fault-%d-%d@localhost" % (os.getpid(), next(_counter))
        self.port = _free_port()
        plugins = os.path.join(base_dir, "enabled_plugins")
        with open(plugins, "w") as f:
            f.write("[].\n")
        self.env = dict(
            os.environ, HOME=base_dir,  # the Erlang cookie lives here, not in ~
            RABBITMQ_NODENAME=self.node, RABBITMQ_NODE_IP_ADDRESS="127.0.0.1",
            RABBITMQ_NODE_PORT=str(self.port), RABBITMQ_DIST_PORT=str(_free_port()),
            RABBITMQ_MNESIA_BASE=os.path.join(base_dir, "mnesia"),
            RABBITMQ_LOG_BASE=os.path.join(base_dir, "log"),
            RABBITMQ_ENABLED_PLUGINS_FILE=plugins,
            RABBITMQ_CONFIG_FILE=os.path.join(base_dir, "none"),
            RABBITMQ_PID_FILE=os.path.join(base_dir, "node.pid"),
            RABBITMQ_FEATURE_FLAGS_FILE=os.path.join(base_dir, "mnesia", "feature_flags"),
            ERL_CRASH_DUMP=os.path.join(base_dir, "erl_crash.dump"),
        )
        # Debian's wrapper runs the node as the ``rabbitmq`` user when started by root
        os.chmod(base_dir, 0o777)
        for sub in ("mnesia", "log"):
            os.makedirs(os.path.join(base_dir, sub), exist_ok=True)
            os.chmod(os.path.join(base_dir, sub), 0o777)
        self.amqp_uri = "amqp://guest:guest@127.0.0.1:%d/" % self.port
        self.process = None

    def _ctl(self, *args, timeout=60):
        return subprocess.run([CTL, "-n", self.node] + list(args), env=self.env,
                              capture_output=True, text=True, timeout=timeout)

    def accepts(self):
        """True when a TCP connection to the AMQP port succeeds."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                return True
        except OSError:
            return False

    def _wait(self, up):
        deadline = time.monotonic() + self.start_timeout
        while self.accepts() != up:
            if self.process.poll() is not None:
                raise RuntimeError("the fault broker exited (%s)" % self.process.returncode)
            if time.monotonic() > deadline:
                raise RuntimeError("the fault broker did not %s within %g s"
                                   % ("start" if up else "stop", self.start_timeout))
            time.sleep(0.1)

    def launch(self):
        """Start the node as a child process and wait until it accepts AMQP."""
        self.process = subprocess.Popen([SERVER], env=self.env, cwd=self.base_dir,
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._ctl("await_startup", timeout=self.start_timeout)
        self._wait(up=True)

    def blink(self):
        """Stop the RabbitMQ application: every connection drops, connects are refused."""
        self._ctl("stop_app")
        self._wait(up=False)

    def start(self):
        """Start the application again after ``blink``."""
        self._ctl("start_app")
        self._wait(up=True)

    def shutdown(self):
        if self.process is None:
            return
        self._ctl("shutdown", timeout=30)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def fault_broker():
    """A started private RabbitMQ node (``FaultBroker``), shut down and removed after."""
    if not (os.path.exists(SERVER) and os.path.exists(CTL)):
        pytest.skip("rabbitmq-server is not installed")
    base = tempfile.mkdtemp(prefix="bansos-fault-")
    broker = FaultBroker(base)
    try:
        broker.launch()
        yield broker
    finally:
        broker.shutdown()
        shutil.rmtree(base, ignore_errors=True)
