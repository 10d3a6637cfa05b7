"""The main job's year at the sample size and at three times it, with nameko's own event rate.

Run: ``.venv/bin/python -m bench.bench_monitoring [--families 1500 4500] [--lag 10]``

For each size, one fresh platform (``deploy/run-local``, every service, in-memory
stores, a fresh RabbitMQ vhost) and ``samplegen`` (seeded) making that many
families (the sample itself at 1,500); then:

- the main job (``python -m demo``, every step, the registry from that file via
  ``DEMO_REGISTRY_CSV``): its wall time, and each step's (``steps_s``, seconds);
- events through the broker meanwhile: messages into the services' event
  exchanges (``<service>.events``, RabbitMQ's management counters) per second of
  the job;
- peak resident memory (VmHWM) of each service process after the job;
- the lag from a registry deactivation (``moved_out``, answered over HTTP) to its
  effect, seen by polling the gateway every 5 ms: distribution (a pending or
  waiting allocation's recipient changes or it is cancelled), partners (an accepted
  enrolment is withdrawn), marketplace (a verified seller is suspended), and
  monitoring (the resident's timeline shows the deactivation, for every
  resident deactivated); an effect not seen within 30 s is counted in
  ``missed_<follower>``. ``--lag`` residents per follower, one after the other;
  p50, p99 and max in ms (with so few samples p99 is close to the max).

After the sizes, the baseline on the same broker in the same run:
``bench.bench_backbone``'s nameko ``EventDispatcher`` to a trivial consumer.
Prints one JSON object per size and one for the baseline.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import requests  # noqa: E402

from bench.bench_backbone import MGMT, NamekoProducer, fresh_vhost, measure  # noqa: E402
from bench.bench_footprint import generate, memory, services_of, wait  # noqa: E402
from bench.bench_registry import free_port  # noqa: E402
from bench.bench_scale import drained, stop  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "var", "bench", "monitoring")


def events_published(vhost):
    """Messages published into the services' event exchanges of ``vhost`` so far."""
    answer = requests.get("%s/api/exchanges/%s" % (MGMT, vhost), timeout=10).json()
    return sum((x.get("message_stats") or {}).get("publish_in", 0) for x in answer
               if x["name"].endswith(".events"))


class Api:
    def __init__(self, url, token):
        self.url, self.session = url + "/api/v1/", requests.Session()
        self.session.headers["Authorization"] = "Bearer " + token

    def get(self, path, params=None):
        answer = self.session.get(self.url + path, params=params, timeout=30)
        answer.raise_for_status()
        return answer.json()

    def post(self, path, body=None):
        answer = self.session.post(self.url + path, json=body or {}, timeout=30)
        answer.raise_for_status()
        return answer.json()


def targets(api, n):
    """``{follower: [(nik, effect check)]}``: up to ``n`` residents whose deactivation
    each follower must act on."""
    recipients, enrolled, sellers, taken = [], [], [], set()
    # after the year most rounds are handed out: a waiting allocation (the village grant's
    # waiting list) is followed on a deactivation as a pending one is
    rounds = api.get("rounds", {"per_page": 100})["items"]
    for rnd, status in [(r, s) for s in ("pending", "waiting") for r in rounds]:
        for a in api.get("rounds/%s/allocations" % rnd["id"],
                         {"status": status, "per_page": 100})["items"]:
            if len(recipients) < n and a.get("recipient_nik") and a["recipient_nik"] not in taken:
                taken.add(a["recipient_nik"])
                recipients.append((a["recipient_nik"], lambda a=a: (lambda now: (
                    now["status"] == "cancelled" or now.get("recipient_nik") != a[
                        "recipient_nik"]))(api.get("allocations/%s" % a["id"]))))
    for programme in api.get("partner-programmes", {"per_page": 100})["items"]:
        for e in api.get("partner-programmes/%s/enrolments" % programme["id"],
                         {"status": "accepted", "per_page": 100})["items"]:
            if len(enrolled) < n and e.get("nik") and e["nik"] not in taken:
                taken.add(e["nik"])
                enrolled.append((e["nik"], lambda e=e: api.get(
                    "enrolments/%s" % e["id"])["status"] == "withdrawn"))
    for s in api.get("sellers", {"status": "verified", "per_page": 100})["items"]:
        if len(sellers) < n and s["nik"] not in taken:
            taken.add(s["nik"])
            sellers.append((s["nik"], lambda s=s: api.get(
                "sellers/%s" % s["id"])["status"] == "suspended"))
    return {"distribution": recipients, "partners": enrolled, "marketplace": sellers}


def _deactivated_on_timeline(api, nik):
    # any such entry: every resident picked was active (the follower's own effect, a
    # cancelled allocation, may land on the timeline after it)
    entries = api.get("residents/%s/timeline" % nik)["entries"]
    return any(e["type"] == "resident_deactivated" for e in entries)


