"""Criteria review in the library (matcher.review, matcher.api): review actions change the
draft only, approving freezes a version that matching then uses, edits are validated with
the field named, a re-imported trial keeps its review by (type, text), and an exported
protocol imported into a fresh database is the same protocol."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from matcher import api
from matcher.errors import ReviewError
from matcher.review import ReviewState, compare, parse_assignments, protocol_from_json
from matcher.store import Store

TRIAL_ID = "NCT09990001"
# A registry text with one item the reader leaves manual (a unit it cannot read): the
# coordinator's edit turns it into a lab threshold.
TRIAL_TEXT = """NCT09990001 Review test trial

Inclusion Criteria:

* Age 5 years or older and no older than 18 years
* Diagnosis of systemic lupus erythematosus
* Hemoglobin at least 9 mmol/furlong

Exclusion Criteria:

* ALT > 3 times the upper limit of normal
* Rituximab within 3 months before enrollment
"""
HB_EDIT = {"kind": "lab", "analytes": ["lab.hemoglobin"], "op": ">=", "value": 9,
           "unit": "g/dL"}


@contextmanager
def imported_store(folder: Path, text: str = TRIAL_TEXT, name: str = "matcher.db"
                   ) -> Iterator[Store]:
    trial_file = folder / f"{name}.trial.txt"
    trial_file.write_text(text, encoding="utf-8")
    with Store(folder / name) as store:
        api.import_registry_file(store, trial_file)
        yield store


def _states(protocol: Any) -> list[tuple[str, str]]:
    return [(c.criterion.id, str(c.state)) for c in protocol.criteria]


def test_a_never_reviewed_trial_is_its_auto_reading_with_every_criterion_unreviewed(
    tmp_path: Path,
) -> None:
    with imported_store(tmp_path) as store:
        protocol = api.protocol_in_use(store, TRIAL_ID)
    assert protocol.version is None
    assert [c.state for c in protocol.criteria] == [ReviewState.AUTO] * 5
    assert len(protocol.unreviewed) == 5
    assert protocol.criteria[2].criterion.kind == "manual"


def test_a_draft_edit_decides_nothing_until_the_trial_is_approved(tmp_path: Path) -> None:
    with imported_store(tmp_path) as store:
        api.review_edit(store, TRIAL_ID, "inc-3", HB_EDIT, "cora", note="unit was g/dL")
        api.review_approve(store, TRIAL_ID, "inc-1", "cora")
        draft = api.draft_protocol(store, TRIAL_ID)
        in_use = api.protocol_in_use(store, TRIAL_ID)
        assert draft.criteria[2].criterion.kind == "lab"
        assert draft.criteria[2].state is ReviewState.EDITED
        assert draft.criteria[2].reason == "unit was g/dL" and draft.criteria[2].by == "cora"
        assert in_use.version is None and in_use.criteria[2].criterion.kind == "manual"
        assert len(in_use.unreviewed) == 5

        version = api.approve_protocol(store, TRIAL_ID, "cora", "checked the labs")
        in_use = api.protocol_in_use(store, TRIAL_ID)
    assert version.version == in_use.version == 1
    assert in_use.trial.criteria[2].kind == "lab"
    # 9 g/dL as the evaluator compares it: in hemoglobin's canonical unit, as read.
    assert (in_use.trial.criteria[2].params["value"],
            in_use.trial.criteria[2].params["unit"]) == (90.0, "g/L")
    assert (in_use.approved_by, in_use.note) == ("cora", "checked the labs")
    assert _states(in_use) == [("inc-1", "approved"), ("inc-2", "auto"), ("inc-3", "edited"),
                               ("exc-1", "auto"), ("exc-2", "auto")]
    assert [(c.criterion_id, c.change) for c in in_use.changes] == [
        ("inc-1", "changed"), ("inc-3", "changed")]


def test_every_review_action_and_reset(tmp_path: Path) -> None:
    with imported_store(tmp_path) as store:
        manual = api.review_manual(store, TRIAL_ID, "exc-2", "asked at screening", "cora")
        assert manual.criterion.kind == "manual"
        assert manual.criterion.manual_reason == "asked at screening"
        assert manual.auto.kind == "drug_exposure"
        added = api.review_add(store, TRIAL_ID, {"type": "exclusion", "kind": "manual",
                                                 "text": "Pregnancy",
                                                 "manual_reason": "asked"}, "cora")
        assert (added.criterion.id, added.state, added.auto) == ("A1", ReviewState.ADDED, None)
        assert _states(api.draft_protocol(store, TRIAL_ID))[-2:] == [
            ("exc-2", "manual"), ("A1", "added")]
        api.review_reset(store, TRIAL_ID, "exc-2", "cora")
        api.review_reset(store, TRIAL_ID, "A1", "cora")
        assert _states(api.draft_protocol(store, TRIAL_ID)) == _states(
            api.protocol_in_use(store, TRIAL_ID))
        actions = [r[0] for r in store.db.execute("SELECT action FROM web_audit ORDER BY id")]
    assert actions == ["review_manual", "review_add", "review_reset", "review_reset"]


@pytest.mark.parametrize(
    ("criterion_id", "changes", "field"),
    [
        ("exc-1", {"uln_multiple": "three"}, "uln_multiple"),
        ("exc-1", {"op": "=>"}, "op"),
        ("exc-1", {"analytes": ["lab.unknown_thing"]}, "analytes"),
        ("exc-1", {"colour": "red"}, "colour"),
        ("exc-1", {"type": "maybe"}, "type"),
        ("exc-1", {"kind": "horoscope"}, "kind"),
        ("exc-1", {"text": ""}, "text"),
        ("inc-1", {"min_years": 5.5}, "min_years"),
        ("exc-2", {"window_days": "soon"}, "window_days"),
        ("exc-2", {"drugs": ["dx.sle"]}, "drugs"),
        ("inc-3", {"kind": "lab", "analytes": ["lab.hemoglobin"], "op": ">="}, "unit"),
        # A value typed without its unit is not taken in the canonical one (9 meant as
        # g/dL is not 9 g/L).
        ("inc-3", {"kind": "lab", "analytes": ["lab.hemoglobin"], "op": ">=", "value": 9},
         "unit"),
        ("exc-1", {"kind": "manual"}, "manual_reason"),
    ],
)
def test_an_invalid_edit_is_refused_naming_the_field_and_changes_nothing(
    tmp_path: Path, criterion_id: str, changes: dict[str, Any], field: str
) -> None:
    with imported_store(tmp_path) as store:
        with pytest.raises(ReviewError) as info:
            api.review_edit(store, TRIAL_ID, criterion_id, changes, "cora")
        assert info.value.field == field
        assert f"field {field!r}" in str(info.value) and criterion_id in str(info.value)
        assert store.review_draft(TRIAL_ID) == []
        assert store.db.execute("SELECT count(*) FROM web_audit").fetchone()[0] == 0


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda s: api.review_approve(s, TRIAL_ID, "exc-9", "cora"), "criterion_id"),
        (lambda s: api.review_approve(s, "NCT00000000", "exc-1", "cora"), "trial_id"),
        (lambda s: api.draft_protocol(s, "NCT00000000"), "trial_id"),
        (lambda s: api.review_manual(s, TRIAL_ID, "exc-1", "  ", "cora"), "reason"),
        (lambda s: api.review_add(s, TRIAL_ID, {"type": "exclusion", "kind": "lab",
                                                 "text": "x", "params": {}}, "cora"), "analytes"),
        (lambda s: api.export_protocol(s, TRIAL_ID, version=4), "--version"),
    ],
)
def test_unknown_ids_and_bad_actions_are_review_errors(tmp_path: Path, call: Any,
                                                       field: str) -> None:
    with imported_store(tmp_path) as store, pytest.raises(ReviewError) as info:
        call(store)
    assert info.value.field == field


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        (["value=75"], {"value": 75}),
        (["unit=10^9/L"], {"unit": "10^9/L"}),
        (['analytes=["lab.alt"]', "uln_multiple=2.5"], {"analytes": ["lab.alt"],
                                                       "uln_multiple": 2.5}),
        (["strict=true", "window_days=null"], {"strict": True, "window_days": None}),
        (["text=a=b"], {"text": "a=b"}),
    ],
)
def test_set_assignments_read_json_else_text(pairs: list[str], expected: dict) -> None:
    assert parse_assignments(pairs) == expected


@pytest.mark.parametrize("pair", ["value", "=75", ""])
def test_an_assignment_without_a_key_is_refused(pair: str) -> None:
    with pytest.raises(ReviewError, match="key=value"):
        parse_assignments([pair])


# Item 3 now reads (a readable unit), an item is inserted before it (every later id moves),
# and the rituximab item is gone.
CHANGED_TEXT = TRIAL_TEXT.replace(
    "* Diagnosis of systemic", "* Weight at least 20 kg\n* Diagnosis of systemic"
).replace("* Rituximab within 3 months before enrollment\n", "")


def test_a_reimported_trial_keeps_its_review_by_type_and_text(tmp_path: Path) -> None:
    with imported_store(tmp_path) as store:
        api.review_edit(store, TRIAL_ID, "inc-3", HB_EDIT, "cora")
        api.review_approve(store, TRIAL_ID, "exc-1", "cora")
        api.review_approve(store, TRIAL_ID, "inc-2", "cora")
        api.review_manual(store, TRIAL_ID, "exc-2", "asked", "cora")
        api.approve_protocol(store, TRIAL_ID, "cora")
        changed = tmp_path / "changed.txt"
        changed.write_text(CHANGED_TEXT, encoding="utf-8")
        api.import_registry_file(store, changed)
        draft = api.draft_protocol(store, TRIAL_ID)
        by_text = {c.criterion.text: c for c in draft.criteria}
        assert by_text["Hemoglobin at least 9 mmol/furlong"].state is ReviewState.EDITED
        assert by_text["Hemoglobin at least 9 mmol/furlong"].criterion.id == "inc-4"
        assert by_text["Hemoglobin at least 9 mmol/furlong"].criterion.kind == "lab"
        assert by_text["ALT > 3 times the upper limit of normal"].state is ReviewState.APPROVED
        assert by_text["Diagnosis of systemic lupus erythematosus"].criterion.id == "inc-3"
        assert by_text["Diagnosis of systemic lupus erythematosus"].state is ReviewState.APPROVED
        assert by_text["Weight at least 20 kg"].state is ReviewState.AUTO
        assert not any("Rituximab" in c.criterion.text for c in draft.criteria)
        assert {r["criterion_id"] for r in store.review_draft(TRIAL_ID)} == {
            "inc-3", "inc-4", "exc-1"}
        # The version approved before the re-import is unchanged, and still in use.
        in_use = api.protocol_in_use(store, TRIAL_ID)
        assert in_use.version == 1 and any("Rituximab" in c.criterion.text
                                           for c in in_use.criteria)


def test_an_approval_of_a_reading_the_engine_no_longer_gives_is_dropped(
    tmp_path: Path,
) -> None:
    with imported_store(tmp_path) as store:
        api.review_approve(store, TRIAL_ID, "exc-1", "cora")
        store.db.execute("UPDATE review_draft SET auto_json = json_set(auto_json, "
                         "'$.params.uln_multiple', 5.0)")  # approved when it read 5 x ULN
        # ... by an older reader: the stored reading is not tonight's, so the re-import of
        # the same text is a new auto reading (an unchanged one would change nothing).
        store.db.execute("UPDATE trial_records SET reading_sha256 = 'an older reader'")
        api.import_registry_file(store, tmp_path / "matcher.db.trial.txt")
        assert store.review_draft(TRIAL_ID) == []


def test_export_then_import_into_a_fresh_database_reproduces_the_protocol(
    tmp_path: Path,
) -> None:
    with imported_store(tmp_path) as store:
        api.review_edit(store, TRIAL_ID, "inc-3", HB_EDIT, "cora")
        api.review_manual(store, TRIAL_ID, "exc-2", "asked", "cora")
        api.review_add(store, TRIAL_ID, {"type": "exclusion", "kind": "manual",
                                         "text": "Pregnancy", "manual_reason": "asked"}, "cora")
        api.approve_protocol(store, TRIAL_ID, "cora", "site A")
        exported = api.export_protocol(store, TRIAL_ID)
        original = api.protocol_in_use(store, TRIAL_ID)
    data = json.loads(json.dumps(exported))  # through a file's text
    with Store(tmp_path / "fresh.db") as fresh:
        imported = api.import_protocol(fresh, data, "bo", "site-a.json")
        in_use = api.protocol_in_use(fresh, TRIAL_ID)
        assert fresh.trial(TRIAL_ID)["record"] == exported["record"]
        again = api.import_protocol(fresh, data, "bo", "site-a.json")
        assert again.version == 2 and again.changes == ()
        actions = [r[0] for r in fresh.db.execute("SELECT action FROM web_audit ORDER BY id")]
    assert imported.version == in_use.version == 1
    assert in_use.trial == original.trial
    assert _states(in_use) == _states(original)
    assert [c.criterion.to_json() for c in in_use.criteria] == [
        c.criterion.to_json() for c in original.criteria]
    assert "site-a.json" in in_use.note and "site A" in in_use.note
    assert compare(original, in_use) == []
    assert actions == ["protocol_import", "protocol_import"]


@pytest.mark.parametrize(
    ("damage", "field"),
    [
        (lambda d: d.update(format="something/else"), "format"),
        (lambda d: d.pop("trial"), "trial"),
        (lambda d: d["criteria"][0].update(state="maybe"), "criteria[0].state"),
        (lambda d: d["criteria"][2]["criterion"]["params"].update(value="nine"),
         "criteria[2].criterion.params.value"),
        (lambda d: d["criteria"][1]["criterion"].update(type="both"),
         "criteria[1].criterion.type"),
        (lambda d: d["criteria"][3].update(auto=None), "criteria[3].auto"),
        (lambda d: d["criteria"][4]["criterion"].update(kind="crystal_ball"),
         "criteria[4].criterion.kind"),
    ],
)
def test_a_damaged_protocol_file_is_refused_naming_the_json_path(
    tmp_path: Path, damage: Any, field: str
) -> None:
    with imported_store(tmp_path) as store:
        api.review_edit(store, TRIAL_ID, "inc-3", HB_EDIT, "cora")
        api.approve_protocol(store, TRIAL_ID, "cora")
        data = api.export_protocol(store, TRIAL_ID)
    damage(data)
    with pytest.raises(ReviewError) as info:
        protocol_from_json(data, api.vocabulary())
    assert info.value.field == field
