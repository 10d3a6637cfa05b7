"""deploy/docker-compose.yml and deploy/Dockerfile agree with each other and the repo.

Docker cannot run on every machine that runs the tests, so these check what
`docker compose up` depends on: every service in deploy/services.txt has its
container, the images, ports, environment and health checks line up, and
every file the image and its entrypoint need exists.
"""
import os
import re
import urllib.parse

import pytest
import yaml

from deploy import compose as compose_file
from deploy.services import read_services

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEPLOY = os.path.join(ROOT, "deploy")


def read(*parts):
    with open(os.path.join(ROOT, *parts), encoding="utf-8") as handle:
        return handle.read()


def services_txt():
    return read_services()


def test_the_compose_file_is_what_services_txt_generates():
    """Regenerate with `python -m deploy.compose` after changing deploy/services.txt."""
    assert read("deploy", "docker-compose.yml") == compose_file.render()


def test_a_new_line_in_services_txt_is_a_new_container():
    text = compose_file.render(read_services() + [("partners", "services.partners.service:X")])
    added = yaml.safe_load(text)["services"]["partners"]
    assert added["command"] == ["services.partners.service:X"]
    assert added["healthcheck"]["test"][-1] == "partners"


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(read("deploy", "docker-compose.yml"))


def app_services(compose):
    return {name: svc for name, svc in compose["services"].items() if "build" in svc}


def test_every_listed_service_has_exactly_its_container(compose):
    apps = app_services(compose)
    assert {name: svc["command"] for name, svc in apps.items()} == {
        name: [spec] for name, spec in services_txt()}


def test_every_listed_module_path_is_well_formed():
    for name, spec in services_txt():
        assert re.fullmatch(r"[a-z_][a-z0-9_.]*:[A-Z][A-Za-z0-9]*", spec), spec
        assert re.fullmatch(r"[a-z][a-z0-9_]*", name), name


def test_infrastructure_images_and_health_checks(compose):
    services = compose["services"]
    assert services["rabbitmq"]["image"] == "rabbitmq:3-management"
    assert services["mongo"]["image"] == "mongo:7"
    for name, svc in services.items():
        assert svc.get("healthcheck", {}).get("test"), "%s has no healthcheck" % name


def test_app_containers_build_this_repo_and_point_at_the_compose_broker_and_mongo(compose):
    services = compose["services"]
    for name, svc in app_services(compose).items():
        build = svc["build"]
        context = os.path.normpath(os.path.join(DEPLOY, build["context"]))
        assert context == ROOT, name
        assert os.path.isfile(os.path.join(context, build["dockerfile"])), name
        env = svc["environment"]
        amqp = urllib.parse.urlsplit(env["AMQP_URI"])
        mongo = urllib.parse.urlsplit(env["MONGO_URI"])
        assert amqp.scheme == "amqp" and amqp.hostname in services, name
        assert services[amqp.hostname]["image"].startswith("rabbitmq:")
        assert mongo.scheme == "mongodb" and mongo.hostname in services, name
        assert services[mongo.hostname]["image"].startswith("mongo:")
        for dependency in svc["depends_on"]:
            assert dependency in services, (name, dependency)
        # SIGINT can hang a busy nameko (deploy/run-local): leave docker's SIGTERM.
        assert "stop_signal" not in svc, name
        assert svc["depends_on"]["rabbitmq"]["condition"] == "service_healthy"
        assert svc["depends_on"]["mongo"]["condition"] == "service_healthy"


def test_service_health_checks_ping_the_service_by_its_name(compose):
    apps = app_services(compose)
    for name, _ in services_txt():
        test = apps[name]["healthcheck"]["test"]
        assert test[:3] == ["CMD", "python", "deploy/healthcheck.py"]
        if name == "gateway":
            assert test[3:] == ["http", "http://127.0.0.1:8000/health"]
        else:
            assert test[3:] == ["rpc", name]


def test_gateway_publishes_its_port_and_requires_an_admin_token(compose):
    gateway = compose["services"]["gateway"]
    env = gateway["environment"]
    assert env["GATEWAY_PORT"] == "8000"
    assert env["GATEWAY_HOST"] == "0.0.0.0"  # reachable through the published port
    assert gateway["ports"] == ["${GATEWAY_PORT:-8000}:8000"]
    assert env["ADMIN_TOKEN"].startswith("${ADMIN_TOKEN:?")
    # The gateway keeps the common settings when it adds its own.
    assert env["MONGO_URI"] == "mongodb://mongo:27017/"
    assert env["AMQP_URI"] == "amqp://guest:guest@rabbitmq:5672/"


def dockerfile_instructions():
    lines = []
    for line in read("deploy", "Dockerfile").splitlines():
        if line.strip() and not line.lstrip().startswith("#") and not line.startswith(" "):
            lines.append(line.split(None, 1))
    return lines


def test_dockerfile_base_user_and_order():
    instructions = dockerfile_instructions()
    keywords = [i[0] for i in instructions]
    assert instructions[0] == ["FROM", "python:3.11-slim"]
    user = [i[1] for i in instructions if i[0] == "USER"]
    assert user and user[-1] not in ("root", "0")
    # Installs run as root before the switch; the service never does.
    install = max(i for i, ins in enumerate(instructions)
                  if ins[0] == "RUN" and "pip install" in ins[1])
    assert install < keywords.index("USER")
    assert "ENTRYPOINT" in keywords and keywords.index("USER") < keywords.index("ENTRYPOINT")
    assert "STOPSIGNAL" not in keywords


def test_everything_the_image_copies_exists_and_passes_the_ignore_file():
    ignore = [line.strip() for line in read("deploy", "Dockerfile.dockerignore").splitlines()
              if line.strip() and not line.startswith("#")]
    allowed = {entry[1:].rstrip("/") for entry in ignore if entry.startswith("!")}
    for keyword, rest in dockerfile_instructions():
        if keyword == "COPY":
            sources = rest.split()[:-1]
            for source in sources:
                assert os.path.exists(os.path.join(ROOT, source)), source
                assert source.rstrip("/") in allowed, "%s is excluded by the ignore file" % source
    assert "requirements.txt" in allowed


def test_entrypoint_waits_for_the_broker_before_nameko_run():
    script = read("deploy", "docker-entrypoint.sh")
    wait = script.index("deploy/broker.py wait")
    run = script.index("exec nameko run --config deploy/config.yaml")
    assert wait < run
    assert '"$@"' in script[run:]
    assert "ENTRYPOINT [\"sh\", \"deploy/docker-entrypoint.sh\"]" in read("deploy", "Dockerfile")


def test_the_image_has_what_weasyprint_lays_the_pdf_out_with():
    """The annual report's PDF (WeasyPrint) needs the system's pango and a font."""
    assert "weasyprint==" in read("requirements.txt").lower()
    dockerfile = read("deploy", "Dockerfile")
    # installed as root, before the switch to the service's user
    installs = dockerfile[dockerfile.index("apt-get install"):dockerfile.index("\nUSER ")]
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-dejavu-core"):
        assert package in installs