def lags(api, n):
    """Lag in ms from each deactivation's HTTP answer to each effect."""
    seen = {"distribution": [], "partners": [], "marketplace": [], "monitoring": []}
    for follower, people in targets(api, n).items():
        for nik, effect in people:
            api.post("residents/%s/deactivate" % nik, {"reason": "moved_out", "note": "bench"})
            answered = time.monotonic()
            waiting = {follower: effect, "monitoring": lambda nik=nik: _deactivated_on_timeline(
                api, nik)}
            deadline = answered + 30
            while waiting and time.monotonic() < deadline:
                for name, check in list(waiting.items()):
                    if check():
                        seen[name].append(1000 * (time.monotonic() - answered))
                        del waiting[name]
                time.sleep(0.005)  # polling a condition with a deadline
            for name in waiting:
                seen.setdefault("missed_" + name, []).append(nik)
    return {name: summary(values) if not name.startswith("missed") else len(values)
            for name, values in seen.items()}


def summary(values):
    if not values:
        return {"n": 0}
    values = sorted(values)

    def pct(p):
        return round(values[min(len(values) - 1, int(round(p * (len(values) - 1))))], 1)
    return {"n": len(values), "p50_ms": pct(0.5), "p99_ms": pct(0.99),
            "max_ms": round(values[-1], 1)}


STEP_DONE = re.compile(r"^\((\w+): done in ([0-9.]+) s\)$", re.M)


def step_times(output):
    """``{step: seconds}`` from the main job's ``(<step>: done in <s> s)`` lines, so
    a size that grows faster than the families shows which step grows."""
    return {name: float(s) for name, s in STEP_DONE.findall(output)}


SAMPLE = os.path.join(ROOT, "data", "sample", "tanjung-barat-registry.csv")
SAMPLE_FAMILIES = 1500


def run(families, args):
    # the sample itself at its size, so the job's year is the one it always runs
    csv_path = SAMPLE if families == SAMPLE_FAMILIES else generate(families)
    vhost, amqp_uri = fresh_vhost()
    os.makedirs(OUT, exist_ok=True)
    ready = tempfile.mktemp(suffix=".json", dir=OUT)
    env = dict(os.environ, AMQP_URI=amqp_uri, GATEWAY_PORT=str(free_port()),
               ADMIN_TOKEN="bench-admin-" + uuid.uuid4().hex, RUN_LOCAL_READY_FILE=ready,
               MONGO_DB_PREFIX="mon%d" % int(time.time()),
               RUN_LOCAL_LOG_DIR=os.path.join(OUT, "log-%d-%d" % (families, int(time.time()))))
    env.pop("MONGO_URI", None)
    proc = subprocess.Popen([os.path.join(ROOT, "deploy", "run-local")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        wait(lambda: os.path.exists(ready) or proc.poll() is not None, 240, "the platform")
        time.sleep(0.3)
        with open(ready) as handle:
            info = json.load(handle)
        pids = services_of(proc.pid)
        before = events_published(vhost)
        started = time.monotonic()
        job = subprocess.run([sys.executable, "-m", "demo", "--url", info["url"], "--token",
                              info["admin_token"], "--no-progress"], cwd=ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=dict(os.environ, DEMO_REGISTRY_CSV=csv_path))
        job_s = time.monotonic() - started
        with open(os.path.join(env["RUN_LOCAL_LOG_DIR"], "demo.out"), "w") as handle:
            handle.write(job.stdout + job.stderr)
        if job.returncode:
            raise RuntimeError("the main job failed (its output: %s): %s" % (
                handle.name, (job.stderr or job.stdout)[-2000:]))
        wait(lambda: drained(vhost), 3600, "every queue to drain")
        time.sleep(6)  # RabbitMQ's management counters are sampled every 5 s
        events = events_published(vhost) - before
        peaks = {n: round(memory(p)["VmHWM"], 1) for n, p in pids.items()}
        sys.stderr.write("bench_monitoring: %d families, job %.1f s, %d events, peaks %s\n"
                         % (families, job_s, events, peaks))
        lag = lags(Api(info["url"], info["admin_token"]), args.lag)
        return {"families": families, "main_job_s": round(job_s, 1), "events": events,
                "events_per_s": round(events / job_s), "steps_s": step_times(job.stdout),
                "peak_mib": peaks,
                "deactivation_lag": lag}
    finally:
        stop(proc)
        requests.delete("%s/api/vhosts/%s" % (MGMT, vhost), timeout=10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, nargs="+", default=[1500, 4500])
    parser.add_argument("--lag", type=int, default=10, help="residents per follower")
    parser.add_argument("--events", type=int, default=3000, help="baseline events")
    args = parser.parse_args()
    for families in args.families:
        print(json.dumps(run(families, args)), flush=True)
    print(json.dumps({"baseline_nameko_dispatch_events_per_s": round(
        measure(NamekoProducer, args.events)), "events": args.events}), flush=True)


if __name__ == "__main__":
    main()
