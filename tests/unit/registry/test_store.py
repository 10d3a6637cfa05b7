"""Registering and changing records: events, versions, history, nothing half-written."""
import json

import mongomock
import pytest

from services.shared.errors import Conflict, InvalidInput, NotFound
from services.shared.outbox import OUTBOX, PENDING
from services.registry import commands
from services.registry.store import STAGED, RegistryRepository

from tests.unit.registry import factories
from tests.unit.registry.conftest import ACTOR, VILLAGE


def register(repo, body=None):
    return commands.register_household(repo, body or factories.household(), ACTOR, VILLAGE, "cid")


def pending_events(db, collection, aggregate_id):
    return [e["type"] for e in db[collection].find_one({"_id": aggregate_id})[OUTBOX]]


def counts(db):
    return {name: db[name].count_documents({})
            for name in ("households", "residents", "registry_keys")}


def test_registering_writes_household_members_and_their_events(repo, db, notified):
    household = register(repo)
    json.dumps(household)  # JSON-safe as it will cross RPC
    assert household["status"] == "active" and household["version"] == 1
    assert [m["relationship"] for m in household["members"]] == ["head", "wife", "child"]
    assert household["member_ids"] == [m["id"] for m in household["members"]] or \
        set(household["member_ids"]) == {m["id"] for m in household["members"]}
    assert pending_events(db, "households", household["id"]) == ["household_registered"]
    for member in household["members"]:
        doc = db.residents.find_one({"_id": member["id"]})
        assert doc[PENDING] == 1 and STAGED not in doc
        assert doc[OUTBOX][0]["type"] == "resident_registered"
        assert doc[OUTBOX][0]["aggregate_version"] == 1
        assert doc[OUTBOX][0]["data"]["resident"]["household_id"] == household["id"]
    assert notified.count >= 1
    assert repo.household(household["id"])["members"][0]["nik"] == household["members"][0]["nik"]


def test_a_duplicate_nik_or_kk_is_a_conflict_naming_the_record_and_writes_nothing(repo, db):
    first = register(repo)
    before = counts(db)
    again = factories.household()
    again["members"][1]["nik"] = first["members"][0]["nik"]
    with pytest.raises(Conflict) as exc:
        register(repo, again)
    assert exc.value.errors == {"members.1.nik": ["already registered as %s"
                                                  % first["members"][0]["id"]]}
    assert first["members"][0]["nik"] not in exc.value.detail  # masked in messages
    with pytest.raises(Conflict) as exc:
        register(repo, factories.household(kk_number=first["kk_number"]))
    assert exc.value.errors == {"kk_number": ["already registered as %s" % first["id"]]}
    assert counts(db) == before


def test_a_failure_at_the_commit_point_leaves_no_resident_behind(repo, db, monkeypatch):
    before = counts(db)

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")
    monkeypatch.setattr(repo.households, "insert_many", broken)
    with pytest.raises(RuntimeError):
        register(repo)
    assert counts(db) == before
    monkeypatch.undo()
    register(repo)  # and the same numbers are free again


def test_a_crash_after_the_commit_point_is_finished_by_repair(repo, db, monkeypatch):
    monkeypatch.setattr(repo, "_commit_staged", lambda query: None)
    household = register(repo)
    monkeypatch.undo()
    assert db.residents.count_documents({STAGED: {"$exists": True}}) == 3
    with pytest.raises(NotFound):
        repo.resident(household["members"][0]["nik"])  # staged: not visible yet
    assert repo.repair(grace=0)["committed"] == 3
    assert repo.resident(household["members"][0]["nik"])["household_id"] == household["id"]
    assert db.residents.count_documents({PENDING: 1}) == 3


def test_two_repairs_at_once_commit_each_resident_once(repo, db, notified, monkeypatch):
    """Two registry instances' repair timers read the same staged residents; the
    second's writes, arriving after the first's were published, change nothing."""
    monkeypatch.setattr(repo, "_commit_staged", lambda query: None)
    household = register(repo)
    monkeypatch.undo()
    other = RegistryRepository(db, notified, pause=lambda: None)
    published = []
    read_household = other.households.find_one

    def first_finishes_meanwhile(*args, **kwargs):
        # the other instance read the staged list; this one repairs and its relay
        # publishes each resident's event before the other goes on
        monkeypatch.setattr(other.households, "find_one", read_household)
        assert repo.repair(grace=0)["committed"] == 3
        for doc in db.residents.find({PENDING: {"$gt": 0}}):
            published.extend(e["event_id"] for e in doc[OUTBOX])
            db.residents.update_one({"_id": doc["_id"]}, {"$set": {OUTBOX: [], PENDING: 0}})
        return read_household(*args, **kwargs)
    monkeypatch.setattr(other.households, "find_one", first_finishes_meanwhile)
    second = other.repair(grace=0)
    members = [m["id"] for m in household["members"]]
    assert [(d[PENDING], d[OUTBOX]) for d in db.residents.find({"_id": {"$in": members}})] == [
        (0, [])] * 3  # nothing left pending: before, each was marked pending again
    assert len(published) == 3 and second["committed"] == 0


