"""The console's costs beside their baselines, measured in the same run.

Run: ``.venv/bin/python -m bench.bench_console [--repeat 10]``.

1. Import of the sample registry (1,500 families, 5,098 rows) through the console
   (one upload, the registry's import job, its page followed to the end) beside the
   same file sent whole to ``POST /api/v1/imports/registry``: each on a fresh
   platform (``deploy/run-local``, mongomock stores), then both again on the second
   platform, where every row is already present.
2. The reports page (three charts drawn by matplotlib) and a round's handover desk,
   time to the whole answer, beside the API calls behind them made the same way,
   one officer, ``repeat`` times each; and one chart drawn in-process.
"""
import eventlet

eventlet.monkey_patch()  # noqa: E402

import argparse  # noqa: E402
import datetime  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402

import requests  # noqa: E402

from bench.bench_backbone import MGMT, fresh_vhost  # noqa: E402
from bench.bench_registry import SAMPLE, percentile, start_platform  # noqa: E402
from demo.__main__ import Output  # noqa: E402
from demo.distribution import publish_catalogue  # noqa: E402
from gateway.client import Client  # noqa: E402
from tests.helpers import wait_for  # noqa: E402

PASSWORD = "kata-sandi-bench"


def platform():
    vhost, uri = fresh_vhost()
    proc, url, token = start_platform(uri)
    return {"vhost": vhost, "proc": proc, "url": url, "token": token}


def stop(p):
    os.killpg(p["proc"].pid, signal.SIGTERM)
    p["proc"].wait(60)
    requests.delete("%s/api/vhosts/%s" % (MGMT, p["vhost"]), timeout=10)


def officer_session(url, token):
    Client(url, token).post("accounts", {"username": "bench", "display_name": "Bench",
                                         "role": "officer", "password": PASSWORD})
    s = requests.Session()
    s.trust_env = False
    form = s.get(url + "/konsol/masuk").text
    s.post(url + "/konsol/masuk", data={"csrf_token": _csrf(form), "username": "bench",
                                        "password": PASSWORD})
    return s


def _csrf(html):
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def api_import(url, token):
    with open(SAMPLE, "rb") as handle:
        body = handle.read()
    began = time.monotonic()
    answer = requests.post(url + "/api/v1/imports/registry", data=body, timeout=600, headers={
        "Authorization": "Bearer " + token, "Content-Type": "text/csv"}).json()
    return time.monotonic() - began, answer


def console_import(s, url):
    form = s.get(url + "/konsol/warga/impor").text
    began = time.monotonic()
    with open(SAMPLE, "rb") as handle:
        sent = s.post(url + "/konsol/warga/impor", data={"csrf_token": _csrf(form)},
                      files={"file": ("sample.csv", handle, "text/csv")},
                      allow_redirects=False)
    job, polls = url + sent.headers["Location"], 0
    while True:
        page = s.get(job).text
        polls += 1
        if "data-poll" not in page:
            break
        eventlet.sleep(0.5)
    spent = time.monotonic() - began
    done = re.search(r"Selesai: ([^<]*)", page)
    return spent, done.group(1) if done else "FAILED", polls


