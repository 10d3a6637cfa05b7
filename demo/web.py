"""Web step of the main job: logins for people, and the app's pages answering.

Makes (or, on a second run, resets the password of) two accounts for the
console, ``admin`` (role admin) and ``petugas`` (role officer), with the
password ``DEMO_PASSWORD`` (scripts/demo generates one), then fetches the
resident pages and a console login through the gateway and shows their sizes.
"""
import gzip
import os
import secrets

import requests

from gateway.client import ApiError

ACCOUNTS = (("admin", "Admin Kelurahan", "admin"), ("petugas", "Petugas Kelurahan", "officer"))
PAGES = ("/", "/jadwal", "/cek-status", "/pengaduan", "/pengaduan/lacak", "/masukan", "/pasar",
         "/kegiatan", "/kegiatan/jadwal-saya")


def ensure_account(client, username, display_name, role, password):
    """Create the account, or reset its password when it exists; return its record."""
    try:
        return client.post("accounts", {"username": username, "display_name": display_name,
                                        "role": role, "password": password})
    except ApiError as exc:
        if exc.status != 409:
            raise
    existing = [a for a in client.get("accounts", {"per_page": 200})["items"]
                if a["username"] == username][0]
    return client.patch("accounts/%s" % existing["id"], {"password": password, "unlock": True,
                                                         "active": True})


def run(client, out):
    out.section("Web app: the resident pages and the officers' console")
    password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
    for username, display_name, role in ACCOUNTS:
        ensure_account(client, username, display_name, role, password)
    out("Console logins (%s/konsol/):" % client.base_url)
    out.table([{"user name": u, "role": r, "password": password} for u, _, r in ACCOUNTS],
              ["user name", "role", "password"])
    rows = []
    session = requests.Session()
    session.trust_env = False
    for path in PAGES + ("/konsol/masuk",):
        answer = session.get(client.base_url + path, headers={"Accept-Encoding": "gzip"},
                             stream=True, timeout=30)
        raw = answer.raw.read()
        size = len(gzip.decompress(raw)) if answer.headers.get("Content-Encoding") == "gzip" \
            else len(raw)
        rows.append({"page": path, "status": answer.status_code, "bytes": size,
                     "bytes on the wire (gzip)": len(raw)})
        if answer.status_code != 200:
            raise ApiError("GET", path, answer.status_code, {"detail": "page did not answer"})
    out.table(rows, ["page", "status", "bytes", "bytes on the wire (gzip)"])
    out("Open %s/ on a phone-sized window: programmes, schedule, status check, complaints, "
        "the village market (/pasar) and partner programmes (/kegiatan)." % client.base_url)
