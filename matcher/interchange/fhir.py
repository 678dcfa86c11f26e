"""FHIR R4 in: Bundles (one JSON document) and bulk `$export` NDJSON (one resource a line).

Each resource is validated with the `fhir.resources` models of FHIR R4B (the package's
top-level models are R5; R4B is wire-compatible with R4 for every resource read here), then
read into the contract's items (`matcher.interchange.records`):

- `Patient` -> Patient (birthDate, gender: "female" -> "F", "male" -> "M", others unknown);
- `DocumentReference` (content[].attachment) and `DiagnosticReport` (presentedForm[],
  conclusion) -> a note Row: text/plain, or text/html rendered to text; inline base64
  `data` (an attachment given only by `url` is a reject: nothing is fetched); the note date
  from `date` / `effectiveDateTime` / `issued`; checked as a JSONL note row is;
- `Observation` -> CodedFact (LOINC code, valueQuantity with its UCUM unit, or a coded /
  text answer; referenceRange; effective[x]; status, so that entered-in-error and
  cancelled are skipped and counted by the loader);
- `MedicationStatement` / `MedicationRequest` / `MedicationAdministration` -> CodedFact
  (RxNorm / ATC in medicationCodeableConcept, or a Medication given by reference in the
  same file or contained; period, dose);
- `Condition` -> CodedFact (SNOMED CT / ICD-10; verification status refuted or
  entered-in-error makes it negated; clinical status inactive / resolved historical);
- `Procedure` -> CodedFact (kidney biopsy with its date).

Other resource types are counted (`FhirReader.ignored`) and skipped. A resource that fails
validation is a Reject naming file, line (the NDJSON line, or the entry's 1-based index in a
Bundle), resource type and id and the field; never the field's value.

Codes are mapped to our concepts through the vocabulary's own codes (`code`, and
`attrs.also_codes`), preferring the concept category the resource stands for (an
Observation is a lab, a Procedure a procedure: SNOMED 9911007 is both "kidney biopsy" the
procedure and the biopsy finding). ICD-10 and ATC codes are hierarchical, so a code not in
the vocabulary is looked up by its parents ("M32.14" -> "M32.1" -> "M32"): the parent is
what the code is, never a guess. Any other unknown code stays unmapped (concept None).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterator
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from matcher.errors import ConfigurationError
from matcher.interchange.records import CodedFact, InterchangeItem
from matcher.model import Patient
from matcher.nlp.vocab import Vocabulary
from matcher.store.ingest import Reject, _BadRow, _note_row, _Record, file_label

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ATC = "http://www.whocc.no/atc"
ICD10 = ("http://hl7.org/fhir/sid/icd-10", "http://hl7.org/fhir/sid/icd-10-cm")
UCUM = "http://unitsofmeasure.org"
# Our vocabulary's code prefixes by FHIR system.
_PREFIX = {LOINC: "LOINC", SNOMED: "SNOMED", RXNORM: "RxNorm", ATC: "ATC", ICD10[0]: "ICD10",
           ICD10[1]: "ICD10"}  # fmt: skip
_HIERARCHICAL = frozenset({"ICD10", "ATC"})
# The concept categories each resource type stands for, in order of preference.
_CATEGORIES = {
    "Observation": ("lab", "score", "status"),
    "Condition": ("diagnosis", "status"),
    "Procedure": ("procedure", "biopsy"),
    "Medication": ("drug", "drug_class"),
}
_NOTE_TYPES = ("DocumentReference", "DiagnosticReport")
_MEDICATION_TYPES = ("MedicationStatement", "MedicationRequest", "MedicationAdministration")
READ_TYPES = frozenset({"Patient", "Observation", "Condition", "Procedure", "Medication",
                        *_NOTE_TYPES, *_MEDICATION_TYPES})  # fmt: skip
_GENDER = {"female": "F", "male": "M"}
_SNIFF_BYTES = 4096
_RESOURCE_TYPE = re.compile(rb'"resourceType"\s*:\s*"([A-Za-z]+)"')


@cache
def _model(resource_type: str) -> Any:
    """The R4B model class of a resource type (imported on first use: the package is large)."""
    module = __import__(f"fhir.resources.R4B.{resource_type.lower()}", fromlist=[resource_type])
    return getattr(module, resource_type)


def looks_like_fhir(path: Path) -> bool:
    """Whether a file is FHIR JSON: its first line an object naming its `resourceType` (a
    bulk NDJSON export), or the first lines of one JSON document naming it (a Bundle). A
    JSONL note export's rows have no resourceType; a note text that quotes one is inside a
    string, never a key of the row."""
    try:
        with path.open("rb") as fh:
            head = fh.read(_SNIFF_BYTES)
    except OSError:
        return False
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    if text[:1] != b"{":
        return False
    first = text.split(b"\n", 1)[0]
    try:
        data = json.loads(first)
    except ValueError:  # a pretty-printed document: its resourceType is a key of its own
        return re.match(rb'\{\s*"resourceType"\s*:', text) is not None or (
            _RESOURCE_TYPE.search(text) is not None and b'"entry"' in text)
    return isinstance(data, dict) and isinstance(data.get("resourceType"), str)


class FhirReader:
    """Reads FHIR files into interchange items; `ignored` counts resource types skipped."""

    def __init__(self, vocabulary: Vocabulary, *, today: dt.date | None = None) -> None:
        self.vocabulary = vocabulary
        self.today = today or dt.date.today()
        self.ignored: Counter[str] = Counter()
        self._codes = _code_index(vocabulary)

    def read(self, path: str | Path) -> Iterator[InterchangeItem]:
        path = Path(path)
        name = file_label(path)
        try:
            bundle = _is_bundle(path)
        except OSError as exc:
            raise ConfigurationError(f"cannot read the file: {exc.strerror}", file=name) from exc
        if bundle:
            yield from self._bundle(path, name)
        else:
            yield from self._ndjson(path, name)

    # --- files ---------------------------------------------------------------------------

    def _ndjson(self, path: Path, name: str) -> Iterator[InterchangeItem]:
        medications: dict[str, dict[str, Any]] = {}
        with path.open("rb") as fh:
            for number, raw in enumerate(fh, start=1):
                if not raw.strip():
                    continue
                data = _decode(raw.removeprefix(b"\xef\xbb\xbf") if number == 1 else raw)
                if isinstance(data, str):
                    yield Reject(name, number, data, raw)
                    continue
                yield from self._resource(data, name, number, raw, medications, {})

    def _bundle(self, path: Path, name: str) -> Iterator[InterchangeItem]:
        raw = path.read_bytes()
        data = _decode(raw.removeprefix(b"\xef\xbb\xbf"))
        if isinstance(data, str) or data.get("resourceType") != "Bundle":
            raise ConfigurationError(
                "not a FHIR Bundle: " + (data if isinstance(data, str) else "no Bundle"),
                file=name,
                expected="a FHIR R4 Bundle (JSON) or NDJSON, one resource a line",
            )
        entries = data.get("entry") or []
        if not isinstance(entries, list):
            raise ConfigurationError("field 'entry' is not a list", file=name)
        # urn:uuid references name an entry by its fullUrl: resolved to "Patient/<id>".
        full_urls: dict[str, str] = {}
        medications: dict[str, dict[str, Any]] = {}
        for entry in entries:
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if isinstance(resource, dict) and isinstance(entry.get("fullUrl"), str):
                full_urls[entry["fullUrl"]] = f"{resource.get('resourceType')}/{resource.get('id')}"
                if resource.get("resourceType") == "Medication":
                    medications[entry["fullUrl"]] = resource
        for index, entry in enumerate(entries, start=1):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if not isinstance(resource, dict):
                yield Reject(name, index, f"entry {index}: no 'resource' object")
                continue
            blob = json.dumps(resource).encode("utf-8", "surrogatepass")
            yield from self._resource(resource, name, index, blob, medications, full_urls)

    # --- resources -----------------------------------------------------------------------

    def _resource(
        self,
        data: dict[str, Any],
        name: str,
        line: int,
        raw: bytes,
        medications: dict[str, dict[str, Any]],
        full_urls: dict[str, str],
    ) -> Iterator[InterchangeItem]:
        kind = data.get("resourceType")
        if not isinstance(kind, str):
            yield Reject(name, line, "missing field 'resourceType'", raw)
            return
        if kind not in READ_TYPES:
            self.ignored[kind] += 1
            return
        label = _label(kind, data.get("id"))
        try:
            res = _model(kind).model_validate(data)
        except ValidationError as exc:
            yield Reject(name, line, f"{label}: {_validation_reason(exc)}", raw)
            return
        if res.id is None:
            yield Reject(name, line, f"{kind}: missing field 'id'", raw)
            return
        if kind == "Medication":
            medications[f"Medication/{res.id}"] = data
            return
        try:
            if kind == "Patient":
                yield Patient(_id(res.id), _full_date(res.birthDate), _GENDER.get(res.gender or ""))
                return
            patient_id = _subject(res, full_urls)
            source = f"{kind}/{res.id}"
            if kind in _NOTE_TYPES:
                yield self._note(kind, res, patient_id, source, name, line, raw)
            elif kind == "Observation":
                yield self._observation(res, patient_id, source, name, line)
            elif kind in _MEDICATION_TYPES:
                yield self._medication(kind, res, patient_id, source, name, line, medications)
            elif kind in ("Condition", "Procedure"):
                system, code, concept, display = self._coded(res.code, kind)
                when, status, attrs = (_condition if kind == "Condition" else _procedure)(res)
                yield CodedFact(patient_id, source, name, line, system, code, concept, when,
                                display=display, status=status, attrs=attrs)  # fmt: skip
        except _BadRow as exc:
            yield Reject(name, line, f"{label}: {exc}", raw)

    def _note(
        self, kind: str, res: Any, patient_id: str, source: str, name: str, line: int, raw: bytes
    ) -> InterchangeItem:
        if kind == "DocumentReference":
            attachments = [c.attachment for c in res.content or []]
            when = res.date or (res.context.period.start if res.context and res.context.period
                                else None)  # fmt: skip
            note_type = _text_of(res.type)
        else:
            attachments = list(res.presentedForm or [])
            when = res.effectiveDateTime or (res.effectivePeriod.start if res.effectivePeriod
                                             else None) or res.issued  # fmt: skip
            note_type = _text_of(res.code)
        text = _attachment_text(attachments)
        if text is None and kind == "DiagnosticReport" and res.conclusion:
            text = res.conclusion
        if text is None:
            raise _BadRow("no text/plain or text/html attachment with inline 'data'")
        if when is None:
            field = "date" if kind == "DocumentReference" else "effectiveDateTime"
            raise _BadRow(f"missing field {field!r}")
        fields = {"patient_id": patient_id, "note_id": source, "note_date": _day(when).isoformat(),
                  "text": text, "note_type": note_type}  # fmt: skip
        try:
            return _note_row(name, _Record(line, fields, raw), self.today)
        except _BadRow as exc:
            raise _BadRow(str(exc).replace("'note_date'", "'date'")) from None

    def _observation(
        self, res: Any, patient_id: str, source: str, name: str, line: int
    ) -> CodedFact:
        system, code, concept, display = self._coded(res.code, "Observation")
        when = res.effectiveDateTime or res.effectiveInstant or (
            res.effectivePeriod.start if res.effectivePeriod else None) or res.issued
        value: float | str | None = None
        unit = None
        if res.valueQuantity is not None and res.valueQuantity.value is not None:
            value = float(res.valueQuantity.value)
            quantity = res.valueQuantity
            unit = quantity.code if quantity.system == UCUM and quantity.code else quantity.unit
        elif res.valueCodeableConcept is not None:
            value = _text_of(res.valueCodeableConcept)
        elif res.valueString is not None:
            value = res.valueString
        low = high = None
        if res.referenceRange:
            ranges = res.referenceRange[0]
            low = float(ranges.low.value) if ranges.low and ranges.low.value is not None else None
            high = (float(ranges.high.value) if ranges.high and ranges.high.value is not None
                    else None)  # fmt: skip
        attrs: dict[str, Any] = {}
        if res.interpretation:
            attrs["interpretation"] = _code_of(res.interpretation[0])
        return CodedFact(patient_id, source, name, line, system, code, concept,
                         _day(when) if when else None, value, unit, low, high, display,
                         res.status, attrs)  # fmt: skip

    def _medication(
        self,
        kind: str,
        res: Any,
        patient_id: str,
        source: str,
        name: str,
        line: int,
        medications: dict[str, dict[str, Any]],
    ) -> CodedFact:
        coded = res.medicationCodeableConcept
        if coded is None and res.medicationReference is not None:
            ref = res.medicationReference.reference or ""
            found = medications.get(ref)
            if found is None and ref.startswith("#"):
                found = next((c.model_dump() for c in res.contained or []
                              if c.id == ref[1:]), None)  # fmt: skip
            if found is None:
                raise _BadRow("field 'medicationReference' names no Medication in the file")
            coded = _model("Medication").model_validate(found).code
        system, code, concept, display = self._coded(coded, "Medication")
        start = stop = None
        dose = dose_unit = None
        status = res.status
        attrs: dict[str, Any] = {}
        if kind == "MedicationStatement":
            start, stop = _period(res.effectiveDateTime, res.effectivePeriod)
            start = start or (_day(res.dateAsserted) if res.dateAsserted else None)
            dose, dose_unit = _dose(res.dosage)
            if status == "not-taken":
                attrs["assertion"] = "negated"
        elif kind == "MedicationRequest":
            bounds = None
            for instruction in res.dosageInstruction or []:
                timing = instruction.timing
                if timing and timing.repeat and timing.repeat.boundsPeriod:
                    bounds = timing.repeat.boundsPeriod
                    break
            start, stop = _period(None, bounds)
            start = start or (_day(res.authoredOn) if res.authoredOn else None)
            dose, dose_unit = _dose(res.dosageInstruction)
        else:  # MedicationAdministration: one given dose
            start, stop = _period(res.effectiveDateTime, res.effectivePeriod)
            if res.dosage and res.dosage.dose and res.dosage.dose.value is not None:
                dose, dose_unit = float(res.dosage.dose.value), res.dosage.dose.unit
            attrs["single_dose"] = True
        attrs.update({"start": start, "stop": stop})
        if dose is not None:
            attrs.update({"dose": dose, "dose_unit": dose_unit})
        return CodedFact(patient_id, source, name, line, system, code, concept, start,
                         display=display, status=status, attrs=attrs)  # fmt: skip

    def _coded(self, concept: Any, kind: str) -> tuple[str, str, str | None, str | None]:
        """(system, code, our concept or None, display) of a CodeableConcept: the first
        coding that maps, else the first coding (kept unmapped)."""
        codings = [c for c in (concept.coding or []) if c.code] if concept is not None else []
        if not codings:
            raise _BadRow("field 'code' has no coding with a code")
        for coding in codings:
            found = self._concept(coding.system or "", coding.code, kind)
            if found is not None:
                return coding.system or "", coding.code, found, coding.display
        first = codings[0]
        return first.system or "", first.code, None, first.display

    def _concept(self, system: str, code: str, kind: str) -> str | None:
        prefix = _PREFIX.get(system)
        if prefix is None:
            return None
        candidates = [code]
        if prefix in _HIERARCHICAL:
            bare = code.replace(".", "")
            candidates += [bare[:n] if prefix == "ATC" else _icd(bare[:n])
                           for n in range(len(bare) - 1, 2, -1)]  # fmt: skip
        for candidate in candidates:
            found = self._codes.get(f"{prefix}:{candidate}")
            if found:
                for category in _CATEGORIES[kind]:
                    if category in found:
                        return found[category]
        return None


# --- helpers ------------------------------------------------------------------------------


def _condition(res: Any) -> tuple[dt.date | None, str | None, dict[str, Any]]:
    """(date, status, attrs) of a Condition: onset, else the recorded date; refuted or
    entered in error is negated, inactive / resolved / in remission historical."""
    start, _ = _period(res.onsetDateTime, res.onsetPeriod)
    when = start or (_day(res.recordedDate) if res.recordedDate else None)
    verification = _code_of(res.verificationStatus) if res.verificationStatus else None
    clinical = _code_of(res.clinicalStatus) if res.clinicalStatus else None
    attrs: dict[str, Any] = {}
    if verification in ("refuted", "entered-in-error"):
        attrs["assertion"] = "negated"
    elif clinical in ("inactive", "resolved", "remission"):
        attrs["assertion"] = "historical"
    if res.abatementDateTime:
        attrs["abatement"] = _day(res.abatementDateTime).isoformat()
    return when, clinical, attrs


def _procedure(res: Any) -> tuple[dt.date | None, str | None, dict[str, Any]]:
    when, _ = _period(res.performedDateTime, res.performedPeriod)
    return when, res.status, {}


def _code_index(vocabulary: Vocabulary) -> dict[str, dict[str, str]]:
    """"LOINC:1742-6" -> {category: concept id}, from each concept's code and also_codes
    (the first concept of a category keeps a code two concepts share)."""
    index: dict[str, dict[str, str]] = {}
    for concept in vocabulary.concepts.values():
        codes = [concept.code, *concept.attrs.get("also_codes", ())]
        for code in codes:
            if code:
                index.setdefault(code, {}).setdefault(concept.category, concept.id)
    return index


def _icd(bare: str) -> str:
    return bare if len(bare) <= 3 else f"{bare[:3]}.{bare[3:]}"


def _is_bundle(path: Path) -> bool:
    """NDJSON when the first line is a whole JSON object that is not a Bundle (a bulk export
    line); a Bundle when the file is one JSON document (pretty-printed: its first line is
    no JSON on its own; or one line whose object is a Bundle)."""
    with path.open("rb") as fh:
        first = b""
        for raw in fh:
            if raw.strip():
                first = raw.removeprefix(b"\xef\xbb\xbf")
                break
    try:
        data = json.loads(first)
    except ValueError:
        return True
    return isinstance(data, dict) and data.get("resourceType") == "Bundle"


def _decode(raw: bytes) -> dict[str, Any] | str:
    """A JSON object, or the reject reason (never quoting the line)."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        return f"not UTF-8 (byte {exc.start + 1})"
    except json.JSONDecodeError as exc:
        # Not the part after ": ": the pure-Python decoder appends the bad escape there.
        return f"invalid JSON: {exc.msg.partition(': ')[0]} at column {exc.colno}"
    except (ValueError, RecursionError) as exc:
        return f"invalid JSON: {type(exc).__name__}"
    if not isinstance(data, dict):
        return "the line is not a JSON object"
    return data


