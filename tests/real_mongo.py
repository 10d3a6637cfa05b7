"""A real MongoDB wire-protocol server for the tests marked ``mongo``.

mongomock stands in for MongoDB everywhere else; the tests marked ``mongo``
check what only a real server does (unique indexes, atomic conditional
updates under concurrency, the wire protocol itself). They get their server
from the ``real_mongo_uri`` fixture:

- ``TEST_MONGO_URI`` set: that server (a mongod of your own, or a replica set);
- otherwise a SecantusDB server (``requirements-test.txt``; a MongoDB
  wire-protocol server on WiredTiger) started once per test session as a
  separate process on a free port, its data in a fresh directory under
  ``var/test-mongo/``, stopped and removed at the end of the session. It is
  GPL-2.0 and therefore only ever run as a program, never imported.

Where no server can be had, the ``mongo`` tests are skipped with the reason,
except under CI (``CI`` set, as ``.ci/run`` does) or with
``REQUIRE_REAL_MONGO=1``: there they fail, so a CI run never passes by
silently skipping them.

Registered as a pytest plugin by the root ``conftest.py``.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER_DIR = os.path.join(ROOT, "var", "test-mongo")
EXECUTABLE = "secantusd-py"
START_TIMEOUT = 60.0


def required():
    """True when a missing server must fail the run rather than skip (CI)."""
    def flag(name):
        return os.environ.get(name, "").strip().lower() not in ("", "0", "false", "no")
    return flag("CI") or flag("REQUIRE_REAL_MONGO")


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def find_executable():
    """Path of ``secantusd-py``: ``$SECANTUSD_PY``, else beside this interpreter
    (the venv), else on PATH; None when there is none."""
    named = os.environ.get("SECANTUSD_PY")
    if named:
        return named if os.access(named, os.X_OK) else None
    beside = os.path.join(os.path.dirname(sys.executable), EXECUTABLE)
    if os.access(beside, os.X_OK):
        return beside
    return shutil.which(EXECUTABLE)


def _die_with_parent():
    """In the child: ask Linux to SIGTERM it when the test process dies (even by kill -9)."""
    try:
        import ctypes
        import signal
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class ServerUnavailable(RuntimeError):
    """The server could not be started or did not answer in time."""


class SecantusServer:
    """One ``secantusd-py`` process, with its data in a directory of its own.

    ``start()`` returns once the server answers ``ping``; ``uri`` is then the
    connection string (``journal=true``: acknowledged writes are on disk, so a
    test that kills the server keeps them). ``stop()`` ends the process
    (SIGTERM, SIGKILL after ``grace`` seconds) and removes the directory.
    """

    def __init__(self, base_dir=SERVER_DIR, executable=None, cache_size="256M"):
        self.base_dir = os.path.abspath(base_dir)
        self.executable = executable or find_executable()
        self.cache_size = cache_size
        self.process = None
        self.port = None
        self.run_dir = None

    @property
    def uri(self):
        return "mongodb://127.0.0.1:%d/?journal=true" % self.port

    @property
    def log_path(self):
        return os.path.join(self.run_dir, "server.log")

    def start(self, timeout=START_TIMEOUT, attempts=3):
        """Start the server on a free port and wait for it; raises ServerUnavailable."""
        if not self.executable:
            raise ServerUnavailable("%s is not installed (it comes with requirements-test.txt; "
                                    "run scripts/setup)" % EXECUTABLE)
        os.makedirs(self.base_dir, exist_ok=True)
        self.run_dir = tempfile.mkdtemp(prefix="run-", dir=self.base_dir)
        last = None
        # a free port can be taken by someone else before the server binds it
        for _ in range(attempts):
            try:
                self._spawn(free_port())
                self._wait_ready(timeout)
                return self
            except ServerUnavailable as exc:
                last = exc
                self._end_process()
        self.stop()
        raise last

    def _spawn(self, port):
        self.port = port
        config = os.path.join(self.run_dir, "secantusd.toml")
        # an explicit (empty) config file: no secantusd.toml of the user's is read
        open(config, "a").close()
        log = open(self.log_path, "ab")
        try:
            self.process = subprocess.Popen(
                [self.executable, "--config", config, "--host", "127.0.0.1",
                 "--port", str(port), "--storage-path", os.path.join(self.run_dir, "data"),
                 "--cache-size", self.cache_size, "--log-level", "WARNING"],
                cwd=self.run_dir, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                preexec_fn=_die_with_parent)
        finally:
            log.close()

    def _wait_ready(self, timeout):
        import pymongo
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise ServerUnavailable("%s exited with status %s: %s" % (
                    EXECUTABLE, self.process.returncode, self.log_tail()))
            client = pymongo.MongoClient(self.uri, serverSelectionTimeoutMS=500)
            try:
                client.admin.command("ping")
                return
            except pymongo.errors.PyMongoError:
                if time.monotonic() > deadline:
                    raise ServerUnavailable("%s did not answer ping within %.0f s: %s" % (
                        EXECUTABLE, timeout, self.log_tail())) from None
            finally:
                client.close()
            time.sleep(0.1)

    def log_tail(self, lines=15):
        """The last lines of the server's log (for error messages)."""
        try:
            with open(self.log_path, encoding="utf-8", errors="replace") as handle:
                return "".join(handle.readlines()[-lines:]).strip() or "(empty log)"
        except OSError:
            return "(no log)"

    def _end_process(self, grace=15.0):
        if self.process is None:
            return
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def stop(self):
        """End the process and remove its data directory."""
        self._end_process()
        if self.run_dir:
            shutil.rmtree(self.run_dir, ignore_errors=True)
            self.run_dir = None


def _unavailable(reason):
    if required():
        pytest.fail("a real MongoDB server is required here (CI) but %s" % reason, pytrace=False)
    pytest.skip("no real MongoDB server: %s" % reason)


@pytest.fixture(scope="session")
def real_mongo_uri():
    """URI of a real MongoDB wire-protocol server for this session.

    ``TEST_MONGO_URI`` if set, else a SecantusDB started for the session.
    Skips where none can be had; fails instead under CI.
    """
    given = os.environ.get("TEST_MONGO_URI")
    if given:
        yield given
        return
    server = SecantusServer()
    try:
        server.start()
    except ServerUnavailable as exc:
        _unavailable(str(exc))
    try:
        yield server.uri
    finally:
        server.stop()


@pytest.fixture
def real_mongo_db(real_mongo_uri):
    """A fresh database on the real server, through the platform's own client; dropped after."""
    from services.shared.mongo import get_client
    client = get_client(real_mongo_uri)
    name = "t%s" % uuid.uuid4().hex[:12]
    yield client[name]
    client.drop_database(name)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI a ``mongo`` test that skipped for any reason is reported as failed."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and required() and item.get_closest_marker("mongo") is not None \
            and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = "a mongo test may not skip under CI: %s" % (reason,)
