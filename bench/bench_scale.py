"""The public status check and the import at two registry sizes, with their baselines.

Run: ``.venv/bin/python -m bench.bench_scale [--families 1500 50000] [--seconds 15]``

For each size, one fresh platform (``deploy/run-local``, every service, in-memory
stores, a fresh vhost): ``samplegen`` makes that many families (seeded), the
file is imported through the gateway in one upload, and once distribution's
projection holds every resident:

- import rows per second: the file uploaded once as an import job, polled to
  ``done`` (overall, and over its first and last 10% of chunks);
- CPU of each service over ``--idle`` seconds at rest, once every queue of the
  vhost is empty (every consumer has caught up), in % of one core;
- ``POST /api/v1/status-check`` for residents drawn from the file, at
  ``--connections`` concurrent clients for ``--seconds``: answers per second,
  p50/p99; then the officer search ``GET /api/v1/residents?q=&rw=`` (a word of
  a resident's name, their RW) under the same load; the officer lists
  ``GET /api/v1/residents`` (an RW's or everyone's, pages 1-20) and
  ``GET /api/v1/households?rw=``, the same; then the baseline, a
  trivial nameko HTTP entrypoint making one RPC (``bench/trivial_http.py``),
  same client, same load; then the status check again. Each load records every
  service's CPU while it ran and the machine's load average;
- peak resident memory (VmHWM) of each service beside the file's rows as JSON;
- CPU seconds of each service and of the broker (``beam.smp``, shared by every
  vhost: run nothing else meanwhile) from the upload until every queue drained.

Prints one JSON object per size, then the tables bench/RESULTS.md quotes.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import requests  # noqa: E402

from bench.bench_backbone import MGMT, fresh_vhost  # noqa: E402
from bench.bench_footprint import (cpu_seconds, generate, memory, rows_as_json_bytes,  # noqa: E402
                                   services_of, wait)
from bench.bench_registry import free_port, percentile  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "var", "bench", "scale")


def load(url, bodies, connections, seconds, method="POST", headers=None):
    """``connections`` clients send requests in turn for ``seconds``: answers/s and latency.

    ``bodies``: JSON bodies (``POST``) or query parameters (``GET``), used in turn."""
    latencies, codes = [], {}
    stop = time.monotonic() + seconds

    def client(n):
        session = requests.Session()
        i = n
        while time.monotonic() < stop:
            started = time.monotonic()
            try:
                item = bodies[i % len(bodies)]
                if method == "GET":
                    answer = session.get(url, params=item, headers=headers, timeout=30)
                else:
                    answer = session.post(url, json=item, headers=headers, timeout=30)
                code = answer.status_code
            except requests.RequestException:
                code = "error"
            latencies.append(time.monotonic() - started)
            codes[code] = codes.get(code, 0) + 1
            i += connections
    pool = eventlet.GreenPool(connections)
    began = time.monotonic()
    for n in range(connections):
        pool.spawn(client, n)
    pool.waitall()
    elapsed = time.monotonic() - began
    answered = sum(v for k, v in codes.items() if k in (200, 404))
    return {"req_s": round(answered / elapsed, 1), "codes": codes,
            "p50_ms": round(1000 * percentile(latencies, 50)),
            "p99_ms": round(1000 * percentile(latencies, 99))}


def with_cpu(pids, measure):
    """``measure()``'s answer with ``cpu_pct``: each service's CPU while it ran, in %
    of one core (where a request's time goes), and the machine's load average."""
    start, began = {n: cpu_seconds(p) for n, p in pids.items()}, time.monotonic()
    out = measure()
    elapsed = time.monotonic() - began
    out["cpu_pct"] = {n: round(100 * (cpu_seconds(p) - start[n]) / elapsed, 1)
                      for n, p in pids.items()}
    out["loadavg"] = os.getloadavg()[0]
    return out


def lists(rows, count, seed):
    """Officer list pages with no search: an RW's residents or everyone's, pages 1 to
    20 of 50 (``{"rw": ..., "page": n}``, ``{"page": n}``)."""
    rng = random.Random(seed + 1)
    rws = sorted({r["rw"] for r in rows})
    out = []
    for n in range(count):
        page = {"page": rng.randint(1, 20)}
        out.append(dict(page, rw=rng.choice(rws)) if n % 2 else page)
    return out


def searches(rows, count, seed):
    """Officer searches ``{"q": a word of a resident's name, "rw": their RW}``."""
    rng = random.Random(seed)
    picked = rng.sample(rows, min(count, len(rows)))
    return [{"q": rng.choice(r["full_name"].split()), "rw": r["rw"]} for r in picked
            if r["full_name"].strip()]


def drained(vhost):
    """No event waits or is being handled in any event queue of ``vhost`` (an RPC
    queue may hold a request whose caller is gone, which no one drains)."""
    answer = requests.get("%s/api/queues/%s" % (MGMT, vhost), timeout=10).json()
    return all(q.get("messages", 0) == 0 for q in answer if q["name"].startswith("evt-"))


#: the registry's log line after each chunk of an import job (services/registry/job_runner.py)
CHUNK_LINE = re.compile(r"import job (\S+): chunk (\d+)/(\d+), (\d+) rows in ([\d.]+) s")


def import_job(url, headers, csv_path, poll=0.5):
    """Upload the file once as an import job and poll it to its end.

    Returns ``(job, seconds from the upload to done, seconds until the upload was
    answered, seconds until the file was read)``. Raises RuntimeError when it failed.
    """
    with open(csv_path, "rb") as handle:
        content = handle.read()
    started = time.time()
    answer = requests.post(url + "/api/v1/imports/registry/jobs", data=content,
                           params={"filename": os.path.basename(csv_path)},
                           headers=dict(headers, **{"Content-Type": "text/csv"}), timeout=600)
    answer.raise_for_status()
    uploaded = time.time() - started
    location, read = url + answer.headers["Location"], None
    while True:
        try:
            answer = requests.get(location, headers=headers, timeout=60)
        except requests.RequestException:
            answer = None
        if answer is None or answer.status_code != 200:
            # a poll the busy registry did not answer in time (504) is asked again
            time.sleep(poll)
            continue
        job = answer.json()
        if read is None and job.get("rows_total"):
            read = time.time() - started
        if job["state"] in ("done", "failed"):
            break
        time.sleep(poll)
    if job["state"] != "done":
        raise RuntimeError("the import job failed: %s" % job["failure"])
    return job, time.time() - started, uploaded, read


def chunk_rates(log_path, job_id):
    """Rows/s over the first and the last 10% of the job's chunks, from its log lines."""
    chunks = []
    with open(log_path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            found = CHUNK_LINE.search(line)
            if found and found.group(1) == job_id:
                chunks.append((int(found.group(4)), float(found.group(5))))
    if not chunks:
        return None, None, 0
    tenth = max(1, len(chunks) // 10)

    def rate(part):
        return round(sum(r for r, _ in part) / max(sum(s for _, s in part), 1e-6))
    return rate(chunks[:tenth]), rate(chunks[-tenth:]), len(chunks)


def broker_pid():
    """The RabbitMQ node's Erlang VM (``beam.smp``): the broker's share of the import."""
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/comm" % entry) as handle:
                    if handle.read().strip() == "beam.smp":
                        return int(entry)
            except OSError:
                continue
    return None


def start_baseline(amqp_uri):
    port = free_port()
    config = tempfile.NamedTemporaryFile("w", suffix=".yaml", dir=OUT, delete=False)
    config.write("AMQP_URI: %s\nWEB_SERVER_ADDRESS: 127.0.0.1:%d\nserializer: json\n"
                 % (amqp_uri, port))
    config.close()
    proc = subprocess.Popen([sys.executable, "-m", "nameko", "run", "--config", config.name,
                             "bench.trivial_http"], cwd=ROOT, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    url = "http://127.0.0.1:%d/echo" % port

    def up():
        try:
            return requests.post(url, json={}, timeout=2).status_code == 200
        except requests.RequestException:
            return False
    wait(up, 60, "the baseline service")
    return proc, url


def stop(proc):
    proc.terminate()
    try:
        proc.wait(60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 9)


def run(families, args):
    csv_path = generate(families)
    rows, json_bytes = rows_as_json_bytes(csv_path)
    with open(csv_path, encoding="utf-8") as handle:
        file_rows = list(csv.DictReader(handle))
    people = [{"nik": r["nik"], "birth_date": r["birth_date"]} for r in file_rows
              if len(r["nik"]) == 16 and r["birth_date"]]  # no-NIK persons cannot ask
    bodies = random.Random(families).sample(people, min(500, len(people)))
    officer_queries = searches(file_rows, 200, families)
    officer_lists = lists(file_rows, 200, families)
    del file_rows
    vhost, amqp_uri = fresh_vhost()
    ready = tempfile.mktemp(suffix=".json", dir=OUT)
    log_dir = os.path.join(OUT, "log-%d-%d" % (families, int(time.time())))
    env = dict(os.environ, AMQP_URI=amqp_uri, GATEWAY_PORT=str(free_port()),
               ADMIN_TOKEN="bench-admin-" + uuid.uuid4().hex, RUN_LOCAL_READY_FILE=ready,
               MONGO_DB_PREFIX="scale%d" % int(time.time()),
               RUN_LOCAL_LOG_DIR=log_dir, RATE_LIMITS="status_check=100000000/60")
    env.pop("MONGO_URI", None)
    proc = subprocess.Popen([os.path.join(ROOT, "deploy", "run-local")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    baseline = None
    try:
        wait(lambda: os.path.exists(ready) or proc.poll() is not None, 240, "the platform")
        time.sleep(0.3)
        with open(ready) as handle:
            info = json.load(handle)
        url, headers = info["url"], {"Authorization": "Bearer " + info["admin_token"]}
        pids = services_of(proc.pid)
        broker = broker_pid()
        workers = dict(pids, broker=broker) if broker else dict(pids)
        import_cpu = {n: cpu_seconds(p) for n, p in workers.items()}
        started = time.time()
        job, imported, uploaded, read = import_job(url, headers, csv_path)
        residents = job["created_residents"]
        first, last, chunks = chunk_rates(os.path.join(log_dir, "registry.log"), job["id"])

        def projected():
            try:
                status = requests.get(url + "/api/v1/admin/distribution/projection",
                                      headers=headers, timeout=30).json()
            except (requests.RequestException, ValueError):
                return False  # distribution busy projecting: asked again
            return status.get("residents") == residents
        wait(projected, 3600, "distribution's projection")
        settled = time.time() - started
        wait(lambda: drained(vhost), 3600, "every queue to drain")  # every consumer caught up
        drained_s = time.time() - started
        import_cpu = {n: round(cpu_seconds(p) - import_cpu[n], 1) for n, p in workers.items()}
        start_cpu = {n: cpu_seconds(p) for n, p in pids.items()}
        time.sleep(args.idle)
        idle_load = os.getloadavg()[0]
        idle_cpu = {n: 100 * (cpu_seconds(p) - start_cpu[n]) / args.idle for n, p in pids.items()}
        status = with_cpu(pids, lambda: load(url + "/api/v1/status-check", bodies,
                                             args.connections, args.seconds))
        search = with_cpu(pids, lambda: load(url + "/api/v1/residents", officer_queries,
                                             args.connections, args.seconds, method="GET",
                                             headers=headers))
        resident_lists = with_cpu(pids, lambda: load(url + "/api/v1/residents", officer_lists,
                                                     args.connections, args.seconds,
                                                     method="GET", headers=headers))
        household_lists = with_cpu(pids, lambda: load(
            url + "/api/v1/households", [{"rw": q["rw"], "page": q.get("page", 1)}
                                         for q in officer_lists if "rw" in q],
            args.connections, args.seconds, method="GET", headers=headers))
        baseline_proc, baseline_url = start_baseline(amqp_uri)
        baseline = baseline_proc
        trivial = with_cpu(pids, lambda: load(baseline_url, [{"n": i} for i in range(50)],
                                              args.connections, args.seconds))
        # the status check once more after the baseline: a machine whose load changed
        # meanwhile shows as two figures that disagree
        status_again = load(url + "/api/v1/status-check", bodies, args.connections,
                            args.seconds)
        peaks = {n: memory(p)["VmHWM"] for n, p in pids.items()}
        return {
            "families": families, "rows": rows, "residents": residents,
            "import_job_s": round(imported, 1), "import_rows_s": round(rows / imported),
            "upload_answered_s": round(uploaded, 1), "file_read_s": round(read or 0, 1),
            "chunks": chunks, "first_10pct_chunks_rows_s": first,
            "last_10pct_chunks_rows_s": last,
            "projection_complete_s": round(settled, 1), "queues_drained_s": round(drained_s, 1),
            "import_cpu_s": import_cpu,
            "status_check": status, "baseline_trivial_rpc": trivial,
            "status_check_after_baseline": status_again, "officer_search": search,
            "officer_lists": resident_lists, "household_lists": household_lists,
            "status_vs_baseline": round(status["req_s"] / max(trivial["req_s"], 0.1), 2),
            "idle_loadavg": idle_load,
            "json_mib": round(json_bytes / 2 ** 20, 1),
            "services": {n: {"idle_cpu_pct": round(idle_cpu[n], 2),
                             "peak_mib": round(peaks[n], 1)} for n in pids},
        }
    finally:
        if baseline is not None:
            stop(baseline)
        stop(proc)
        requests.delete("%s/api/vhosts/%s" % (MGMT, vhost), timeout=10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, nargs="+", default=[1500, 50000])
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--connections", type=int, default=10)
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of CPU at rest")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    results = []
    for families in args.families:
        result = run(families, args)
        print(json.dumps(result), flush=True)
        results.append(result)
    print("\n| families | residents | import job rows/s (first / last 10% of chunks) | "
          "status check req/s (p50/p99 ms) | trivial HTTP+RPC req/s (baseline) | ratio |")
    print("|---|---|---|---|---|---|")
    for r in results:
        s, b = r["status_check"], r["baseline_trivial_rpc"]
        print("| %d | %d | %d (%s / %s) | %.1f (%d/%d) | %.1f | x%.2f |" % (
            r["families"], r["residents"], r["import_rows_s"], r["first_10pct_chunks_rows_s"],
            r["last_10pct_chunks_rows_s"], s["req_s"], s["p50_ms"], s["p99_ms"], b["req_s"],
            r["status_vs_baseline"]))
    print("\n| families | officer search req/s (p50/p99 ms) | resident lists | household "
          "lists | status check again req/s (p50/p99 ms) | load average (idle / status / "
          "baseline) |")
    print("|---|---|---|---|---|---|")
    for r in results:
        o, a = r["officer_search"], r["status_check_after_baseline"]
        ls, hs = r["officer_lists"], r["household_lists"]
        print("| %d | %.1f (%d/%d) | %.1f (%d/%d) | %.1f (%d/%d) | %.1f (%d/%d) | "
              "%.1f / %.1f / %.1f |" % (
                  r["families"], o["req_s"], o["p50_ms"], o["p99_ms"], ls["req_s"],
                  ls["p50_ms"], ls["p99_ms"], hs["req_s"], hs["p50_ms"], hs["p99_ms"],
                  a["req_s"], a["p50_ms"], a["p99_ms"], r["idle_loadavg"],
                  r["status_check"]["loadavg"], r["baseline_trivial_rpc"]["loadavg"]))
    print("\n| families | CPU seconds from the upload until every queue drained |")
    print("|---|---|")
    for r in results:
        print("| %d | %s |" % (r["families"], ", ".join(
            "%s %.1f" % kv for kv in sorted(r["import_cpu_s"].items(), key=lambda kv: -kv[1]))))
    print("\n| families | service | idle CPU (% of a core) | peak RSS | data as JSON |")
    print("|---|---|---|---|---|")
    for r in results:
        for name, s in sorted(r["services"].items()):
            print("| %d | %s | %.2f%% | %.0f MiB | %.1f MiB |" % (
                r["families"], name, s["idle_cpu_pct"], s["peak_mib"], r["json_mib"]))


if __name__ == "__main__":
    main()
