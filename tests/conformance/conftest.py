"""The conformance suite: each case runs on every store backend the platform uses.

``db`` is a fresh database on one backend; every test that takes it runs
once per backend, and its assertions are the answer MongoDB gives, so both
backends are proven to give it:

- ``memory``: the in-process store of ``services.shared.mongo.get_client(None)``
  (mongomock with ``services.shared.mongomock_fast``, and whatever adapter
  that layer gains later);
- ``server``: a real MongoDB wire-protocol server (``real_mongo_uri``:
  TEST_MONGO_URI, else SecantusDB), through ``get_client(uri)`` as the
  services connect to it. These cases carry the ``mongo`` marker.

Adding a case is writing one test function that takes ``db``. Where the
backends are known to differ, the case takes ``backend`` too and pins each
answer, so a change on either side shows (docs/real-mongodb-tests.md).
"""
import uuid

import pytest

from services.shared.mongo import get_client

BACKENDS = [
    pytest.param("memory", id="memory"),
    pytest.param("server", id="server", marks=pytest.mark.mongo),
]


@pytest.fixture(params=BACKENDS)
def backend(request):
    """``"memory"`` or ``"server"``."""
    return request.param


@pytest.fixture
def db(backend, request):
    """A fresh, empty database on ``backend``, dropped after the test."""
    uri = request.getfixturevalue("real_mongo_uri") if backend == "server" else None
    client = get_client(uri)
    name = "conformance_%s" % uuid.uuid4().hex[:12]
    yield client[name]
    client.drop_database(name)

