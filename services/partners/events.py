"""Building the events the partners service publishes (types: ``contract.events``).

Each is queued in the outbox of the document it is about, in the same write
as the change (``services.shared.outbox``): partner and programme events in
the ``partners`` / ``programmes`` documents, enrolment events in their
programme's document (the roster), health events in the appointment's.
"""
from services.partners.contract import events as contract
from services.partners.roster import places_taken, positions


def partner_event(event_type, partner, correlation_id=None):
    """``partner_registered`` / ``partner_verified`` / ``partner_suspended``."""
    return event_type.envelope(partner["_id"], partner["version"], {
        "partner_id": partner["_id"], "name": partner["name"], "kind": partner["kind"],
        "verification": partner["verification"]}, correlation_id)


AMOUNTS = ("amount_idr", "in_kind_value_idr", "trainer_hours")


def commitment_data(partner, year):
    """The ``commitment_set`` payload of ``partner``'s pledge for ``year`` (also the
    export's items): the amounts and what is given in kind, never the note (free
    text) nor who set it."""
    pledge = (partner.get("commitments") or {}).get(str(year)) or {}
    return dict({k: pledge.get(k) or 0 for k in AMOUNTS}, partner_id=partner["_id"],
                partner_name=partner.get("name"), year=int(year),
                in_kind=pledge.get("in_kind"), set_at=pledge.get("set_at"))


def delivery_data(partner, delivery):
    """The ``delivery_recorded`` payload of one of ``partner``'s deliveries (also the
    export's items), without its note or who recorded it."""
    return dict({k: delivery.get(k) or 0 for k in AMOUNTS}, partner_id=partner["_id"],
                partner_name=partner.get("name"), delivery_id=delivery["id"],
                year=delivery["year"], delivered_on=delivery["delivered_on"],
                in_kind=delivery.get("in_kind"), programme_id=delivery.get("programme_id"),
                recorded_at=delivery["recorded_at"])


def commitment_set(partner, year, correlation_id=None):
    """``commitment_set`` of ``partner`` (the document after the change) for ``year``."""
    return contract.COMMITMENT_SET.envelope(partner["_id"], partner["version"],
                                            commitment_data(partner, year), correlation_id)


def delivery_recorded(partner, delivery, correlation_id=None):
    """``delivery_recorded`` of ``delivery`` in ``partner`` (the document after)."""
    return contract.DELIVERY_RECORDED.envelope(partner["_id"], partner["version"],
                                               delivery_data(partner, delivery), correlation_id)


def programme_published(programme, correlation_id=None):
    """``partner_programme_published`` of a new programme document."""
    return contract.PARTNER_PROGRAMME_PUBLISHED.envelope(programme["_id"], programme["version"], {
        "programme_id": programme["_id"], "partner_id": programme["partner_id"],
        "partner_name": programme["partner_name"], "title": programme["title"],
        "kind": programme["kind"], "topics": programme.get("topics", []),
        "starts_on": programme["starts_on"], "ends_on": programme["ends_on"],
        "location": programme["location"], "capacity": programme["capacity"],
        "contribution": programme.get("contribution") or {}}, correlation_id)


def enrolment_event(programme, roster, entry, today, correlation_id=None):
    """The event of ``entry``'s current status; ``roster`` is the programme's roster
    after the change (for a waiting person's place in the list)."""
    base = {"enrolment_id": entry["id"], "programme_id": programme["_id"],
            "programme_kind": programme["kind"], "programme_title": programme["title"],
            "partner_id": programme["partner_id"], "partner_name": programme["partner_name"],
            "resident_id": entry["resident_id"], "nik": entry.get("nik"),
            "kk_number": entry.get("kk_number")}
    status = entry["status"]
    if status == "completed":
        data = completed_data(programme, entry)
    else:
        data = dict(base, status=status, changed_on=today,
                    reason=entry.get("withdraw_reason") if status == "withdrawn" else None,
                    promoted=bool(entry.get("promoted")) if status == "accepted" else False,
                    waitlist_position=positions(roster).get(entry["id"]),
                    places_taken=places_taken(roster), capacity=programme["capacity"])
    return contract.ENROLMENT_EVENTS[status].envelope(entry["id"], entry["version"], data,
                                                      correlation_id)


def completed_data(programme, entry):
    """The ``enrolment_completed`` payload of a completed enrolment (also the export's items)."""
    return {"enrolment_id": entry["id"], "programme_id": programme["_id"],
            "programme_kind": programme["kind"], "programme_title": programme["title"],
            "topics": programme.get("topics", []), "partner_id": programme["partner_id"],
            "partner_name": programme["partner_name"], "resident_id": entry["resident_id"],
            "nik": entry.get("nik"), "kk_number": entry.get("kk_number"),
            "outcome": entry["outcome"], "completed_on": entry["completed_on"],
            "status": entry["status"]}


def recorded_event(appointment, correlation_id=None):
    """``immunisation_recorded`` or ``antenatal_visit_recorded`` of a done appointment."""
    common = {"appointment_id": appointment["_id"], "resident_id": appointment["resident_id"],
              "nik": appointment.get("nik"), "programme_id": appointment["programme_id"]}
    if appointment["kind"] == "immunisation":
        return contract.IMMUNISATION_RECORDED.envelope(
            appointment["_id"], appointment["version"], dict(
                common, vaccine=appointment["vaccine"], dose=appointment["dose"],
                item=appointment["item"], given_on=appointment["done_on"]), correlation_id)
    return contract.ANTENATAL_VISIT_RECORDED.envelope(
        appointment["_id"], appointment["version"], dict(
            common, visit=appointment["item"], visited_on=appointment["done_on"]), correlation_id)


def overdue_event(appointment, correlation_id=None):
    """``appointment_overdue`` of a late appointment document."""
    return contract.APPOINTMENT_OVERDUE.envelope(appointment["_id"], appointment["version"], {
        "appointment_id": appointment["_id"], "programme_id": appointment["programme_id"],
        "resident_id": appointment["resident_id"], "nik": appointment.get("nik"),
        "kind": appointment["kind"], "item": appointment["item"],
        "due_on": appointment["due_on"], "rw": appointment.get("rw"),
        "rt": appointment.get("rt")}, correlation_id)
