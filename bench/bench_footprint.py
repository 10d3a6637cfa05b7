"""What one instance of each service holds: memory, CPU at rest, connections, queues, data.

Run: ``.venv/bin/python -m bench.bench_footprint [--families 1500 4500] [--stores memory server]``

For each store and each registry size, one fresh platform (``deploy/run-local``,
every service, a fresh RabbitMQ vhost): a registry of that many families made by
``samplegen`` (seeded) is imported through the gateway, and once distribution's
projection holds every resident (the import's events all handled):

- resident memory (VmRSS) of each service process before the import and after,
  and its peak (VmHWM); the growth per 10,000 residents, beside the baseline
  of the same run: the registry's rows as JSON, per 10,000 residents;
- CPU of each process over ``--idle`` seconds at rest after the import, in %
  of one core;
- TCP connections each process holds to RabbitMQ and to MongoDB, and the
  queues and consumers of the vhost;
- with ``server`` (a SecantusDB started as in tests/real_mongo.py): the data
  of each service's database as BSON (documents, bytes, indexes).

Prints one JSON object per run, then a table (docs/sizing.md quotes it).
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402 - before pymongo looks for select.poll

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

import bson  # noqa: E402
import pymongo  # noqa: E402
import requests  # noqa: E402

from bench.bench_backbone import MGMT, fresh_vhost  # noqa: E402
from bench.bench_registry import free_port  # noqa: E402
from tests.real_mongo import SecantusServer  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "var", "bench", "footprint")
HZ = os.sysconf("SC_CLK_TCK")


def generate(families):
    folder = os.path.join(OUT, "registry-%d" % families)
    path = os.path.join(folder, "tanjung-barat-registry.csv")
    if not os.path.exists(path):
        subprocess.run([sys.executable, "-m", "samplegen", "--seed", "20261129", "--out", folder,
                        "--families", str(families)], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    return path


def rows_as_json_bytes(path):
    import csv
    with open(path, encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return len(rows), len(json.dumps(rows, ensure_ascii=False).encode("utf-8"))


def services_of(root_pid):
    """``{service name: pid}`` of the nameko processes under ``root_pid``."""
    names = {}
    with open(os.path.join(ROOT, "deploy", "services.txt")) as handle:
        for line in handle:
            line = line.split("#", 1)[0].split()
            if line:
                names[line[1]] = line[0]
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as handle:
                ppid = int(handle.read().rsplit(")", 1)[1].split()[1])
            with open("/proc/%s/cmdline" % entry, "rb") as handle:
                args = handle.read().decode().split("\0")
        except OSError:
            continue
        if ppid == root_pid:
            for arg in args:
                if arg in names:
                    found[names[arg]] = int(entry)
    return found


def memory(pid):
    values = {}
    with open("/proc/%d/status" % pid) as handle:
        for line in handle:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) / 1024.0  # MiB
    return values


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / HZ


def connections(pid, ports):
    """``{port: established TCP connections of pid to that remote port}``."""
    inodes = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    counts = dict.fromkeys(ports, 0)
    for table in ("/proc/%d/net/tcp" % pid, "/proc/%d/net/tcp6" % pid):
        with open(table) as handle:
            for line in list(handle)[1:]:
                parts = line.split()
                remote_port, state, inode = int(parts[2].rsplit(":", 1)[1], 16), parts[3], parts[9]
                if state == "01" and inode in inodes and remote_port in counts:
                    counts[remote_port] += 1
    return counts


def queues(vhost):
    answer = requests.get("%s/api/queues/%s" % (MGMT, vhost), timeout=10).json()
    return sorted((q["name"], q.get("consumers", 0)) for q in answer)


def bson_footprint(uri, prefix):
    client = pymongo.MongoClient(uri)
    out = {}
    for name in client.list_database_names():
        if not name.startswith(prefix + "_"):
            continue
        docs = size = indexes = 0
        for coll in client[name].list_collection_names():
            for doc in client[name][coll].find():
                docs += 1
                size += len(bson.encode(doc))
            indexes += len(list(client[name][coll].list_indexes()))
        out[name[len(prefix) + 1:]] = {"documents": docs, "bson_mib": size / 2 ** 20,
                                       "indexes": indexes}
    client.close()
    return out


def wait(condition, timeout, what):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError("timed out waiting for %s" % what)
        time.sleep(0.5)


def run(store, families, idle, mongo_uri=None):
    csv_path = generate(families)
    rows, json_bytes = rows_as_json_bytes(csv_path)
    vhost, amqp_uri = fresh_vhost()
    ready = tempfile.mktemp(suffix=".json", dir=OUT)
    prefix = "fp%d" % int(time.time())
    env = dict(os.environ, AMQP_URI=amqp_uri, GATEWAY_PORT=str(free_port()),
               ADMIN_TOKEN="bench-admin-" + uuid.uuid4().hex, RUN_LOCAL_READY_FILE=ready,
               MONGO_DB_PREFIX=prefix,
               RUN_LOCAL_LOG_DIR=os.path.join(OUT, "log-%s-%d" % (store, families)),
               RATE_LIMITS="", IMPORT_DEADLINE="1800")
    env.pop("MONGO_URI", None)
    if mongo_uri:
        env["MONGO_URI"] = mongo_uri
    proc = subprocess.Popen([os.path.join(ROOT, "deploy", "run-local")], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        wait(lambda: os.path.exists(ready) or proc.poll() is not None, 240, "the platform")
        time.sleep(0.3)
        with open(ready) as handle:
            info = json.load(handle)
        url, headers = info["url"], {"Authorization": "Bearer " + info["admin_token"]}
        pids = services_of(proc.pid)
        before = {n: memory(p) for n, p in pids.items()}
        with open(csv_path, "rb") as handle:
            started = time.time()
            answer = requests.post(url + "/api/v1/imports/registry", data=handle.read(),
                                   headers=dict(headers, **{"Content-Type": "text/csv"}),
                                   timeout=1900)
        answer.raise_for_status()
        residents = answer.json()["created_residents"]
        imported = time.time() - started

        def projected():
            status = requests.get(url + "/api/v1/admin/distribution/projection",
                                  headers=headers, timeout=30).json()
            return status.get("residents") == residents
        wait(projected, 1800, "distribution's projection")
        settled = time.time() - started
        start_cpu = {n: cpu_seconds(p) for n, p in pids.items()}
        time.sleep(idle)
        idle_cpu = {n: 100 * (cpu_seconds(p) - start_cpu[n]) / idle for n, p in pids.items()}
        after = {n: memory(p) for n, p in pids.items()}
        ports = [5672] + ([int(mongo_uri.split(":")[2].split("/")[0])] if mongo_uri else [])
        conns = {n: connections(p, ports) for n, p in pids.items()}
        result = {
            "store": store, "families": families, "rows": rows, "residents": residents,
            "import_http_s": round(imported, 1), "events_handled_s": round(settled, 1),
            "baseline_json_mib_per_10k": round(json_bytes / 2 ** 20 * 10000 / residents, 1),
            "services": {n: {
                "rss_before_mib": round(before[n]["VmRSS"], 1),
                "rss_after_mib": round(after[n]["VmRSS"], 1),
                "peak_mib": round(after[n]["VmHWM"], 1),
                "growth_mib_per_10k": round((after[n]["VmRSS"] - before[n]["VmRSS"])
                                            * 10000 / residents, 1),
                "idle_cpu_pct": round(idle_cpu[n], 2),
                "amqp_connections": conns[n][5672],
                "mongo_connections": conns[n].get(ports[-1]) if mongo_uri else None,
            } for n in pids},
            "queues": queues(vhost),
        }
        if mongo_uri:
            result["databases"] = bson_footprint(mongo_uri, prefix)
        return result
    finally:
        proc.terminate()
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
        requests.delete("%s/api/vhosts/%s" % (MGMT, vhost), timeout=10)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, nargs="+", default=[1500, 4500])
    parser.add_argument("--stores", nargs="+", default=["memory", "server"],
                        choices=["memory", "server"])
    parser.add_argument("--idle", type=float, default=30.0, help="seconds of CPU at rest")
    args = parser.parse_args()
    os.makedirs(OUT, exist_ok=True)
    results = []
    for store in args.stores:
        server = SecantusServer(base_dir=os.path.join(OUT, "mongo")).start() \
            if store == "server" else None
        try:
            for families in args.families:
                result = run(store, families, args.idle, server.uri if server else None)
                print(json.dumps(result), flush=True)
                results.append(result)
        finally:
            if server:
                server.stop()
    print("\n| store | families | residents | service | RSS before | after | peak | "
          "growth /10k residents | JSON /10k (baseline) | idle CPU | AMQP conns | Mongo conns |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        for name, s in r["services"].items():
            print("| %s | %d | %d | %s | %.0f MiB | %.0f MiB | %.0f MiB | %.1f MiB | %.1f MiB | "
                  "%.1f%% | %d | %s |" % (
                      r["store"], r["families"], r["residents"], name, s["rss_before_mib"],
                      s["rss_after_mib"], s["peak_mib"], s["growth_mib_per_10k"],
                      r["baseline_json_mib_per_10k"], s["idle_cpu_pct"], s["amqp_connections"],
                      s["mongo_connections"] if s["mongo_connections"] is not None else "-"))


if __name__ == "__main__":
    main()