def test_a_registration_commits_its_own_batch_and_leaves_another_staged(repo, db,
                                                                       monkeypatch):
    """Another request's batch, still being written (or a crashed write's, which repair
    must undo), is not committed by this registration's commit."""
    monkeypatch.setattr(repo, "_commit_staged", lambda query: None)
    left_staged = register(repo)
    monkeypatch.undo()
    committed = register(repo)
    staged = {d["_id"] for d in db.residents.find({STAGED: {"$exists": True}})}
    assert staged == {m["id"] for m in left_staged["members"]}
    assert all(db.residents.find_one({"_id": m["id"]})[PENDING] == 1
               for m in committed["members"])


def test_a_crash_before_the_commit_point_is_undone_by_repair(repo, db, monkeypatch):
    body = factories.household()
    monkeypatch.setattr(repo, "_insert_households", lambda *a: None)  # died before the household
    monkeypatch.setattr(repo, "_commit_staged", lambda query: None)
    register(repo, body)
    monkeypatch.undo()
    assert repo.repair(grace=0)["deleted"] == 3
    assert db.residents.count_documents({}) == 0
    # the member NIKs are free again; the orphaned KK claim is taken over after the grace period
    db.registry_keys.update_many({}, {"$set": {"at": 0}})
    assert register(repo, body)["kk_number"] == body["kk_number"]


def test_a_member_without_nik_gets_a_temporary_number_once(repo):
    body = factories.household(members=[factories.person("head"),
                                         factories.person("child", nik=False)])
    household = register(repo, body)
    child = household["members"][1]
    assert child["nik"].startswith("0" + VILLAGE) and child["nik_temporary"]
    assert child["quality_flags"] == ["temporary_nik"]
    same_person = dict(body["members"][1], full_name=body["members"][1]["full_name"].upper())
    with pytest.raises(Conflict) as exc:
        register(repo, factories.household(members=[factories.person("head"), same_person]))
    assert exc.value.errors == {"members.1.full_name": ["already registered as %s" % child["id"]]}


def test_a_nik_that_disagrees_with_birth_date_is_registered_and_listed_as_flagged(repo):
    head = factories.person("head", sex="M")
    head["nik"] = head["nik"][:6] + "010100" + head["nik"][12:]
    household = register(repo, factories.household(members=[head]))
    assert household["members"][0]["quality_flags"] == ["nik_birth_date_mismatch"]
    flagged = repo.search_residents(None, None, None, None, True, None, 1, 50, 0)
    assert [r["id"] for r in flagged["items"]] == [household["members"][0]["id"]]


def test_update_records_history_versions_and_an_event(repo, db):
    member = register(repo)["members"][2]
    after = repo.update_resident(member["nik"], {"full_name": "Nama Benar"}, "salah ketik",
                                 {"name": "Petugas A"}, "cid")
    assert after["full_name"] == "Nama Benar" and after["version"] == 2
    history = repo.history(member["nik"], 1, 50, 0)["items"]
    assert history[-1]["changes"] == [{"field": "full_name", "old": member["full_name"],
                                       "new": "Nama Benar"}]
    assert history[-1]["by"] == {"name": "Petugas A"} and history[-1]["reason"] == "salah ketik"
    event = db.residents.find_one({"_id": member["id"]})[OUTBOX][-1]
    assert (event["type"], event["aggregate_version"]) == ("resident_updated", 2)
    assert event["data"]["changed"] == ["full_name"] and event["data"]["reason"] == "salah ketik"


def test_changing_a_nik_to_one_in_use_is_a_conflict_and_changes_nothing(repo):
    a, b = register(repo)["members"][0], register(repo)["members"][0]
    with pytest.raises(Conflict):
        repo.update_resident(a["nik"], {"nik": b["nik"]}, "koreksi", ACTOR, "cid")
    assert repo.resident(a["nik"])["version"] == 1
    moved = repo.update_resident(a["nik"], {"nik": factories.nik_for(
        __import__("datetime").date.fromisoformat(a["birth_date"]), a["sex"])}, "koreksi",
        ACTOR, "cid")
    with pytest.raises(NotFound):
        repo.resident(a["nik"])
    assert repo.resident(moved["nik"])["id"] == a["id"]
    register(repo, factories.household(members=[dict(factories.person("head"), nik=a["nik"])]))