def _label(kind: str, resource_id: Any) -> str:
    if isinstance(resource_id, str) and resource_id.isprintable() and len(resource_id) <= 64:
        return f"{kind}/{resource_id}"
    return kind


def _validation_reason(exc: ValidationError) -> str:
    """The fields that failed, by path and error type: "field 'valueQuantity.value' is not
    valid (value_error)". Never the input (it may be PHI)."""
    parts = []
    for error in exc.errors()[:3]:
        where = ".".join(str(p) for p in error.get("loc", ()) if p != "__root__") or "resource"
        parts.append(f"field {where!r} is not valid ({error.get('type', 'error')})")
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def _id(value: str) -> str:
    if len(value) > 128 or not value.isprintable():
        raise _BadRow("field 'id' is not a usable id")
    return value


def _subject(res: Any, full_urls: dict[str, str]) -> str:
    subject = getattr(res, "subject", None) or getattr(res, "patient", None)
    reference = subject.reference if subject is not None else None
    if not reference:
        raise _BadRow("missing field 'subject.reference'")
    reference = full_urls.get(reference, reference)
    kind, _, patient_id = reference.rpartition("/")
    if not kind.endswith("Patient") or not patient_id:
        raise _BadRow("field 'subject.reference' does not name a Patient")
    return _id(patient_id)


