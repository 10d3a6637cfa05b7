"""Rupiah, dates and criteria as Indonesians read them; the language file is complete."""
import datetime
import json
import os
import re

import pytest

from web import format as fmt
from web.i18n import Messages
from web.pages.complaints import CATEGORIES, NEEDS

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
t = Messages("id")


@pytest.mark.parametrize("amount, text", [(1500000, "Rp1.500.000"), (0, "Rp0"), (750, "Rp750"),
                                          (2500000000, "Rp2.500.000.000")])
def test_rupiah_is_written_with_dots_and_no_decimals(amount, text):
    assert fmt.rupiah(amount, t) == text


def test_dates_are_written_with_indonesian_month_names():
    assert fmt.long_date("2026-08-17", t) == "17 Agustus 2026"
    assert fmt.long_date(datetime.date(2026, 1, 1), t) == "1 Januari 2026"
    assert fmt.date_range("2026-08-17", "2026-08-21", t) == "17-21 Agustus 2026"
    assert fmt.date_range("2026-08-28", "2026-09-03", t) == "28 Agustus - 3 September 2026"
    assert fmt.date_range("2026-12-30", "2027-01-02", t) == "30 Desember 2026 - 2 Januari 2027"


def test_instants_are_shown_in_western_indonesia_time():
    assert fmt.local_time("2026-08-17T07:30:00Z", t) == "17 Agustus 2026 14.30 WIB"
    assert fmt.local_time("2026-12-31T20:00:00Z", t) == "1 Januari 2027 03.00 WIB"


def test_criteria_read_as_the_rule_engines_labels_then_plain_words():
    rule = {"all": [{"attr": "household.welfare_decile", "op": "between", "value": [1, 4],
                     "label": "Keluarga di desil 1-4"},
                    {"attr": "member.age", "op": "gte", "value": 60},
                    {"attr": "member.status", "op": "eq", "value": "active"},
                    {"not": {"any_member": {"attr": "member.occupation_code", "op": "in",
                                            "value": [5, 6]}}}]}
    assert fmt.criteria_sentences(rule, t) == [
        "Keluarga di desil 1-4", "Umur paling sedikit 60", "Status kependudukan aktif",
        "bukan: ada anggota keluarga dengan Pekerjaan salah satu dari 5, 6"]


def test_every_catalogue_programme_reads_without_raw_attribute_names():
    folder = os.path.join(ROOT, "data", "programmes")
    for name in os.listdir(folder):
        if name.endswith(".json"):
            with open(os.path.join(folder, name), encoding="utf-8") as handle:
                rule = json.load(handle)["criteria"]
            for sentence in fmt.criteria_sentences(rule, t):
                assert not re.search(r"\b(household|member)\.", sentence), (name, sentence)


def test_every_attribute_of_the_rule_engine_has_words():
    from services.shared.rules import ATTRIBUTES
    missing = ["%s.%s" % (scope, name) for scope, names in ATTRIBUTES.items() for name in names
               if not t.get("attributes.%s_%s" % (scope, name))]
    assert missing == []


def test_the_feedback_needs_are_the_complaints_services_list():
    with open(os.path.join(ROOT, "data", "complaints", "feedback-needs.json"),
              encoding="utf-8") as handle:
        codes = [n["code"] for n in json.load(handle)["needs"]]
    assert list(NEEDS) == codes
    assert all(t.get("needs." + code) for code in codes)


def test_every_complaint_category_of_the_contract_has_plain_words():
    from services.complaints.contract import CATEGORIES as CONTRACT
    assert sorted(CATEGORIES) == sorted(CONTRACT)
    for code in CATEGORIES:
        assert t("categories.%s.label" % code) and t("categories.%s.hint" % code)


def test_officers_pages_name_each_complaint_category_as_the_annual_report_does():
    from services.monitoring.reports import CATEGORY_LABELS
    assert {code: t("categories.%s.name" % code) for code in CATEGORIES} == CATEGORY_LABELS


def test_every_key_the_templates_and_pages_name_is_in_the_language_file():
    web = os.path.join(ROOT, "web")
    sections = {key.split(".")[0] for key in t.texts}
    used = set()
    for folder, _, files in os.walk(web):
        for name in files:
            if name.endswith((".html", ".py")) and name != "i18n.py":
                with open(os.path.join(folder, name), encoding="utf-8") as handle:
                    text = handle.read()
                # t('a.b') in templates; any "section.key" literal in the pages' code
                used |= set(re.findall(
                    r"""\bt\(\s*['"]([a-z_]+(?:\.[a-z_]+)+)['"](?!\s*~)""", text))
                used |= {k for k in re.findall(r"""['"]([a-z_]+(?:\.[a-z_]+)+)['"](?!\s*[~%])""",
                                               text) if k.split(".")[0] in sections
                         and not k.endswith((".css", ".js", ".svg", ".png", ".html"))}
    assert len(used) > 100
    missing = sorted(k for k in used if t.get(k) is None)
    assert missing == []


def test_a_translation_is_a_file_and_falls_back_to_bahasa_indonesia(tmp_path, monkeypatch):
    from web import i18n
    (tmp_path / "id.yaml").write_text("home:\n  title: Bantuan\n  lead: Untuk warga\n")
    (tmp_path / "en.yaml").write_text("home:\n  title: Social assistance\n")
    monkeypatch.setattr(i18n, "LOCALE_DIR", str(tmp_path))
    i18n.load.cache_clear()
    try:
        english = i18n.Messages("en")
        assert english("home.title") == "Social assistance"
        assert english("home.lead") == "Untuk warga"
        assert i18n.languages() == ["en", "id"]
    finally:
        i18n.load.cache_clear()


def test_the_english_file_translates_only_keys_that_exist():
    from web.i18n import load
    assert sorted(set(load("en")) - set(load("id"))) == []


def test_the_app_speaks_english_with_the_english_file(gateway):
    from werkzeug.test import Client

    from web.app import WebApp
    from web.settings import WebSettings
    app = WebApp(WebSettings({"WEB_APP_ADDRESS": "127.0.0.1:1", "WEB_API_URL": "http://api",
                              "WEB_LANGUAGE": "en"}))
    html = Client(app).get("/").get_data(as_text=True)
    assert '<html lang="en">' in html and "Who it is for" in html
    assert "17-21 August 2026" in html and "Rp600,000" in html
    assert "Desil kesejahteraan DTSEN 1-5" in html  # the programme's own label stays as written