def test_deactivating_the_last_active_member_makes_the_household_inactive(repo, db):
    household = register(repo)
    for i, member in enumerate(household["members"]):
        after = repo.deactivate_resident(member["nik"], "moved_out", "pindah ke Depok", ACTOR, "c")
        assert after["status"] == "inactive" and after["inactive_reason"] == "moved_out"
        expected = "inactive" if i == 2 else "active"
        assert repo.household(household["id"])["status"] == expected
    doc = db.households.find_one({"_id": household["id"]})
    last = doc[OUTBOX][-1]
    assert last["type"] == "household_updated" and last["data"]["changed"] == ["status"]
    assert last["data"]["household"]["status"] == "inactive" and doc["version"] == 2
    with pytest.raises(Conflict):
        repo.deactivate_resident(household["members"][0]["nik"], "deceased", None, ACTOR, "c")


def test_adding_a_member_updates_the_household_and_reactivates_it(repo, db):
    household = register(repo, factories.household(members=[factories.person("head")]))
    repo.deactivate_resident(household["members"][0]["nik"], "deceased", None, ACTOR, "c")
    baby = commands.add_member(repo, household["id"], factories.person("child"), ACTOR, VILLAGE, "c")
    after = repo.household(household["id"])
    assert after["status"] == "active" and baby["id"] in after["member_ids"]
    assert after["version"] == 3
    assert pending_events(db, "households", household["id"])[-1] == "household_updated"
    with pytest.raises(NotFound):
        commands.add_member(repo, "hh_missing", factories.person("child"), ACTOR, VILLAGE, "c")


def test_a_second_active_head_is_refused(repo):
    household = register(repo)
    with pytest.raises(InvalidInput) as exc:
        commands.add_member(repo, household["id"], factories.person("head"), ACTOR, VILLAGE, "c")
    assert "relationship" in exc.value.errors


def test_moving_a_household_moves_its_members(repo, db):
    household = register(repo)
    after = repo.update_household(household["id"], {"rt": "011"}, "pindah RT", ACTOR, "c")
    assert {m["rt"] for m in after["members"]} == {"011"}
    for member in after["members"]:
        event = db.residents.find_one({"_id": member["id"]})[OUTBOX][-1]
        assert event["type"] == "resident_updated" and event["data"]["changed"] == ["rt"]
    assert repo.repair(grace=0) == {"committed": 0, "deleted": 0, "households": 0, "members": 0}


def test_search_by_name_area_status_and_nik_prefix(repo):
    household = register(repo, factories.household(rt="009", rw="004", members=[
        factories.person("head", full_name="Sekar Wangi Lestari"), factories.person("wife"),
        factories.person("child")]))
    register(repo)
    head = household["members"][0]
    found = repo.search_residents("wangi LES", None, None, None, None, None, 1, 50, 0)
    assert [r["id"] for r in found["items"]] == [head["id"]]
    in_rt = repo.search_residents(None, "009", "004", "active", None, None, 1, 2, 0)
    assert in_rt["total"] >= 3 and len(in_rt["items"]) == 2
    by_nik = repo.search_residents(head["nik"][:12], None, None, None, None, None, 1, 50, 0)
    assert head["id"] in [r["id"] for r in by_nik["items"]]


def names_found(repo, q, rw=None, per_page=50, skip=0):
    found = repo.search_residents(q, None, rw, None, None, None, 1 + skip // per_page, per_page,
                                  skip)
    return [r["full_name"] for r in found["items"]], found["total"]


def test_search_matches_the_beginnings_of_name_words_case_and_accents_aside(repo):
    register(repo, factories.household(rw="004", members=[
        factories.person("head", full_name="Ma'ruf Siregar"),
        factories.person("wife", full_name="Siti Zoë Aminah"),
        factories.person("child", full_name="Aminah Sitompul")]))
    assert names_found(repo, "sit") == (["Aminah Sitompul", "Siti Zoë Aminah"], 2)
    assert names_found(repo, "zoe AMI") == (["Siti Zoë Aminah"], 1)
    assert names_found(repo, "maruf") == (["Ma'ruf Siregar"], 1)
    assert names_found(repo, "ma'ru") == (["Ma'ruf Siregar"], 1)
    assert names_found(repo, "aminah", rw="004") == (["Aminah Sitompul", "Siti Zoë Aminah"], 2)
    assert names_found(repo, "aminah", rw="005") == ([], 0)
    assert names_found(repo, "tompul") == ([], 0)  # a word's beginning, not any part


