"""The outsider's probes of issue 8, re-runnable: fuzzing, exposure and bad input.

    scripts/probe [--examples 20]

Starts the platform (deploy/run-local on a free port, its own vhost, in-memory
stores), imports the sample registry, publishes the catalogue, makes tokens
for every role, then:

1. schemathesis over ``/api/v1/openapi.json`` as the public, an officer and
   an admin (``--examples`` cases per operation), recording every exchange;
2. exposure: every answer to public, partner and seller callers (the fuzz's
   and a GET of every public path) scanned for whole NIKs and phone numbers,
   and every answer for tracebacks and 500s;
3. bad input sent as careless or hostile clients send it (deep nesting,
   oversized and lying bodies, long lines and headers, odd methods, broken
   files, control characters, wrong tokens);
4. ``var/log/probe/*.log`` of the run grepped for NIK-like numbers.

Prints the number of requests and what each probe found; exit status 1 when
something was found. It is a long run, not a test: the suite keeps the cheap
probes as tests (tests/integration/gateway/test_hardening.py, tests/e2e/test_logs.py).
"""
import argparse
import glob
import io
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import zipfile

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOG_DIR = os.path.join(ROOT, "var", "log", "probe")
NIK = re.compile(r"(?<![\d*])\d{16}(?![\d*])")
PHONE = re.compile(r"(?<![\w+*])(?:\+?62|0)8\d{8,12}(?!\d)")
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|File \"/")
OPEN_LIMITS = ",".join("%s=100000/60" % n for n in (
    "status_check", "complaints", "feedback", "complaint_lookup"))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_platform(workdir):
    port = free_port()
    ready = os.path.join(workdir, "ready.json")
    # each probe is its own client (X-Forwarded-For), so one role's wrong tokens
    # (schemathesis tries some) never throttle the next role's run
    env = dict(os.environ, GATEWAY_PORT=str(port), RUN_LOCAL_READY_FILE=ready, LOG_DIR=LOG_DIR,
               RATE_LIMITS=OPEN_LIMITS, TRUST_FORWARDED_FOR="1")
    env.pop("MONGO_URI", None)
    env.pop("ADMIN_TOKEN", None)
    proc = subprocess.Popen([os.path.join(ROOT, "deploy", "run-local")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 180
    while not os.path.exists(ready):
        if proc.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("probe: the platform did not start (see %s)" % LOG_DIR)
        time.sleep(0.5)  # polling run-local's ready file, with a deadline
    with open(ready, encoding="utf-8") as handle:
        info = json.load(handle)
    return proc, info["url"], info["admin_token"]


def stop_platform(proc):
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


class Seen:
    """Every exchange the probes made, and what was found in them."""

    def __init__(self):
        self.requests, self.findings = 0, []

    def check(self, label, role, response):
        self.requests += 1
        text = response.text
        if response.status_code >= 500 and response.status_code not in (503, 504):
            self.findings.append("%s: %d" % (label, response.status_code))
        if TRACEBACK.search(text):
            self.findings.append("%s: traceback in the answer" % label)
        if response.status_code >= 400 and "problem+json" not in response.headers.get(
                "Content-Type", ""):
            self.findings.append("%s: a %d that is not problem+json" % (label,
                                                                         response.status_code))
        if role in (None, "partner", "seller"):
            for pattern, what in ((NIK, "NIK"), (PHONE, "phone")):
                if pattern.search(text):
                    self.findings.append("%s: whole %s shown to %s" % (label, what,
                                                                       role or "public"))


def setup(url, admin):
    headers = {"Authorization": "Bearer %s" % admin}
    with open(os.path.join(ROOT, "data", "sample", "tanjung-barat-registry.csv"), "rb") as fh:
        requests.post(url + "/api/v1/imports/registry", data=fh.read(), timeout=600,
                      headers=dict(headers, **{"Content-Type": "text/csv"})).raise_for_status()
    subprocess.run([os.path.join(ROOT, "scripts", "publish-catalogue")], check=True,
                   env=dict(os.environ, GATEWAY_URL=url, ADMIN_TOKEN=admin),
                   stdout=subprocess.DEVNULL)
    tokens = {"admin": admin}
    for role in ("officer", "partner", "seller"):
        body = {"role": role, "name": "probe %s" % role}
        if role in ("partner", "seller"):
            body["%s_id" % role] = "probe1"
        tokens[role] = requests.post(url + "/api/v1/tokens", json=body, headers=headers,
                                     timeout=30).json()["token"]
    return tokens


def fuzz(url, tokens, examples, workdir, seen):
    """schemathesis as the public, an officer and an admin; returns requests per role."""
    counts = {}
    binary = os.path.join(os.path.dirname(sys.executable), "schemathesis")
    for role in ("public", "officer", "admin"):
        har = os.path.join(workdir, "%s.har" % role)
        cmd = [binary, "run", url + "/api/v1/openapi.json", "--url", url, "-n", str(examples),
               "--checks", "not_a_server_error", "--max-failures", "1000", "--seed", "8",
               "--report", "har", "--report-har-path", har, "--request-timeout", "30",
               "--exclude-path-regex", "parked-events/.*/replay|/tokens/"]
        cmd += ["-H", "X-Forwarded-For: fuzz-%s" % role]
        if role != "public":
            cmd += ["-H", "Authorization: Bearer %s" % tokens[role]]
        subprocess.run(cmd, cwd=workdir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        entries = json.load(open(har, encoding="utf-8"))["log"]["entries"] if os.path.exists(
            har) else []
        counts[role] = len(entries)
        for entry in entries:
            answer = entry["response"]
            fake = requests.Response()
            fake.status_code = answer["status"]
            fake._content = (answer["content"].get("text") or "").encode("utf-8")
            fake.headers.update({h["name"]: h["value"] for h in answer["headers"]})
            seen.check("fuzz %s %s %s" % (role, entry["request"]["method"],
                                          entry["request"]["url"][len(url):][:80]),
                       None if role == "public" else role, fake)
    return counts


def exposure(url, tokens, seen):
    paths = json.loads(requests.get(url + "/api/v1/openapi.json", timeout=30).text)["paths"]
    for role in (None, "partner", "seller"):
        headers = {"Authorization": "Bearer %s" % tokens[role]} if role else {}
        for path, ops in paths.items():
            if "get" in ops and "{" not in path:
                seen.check("GET %s as %s" % (path, role or "public"), role,
                           requests.get(url + path, headers=headers, timeout=30))


def _zip(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def bad_input(url, tokens, seen):
    officer = {"Authorization": "Bearer %s" % tokens["officer"]}
    deep = '{"programme_code":"PKH","rating":5,"comment":%s1%s}' % ("[" * 957, "]" * 957)
    cases = [
        ("nested feedback", "POST", "/api/v1/feedback", {"data": deep}),
        ("nested status check", "POST", "/api/v1/status-check", {"data": deep}),
        ("nested programme", "POST", "/api/v1/programmes", {"data": deep, "headers": officer}),
        ("2 MB body", "POST", "/api/v1/feedback", {"data": b"{" * 2_000_000}),
        ("OPTIONS", "OPTIONS", "/api/v1/programmes", {}),
        ("TRACE", "TRACE", "/api/v1/programmes", {}),
        ("long URL", "GET", "/api/v1/programmes?" + "a" * 9000, {}),
        ("long header", "GET", "/health", {"headers": {"X-A": "a" * 9000}}),
        ("NUL in a name", "POST", "/api/v1/complaints",
         {"json": {"category": "other", "description": "x\x00y", "anonymous": True}}),
        ("csv field of 200k", "POST", "/api/v1/imports/registry",
         {"data": b"kk_number\n\"" + b"x" * 200000 + b"\"\n",
          "headers": dict(officer, **{"Content-Type": "text/csv"})}),
        ("broken xlsx", "POST", "/api/v1/imports/registry",
         {"data": _zip({"[Content_Types].xml": "<<<"}),
          "headers": dict(officer, **{"Content-Type": XLSX})}),
        ("xlsx bomb", "POST", "/api/v1/imports/registry",
         {"data": _zip({"xl/worksheets/sheet1.xml": b" " * (70 * 2 ** 20)}),
          "headers": dict(officer, **{"Content-Type": XLSX})}),
        ("unknown path", "GET", "/api/v1/nowhere", {}),
    ]
    for label, method, path, kwargs in cases:
        seen.check(label, None, requests.request(method, url + path, timeout=60, **kwargs))
    statuses = [requests.get(url + "/api/v1/tokens", timeout=30, headers={
        "Authorization": "Bearer bt_wrong%d" % i}).status_code for i in range(30)]
    seen.requests += len(statuses)
    if 429 not in statuses:
        seen.findings.append("30 wrong tokens were never throttled")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def logs(seen):
    count = 0
    for path in glob.glob(os.path.join(LOG_DIR, "*.log")):
        with open(path, encoding="utf-8", errors="replace") as handle:
            count += len(NIK.findall(handle.read()))
    if count:
        seen.findings.append("%d NIK-like numbers in %s" % (count, LOG_DIR))
    return count


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=20, help="schemathesis cases per operation")
    args = parser.parse_args(argv)
    os.makedirs(LOG_DIR, exist_ok=True)
    for old in glob.glob(os.path.join(LOG_DIR, "*.log")):
        os.remove(old)  # this run's logs only
    seen = Seen()
    with tempfile.TemporaryDirectory() as workdir:
        proc, url, admin = start_platform(workdir)
        try:
            tokens = setup(url, admin)
            counts = fuzz(url, tokens, args.examples, workdir, seen)
            exposure(url, tokens, seen)
            bad_input(url, tokens, seen)
        finally:
            stop_platform(proc)
    in_logs = logs(seen)
    print("probe: schemathesis requests by role: %s" % json.dumps(counts))
    print("probe: %d requests in all; %d NIK-like numbers in the logs" % (
        seen.requests, in_logs))
    for finding in sorted(set(seen.findings)):
        print("  found: %s" % finding)
    print("probe: %d distinct findings" % len(set(seen.findings)))
    return 1 if seen.findings else 0


if __name__ == "__main__":
    sys.exit(main())