def _day(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value)
    if len(text) >= 10:
        return dt.date.fromisoformat(text[:10])
    raise _BadRow("a date is not a full YYYY-MM-DD date")


def _full_date(value: Any) -> dt.date | None:
    if value is None:
        return None
    try:
        return _day(value)
    except (_BadRow, ValueError):
        return None  # a partial birth date ("1990") is no date to compute an age from


def _period(when: Any, period: Any) -> tuple[dt.date | None, dt.date | None]:
    if when is not None:
        return _day(when), None
    if period is not None:
        return (_day(period.start) if period.start else None,
                _day(period.end) if period.end else None)  # fmt: skip
    return None, None


def _dose(dosages: Any) -> tuple[float | None, str | None]:
    for dosage in dosages or []:
        for rate in dosage.doseAndRate or []:
            quantity = rate.doseQuantity
            if quantity is not None and quantity.value is not None:
                return float(quantity.value), quantity.code or quantity.unit
    return None, None


def _code_of(concept: Any) -> str | None:
    for coding in concept.coding or []:
        if coding.code:
            return coding.code
    return None


def _text_of(concept: Any) -> str | None:
    if concept is None:
        return None
    if concept.text:
        return concept.text
    for coding in concept.coding or []:
        if coding.display or coding.code:
            return coding.display or coding.code
    return None