def timed(call, repeat):
    times = []
    for _ in range(repeat):
        began = time.monotonic()
        answer = call()
        if answer.status_code >= 400:
            raise RuntimeError("%s answered %s" % (answer.url, answer.status_code))
        times.append((time.monotonic() - began) * 1000)
    return percentile(times, 50), percentile(times, 95)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    rows = []
    first = platform()
    try:
        spent, answer = api_import(first["url"], first["token"])
        rows.append(("API, whole file, fresh", spent, "%d residents created" % answer[
            "created_residents"]))
    finally:
        stop(first)
    second = platform()
    url, token = second["url"], second["token"]
    try:
        s = officer_session(url, token)
        spent, said, polls = console_import(s, url)
        rows.append(("console, pieces, fresh", spent, "%s (%d page polls)" % (said, polls)))
        spent, said, polls = console_import(s, url)
        rows.append(("console, pieces, again", spent, said))
        spent, answer = api_import(url, token)
        rows.append(("API, whole file, again", spent, "%d already present" % answer[
            "already_present"]))
        pages = measure_pages(s, url, token, args.repeat)
    finally:
        stop(second)
    chart = chart_in_process(args.repeat)

    print("date (UTC):  %s" % time.strftime("%Y-%m-%d %H:%M", time.gmtime()))
    print("machine:     %d cores, %s" % (os.cpu_count(), sys.platform))
    print("\nimport of %s" % os.path.basename(SAMPLE))
    for label, spent, said in rows:
        print("  %-26s %7.1f s   %s" % (label, spent, said))
    print("\npages (one officer, %d times each; whole answer)" % args.repeat)
    for label, (p50, p95) in pages:
        print("  %-40s p50 %6.0f ms  p95 %6.0f ms" % (label, p50, p95))
    print("\none chart drawn in-process (12 bars, 2 series): p50 %.0f ms, p95 %.0f ms" % chart)


def measure_pages(s, url, token, repeat):
    admin = Client(url, token)
    publish_catalogue(admin, Output(open(os.devnull, "w")))
    wait_for(lambda: admin.get("admin/distribution/projection")["residents"] > 5000,
             timeout=300, interval=1, message="distribution never caught up")
    today = datetime.date.today()
    rnd = admin.post("programmes/SEMBAKO/rounds", {
        "name": "Tahap bench", "starts_on": today.isoformat(),
        "ends_on": (today + datetime.timedelta(days=14)).isoformat(),
        "location": "Aula Kantor Kelurahan", "quota": 300})
    admin.post("rounds/%s/allocations" % rnd["id"], timeout=600)
    for alloc in admin.get("rounds/%s/allocations" % rnd["id"], {
            "status": "pending", "per_page": 60})["items"]:
        admin.post("allocations/%s/disburse" % alloc["id"], {
            "received_by_nik": alloc["recipient_nik"], "channel": "cash",
            "evidence_ref": "B"})
    nik = admin.get("rounds/%s/allocations" % rnd["id"], {"status": "pending",
                                                          "per_page": 1})["items"][0]
    year = today.year
    api = url + "/api/v1/"
    headers = {"Authorization": "Bearer " + token}
    kk = nik["kk_number"]
    hid = nik["household_id"]
    plain = requests.Session()
    plain.trust_env = False

    def calls(*paths):
        def run():
            answer = None
            for path in paths:
                answer = plain.get(api + path, headers=headers)
            return answer
        return run
    return [
        ("/konsol/laporan (3 charts)", timed(lambda: s.get(url + "/konsol/laporan"), repeat)),
        ("  its 4 API calls, one after another", timed(calls(
            "reports/disbursements?year=%d" % year, "reports/complaints?year=%d" % year,
            "reports/feedback?year=%d" % year, "programmes?include_disabled=true&per_page=200"),
            repeat)),
        ("/konsol/tahap/<id>/serah-terima?q=<NIK>", timed(lambda: s.get(
            url + "/konsol/tahap/%s/serah-terima?q=%s" % (rnd["id"], nik["recipient_nik"])),
            repeat)),
        ("  its 4 API calls, one after another", timed(calls(
            "rounds/%s" % rnd["id"], "residents?q=%s&per_page=50" % nik["recipient_nik"],
            "households/%s" % hid, "families/%s/programmes" % kk), repeat)),
    ]


def chart_in_process(repeat):
    from web import charts
    from web.i18n import Messages
    t = Messages("id")
    times = []
    for _ in range(repeat):
        began = time.monotonic()
        charts.bars(t("format.months_short"), [("A", list(range(0, 12 * 500000, 500000))),
                                               ("B", [300000] * 12)], t, money=True)
        times.append((time.monotonic() - began) * 1000)
    return percentile(times, 50), percentile(times, 95)


if __name__ == "__main__":
    main()
