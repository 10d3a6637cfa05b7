"""Integration fixtures: the partners service on the real broker with a stand-in
registry (``tests.support.registry``), a listener of what it publishes, and
helpers to set up a verified partner's programme."""
import datetime

import pytest
from nameko.events import event_handler
from nameko.standalone.rpc import ServiceRpcProxy

from services.partners.service import PartnersService
from services.shared import clock
from tests.helpers import wait_for
from tests.support.registry import FakeRegistry, RegistryData

OFFICER = {"name": "petugas", "role": "officer", "token_id": "t1", "request_id": None}
ADMIN = {"name": "admin", "role": "admin", "token_id": "t0", "request_id": None}
TODAY = clock.village_today()
SEEN = []


def days_ago(days):
    return (TODAY - datetime.timedelta(days=days)).isoformat()


def born_years_ago(years):
    return TODAY.replace(year=TODAY.year - years, day=min(TODAY.day, 28)).isoformat()


class PartnersListener:
    """Keeps every enrolment and health event the partners service publishes."""

    name = "partners_listener"

    @event_handler("partners", "enrolment_accepted")
    def on_accepted(self, payload):
        SEEN.append(payload)

    @event_handler("partners", "enrolment_waitlisted")
    def on_waitlisted(self, payload):
        SEEN.append(payload)

    @event_handler("partners", "enrolment_withdrawn")
    def on_withdrawn(self, payload):
        SEEN.append(payload)

    @event_handler("partners", "enrolment_completed")
    def on_completed(self, payload):
        SEEN.append(payload)

    @event_handler("partners", "immunisation_recorded")
    def on_immunisation(self, payload):
        SEEN.append(payload)

    @event_handler("partners", "appointment_overdue")
    def on_overdue(self, payload):
        SEEN.append(payload)


@pytest.fixture(autouse=True)
def fresh():
    RegistryData.reset()
    SEEN.clear()


def seen(event_type):
    return [e for e in SEEN if e["type"] == event_type]


@pytest.fixture
def start(container_factory, service_config):
    """``start(*classes)``: start services (the stand-in registry and the listener
    with the partners service by default); returns the containers."""
    def run(*classes):
        classes = classes or (FakeRegistry, PartnersListener, PartnersService)
        containers = [container_factory(cls, service_config) for cls in classes]
        for container in containers:
            container.start()
        return containers
    return run


@pytest.fixture
def proxy(service_config):
    opened = []

    def open_proxy(name="partners"):
        opened.append(ServiceRpcProxy(name, service_config))
        return opened[-1].start()
    yield open_proxy
    for one in opened:
        one.stop()


def caught_up(partners, residents, timeout=30):
    """Wait until the partners service's projection holds ``residents`` people."""
    wait_for(lambda: partners.projection_status()["residents"] >= residents, timeout=timeout)


def verified_partner(partners, kind="company", name="PT Sumber Rejeki"):
    doc = partners.register_partner({"name": name, "kind": kind, "contact_name": "Bu Rina",
                                     "contact_phone": "081234567890"}, OFFICER)
    return partners.verify_partner(doc["id"], {}, ADMIN)


def training(partners, owner, capacity, **fields):
    body = {"title": "Pelatihan Wirausaha Kuliner", "kind": "training",
            "description": "Memasak dan mengelola usaha kuliner rumahan.",
            "location": "Balai RW 02", "starts_on": days_ago(1), "ends_on": days_ago(-60),
            "capacity": capacity, "topics": ["entrepreneurship"],
            "criteria": {"all": [{"attr": "member.age", "op": "between", "value": [15, 64]}]}}
    body.update(fields)
    return partners.create_programme(owner["id"], body, OFFICER)


def immunisation(partners, owner):
    """A verified Puskesmas's immunisation programme, once its schedules are made
    (in the background: ``scheduling.status`` turns ``done``)."""
    programme = partners.create_programme(owner["id"], {
        "title": "Imunisasi rutin posyandu", "kind": "immunisation",
        "description": "Imunisasi dasar dan lanjutan untuk balita.",
        "location": "Posyandu Melati RW 02", "starts_on": days_ago(90),
        "ends_on": days_ago(-275), "capacity": 1000,
        "criteria": {"attr": "member.age_months", "op": "lt", "value": 60}}, OFFICER)
    wait_for(lambda: partners.get_programme(programme["id"], OFFICER)["scheduling"][
        "status"] == "done", timeout=30)
    return partners.get_programme(programme["id"], OFFICER)
