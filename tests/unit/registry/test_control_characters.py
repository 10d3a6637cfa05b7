"""Control characters in names and streets (issue 8, item 11), pinned here.

The registry accepted NUL and ESC in ``full_name`` and ``street`` (the
complaints service refuses them); they reached the logs and every screen.
The fix belongs to the shared field rules of issue 7, so this test is an
expected failure until that lands: strict, so it turns red the moment the
rule is in and the marker can go.
"""
import pytest

from services.shared.errors import InvalidInput

from services.registry import schemas

from tests.unit.registry import factories


@pytest.mark.xfail(strict=True, reason="issue 7: shared field rules refuse control characters")
@pytest.mark.parametrize("field, value", [
    ("full_name", "Siti\x00Aminah"), ("full_name", "Siti \x1b[31mAminah"),
    ("birth_place", "Bogor\x07"), ("street", "Jl. Melati\x00 No. 3")])
def test_control_characters_in_names_and_streets_are_refused(field, value):
    body = factories.household()
    if field == "street":
        body["street"] = value
    else:
        body["members"][0][field] = value
    with pytest.raises(InvalidInput) as exc:
        schemas.load(schemas.HouseholdIn(), body)
    assert any(key.endswith(field) for key in exc.value.errors)
