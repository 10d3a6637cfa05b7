"""scripts/import-registry: the whole file uploaded once as a job, polled to its end."""
import importlib.machinery
import importlib.util
import json
import os

import requests
from requests.adapters import BaseAdapter

from gateway.client import Client
from tests.unit.registry import factories

SCRIPT = os.path.join(factories.ROOT, "scripts", "import-registry")
JOBS = "/api/v1/imports/registry/jobs"


def load_cli():
    loader = importlib.machinery.SourceFileLoader("import_registry_cli", SCRIPT)
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


def job(state, processed, **extra):
    out = {"id": "imp_1", "state": state, "rows_total": 12, "rows_processed": processed,
           "created_households": 0, "created_residents": 0, "updated_households": 0,
           "already_present": 0, "errors": [], "errors_total": 0, "failure": None}
    out.update(extra)
    return out


class JobGateway(BaseAdapter):
    """Answers the job's POST, then one GET answer after another."""

    def __init__(self, polls):
        super().__init__()
        self.polls, self.sent = list(polls), []

    def send(self, request, **kwargs):
        self.sent.append(request)
        body = job("queued", 0) if request.method == "POST" else self.polls.pop(0)
        response = requests.Response()
        response.status_code = 202 if request.method == "POST" else 200
        response.headers["Content-Type"] = "application/json"
        response._content = json.dumps(body).encode()
        response.request, response.url = request, request.url
        return response

    def close(self):
        pass


def client_with(polls):
    session = requests.Session()
    gateway = JobGateway(polls)
    session.mount("http://", gateway)
    return Client("http://gw.test", "tok", session=session), gateway


def test_the_file_goes_whole_in_one_upload_and_progress_follows_the_job(tmp_path):
    cli = load_cli()
    path = tmp_path / "warga.csv"
    path.write_text(factories.csv_text([factories.household() for _ in range(4)]))
    done = job("done", 12, created_households=4, created_residents=12)
    client, gateway = client_with([job("running", 6), done])
    seen = []
    ended = cli.run_import(client, str(path), poll=0, progress=lambda j: seen.append(
        j["rows_processed"]))
    assert ended == done and seen == [6, 12]
    post = gateway.sent[0]
    assert (post.method, post.path_url) == ("POST", JOBS + "?filename=warga.csv")
    assert post.body == path.read_bytes() and post.headers["Content-Type"] == "text/csv"
    assert [r.path_url for r in gateway.sent[1:]] == [JOBS + "/imp_1"] * 2
    assert cli.summary(ended)[0].startswith("rows 12: 4 households and 12 residents created")


def test_a_failed_job_is_told_with_the_registrys_words():
    lines = load_cli().summary(job("failed", 0, failure={
        "detail": "The file's header row is not as expected.",
        "errors": {"file": ["missing columns: nik"]}}))
    assert "header row" in lines[0] and "missing columns: nik" in lines[0]


def test_refused_rows_are_listed_and_the_rest_counted():
    errors = [{"row": n, "field": "nik", "rule": "must be 16 digits"} for n in range(2, 62)]
    lines = load_cli().summary(job("done", 12, errors=errors, errors_total=1200))
    assert lines[1] == "  row 2, nik: must be 16 digits"
    assert lines[-1].startswith("  ... 1150 more")
