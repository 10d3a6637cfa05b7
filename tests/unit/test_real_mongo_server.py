"""The real-MongoDB fixture: skips with a reason for a developer, fails under CI.

Each case runs a small pytest session of its own with ``tests.real_mongo`` as
its plugin and no server to be had (``SECANTUSD_PY`` names none).
"""
import os
import subprocess
import sys

import pytest

from tests.real_mongo import SecantusServer, ServerUnavailable

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

CASES = '''
import pytest

pytestmark = pytest.mark.mongo


def test_needs_the_server(real_mongo_uri):
    pass


def test_skips_by_itself():
    pytest.skip("no luck")
'''


def run_session(tmp_path, **env):
    (tmp_path / "test_cases.py").write_text(CASES)
    (tmp_path / "test_other.py").write_text(
        "import pytest\n\n@pytest.mark.skip(reason='plain')\ndef test_plain():\n    pass\n")
    full = {k: v for k, v in os.environ.items()
            if k not in ("CI", "REQUIRE_REAL_MONGO", "TEST_MONGO_URI")}
    full.update(env, PYTHONPATH=ROOT, SECANTUSD_PY=str(tmp_path / "missing"))
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "tests.real_mongo", "-q", "-rs",
                           "-p", "no:cacheprovider", "-c", os.devnull, "--rootdir", str(tmp_path),
                           str(tmp_path)],
                          cwd=tmp_path, env=full, capture_output=True, text=True, timeout=120)


def test_without_a_server_a_developer_sees_mongo_tests_skipped_with_the_reason(tmp_path):
    result = run_session(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "3 skipped" in result.stdout
    assert "secantusd-py is not installed" in result.stdout
    assert "requirements-test.txt" in result.stdout


def test_under_ci_a_mongo_test_that_cannot_run_fails(tmp_path):
    result = run_session(tmp_path, CI="true")
    assert result.returncode == 1, result.stdout + result.stderr
    # the fixture's failure is an error of its test; the plain skip stays a skip
    assert "1 failed, 1 skipped" in result.stdout and "1 error" in result.stdout
    assert "required here (CI)" in result.stdout
    assert "may not skip under CI: Skipped: no luck" in result.stdout


def test_a_server_that_exits_at_once_is_reported_with_its_log(tmp_path):
    fake = tmp_path / "secantusd-py"
    fake.write_text("#!/bin/sh\necho 'cannot open the storage path' >&2\nexit 3\n")
    fake.chmod(0o755)
    server = SecantusServer(base_dir=str(tmp_path / "servers"), executable=str(fake))
    with pytest.raises(ServerUnavailable) as failed:
        server.start(timeout=10, attempts=1)
    assert "exited with status 3" in str(failed.value)
    assert "cannot open the storage path" in str(failed.value)
    assert os.listdir(tmp_path / "servers") == []
