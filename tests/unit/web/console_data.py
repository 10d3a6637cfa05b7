"""API answers the console pages are tested with, shaped as the services answer them."""

NIK, WIFE, CHILD = "3174090101800001", "3174094202850002", "3174091503100003"
KK = "3174090101100001"
HOUSEHOLD_ID, ROUND_ID, ALLOC_ID = "hh_1", "rnd_1", "al_1"


def person(nik=NIK, name="Budi Santoso", relationship="head", sex="M", **extra):
    out = {"id": "res_" + nik[-4:], "nik": nik, "nik_temporary": False, "kk_number": KK,
           "household_id": HOUSEHOLD_ID, "full_name": name, "sex": sex,
           "birth_place": "Jakarta", "birth_date": "1980-01-01", "relationship": relationship,
           "religion": "islam", "education": "sma", "occupation_code": 19,
           "occupation": "daily labourer", "marital_status": "married", "disability": "none",
           "pregnant": False, "phone": None, "status": "active", "inactive_reason": None,
           "quality_flags": [], "rt": "001", "rw": "003", "version": 3,
           "created_at": "2026-01-02T03:04:05.000Z", "updated_at": "2026-02-02T03:04:05.000Z"}
    out.update(extra)
    return out


MEMBERS = [person(), person(WIFE, "Siti Aminah", "wife", "F", birth_date="1985-02-02"),
           person(CHILD, "Ani", "child", "F", birth_date="2010-03-15", relationship_note=None)]
HOUSEHOLD = {"id": HOUSEHOLD_ID, "kk_number": KK, "street": "Jl. Kecapi No. 5", "rt": "001",
             "rw": "003", "dusun": None, "village_code": "3174091005", "welfare_decile": 2,
             "monthly_income_idr": 1500000, "house_ownership": "rent", "floor_type": "semen",
             "wall_type": None, "roof_type": None, "water_source": "piped",
             "electricity_va": 900, "cooking_fuel": "lpg", "sanitation": "shared",
             "has_car": False, "status": "active", "members": MEMBERS, "quality_flags": [],
             "version": 2, "updated_at": "2026-02-02T03:04:05.000Z"}
HISTORY = {"items": [{"at": "2026-01-02T03:04:05.000Z", "action": "registered",
                      "by": {"name": "Petugas"}, "changes": [], "reason": None}],
           "page": 1, "per_page": 100, "total": 1}
ROUND = {"id": ROUND_ID, "programme_code": "SEMBAKO", "programme_name": "Program Sembako",
         "programme_version": 1, "name": "Tahap 1/2026", "starts_on": "2026-01-05",
         "ends_on": "2026-12-30", "year": 2026, "location": "Aula Kantor Kelurahan",
         "budget_idr": 1200000, "quota": None, "status": "scheduled", "eligible": 3,
         "generated_at": "2026-01-04T01:00:00.000Z", "refused": {"excluded_by_KLJ": 2},
         "version": 2}


def allocation(alloc_id=ALLOC_ID, status="pending", decile=2, kk=KK, name="Siti Aminah",
               nik=WIFE, income=1500000, **extra):
    out = {"id": alloc_id, "round_id": ROUND_ID, "round_name": "Tahap 1/2026",
           "programme_code": "SEMBAKO", "year": 2026, "household_id": HOUSEHOLD_ID,
           "kk_number": kk, "rt": "001", "rw": "003", "welfare_decile": decile,
           "monthly_income_idr": income, "member_id": None, "member_nik": None,
           "member_name": None, "recipient_id": "res_0002", "recipient_nik": nik,
           "recipient_name": name, "recipient_relationship": "wife", "amount_idr": 600000,
           "components": [], "goods": [], "status": status, "status_reason": None,
           "status_note": "", "reassigned_from": None, "reassigned_to": None,
           "disbursement": None, "version": 1}
    out.update(extra)
    return out


def totals(**counts):
    out = {m: {"count": counts.get(m, 0), "amount_idr": counts.get(m, 0) * 600000}
           for m in ("eligible", "allocated", "pending", "waiting", "disbursed",
                     "not_collected", "cancelled", "returned")}
    out["disbursed"]["by_representative"] = counts.get("by_representative", 0)
    return out


REPORT = {"round": {k: ROUND[k] for k in ("id", "programme_code", "name", "starts_on",
                                          "ends_on", "location", "status", "budget_idr",
                                          "quota")},
          "totals": totals(eligible=3, allocated=2, pending=2, waiting=1), "reasons": {}}


def page_of(items, total=None):
    return {"items": items, "page": 1, "per_page": 50,
            "total": len(items) if total is None else total}


def complaint(status="received", category="not_received", overdue=False, deadlines=None,
              **extra):
    out = {"id": "cmp_1", "tracking_code": "K7QX2M9HPA", "category": category,
           "description": "Bantuan tahap ini belum saya terima.", "programme_code": "SEMBAKO",
           "round_id": None, "allocation_id": None, "anonymous": False,
           "reporter": {"name": "Siti Aminah", "nik": WIFE, "phone": "081234567890"},
           "reporter_visible": True, "correction": None, "status": status, "version": 4,
           "assigned_to": None, "forwarded_to": None, "forwarded_at": None,
           "submitted_at": "2026-08-17T07:30:00Z", "updated_at": "2026-08-17T07:30:00Z",
           "resolved_at": None, "overdue": overdue,
           "deadlines": deadlines if deadlines is not None else [
               {"name": "triage", "due_at": "2099-08-20T16:59:59Z", "met_at": None, "days": 3,
                "unit": "working_days", "source": "SP4N-LAPOR!", "missed": False}],
           "history": [], "notes": [], "allocation": None, "publication": None}
    out.update(extra)
    return out
