"""Several instances of one service on one shared database (issue 9's two-instance tests).

``service_instances(ServiceClass, count)`` starts ``count`` nameko containers
of one service in this process, all on the test's RabbitMQ vhost and on ONE
database of the real MongoDB server (``real_mongo_uri``), as replicas of a
Deployment would run. Each instance has a MongoClient of its own (its URI
carries ``appName=instance-<n>``, and ``services.shared.mongo`` keeps one
client per URI), so instances share nothing but the database and the broker.
Call a chosen instance with ``nameko.testing.services.entrypoint_hook``;
an RPC through a proxy reaches whichever instance takes it.

What this does not give: separate processes (module-level state is shared;
kill -9 of one instance needs a subprocess of its own).

Registered as a pytest plugin by the root ``conftest.py``; the tests that
use it are marked ``mongo`` (and ``integration``).
"""
import pymongo
import pytest


def instance_uri(uri, index):
    """``uri`` with ``appName=instance-<index>``: a separate client for each instance."""
    if "?" in uri:
        joiner = "&"
    elif uri.count("/") == 2:  # mongodb://host:port, no path yet
        joiner = "/?"
    else:
        joiner = "?"
    return "%s%sappName=instance-%d" % (uri, joiner, index)


@pytest.fixture
def shared_store_config(service_config, real_mongo_uri):
    """``service_config`` on the real server; the test's databases are dropped after."""
    config = dict(service_config, MONGO_URI=real_mongo_uri)
    yield config
    client = pymongo.MongoClient(real_mongo_uri, serverSelectionTimeoutMS=5000)
    try:
        prefix = config["MONGO_DB_PREFIX"] + "_"
        for name in client.list_database_names():
            if name.startswith(prefix):
                client.drop_database(name)
    finally:
        client.close()


@pytest.fixture
def service_instances(shared_store_config, container_factory):
    """``start(service_cls, count=2, **settings) -> [container, ...]``, started and
    sharing one database; ``settings`` (e.g. ``OUTBOX_LEASE_SECONDS=3``) go into
    every instance's config.

    Containers are killed at the end of the test (nameko's ``container_factory``),
    before the databases are dropped.
    """
    def start(service_cls, count=2, **settings):
        containers = []
        for index in range(count):
            config = dict(shared_store_config, **settings)
            config.update(MONGO_URI=instance_uri(shared_store_config["MONGO_URI"], index))
            containers.append(container_factory(service_cls, config))
        for container in containers:
            container.start()
        return containers
    return start
