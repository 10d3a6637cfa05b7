"""What refused bodies cost the gateway: memory and time (issue 8, item 7).

    .venv/bin/python bench/bench_body_limits.py [--baseline-root DIR] [--posts 20]

Starts ``deploy/run-local gateway complaints`` of this tree (and, with
``--baseline-root``, of another checkout, e.g. ``git archive main`` unpacked,
run with this tree's virtualenv), sends ``--posts`` unauthenticated 20 MB
``POST /api/v1/feedback`` bodies, 10 at a time, and one 20 MB body that nests 957 levels deep,
and prints for each tree: the gateway's resident memory before, at its peak and after, the
time per refused request, and what the nested one answered and how fast.
"""
import argparse
import concurrent.futures
import json
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BODY = b'{"programme_code": "PKH", "rating": 5, "comment": "' + b"x" * (20 * 2 ** 20) + b'"}'
CONCURRENT = 10
NESTED = ('{"programme_code":"PKH","rating":5,"comment":%s1%s}' % ("[" * 957, "]" * 957)).encode()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid):
    with open("/proc/%d/status" % pid, encoding="ascii") as handle:
        for line in handle:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    return 0.0


def gateway_pid(parent):
    """The gateway that run-local (process ``parent``) started, not another platform's."""
    out = subprocess.run(["ps", "-eo", "pid,ppid,args"], capture_output=True, text=True).stdout
    for line in out.splitlines()[1:]:
        pid, ppid, args = line.split(None, 2)
        if "GatewayService" in args and int(ppid) == parent:
            return int(pid)
    raise RuntimeError("gateway process not found")


def measure(root, posts):
    port = free_port()
    with tempfile.TemporaryDirectory() as workdir:
        ready = os.path.join(workdir, "ready.json")
        env = dict(os.environ, GATEWAY_PORT=str(port), RUN_LOCAL_READY_FILE=ready,
                   BANSOS_VENV=os.path.join(ROOT, ".venv"),
                   LOG_DIR=os.path.join(workdir, "log"), TRUST_FORWARDED_FOR="1")
        env.pop("ADMIN_TOKEN", None)
        proc = subprocess.Popen([os.path.join(root, "deploy", "run-local"), "gateway",
                                 "complaints"], cwd=root, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            deadline = time.monotonic() + 120
            while not os.path.exists(ready):
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("run-local did not start in %s" % root)
                time.sleep(0.5)  # polling run-local's ready file, with a deadline
            url = json.load(open(ready, encoding="utf-8"))["url"]
            pid = gateway_pid(proc.pid)
            before = rss_mb(pid)
            peak, done = [before], threading.Event()

            def sample():
                while not done.wait(0.02):
                    peak.append(rss_mb(pid))

            def post(i):
                return requests.post(url + "/api/v1/feedback", data=BODY, timeout=120,
                                     headers={"Content-Type": "application/json",
                                              "X-Forwarded-For": "10.0.0.%d" % i}).status_code
            sampler = threading.Thread(target=sample)
            sampler.start()
            started = time.monotonic()
            with concurrent.futures.ThreadPoolExecutor(CONCURRENT) as pool:
                statuses = list(pool.map(post, range(posts)))
            per_request = (time.monotonic() - started) / posts
            after = rss_mb(pid)
            done.set()
            sampler.join()
            started = time.monotonic()
            nested = requests.post(url + "/api/v1/feedback", data=NESTED, timeout=60,
                                   headers={"Content-Type": "application/json"}).status_code
            nested_s = time.monotonic() - started
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    return {"statuses": sorted(set(statuses)), "rss_before_mb": round(before),
            "rss_peak_mb": round(max(peak)), "rss_after_mb": round(after),
            "ms_per_refused": round(per_request * 1000),
            "nested_status": nested, "nested_s": round(nested_s, 2)}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline-root")
    parser.add_argument("--posts", type=int, default=20)
    args = parser.parse_args()
    trees = [("this tree", ROOT)] + ([("baseline", args.baseline_root)]
                                     if args.baseline_root else [])
    for label, root in trees:
        print("%-10s %s" % (label, json.dumps(measure(root, args.posts))))


if __name__ == "__main__":
    main()
