"""Control characters in names and streets (issue 8, item 11).

The registry accepted NUL and ESC in ``full_name`` and ``street`` (the
complaints service refuses them); they reached the logs and every screen.
The kit's shared field rules (``services.shared.fields.Text``) refuse them
now in every service's contract.
"""
import pytest

from services.registry.contract import HouseholdIn
from services.shared.contract import load
from services.shared.errors import InvalidInput

from tests.unit.registry import factories


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
        load(HouseholdIn, body)
    assert any(key.endswith(field) for key in exc.value.errors)