def _attachment_text(attachments: list[Any]) -> str | None:
    """The first text/plain attachment's text, else the first text/html one's rendered."""
    found: dict[str, str] = {}
    for attachment in attachments:
        kind, _, params = (attachment.contentType or "").partition(";")
        kind = kind.strip().lower()
        if kind not in ("text/plain", "text/html") or kind in found:
            continue
        if attachment.data is None:
            if attachment.url:
                raise _BadRow("attachment given by 'url' only; nothing is fetched")
            continue
        # The model has decoded the base64 already (a bad padding is a validation reject);
        # characters outside the alphabet decode to nothing, so empty data is a reject too.
        blob = attachment.data
        if isinstance(blob, str):
            try:
                blob = base64.b64decode(blob, validate=True)
            except binascii.Error:
                raise _BadRow("field 'attachment.data' is not base64") from None
        if not blob:
            raise _BadRow("field 'attachment.data' is empty or not base64")
        charset = _charset(params)
        try:
            found[kind] = blob.decode(charset)
        except UnicodeDecodeError:
            raise _BadRow(f"field 'attachment.data' is not {charset} text") from None
        except LookupError:
            raise _BadRow("field 'attachment.contentType' names an unknown charset") from None
    if "text/plain" in found:
        return found["text/plain"]
    if "text/html" in found:
        return html_to_text(found["text/html"])
    return None


def _charset(params: str) -> str:
    match = re.search(r"charset\s*=\s*\"?([\w.-]+)", params, re.IGNORECASE)
    return match.group(1) if match else "utf-8"


class _HtmlText(HTMLParser):
    _BLOCKS = frozenset({"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6",
                         "table", "ul", "ol", "section", "pre", "hr"})  # fmt: skip
    _SKIP = frozenset({"script", "style", "head", "title"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skipping = 0

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self._SKIP:
            self._skipping += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")
        elif tag in ("td", "th"):
            self.parts.append("  ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self._skipping = max(0, self._skipping - 1)
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Text of an HTML note as a person reads it: block elements on their own lines, table
    cells apart, scripts and styles dropped, entities decoded ("&lt;" -> "<")."""
    parser = _HtmlText()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)  # entities already decoded (convert_charrefs)
    lines = [re.sub(r"[ \t\xa0]+", " ", line).strip() for line in text.splitlines()]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