def test_search_pages_keep_name_order_and_the_total(repo):
    names = ["Siti %s" % w for w in ("Rahma", "Aisyah", "Nur", "Lestari", "Dewi", "Fatimah")]
    register(repo, factories.household(rw="006", members=[
        factories.person("head" if i == 0 else "child", full_name=n) for i, n in enumerate(names)]))
    assert names_found(repo, "siti", rw="006", per_page=4) == (sorted(names)[:4], 6)
    assert names_found(repo, "siti", rw="006", per_page=4, skip=4) == (sorted(names)[4:], 6)


def test_a_renamed_resident_is_found_by_the_new_name_only(repo):
    member = register(repo, factories.household(members=[
        factories.person("head", full_name="Budi Santoso")]))["members"][0]
    repo.update_resident(member["nik"], {"full_name": "Bambang Wijaya"}, "salah ketik", ACTOR, "c")
    assert names_found(repo, "bamb wij") == (["Bambang Wijaya"], 1)
    assert names_found(repo, "budi") == ([], 0)


def test_residents_stored_before_name_tokens_are_found_after_a_start(repo, db):
    member = register(repo, factories.household(members=[
        factories.person("head", full_name="Dewi Kartika")]))["members"][0]
    db.residents.update_one({"_id": member["id"]}, {"$unset": {"name_tokens": ""}})
    assert names_found(repo, "kart") == ([], 0)
    version = db.residents.find_one({"_id": member["id"]})["version"]
    RegistryRepository.ensure_indexes(db)
    assert names_found(repo, "kart") == (["Dewi Kartika"], 1)
    assert db.residents.find_one({"_id": member["id"]})["version"] == version  # no new version
    assert repo.search_residents(".*", None, None, None, None, None, 1, 50, 0)["total"] == 0


def test_export_pages_through_snapshots_by_id(repo):
    for _ in range(3):
        register(repo)
    first = repo.export("residents", 1, 5, 0)
    second = repo.export("residents", 2, 5, 5)
    assert first["total"] == 9 and len(first["items"]) == 5 and len(second["items"]) == 4
    ids = [r["id"] for r in first["items"] + second["items"]]
    assert ids == sorted(ids) and all(r["version"] == 1 for r in first["items"])
    assert repo.export("households", 1, 10, 0)["total"] == 3


def test_the_export_and_the_summary_answer_one_store_epoch_for_the_store_life(repo, db):
    register(repo)
    summary = repo.summary()
    epoch = summary["store_epoch"]
    assert len(epoch) == 32
    assert repo.export("residents", 1, 5, 0)["store_epoch"] == epoch
    assert repo.export("households", 1, 5, 0)["store_epoch"] == epoch
    assert (summary["households"], summary["residents"]) == (1, 3)
    head = repo.export("residents", 1, 5, 0)["items"][0]
    repo.deactivate_resident(head["nik"], "moved_out", "", ACTOR, "c1")
    after = repo.summary()
    assert after["store_epoch"] == epoch and after["residents"] == 3
    assert after["residents_checksum"] != summary["residents_checksum"]  # a new version
    empty = RegistryRepository(mongomock.MongoClient()["registry_other"], None).summary()
    assert empty.pop("store_epoch") != epoch
    assert empty == {"households": 0, "residents": 0, "households_checksum": "0" * 16,
                     "residents_checksum": "0" * 16}


def test_an_import_interrupted_between_households_keeps_what_was_committed(repo, db, monkeypatch):
    from services.registry import store as store_module
    from tests.unit.registry.test_importer import run
    monkeypatch.setattr(store_module, "INSERT_CHUNK", 2)
    calls = []
    original = repo.households.insert_many

    def fail_second_chunk(docs, *args, **kwargs):
        calls.append(len(docs))
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return original(docs, *args, **kwargs)
    monkeypatch.setattr(repo.households, "insert_many", fail_second_chunk)
    families = [factories.household() for _ in range(4)]
    text = factories.csv_text(families).encode("utf-8")
    with pytest.raises(RuntimeError):
        run(repo, "four.csv", text)
    # the first two families are whole and announced; nothing of the others remains
    assert db.households.count_documents({}) == 2
    assert db.residents.count_documents({}) == 6
    assert db.residents.count_documents({PENDING: 1, STAGED: {"$exists": False}}) == 6
    monkeypatch.undo()
    again = run(repo, "four.csv", text)
    assert (again["already_present"], again["created_households"]) == (6, 2)
