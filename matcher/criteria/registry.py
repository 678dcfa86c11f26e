"""Trial registry records: plain text as received, or ClinicalTrials.gov API v2 JSON.

Plain text (a registry page pasted or exported): the title is the first non-empty
line; "Sex: All", "Minimum Age: 6", "Maximum Age: 18 Years" are structured limits; the
eligibility text runs from an "Eligibility" / "Inclusion Criteria:" / "Patient Inclusion
Criteria:" heading to the next section that is not about eligibility ("Locations", "Contact
Information", ...). A text with no such heading and no other section of a page, that lists
items or says who is included or excluded, is an eligibility section exported on its own:
all of it is the eligibility text.

JSON: one study object ({"protocolSection": ...}) or a search result
({"studies": [...]}). A file that holds several studies is read with
`read_registry_all`, or one of them is picked with `study_id` ("FILE#NCT01234567").

Every error is a RegistryError naming the file and what was expected.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from matcher.criteria.reader import parse_criteria
from matcher.criteria.record import RegistryRecord
from matcher.errors import RegistryError
from matcher.model import Trial
from matcher.nlp.vocab import Vocabulary

__all__ = [
    "RegistryRecord",
    "load_trial",
    "parse_age",
    "read_registry",
    "read_registry_all",
    "read_registry_text",
    "read_registry_text_all",
    "record_to_trial",
]

_EXPECTED_FILE = "registry text with an eligibility section, or ClinicalTrials.gov API v2 JSON"
_EXPECTED_STUDY = 'a ClinicalTrials.gov API v2 study object ({"protocolSection": {...}})'
_NCT = re.compile(r"\bNCT\d{8}\b")


# ------------------------------------------------------------------------ public API


def read_registry(path: str | Path, study_id: str | None = None) -> RegistryRecord:
    """The one study in a file. `study_id` (or "FILE#NCT...") picks one of several."""
    file, selector = _split_selector(path)
    study_id = study_id or selector
    records = read_registry_all(file)
    return _pick(records, study_id, str(file))


def read_registry_all(path: str | Path) -> list[RegistryRecord]:
    """Every study in a file: one for plain text or a single JSON study."""
    file = Path(path)
    return read_registry_text_all(_read_file(file), str(file))


def read_registry_text(text: str, source: str, study_id: str | None = None) -> RegistryRecord:
    """One record from text already in memory; `source` names it in errors."""
    return _pick(read_registry_text_all(text, source), study_id, source)


def read_registry_text_all(text: str, source: str) -> list[RegistryRecord]:
    if not isinstance(text, str) or not text.strip():
        raise RegistryError("empty registry record", file=source, expected=_EXPECTED_FILE)
    stripped = text.lstrip("\ufeff").lstrip()
    if stripped.startswith(("{", "[")) or source.lower().endswith(".json"):
        return _read_json(stripped, source)
    return [_read_plain(text, source)]


def record_to_trial(record: RegistryRecord, vocabulary: Vocabulary | None = None) -> Trial:
    """The trial of a record, its criteria read with `vocabulary` (the run's,
    matcher.api.vocabulary; the packaged one by default)."""
    return Trial(
        trial_id=record.trial_id,
        title=record.title,
        criteria=parse_criteria(record, vocabulary),
        min_age_years=record.min_age_years,
        max_age_years=record.max_age_years,
        sex=record.sex,
        source=record.source,
    )


def load_trial(path: str | Path, study_id: str | None = None,
               vocabulary: Vocabulary | None = None) -> Trial:  # fmt: skip
    """Read a registry file and parse its criteria (with `vocabulary`, as record_to_trial)."""
    return record_to_trial(read_registry(path, study_id), vocabulary)


# ------------------------------------------------------------------------ files


def _split_selector(path: str | Path) -> tuple[Path, str | None]:
    """ "studies.json#NCT06904729" → (studies.json, "NCT06904729"), so that the CLI,
    which takes one path, can name one study of a search-result file."""
    text = str(path)
    if "#" in text and not Path(text).exists():
        file, _, selector = text.rpartition("#")
        return Path(file), selector.strip() or None
    return Path(text), None


def _read_file(path: Path) -> str:
    if not path.exists():
        raise RegistryError("file not found", file=str(path), expected=_EXPECTED_FILE)
    if not path.is_file():
        raise RegistryError("not a file", file=str(path), expected=_EXPECTED_FILE)
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RegistryError(
            f"not UTF-8 text (byte {exc.start})", file=str(path), expected=_EXPECTED_FILE
        ) from exc
    except OSError as exc:
        raise RegistryError(f"cannot read ({exc.strerror})", file=str(path)) from exc


def _pick(records: list[RegistryRecord], study_id: str | None, source: str) -> RegistryRecord:
    if study_id:
        for record in records:
            if record.trial_id.lower() == study_id.lower():
                return record
        raise RegistryError(
            "study not in file",
            file=source,
            received=study_id,
            expected="one of " + ", ".join(r.trial_id for r in records),
        )
    if len(records) == 1:
        return records[0]
    ids = ", ".join(r.trial_id for r in records[:10])
    raise RegistryError(
        f"the file holds {len(records)} studies ({ids}); choose one with "
        f"FILE#STUDY_ID (e.g. {source}#{records[0].trial_id}) or read them all",
        file=source,
    )


def _stem(source: str) -> str:
    return Path(source).stem or source


# ------------------------------------------------------------------------ ages and sex

_AGE = re.compile(
    r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>years?|yrs?|y|months?|mos?|weeks?|wks?|days?|d)?\b", re.I
)
_AGE_DIVISORS = {"y": 1.0, "m": 12.0, "w": 52.0, "d": 365.0}


def parse_age(value: str | None) -> float | None:
    """Registry age limit in years: "6 Years" → 6.0, "18 Months" → 1.5, "6" → 6.0,
    "N/A" / "" / None → None (no limit)."""
    if value is None:
        return None
    m = _AGE.search(str(value))
    if m is None:
        return None
    unit = (m["unit"] or "y").lower()[0]
    years = float(m["n"]) / _AGE_DIVISORS[unit]
    return years if math.isfinite(years) else None


def _sex(value: str | None) -> str | None:
    """ "All", "ALL", "Both" → "all"; "Female"/"FEMALE" → "female"; "Male" → "male"."""
    if not value:
        return None
    word = value.strip().lower()
    if word.startswith(("all", "both", "any")):
        return "all"
    if word.startswith(("female", "women", "woman")):
        return "female"
    if word.startswith(("male", "men", "man")):
        return "male"
    return None


# ------------------------------------------------------------------------ plain text

_ELIGIBILITY_HEADING = re.compile(
    r"^(?:eligibility(?:\s+criteria)?|participant\s+eligibility|criteria\s+for\s+eligibility)"
    r"\s*:?\s*$",
    re.I,
)
_CRITERIA_HEADING = re.compile(
    r"^(?:[^\x00-\x7F]+[\s:：]*)?"  # "入选标准 Inclusion Criteria:" in bilingual records
    r"(?:(?:key|main|major|principal|general)\s+)?(?:inclusion|exclusion)s?(?:\s+criteria)?\b"
    r"[^:]{0,40}:?"
    # "Patient Inclusion Criteria:", "Cystic Fibrosis Main Study Inclusion Criteria:",
    # "Participant-Related Exclusion Criteria:", "Primary Inclusion Criteria": words naming
    # whom or which part of the study the criteria are for. The line ends there, with a
    # colon unless it ends with "criteria", so that a title such as "Social Inclusion of
    # Older Adults" is not taken for the heading; and the words name a group, never say
    # "not", "meet" or "the following" as an item or a sentence does ("- Does not meet
    # inclusion criteria", "Patients meeting the following inclusion criteria:").
    r"|^(?:(?!(?:not|no|none|does|doesn'?t|do|meets?|meeting|met|lack|all|any|above|"
    r"following|these|the|of|who|must)\b)[\w'’/().,&-]+\s+){1,6}(?:inclusion|exclusion)s?"
    r"(?:\s+criteri(?:a|on)(?:\s*\([^()]{0,60}\))?\s*[:：]?|(?:\s*\([^()]{0,60}\))?\s*[:：])\s*$",
    re.I,
)
_CRITERIA_FOR_HEADING = re.compile(
    r"^(?:(?:key|main|major|principal|general)\s+)?criteria\s+for\s+[^:：]{1,80}"
    r"\b(?:patients?|participants?|subjects?|volunteers|controls|children|adults|cohort|group|"
    r"arm|part)\b[^:：]{0,20}[:：]",
    re.I,
)
# Sections of a registry page that end the eligibility text.
_STOP_HEADINGS = (
    "locations", "other locations", "study locations", "contact information", "contacts",
    "contacts and locations", "central contact", "time frame", "sponsors", "sponsor",
    "sponsors and collaborators", "collaborators", "investigators", "participants",
    "treatments", "arms", "arms and interventions", "interventions", "outcome measures",
    "primary outcome", "primary outcome measures", "secondary outcome measures",
    "study design", "design details", "references", "publications", "more information",
    "links", "ipd sharing statement", "documents", "study record dates", "summary",
    "brief summary", "detailed description", "conditions", "keywords",
    "groups and cohorts", "tracking information", "descriptive information",
    "recruitment information", "administrative information", "study details",
)  # fmt: skip
_STOP = re.compile(
    r"^(?:" + "|".join(re.escape(h) for h in _STOP_HEADINGS) + r")\s*:?\s*$"
    r"|^this\s+content\s+was\s+sourced\s+from",
    re.I,
)
# Any line that opens another section of a registry page, with its content or without:
# "Locations", "Locations: Seattle".
_PAGE_SECTION = re.compile(
    r"^(?:" + "|".join(re.escape(h) for h in _STOP_HEADINGS) + r")\s*(?::|$)", re.I
)
# An eligibility section says who is included, excluded or (in)eligible, or lists its
# criteria as items: stray text ("no criteria here") is not one.
_ELIGIBILITY_EVIDENCE = re.compile(
    r"inclu|exclu|eligib"
    r"|^[ \t]*(?:[-*•∙‣⁃·●○◦▪■□➢►⦁➤▸✓]|\(?\d{1,2}[.)]|\(?[a-z][.)])[ \t]+\S",
    re.I | re.M,
)
_FIELD = {
    "sex": re.compile(
        r"^\s*(?:sex|gender|sexes\s+eligible(?:\s+for\s+study)?|genders?\s+eligible"
        r"(?:\s+for\s+study)?)\s*:\s*(?P<v>.+?)\s*$",
        re.I,
    ),
    "min": re.compile(r"^\s*minimum\s+age\s*:\s*(?P<v>.+?)\s*$", re.I),
    "max": re.compile(r"^\s*maximum\s+age\s*:\s*(?P<v>.+?)\s*$", re.I),
    "ages": re.compile(r"^\s*ages?\s+eligible(?:\s+for\s+study)?\s*:\s*(?P<v>.+?)\s*$", re.I),
}
# Lines of the eligibility block that are page furniture or structured fields.
_FURNITURE = re.compile(
    r"^(?:participation\s+requirements|view|eligibility\s+criteria|criteria)\s*:?\s*$"
    r"|^(?:sex|gender|sexes\s+eligible|genders?\s+eligible|minimum\s+age|maximum\s+age|"
    r"ages?\s+eligible|healthy\s+volunteers|accepts\s+healthy\s+volunteers|sampling\s+method)"
    r"\b[^:]{0,20}:",
    re.I,
)


# The labels of the structured limits. The classic registry page, copied as flat text,
# puts them on one line: "Minimum Age: 18 Years Maximum Age: 99 Years Sex: All Gender
# Based: No"; read as one field, the maximum age and the sex were lost.
_FIELD_LABEL = (
    r"(?:minimum\s+age|maximum\s+age|sex|gender(?:\s+based)?|sexes\s+eligible(?:\s+for\s+study)?|"
    r"genders?\s+eligible(?:\s+for\s+study)?|ages?\s+eligible(?:\s+for\s+study)?|"
    r"(?:accepts\s+)?healthy\s+volunteers|sampling\s+method)\s*:"
)
_FIELD_LINE = re.compile(rf"^\s*{_FIELD_LABEL}", re.I)
# Only from the start of a run of blanks: from inside one, each start would rescan the run
# ("Sex:" and 50,000 spaces is quadratic).
_NEXT_FIELD = re.compile(rf"(?<!\s)\s+(?={_FIELD_LABEL})", re.I)


def _field_segments(line: str) -> list[str]:
    """A line of structured fields cut before each label; any other line whole."""
    return _NEXT_FIELD.split(line) if _FIELD_LINE.match(line) else [line]


def _fields(lines: list[str], patterns: dict[str, re.Pattern[str]] | None = None
            ) -> dict[str, str]:
    """The first value of each field (`patterns`, default the structured limits) in `lines`."""
    found: dict[str, str] = {}
    for line in lines:
        for segment in _field_segments(line) if patterns is None else [line]:
            for name, pattern in (patterns or _FIELD).items():
                m = pattern.match(segment)
                if m and name not in found:
                    found[name] = m["v"]
    return found


# "Criteria: Inclusion Criteria:": the page's label of the eligibility field before the
# section's heading, on one line. Unlabelled, the heading is the line's start again.
_CRITERIA_LABEL = re.compile(r"^\s*(?:eligibility\s+)?criteria\s*:\s*(?=\S)", re.I)


def _without_criteria_label(line: str) -> str:
    m = _CRITERIA_LABEL.match(line)
    if m is not None and _CRITERIA_HEADING.match(line[m.end():].strip()):
        return line[m.end():]
    return line


def _age_limits(fields: dict[str, str]) -> tuple[float | None, float | None]:
    """ "Minimum Age: 6" / "Maximum Age: 18 Years", or the classic one-line form
    "Ages Eligible for Study: 6 Years to 18 Years (Child, Adult)"."""
    low, high = parse_age(fields.get("min")), parse_age(fields.get("max"))
    ages = fields.get("ages")
    if ages and low is None and high is None:
        parts = re.split(r"\s+(?:to|-)\s+|\s+and\s+(?:older|up)", ages, maxsplit=1, flags=re.I)
        if re.match(r"\s*up\s+to", ages, re.I):
            high = parse_age(ages)
        else:
            low = parse_age(parts[0])
            high = parse_age(parts[1]) if len(parts) > 1 else None
    return low, high


def _eligibility_lines(lines: list[str]) -> list[str] | None:
    """The lines from the eligibility heading to the next section, furniture removed.
    An "Inclusion Criteria:" heading is kept: the criteria parser needs it. A page's
    "Eligibility" heading is looked for first, so that a description sentence ending in
    "... the following inclusion criteria:" does not open the section early."""
    stripped = [line.strip() for line in lines]
    start = next((i + 1 for i, s in enumerate(stripped) if _ELIGIBILITY_HEADING.match(s)), None)
    if start is None:
        start = next((i for i, s in enumerate(stripped) if _CRITERIA_HEADING.match(s)), None)
    if start is None:
        # "Key Criteria for Healthy Volunteers: Subject must be ...": only when nothing
        # names inclusion or exclusion, so that "Criteria for evaluation:" in a
        # description never opens the section before the real heading.
        start = next((i for i, s in enumerate(stripped) if _CRITERIA_FOR_HEADING.match(s)),
                     None)  # fmt: skip
    if start is None:
        # ClinicalTrials.gov's eligibility field exported on its own, with no page around
        # it, may open with a heading not known here ("Subjects will be included if:"), a
        # sentence, or the first criterion: then all of it is the eligibility text. A page
        # (it has other sections, "Summary", "Locations: ...") without a heading has none.
        if any(_PAGE_SECTION.match(s) for s in stripped):
            return None
        if not _ELIGIBILITY_EVIDENCE.search("\n".join(lines)):
            return None
        start = 0
    block: list[str] = []
    for line in lines[start:]:
        if _STOP.match(line.strip()):
            break
        if not _FURNITURE.match(line.strip()):
            block.append(line.rstrip())
    return block


def _trial_id(text: str, source: str) -> str:
    """A labelled NCT number, else the file's own NCT stem, else any NCT in the text,
    else the file stem ("DEV-LN-2.txt" → "DEV-LN-2")."""
    labelled = re.search(
        r"(?:NCT\s+(?:number|id)|clinicaltrials\.gov\s+(?:identifier|id)|study\s+id)\s*:?\s*"
        r"(NCT\d{8})",
        text,
        re.I,
    )
    if labelled:
        return labelled[1].upper()
    stem = _stem(source)
    if _NCT.fullmatch(stem):
        return stem
    found = _NCT.search(text)
    return found[0] if found else stem


def _read_plain(text: str, source: str) -> RegistryRecord:
    lines = [_without_criteria_label(line) for line in text.lstrip("\ufeff").splitlines()]
    title = next((line.strip() for line in lines if line.strip()), "")
    block = _eligibility_lines(lines)
    if block is None or not "\n".join(block).strip():
        raise RegistryError(
            "no eligibility criteria found",
            file=source,
            expected="an 'Eligibility' or 'Inclusion Criteria:' heading followed by criteria",
        )
    fields = _fields(lines)
    low, high = _age_limits(fields)
    return RegistryRecord(
        trial_id=_trial_id(text, source),
        title=title,
        eligibility_text="\n".join(block).strip("\n"),
        min_age_years=low,
        max_age_years=high,
        sex=_sex(fields.get("sex")),
        source=source,
        **_plain_portfolio_fields(lines),
    )


# ------------------------------------------------------------------------ JSON


def _read_json(text: str, source: str) -> list[RegistryRecord]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RegistryError(
            f"invalid JSON ({exc.msg})", file=source, line=exc.lineno, expected=_EXPECTED_STUDY
        ) from exc
    studies, where = _studies(data, source)
    if not studies:
        raise RegistryError(
            "no studies in the file", file=source, field=where or None, expected=_EXPECTED_STUDY
        )
    single = isinstance(data, dict) and "studies" not in data
    return [
        _read_study(study, source, "" if single else f"{where}[{index}].", index)
        for index, study in enumerate(studies)
    ]


def _studies(data: Any, source: str) -> tuple[list[Any], str]:
    if isinstance(data, list):
        return data, ""
    if isinstance(data, dict) and "studies" in data:
        if not isinstance(data["studies"], list):
            raise RegistryError(
                "'studies' is not a list",
                file=source,
                field="studies",
                received=type(data["studies"]).__name__,
                expected="a list of study objects",
            )
        return data["studies"], "studies"
    if isinstance(data, dict):
        return [data], ""
    raise RegistryError(
        "JSON is not a study",
        file=source,
        received=type(data).__name__,
        expected=_EXPECTED_STUDY,
    )


def _module(section: dict[str, Any], name: str) -> dict[str, Any]:
    module = section.get(name)
    return module if isinstance(module, dict) else {}


def _read_study(study: Any, source: str, where: str, index: int) -> RegistryRecord:
    section = study.get("protocolSection") if isinstance(study, dict) else None
    if not isinstance(section, dict):
        raise RegistryError(
            "JSON without protocolSection",
            file=source,
            field=f"{where}protocolSection",
            expected=_EXPECTED_STUDY,
        )
    ident = _module(section, "identificationModule")
    eligibility = _module(section, "eligibilityModule")
    org_id = _module(ident, "orgStudyIdInfo").get("id")
    trial_id = str(ident.get("nctId") or org_id or f"{_stem(source)}-{index + 1}")
    text = eligibility.get("eligibilityCriteria")
    if not isinstance(text, str) or not text.strip():
        raise RegistryError(
            f"study {trial_id} has no eligibility text",
            file=source,
            field=f"{where}protocolSection.eligibilityModule.eligibilityCriteria",
            expected="the criteria text",
        )
    title = ident.get("briefTitle") or ident.get("officialTitle") or trial_id
    return RegistryRecord(
        trial_id=trial_id,
        title=str(title),
        eligibility_text=text.strip("\n"),
        min_age_years=parse_age(eligibility.get("minimumAge")),
        max_age_years=parse_age(eligibility.get("maximumAge")),
        sex=_sex(eligibility.get("sex")),
        source=source,
        **_json_portfolio_fields(section),
    )


# ------------------------------------------------------------------------ portfolio fields
# What a site's list of trials shows (issue 17): recruitment status, phase, conditions,
# sites, last update. A record that does not say leaves them empty; none of them is needed
# to read the criteria, so a field of an unexpected shape is left empty, never an error.

_PLAIN_PORTFOLIO = {
    "status": re.compile(
        r"^\s*(?:overall\s+|recruitment\s+|study\s+)?status\s*:\s*(?P<v>.+?)\s*$", re.I),
    "phase": re.compile(r"^\s*(?:study\s+)?phases?\s*:\s*(?P<v>.+?)\s*$", re.I),
    "conditions": re.compile(r"^\s*conditions?\s*:\s*(?P<v>.+?)\s*$", re.I),
    "last_update": re.compile(
        r"^\s*last\s+(?:update\s+posted|updated?|update\s+submitted)\s*(?:date)?\s*:\s*"
        r"(?P<v>.+?)\s*$", re.I),
}


def _status_code(value: Any) -> str | None:
    """CT.gov's spelling of a recruitment status: "Active, not recruiting" and
    "ACTIVE_NOT_RECRUITING" are both "ACTIVE_NOT_RECRUITING"."""
    if not isinstance(value, str) or not value.strip():
        return None
    return re.sub(r"[^A-Z0-9]+", "_", value.strip().upper()).strip("_") or None


def _iso_date(value: Any) -> str | None:
    """An ISO date ("2025-03-14", or "2025-03" as CT.gov writes a month) from the forms
    registries use ("March 14, 2025", "2025-03-14"); None when it does not read."""
    import datetime as dt

    if not isinstance(value, str):
        return None
    text = value.strip()
    if re.fullmatch(r"\d{4}-\d{2}(?:-\d{2})?", text):
        return text
    for form in ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%B %Y"):
        try:
            parsed = dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
        return parsed.isoformat() if "%d" in form else parsed.isoformat()[:7]  # a month
    return None


def _plain_portfolio_fields(lines: list[str]) -> dict[str, Any]:
    found = _fields(lines, _PLAIN_PORTFOLIO)
    conditions = found.get("conditions")
    return {
        "status": _status_code(found.get("status")),
        "phase": found.get("phase"),
        "conditions": tuple(c.strip() for c in conditions.split(";") if c.strip())
        if conditions else (),
        "last_update": _iso_date(found.get("last_update")),
    }


def _json_portfolio_fields(section: dict[str, Any]) -> dict[str, Any]:
    status = _module(section, "statusModule")
    phases = _module(section, "designModule").get("phases")
    conditions = _module(section, "conditionsModule").get("conditions")
    locations = _module(section, "contactsLocationsModule").get("locations")
    updated = _module(status, "lastUpdatePostDateStruct").get("date") or status.get(
        "lastUpdateSubmitDate")
    sites = []
    for place in locations if isinstance(locations, list) else []:
        if isinstance(place, dict):
            words = [str(place[k]) for k in ("facility", "city", "country")
                     if isinstance(place.get(k), str) and place[k].strip()]
            if words:
                sites.append(", ".join(words))
    return {
        "status": _status_code(status.get("overallStatus")),
        "phase": (", ".join(p for p in phases if isinstance(p, str)) or None)
        if isinstance(phases, list) else None,
        "conditions": tuple(c for c in conditions if isinstance(c, str))
        if isinstance(conditions, list) else (),
        "sites": tuple(sites),
        "last_update": _iso_date(updated),
    }
