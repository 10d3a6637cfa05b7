"""The service processes of deploy/run-local: start, watch, stop, leave nothing behind.

Each service runs as ``nameko run --config deploy/config.yaml <module:Class>``
in its own process group (its own session), so a stop can reach every process
it started, and a terminal's Ctrl-C reaches only run-local, which then stops
them all itself. Standard library only.
"""
import os
import signal
import subprocess
import time

GRACE_SECONDS = 15.0


def group_alive(pgid):
    """True while any non-zombie process is left in process group ``pgid``."""
    if not os.path.isdir("/proc"):
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return False
        return True
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, encoding="utf-8") as handle:
                stat = handle.read()
        except OSError:
            continue
        # Fields after the parenthesised command: state, ppid, pgrp, ...
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False


class Platform:
    """The service processes: start them, watch them, stop them all."""

    def __init__(self, services, env, log_dir, nameko, config, cwd, say):
        """
        Args:
            services: ``[(name, "module:Class")]`` in start order.
            env (dict): the environment of every process.
            log_dir (str): where ``<name>.log`` goes (appended to).
            nameko (str|list): the ``nameko`` command; config (str): its ``--config``;
            cwd (str): the repo root (``nameko run`` imports from ``.``).
            say (callable): prints a progress line.
        """
        self.services = services
        self.env = env
        self.log_dir = log_dir
        self.command = (list(nameko) if isinstance(nameko, (list, tuple)) else [nameko]) + [
            "run", "--config", config]
        self.cwd = cwd
        self.say = say
        self.procs = []  # [(name, Popen)]
        self.log_starts = {}  # name -> where its current process's lines begin in its log
        self.force = False

    def start(self):
        os.makedirs(self.log_dir, exist_ok=True)
        for name, spec in self.services:
            self.procs.append((name, self._spawn(name, spec)))

    def _spawn(self, name, spec, verb="started"):
        log_path = self._log_path(name)
        # append: a second run-local must never truncate a running one's log
        with open(log_path, "a", encoding="utf-8") as log:
            self.log_starts[name] = log.seek(0, os.SEEK_END)
            proc = subprocess.Popen(self.command + [spec], cwd=self.cwd, env=self.env,
                                    stdin=subprocess.DEVNULL, stdout=log,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        shown = os.path.relpath(log_path, self.cwd) if os.path.abspath(log_path).startswith(
            self.cwd + os.sep) else log_path
        self.say("%s %-12s pid %-7d log %s" % (verb, name, proc.pid, shown))
        return proc

    def exited(self):
        """``[(name, exit status)]`` of every process that has exited."""
        return [(name, proc.returncode) for name, proc in self.procs if proc.poll() is not None]

    def restart(self, name):
        """Start ``name`` again (its process has exited); its log is appended to."""
        spec = dict(self.services)[name]
        for index, (known, proc) in enumerate(self.procs):
            if known == name:
                try:  # what the dead service left in its group goes with it
                    os.killpg(proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                self.procs[index] = (name, self._spawn(name, spec, verb="restarted"))

    def log_tail(self, name, lines=15):
        """The last ``lines`` of what ``name``'s current process wrote to its log."""
        try:
            with open(self._log_path(name), "rb") as handle:
                handle.seek(self.log_starts.get(name, 0))
                text = handle.read().decode("utf-8", "replace")
        except OSError:
            return "(no log)"
        return "".join(text.splitlines(keepends=True)[-lines:]).rstrip() or "(nothing logged)"

    def note(self, name, text):
        """Append a line from run-local to ``name``'s log (a restart, giving up)."""
        with open(self._log_path(name), "a", encoding="utf-8") as log:
            log.write("run-local: %s\n" % text)

    def _log_path(self, name):
        return os.path.join(self.log_dir, "%s.log" % name)

    def stop(self):
        """Stop every process together and leave nothing behind.

        All at once rather than the gateway first: nameko's graceful stop
        takes a few seconds per process, and each service finishes the
        requests it already took before it exits.
        """
        if not self.procs:
            return
        self.say("stopping %d processes" % len(self.procs))
        self._terminate(self.procs)
        for _, proc in self.procs:
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # stragglers a service left in its group
            except (ProcessLookupError, PermissionError):
                pass
        deadline = time.monotonic() + 10
        while any(group_alive(p.pid) for _, p in self.procs) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = [name for name, p in self.procs if group_alive(p.pid)]
        if left:
            self.say("warning: processes of %s are still alive" % ", ".join(left))
        else:
            self.say("stopped; no process left behind")

    def _terminate(self, batch):
        # SIGTERM, never SIGINT: `nameko run` turns SIGINT into a
        # KeyboardInterrupt inside whichever greenlet is running, and a busy
        # service then hangs in its stop with workers that can no longer ack
        # (seen with 2.14.1). SIGTERM starts the graceful stop in a greenlet,
        # which runs as soon as the event loop wakes: at once when busy, within
        # a second when idle (the AMQP consumer polls every second), so a
        # service without any AMQP entrypoint may need the SIGKILL below.
        for _, proc in batch:
            if proc.poll() is None:
                try:
                    os.kill(proc.pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + GRACE_SECONDS
        for name, proc in batch:
            while proc.poll() is None and time.monotonic() < deadline and not self.force:
                time.sleep(0.05)
            if proc.poll() is None:
                self.say("%s did not stop in time; killing it" % name)
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
