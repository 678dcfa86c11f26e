"""`matcher` command line: parses arguments, calls matcher.api, prints.

Exit codes: 0 success, 1 the input was wrong (the message says where), 2 usage.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from pathlib import Path
from typing import Any

import click

from matcher import api
from matcher.errors import ConfigurationError, MatcherError
from matcher.judge.outcome import (
    OUTCOME_COLUMNS,
    OUTCOME_MARKS,
    outcome_counts,
    result_outcome,
)


class _Date(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: Any, ctx: Any) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"{value!r} is not a date in the form YYYY-MM-DD", param, ctx)


DATE = _Date()
DB_OPTION = click.option(
    "--db",
    "db",
    envvar="MATCHER_DB",
    default=None,
    help="SQLite database file (env MATCHER_DB; default ./matcher.db).",
)
AS_OF_OPTION = click.option(
    "--as-of", "as_of", type=DATE, default=None, help="Screening date (default: today)."
)
NO_MODEL_OPTION = click.option(
    "--no-model", "no_model", is_flag=True,
    help="Rank without the eligibility model (models/eligibility-v1) and show no probability.",
)


def _store(db: str | None, *, create: bool = False):
    """The database. Only a command that writes (ingest) creates it: a command that reads,
    pointed at a mistyped path, must fail rather than print 0 patients from a new file."""
    from matcher.store import Store

    return Store.open_default(db) if create else Store.open_existing(db)


def _today(as_of: dt.date | None) -> dt.date:
    return as_of or dt.date.today()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="matcher")
def cli() -> None:
    """Match patients' clinic notes against clinical-trial eligibility criteria."""


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--patients",
    "patients_file",
    type=click.Path(path_type=Path),
    default=None,
    help="Separate demographics file (patient_id, birth_date, sex).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(api.INPUT_FORMATS),
    default="auto",
    show_default=True,
    help="Input format: auto tells each file by its content; notes (JSONL/CSV), fhir (R4 "
    "Bundles or NDJSON), omop (CDM v5.4: a folder of table CSVs or a SQLite file).",
)
@DB_OPTION
def ingest(
    files: tuple[Path, ...], patients_file: Path | None, fmt: str, db: str | None
) -> None:
    """Load note exports (JSONL or CSV), FHIR R4 files or OMOP CDM exports and parse them
    into findings."""
    store = _store(db, create=True)
    report = api.ingest(list(files), store, patients_file=patients_file, fmt=fmt)
    click.echo(
        f"ingested {report.rows} rows from {len(report.files)} file(s): {report.new} new, "
        f"{report.changed} changed, {report.unchanged} unchanged; parsed {report.parsed} "
        f"note(s); rejected {report.rejected} row(s)"
        + (f"; parser failed on {len(report.parse_failed)} note(s)" if report.parse_failed else "")
    )
    if report.facts or report.skipped:
        click.echo(_coded_summary(report))
    for reject in report.rejects:
        click.echo(f"  rejected {reject.file}:{reject.line}: {reject.reason}", err=True)
    for note_id in report.parse_failed:
        # Loaded without findings, and tried again by the next ingest or nightly run.
        click.echo(f"  parser failed on note {note_id}: no findings until it parses", err=True)


def _coded_summary(report: Any) -> str:
    """One line on coded facts: "coded facts 14: 11 on the timeline (9 new, 2 unchanged),
    2 unmapped, 1 undated; values left out 1; skipped: entered-in-error 1" (counts only:
    codes and reasons are in the database's coded_facts table)."""
    outcomes = report.fact_outcomes
    loads = ", ".join(f"{n} {k}" for k, n in sorted(report.fact_loads.items()))
    parts = [f"{outcomes.get('timeline', 0)} on the timeline" + (f" ({loads})" if loads else "")]
    parts += [f"{n} {k}" for k, n in sorted(outcomes.items()) if k != "timeline"]
    line = f"coded facts {report.facts}: " + ", ".join(parts)
    if report.values_left_out:
        line += f"; values left out {sum(report.values_left_out.values())}"
    if report.skipped:
        line += "; skipped: " + ", ".join(f"{k} {n}" for k, n in sorted(report.skipped.items()))
    return line


@cli.group()
def trial() -> None:
    """Inspect trial records, review their criteria, share reviewed protocols."""


@trial.command("show")
@click.argument("trial_file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def trial_show(trial_file: Path, fmt: str) -> None:
    """Show the computable criteria parsed from a registry record."""
    from matcher.criteria import format_criteria_table, trial_to_json

    loaded = api.load_trial(trial_file)
    if fmt == "json":
        click.echo(json.dumps(trial_to_json(loaded, api.vocabulary()), indent=2,
                              ensure_ascii=False))
    else:
        click.echo(format_criteria_table(loaded, api.vocabulary()))


USER_OPTION = click.option(
    "--user", default=None,
    help="Who acts, for the audit trail and the version (default: your login name).",
)


def _user(user: str | None) -> str:
    import getpass

    return user or getpass.getuser()


@trial.command("review")
@click.argument("trial_id")
@DB_OPTION
@USER_OPTION
@click.option("--approve", "approve", multiple=True, metavar="ID",
              help="Confirm the engine's reading of criterion ID (repeatable).")
@click.option("--manual", "manual", multiple=True, metavar="ID",
              help="Set criterion ID manual (with --why; repeatable).")
@click.option("--why", default=None, help="The reason for --manual, or the note of --set.")
@click.option("--set", "set_id", default=None, metavar="ID",
              help="Edit criterion ID: key=value arguments follow (value=75 unit=10^9/L).")
@click.option("--add", "add", multiple=True, metavar="JSON",
              help='Add a criterion the reader missed: {"type", "kind", "text", "params"}.')
@click.option("--reset", "reset", multiple=True, metavar="ID",
              help="Back to the engine's reading, unreviewed (an added one is removed).")
@click.option("--approve-trial", "approve_trial", is_flag=True,
              help="After the actions: freeze the draft as the next protocol version.")
@click.option("--note", default="", help="The note of --approve-trial.")
@click.argument("assignments", nargs=-1, metavar="[KEY=VALUE]...")
def trial_review(
    trial_id: str, db: str | None, user: str | None, approve: tuple[str, ...],
    manual: tuple[str, ...], why: str | None, set_id: str | None, add: tuple[str, ...],
    reset: tuple[str, ...], approve_trial: bool, note: str, assignments: tuple[str, ...],
) -> None:
    """Review a trial's criteria: list them (id, type, state, kind, reading in plain words,
    registry text) and approve, set manual, edit, add or reset them; --approve-trial makes
    the draft the protocol that matching uses."""
    from matcher.errors import ReviewError
    from matcher.review import parse_assignments

    if assignments and set_id is None:
        raise click.UsageError("KEY=VALUE arguments edit a criterion: give --set ID first")
    if set_id is not None and not assignments:
        raise click.UsageError(f"--set {set_id}: give the edit as KEY=VALUE arguments")
    if manual and not (why or "").strip():
        raise click.UsageError("--manual needs --why TEXT (the reason a person checks it)")
    store = _store(db)
    who = _user(user)
    # One transaction: a refused edit undoes the command's other actions too, so a typo in
    # the last --set never leaves half of what was asked applied.
    done: list[str] = []  # told once the whole command is committed
    with store.transaction():
        for criterion_id in approve:
            api.review_approve(store, trial_id, criterion_id, who)
            done.append(f"{criterion_id}: approved")
        for criterion_id in manual:
            api.review_manual(store, trial_id, criterion_id, why or "", who)
            done.append(f"{criterion_id}: set manual")
        if set_id is not None:
            api.review_edit(store, trial_id, set_id, parse_assignments(assignments), who, why)
            done.append(f"{set_id}: edited")
        for spec in add:
            try:
                data = json.loads(spec)
            except ValueError as exc:
                raise ReviewError("--add takes a JSON object", field="--add",
                                  expected='{"type": "exclusion", "kind": "manual", "text": ..., '
                                           '"manual_reason": ...}') from exc
            added = api.review_add(store, trial_id, data, who)
            done.append(f"{added.criterion.id}: added")
        for criterion_id in reset:
            api.review_reset(store, trial_id, criterion_id, who)
            done.append(f"{criterion_id}: reset to the engine's reading")
        if approve_trial:
            made = api.approve_protocol(store, trial_id, who, note)
            done.append(f"{trial_id}: version {made.version} approved by {who}"
                       f" ({len(made.changes)} change(s) since the previous one)")
    for line in done:
        click.echo(line)
    _print_review(api.draft_protocol(store, trial_id), api.protocol_in_use(store, trial_id))


def _print_review(draft: Any, in_use: Any) -> None:
    from matcher.criteria.render import reading

    vocabulary = api.vocabulary()
    click.echo(f"{draft.trial.trial_id}  {draft.trial.title}")
    click.echo(f"in use: {_protocol_label(in_use)}")
    left = len(draft.unreviewed)
    click.echo(f"draft: {len(draft.criteria)} criteria, "
               + (f"{left} not reviewed" if left else "every criterion reviewed"))
    rows = [("id", "type", "state", "kind", "reading", "text")]
    for c in draft.criteria:
        rows.append((c.criterion.id, c.criterion.type[:3], str(c.state), c.criterion.kind,
                     _cut(reading(c.criterion, vocabulary), 90), _cut(c.criterion.text, 60)))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    for row in rows:
        click.echo("  ".join([*(cell.ljust(widths[i]) for i, cell in enumerate(row[:5])),
                              row[5]]).rstrip())


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


@trial.command("versions")
@click.argument("trial_id")
@DB_OPTION
def trial_versions(trial_id: str, db: str | None) -> None:
    """The trial's approved protocol versions: who, when, what changed, the note."""
    versions = api.protocol_versions(_store(db), trial_id)
    if not versions:
        click.echo(f"{trial_id}: no approved version; matching uses the auto reading")
    for v in versions:
        left = len(v.unreviewed)
        click.echo(f"{v.version}  {v.approved_at}  {v.approved_by}  "
                   f"{len(v.changes)} change(s)"
                   + (f", {left} not reviewed" if left else "")
                   + (f"  {v.note}" if v.note else ""))


def _side(store: Any, trial_id: str, name: str) -> Any:
    """A side of `trial diff`: `draft`, `auto` or a version number."""
    if name == "draft":
        return api.draft_protocol(store, trial_id)
    if name == "auto":
        return api.auto_protocol(store, trial_id)
    versions = {str(v.version): v for v in api.protocol_versions(store, trial_id)}
    if name not in versions:
        raise click.BadParameter(
            f"{name!r}: expected draft, auto or a version of {trial_id} "
            f"({', '.join(versions) or 'none approved yet'})")
    return versions[name]


@trial.command("diff")
@click.argument("trial_id")
@click.argument("a")
@click.argument("b")
@DB_OPTION
def trial_diff(trial_id: str, a: str, b: str, db: str | None) -> None:
    """What changed between two protocols of a trial: A and B are version numbers,
    `draft` (the review in progress) or `auto` (the engine's reading)."""
    from matcher.review import compare

    store = _store(db)
    changes = compare(_side(store, trial_id, a), _side(store, trial_id, b), api.vocabulary())
    if not changes:
        click.echo(f"{trial_id}: {a} and {b} are the same protocol")
    for c in changes:
        states = f"{c.before_state or '-'} -> {c.after_state or '-'}"
        click.echo(f"{c.criterion_id} {c.change} [{states}]: {_cut(c.text, 60)}")
        if c.before is not None:
            click.echo(f"    - {c.before}")
        if c.after is not None:
            click.echo(f"    + {c.after}")


@trial.command("export")
@click.argument("trial_id")
@DB_OPTION
@USER_OPTION
@click.option("--version", "version", type=click.IntRange(min=1), default=None,
              help="The version to export (default: the protocol in use).")
@click.option("--out", type=click.Path(path_type=Path, dir_okay=False), default=None,
              help="File to write (default: standard output).")
def trial_export(trial_id: str, db: str | None, user: str | None, version: int | None,
                 out: Path | None) -> None:
    """Write a trial's reviewed protocol as a JSON file another site can import."""
    data = api.export_protocol(_store(db), trial_id, version, user=_user(user))
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if out is None:
        click.echo(text, nl=False)
        return
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(out)
    click.echo(f"{trial_id}: wrote {out}", err=True)


@trial.command("import")
@click.argument("file", type=click.Path(path_type=Path))
@DB_OPTION
@USER_OPTION
def trial_import(file: Path, db: str | None, user: str | None) -> None:
    """Import registry records (plain text or CT.gov JSON: a single study or a `studies`
    list; a folder of them) or an exported protocol (JSON with a `format` field): the
    protocol becomes the trial's next version. A changed record becomes a new record
    version to review; an unchanged one changes nothing."""
    from matcher.review.protocol import FORMAT

    if file.is_dir():
        _import_registry_files(_store(db, create=True), file)
        return
    if not file.is_file():
        raise ConfigurationError("no such file", file=str(file),
                                 expected="a registry record or an exported protocol")
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigurationError(f"not UTF-8 text (byte {exc.start})", file=str(file),
                                 expected="UTF-8 text") from exc
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    store = _store(db, create=True)
    if isinstance(data, dict) and "format" in data:
        if data["format"] != FORMAT:
            raise MatcherError("not a protocol file matcher can read", file=str(file),
                               field="format", received=data["format"], expected=FORMAT)
        made = api.import_protocol(store, data, _user(user), file.name)
        click.echo(f"{made.trial.trial_id}: imported as version {made.version} "
                   f"({len(made.changes)} change(s), {len(made.unreviewed)} not reviewed)")
        return
    _import_registry_files(store, file)


def _import_registry_files(store: Any, path: Path) -> None:
    """`trial import` of registry records: one line per study saying what was done, a
    summary, and every file that did not read on stderr (exit 1, the others loaded)."""
    done = api.import_trials(store, [path])
    for item in done.trials:
        trial_id = item.trial.trial_id
        if item.outcome == "unchanged":
            click.echo(f"{trial_id}: unchanged, nothing done (record version "
                       f"{item.record_version})")
            continue
        what = ("new (record version 1)" if item.outcome == "new"
                else f"changed: record version {item.record_version} to review")
        left = len(api.protocol_in_use(store, trial_id).unreviewed)
        click.echo(f"{trial_id}: imported, {what}, {len(item.trial.criteria)} criteria"
                   + (f", {left} not reviewed (matcher trial review {trial_id})" if left else ""))
    click.echo(f"{len(done.trials)} trial(s): {done.count('new')} new, "
               f"{done.count('changed')} changed, {done.count('unchanged')} unchanged"
               + (f"; {len(done.failed)} file problem(s)" if done.failed else ""))
    for file, message in done.failed:
        click.echo(f"error: {message}" if file in message else f"error: {file}: {message}",
                   err=True)
    if done.failed:
        sys.exit(1)


@trial.command("list")
@DB_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def trial_list(db: str | None, fmt: str) -> None:
    """Every trial in the database: recruitment status, phase, last update, record
    version, review state, conditions and title."""
    rows = api.trial_portfolio(_store(db))
    if fmt == "json":
        click.echo(json.dumps({"trials": rows}, indent=2, ensure_ascii=False))
        return
    if not rows:
        click.echo("no trials in the database (matcher trial import FILE|FOLDER)")
        return
    table = [("trial", "status", "phase", "updated", "rec", "review", "conditions", "title")]
    for r in rows:
        table.append((r["trial_id"], r["status"] or "-", (r["phase"] or "-").replace(" ", ""),
                      r["last_update"] or "-", f"v{r['record_version'] or '-'}",
                      api.review_words(r["review"], r["criteria"]),
                      _cut("; ".join(r["conditions"]) or "-", 40), _cut(r["title"], 60)))
    widths = [max(len(row[i]) for row in table) for i in range(7)]
    for row in table:
        click.echo("  ".join([*(cell.ljust(widths[i]) for i, cell in enumerate(row[:7])),
                              row[7]]).rstrip())


@cli.command()
@click.argument("note_file", default="-", type=click.Path(allow_dash=True))
@click.option("--note-date", type=DATE, default=None, help="The note's date (default today).")
def parse(note_file: str, note_date: dt.date | None) -> None:
    """Print the findings of one note's text as JSON."""
    # Read here, not by click.File: a missing file is input that is wrong (exit 1, like
    # every other command), not a usage error (click's exit 2).
    if note_file == "-":
        text = click.get_text_stream("stdin", encoding="utf-8").read()
    elif not Path(note_file).is_file():
        raise ConfigurationError("no such file", file=note_file, expected="a text file or -")
    else:
        try:
            text = Path(note_file).read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise ConfigurationError(
                f"not UTF-8 text (byte {exc.start})", file=note_file, expected="UTF-8 text"
            ) from exc
    findings = api.parse_text(text, _today(note_date), note_id="note")
    click.echo(json.dumps([f.to_json() for f in findings], indent=2, ensure_ascii=False))


def _note_texts(store: Any, results: list) -> dict[str, str]:
    wanted = {e.note_id for r in results for c in r.results for e in c.evidence}
    texts = {}
    for note_id in wanted:
        note = store.note(note_id)
        if note is not None:
            texts[note_id] = note.text
    return texts


@cli.command()
@click.argument("trial_file", type=click.Path(path_type=Path))
@DB_OPTION
@AS_OF_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@click.option("--limit", type=click.IntRange(min=1), default=None, help="Show the top N only.")
@NO_MODEL_OPTION
def match(
    trial_file: Path, db: str | None, as_of: dt.date | None, fmt: str, limit: int | None,
    no_model: bool,
) -> None:
    """Rank every patient in the database for a trial (and store the ranking for the web
    app's pages)."""
    from_file = api.load_trial(trial_file)
    store = _store(db)
    protocol = _protocol_in_use(store, from_file)
    loaded = protocol.trial
    when = _today(as_of)
    model = None if no_model else api.eligibility_model()
    # Stored as well (the web app's pages read stored rankings): one path with the nightly.
    results, p_eligible, run = api.match_and_store(loaded, store, when, model, protocol.version)
    if run is None:
        click.echo(f"warning: ranking not stored: {store.path}: the database is read-only "
                   "(the web pages show it once a writable run stores it)", err=True)
    shown = results[:limit] if limit else results
    resting = [r.patient_id for r in results if api.rests_on_unreviewed(r, protocol)]
    if resting:
        click.echo(f"warning: {len(resting)} eligible patient(s) rest on criteria nobody "
                   f"reviewed: {', '.join(resting[:10])}" + (" ..." if len(resting) > 10 else ""),
                   err=True)
    if fmt == "json":
        payload = api.match_to_json(loaded, shown, when, _note_texts(store, shown), p_eligible,
                                    model.version if model else None, protocol)
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    if fmt == "csv":
        from matcher.store.csvout import csv_text

        # The protocol version (empty: the auto reading) and the criteria nobody reviewed
        # ("age;x_rtx") on every row: a spreadsheet passed on keeps the warning.
        unreviewed = ";".join(c.criterion.key for c in protocol.unreviewed)
        # Outcomes, not statuses: a person reads this in a spreadsheet, and an exclusion
        # whose condition is absent passes ("not_met" read as a failure).
        header = (
            ["rank", "patient_id", "status", "score", *OUTCOME_COLUMNS]
            + [c.key for c in loaded.criteria] + ["protocol_version", "unreviewed"]
            + (["p_eligible"] if model else [])
        )
        rows = (
            [r.rank, r.patient_id, r.status, r.score, *_counts(r).values()]
            + [str(result_outcome(c)) for c in r.results] + [protocol.version, unreviewed]
            + ([round(p_eligible[r.patient_id], 4)] if model else [])
            for r in shown
        )
        click.echo(csv_text(header, rows), nl=False)
        return
    click.echo(f"{loaded.trial_id}: {loaded.title}")
    click.echo(f"as of {when}; {len(results)} patient(s)"
               + (f"; p = eligibility model {model.version}" if model else ""))
    click.echo(f"{'rank':>4}  {'patient':<12} {'status':<10} {'score':>7}  pass/fail/unk/chk"
               + ("        p" if model else ""))
    for r in shown:
        c = _counts(r)
        counts = f"{c['passes']}/{c['fails']}/{c['unknown']}/{c['to_check']}"
        click.echo(
            f"{r.rank:>4}  {r.patient_id:<12} {r.status:<10} {r.score:>7.2f}  "
            f"{counts:<17}"
            + (f"  {p_eligible[r.patient_id]:5.2f}" if model else "")
        )
    # Under the table, so that the title, as-of and header lines keep their places.
    click.echo(f"protocol: {_protocol_label(protocol)}")


def _protocol_in_use(store: Any, from_file: Any) -> Any:
    """The protocol to judge with: the database's latest approved version of the file's
    trial, else the file's auto reading; its warnings go to stderr (never silently: "7
    criteria not reviewed: verdicts may be wrong")."""
    protocol, warnings = api.protocol_for_trial(store, from_file)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    return protocol


def _protocol_label(protocol: Any) -> str:
    made = (f"version {protocol.version} (approved by {protocol.approved_by}, "
            f"{protocol.approved_at})" if protocol.version else "auto reading, never approved")
    left = len(protocol.unreviewed)
    return made + (f"; {left} criteria not reviewed: verdicts may be wrong" if left else "")


def _counts(result: Any) -> dict[str, int]:
    """{"passes": n, "fails": n, "unknown": n, "to_check": n} of a patient's criteria."""
    return outcome_counts([result_outcome(item) for item in result.results])




@cli.command()
@click.argument("trial_file", type=click.Path(path_type=Path))
@click.argument("patient_id")
@DB_OPTION
@AS_OF_OPTION
def explain(trial_file: Path, patient_id: str, db: str | None, as_of: dt.date | None) -> None:
    """Every criterion for one patient with status, reason and quoted evidence."""
    from_file = api.load_trial(trial_file)
    store = _store(db)
    protocol = _protocol_in_use(store, from_file)
    loaded = protocol.trial
    unreviewed = {c.criterion.id for c in protocol.unreviewed}
    when = _today(as_of)
    result = api.explain(loaded, store, patient_id, when)
    # In a trial with cohorts, the cohorts whose criteria give the status ("Part A").
    fits = f" (cohort: {', '.join(result.cohorts)})" if result.cohorts else ""
    click.echo(f"{patient_id} for {loaded.trial_id} as of {when}: {result.status}{fits}")
    click.echo(f"protocol: {_protocol_label(protocol)}")
    if api.rests_on_unreviewed(result, protocol):
        click.echo("warning: eligible rests on criteria nobody reviewed", err=True)
    _print_criteria(result, _note_texts(store, [result]), unreviewed)


def _print_criteria(result: Any, texts: dict[str, str], unreviewed: set[str],
                    indent: str = "") -> None:
    """Each criterion with its status, reason and the evidence quoted from the notes (what
    `explain` prints, and `trials-for` under each trial)."""
    for item in result.results:
        outcome = result_outcome(item)
        flag = " (not reviewed)" if item.criterion.id in unreviewed else ""
        click.echo(f"{indent}{OUTCOME_MARKS[outcome]} [{item.criterion.type[:3]}] "
                   f"{item.criterion.text}{flag}")
        # The outcome first ("passes": an exclusion whose condition is absent), the status
        # after it for whoever reads the JSON beside it.
        click.echo(f"{indent}    {outcome} ({item.status}): {item.reason}")
        for e in item.evidence:
            quoted = texts.get(e.note_id, "")[e.start : e.end] or e.text
            click.echo(f'{indent}    ↳ {e.note_id} ({e.note_date}) [{e.start}:{e.end}] '
                       f'"{quoted}"')


@cli.command("trials-for")
@click.argument("patient_id")
@DB_OPTION
@AS_OF_OPTION
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table")
@NO_MODEL_OPTION
def trials_for(patient_id: str, db: str | None, as_of: dt.date | None, fmt: str,
               no_model: bool) -> None:
    """Every trial in the database ranked for one patient: eligible, possible, ineligible,
    each with its blockers, missing items and the evidence for each criterion."""
    store = _store(db)
    when = _today(as_of)
    model = None if no_model else api.eligibility_model()
    judged = api.trials_for(store, patient_id, when, model)
    texts = _note_texts(store, [t.result for t in judged])
    if fmt == "json":
        click.echo(json.dumps(api.trials_for_to_json(
            patient_id, when, judged, texts, model.version if model else None),
            indent=2, ensure_ascii=False))
        return
    if fmt == "csv":
        from matcher.store.csvout import csv_text

        header = ["rank", "trial_id", "status", "recruitment_status", "phase",
                  "protocol_version", "unreviewed", "score", "blockers", "missing"]
        rows = ([t.rank, t.trial["trial_id"], t.result.status, t.trial["status"] or "",
                 t.trial["phase"] or "", t.protocol.version, len(t.protocol.unreviewed),
                 t.result.score, ";".join(i.criterion.key for i in t.blockers),
                 ";".join(i.criterion.key for i in t.missing)]
                + ([round(t.p_eligible, 4)] if model else []) for t in judged)
        click.echo(csv_text(header + (["p_eligible"] if model else []), rows), nl=False)
        return
    click.echo(f"{patient_id} as of {when}: {len(judged)} trial(s)"
               + (f"; p = eligibility model {model.version}" if model else ""))
    if not judged:
        click.echo("no trials in the database (matcher trial import FILE|FOLDER)")
    for t in judged:
        p = f"  p {t.p_eligible:.2f}" if model else ""
        fits = f" (cohort: {', '.join(t.result.cohorts)})" if t.result.cohorts else ""
        click.echo("")
        click.echo(f"{t.rank:>3}. {t.trial['trial_id']}: {t.result.status}{fits}  score "
                   f"{t.result.score:.2f}{p}  [{t.trial['status'] or 'status not stated'}]"
                   f"  {t.trial['title']}")
        click.echo(f"     protocol: {_protocol_label(t.protocol)}")
        if t.blockers:
            click.echo("     blockers: " + "; ".join(
                f"{i.criterion.key} ({i.reason})" for i in t.blockers))
        if t.missing:
            click.echo("     missing: " + "; ".join(
                f"{i.criterion.key} ({i.reason})" for i in t.missing))
        _print_criteria(t.result, texts, {c.criterion.id for c in t.protocol.unreviewed},
                        indent="     ")


@cli.command("eval")
@click.option("--gold", "gold_file", type=click.Path(path_type=Path, exists=True), required=True)
@click.option("--notes", "notes_file", type=click.Path(path_type=Path, exists=True), required=True)
@click.option("--trial", "trial_file", type=click.Path(path_type=Path), required=True)
@click.option("--trial-id", default=None, help="Trial id in the gold file (default: the record's).")
@AS_OF_OPTION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@click.option("--errors", "show_errors", is_flag=True, help="List every disagreement.")
@NO_MODEL_OPTION
def eval_command(
    gold_file: Path,
    notes_file: Path,
    trial_file: Path,
    trial_id: str | None,
    as_of: dt.date | None,
    fmt: str,
    show_errors: bool,
    no_model: bool,
) -> None:
    """Per-criterion and patient-status accuracy, NDCG and evidence exactness vs gold."""
    from matcher.tools.evalgold import evaluate_gold, format_report, read_jsonl

    loaded = api.load_trial(trial_file)
    gold = read_jsonl(gold_file)
    trial_id = trial_id or _gold_trial_id(gold, loaded.trial_id, trial_file)
    parsed = api.parse_note_files(
        [notes_file],
        on_reject=lambda file, line, reason: click.echo(f"rejected {file}:{line}: {reason}",
                                                        err=True),
    )
    report, _ranked = evaluate_gold(
        loaded,
        gold,
        parsed.patients,
        parsed.findings_by_patient,
        parsed.note_dates,
        parsed.note_texts,
        _today(as_of),
        trial_id,
        model=None if no_model else api.eligibility_model(),
    )
    if fmt == "json":
        payload = report.to_json()
        if show_errors:
            payload["errors"] = report.errors
        click.echo(json.dumps(payload, indent=2))
        return
    click.echo(format_report(report))
    if show_errors:
        for error in report.errors:
            click.echo(
                f"  {error['patient_id']} {error['criterion']}: gold {error['gold']}, "
                f"got {error['got']} ({error['reason']})"
            )


def _gold_trial_id(gold: list[dict], record_id: str, trial_file: Path) -> str:
    """The gold file's name for this trial: the record's id, else the file's stem, else
    the only trial the gold file has."""
    named = {str(row.get("trial")) for row in gold}
    for candidate in (record_id, trial_file.stem, trial_file.stem.split(".")[0]):
        if candidate in named:
            return candidate
    if len(named) == 1:
        return named.pop()
    raise MatcherError("the gold file has no rows for this trial", file=str(trial_file),
                       field="trial", received=record_id,
                       expected=f"--trial-id with one of {', '.join(sorted(named))}")


@cli.group()
def model() -> None:
    """Build and inspect the saved NLP pipeline under models/."""


@model.command("build")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Directory to write (default models/clinical-nlp).",
)
def model_build(out: Path | None) -> None:
    """Assemble the pipeline from the packaged rules and save it with nlp.to_disk."""
    from matcher.nlp.pipeline import build_pipeline, default_model_path, pipeline_version

    nlp = build_pipeline()
    target = out or default_model_path()
    nlp.to_disk(target)
    click.echo(f"saved {pipeline_version(nlp)} to {target}")


@cli.command()
@click.option(
    "--source",
    "sources",
    multiple=True,
    required=True,
    type=click.Path(path_type=Path),
    help="Note export file (JSONL or CSV) or folder of them; repeatable.",
)
@click.option(
    "--trials",
    "trials_path",
    default=None,
    type=click.Path(path_type=Path),
    help="Registry dump, or a folder of them (every .txt/.json): stored before evaluating "
    "(default: the trials the database holds).",
)
@click.option(
    "--all-trials",
    "all_trials",
    is_flag=True,
    help="Evaluate every stored trial, not only those approved and recruiting.",
)
@click.option(
    "--full",
    is_flag=True,
    help="Evaluate every patient for every trial, carrying no earlier result forward.",
)
@DB_OPTION
@AS_OF_OPTION
@click.option(
    "--report",
    "report_dir",
    type=click.Path(path_type=Path),
    default=Path("reports"),
    show_default=True,
    help="Folder for YYYY-MM-DD.md, .json and .csv.",
)
@click.option(
    "--digest",
    "digest_dir",
    type=click.Path(path_type=Path),
    default=None,
    help="Folder for the changes digest (changes-YYYY-MM-DD.run-N.txt: patient ids and "
    "criterion names only), for a mail or messaging system to pick up.",
)
@click.option("--quiet", is_flag=True, help="No progress, no summary: errors and warnings only.")
@click.option(
    "--engine",
    type=click.Choice(["embedded", "spark"]),
    default="embedded",
    show_default=True,
    help="Where parsing and evaluation run: worker processes here, or Apache Spark.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help="Embedded engine: worker processes (default: one per core).",
)
@click.option(
    "--master",
    default="local[2]",
    show_default=True,
    help="Spark engine: the master URL (local[N], spark://host:7077, yarn, k8s://...).",
)
@click.option(
    "--spark-workdir",
    default=None,
    help="Spark engine: folder on storage every executor reads (default: a temp folder).",
)
def nightly(
    sources: tuple[Path, ...],
    trials_path: Path | None,
    all_trials: bool,
    full: bool,
    db: str | None,
    as_of: dt.date | None,
    report_dir: Path,
    digest_dir: Path | None,
    quiet: bool,
    engine: str,
    workers: int | None,
    master: str,
    spark_workdir: str | None,
) -> None:
    """Incremental, crash-safe nightly run: load, parse new notes, match, report changes.

    Exit codes: 0 completed (rejects allowed), 1 configuration error (nothing written),
    4 another run holds the database.
    """
    import logging
    import signal

    from matcher.jobs.nightly import run_nightly, summary_lines

    logger = logging.getLogger("matcher")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(
            logging.Formatter("%(asctime)s matcher %(levelname)s %(message)s", "%Y-%m-%d %H:%M:%S")
        )
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)

    class Terminated(KeyboardInterrupt):
        pass

    def stop(signum: int, frame: Any) -> None:  # systemd stop, kill: end like Ctrl-C
        raise Terminated

    signal.signal(signal.SIGTERM, stop)
    spark = None
    if engine == "spark":
        from matcher.jobs.spark_engine import SparkEngine

        spark = SparkEngine(master=master, workdir=spark_workdir)
    try:
        report = run_nightly(
            list(sources),
            trials_path,
            db,
            _today(as_of),
            report_dir,
            progress="quiet" if quiet else "auto",
            engine=spark,
            workers=workers,
            all_trials=all_trials,
            digest_dir=digest_dir,
            full=full,
        )
    except KeyboardInterrupt as exc:
        click.echo("nightly: interrupted; the next run redoes this one", err=True)
        sys.exit(143 if isinstance(exc, Terminated) else 130)
    finally:
        if spark is not None:
            spark.close()
    if not quiet:
        for line in summary_lines(report):
            click.echo(line)


@cli.command()
@click.option(
    "--patients",
    type=click.IntRange(min=1),
    required=True,
    help="Number of synthetic patients (about 10 notes each).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="JSONL file to write (replaced whole at the end of the run).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Same seed, same file.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "fhir"]),
    default="jsonl",
    show_default=True,
    help="jsonl: note rows; fhir: the same patients as FHIR R4 NDJSON (notes, labs as "
    "Observations, diagnoses, biopsies, drugs).",
)
def synth(patients: int, out: Path, seed: int, fmt: str) -> None:
    """Write synthetic clinic notes for benchmarks and load tests (never accuracy evidence)."""
    import time

    from matcher.tools.synth import SynthStats, write_notes

    stats: Any = SynthStats()
    writer: Any = write_notes
    if fmt == "fhir":
        from matcher import api
        from matcher.tools.synth.fhir import FhirStats, write_fhir

        # The same patients, as FHIR resources coded with the run's vocabulary.
        stats = FhirStats()
        writer = functools.partial(write_fhir, vocabulary=api.vocabulary())
    started = time.perf_counter()
    if sys.stderr.isatty():
        import os

        from tqdm import tqdm

        try:
            columns = os.get_terminal_size(sys.stderr.fileno()).columns
        except OSError:
            columns = 0
        # A pty that reports no size would get an empty (or hidden) bar: fix one then.
        size: dict[str, Any] = {"dynamic_ncols": True}
        if columns <= 0:
            size = {"ncols": 100, "nrows": 24}
        with tqdm(total=patients, unit="patient", file=sys.stderr, **size) as bar:
            writer(out, patients, seed, stats=stats, on_patient=lambda: bar.update(1))
    else:
        writer(out, patients, seed, stats=stats)
    resources = f" as {stats.resources} FHIR resources" if fmt == "fhir" else ""
    click.echo(
        f"synth: wrote {stats.notes} notes for {stats.patients} patients "
        f"({stats.words} words){resources} to {out} in {time.perf_counter() - started:.1f} s"
    )


from matcher.web.cli import serve, user  # noqa: E402  (the web app's commands)

cli.add_command(serve)
cli.add_command(user)


from matcher.tools.train import train  # noqa: E402

cli.add_command(train)


def main() -> None:
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(1)
    except click.UsageError as exc:
        exc.show()
        sys.exit(2)
    except click.ClickException as exc:
        exc.show()
        sys.exit(1)
    except MatcherError as exc:
        click.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except BrokenPipeError:
        sys.exit(0)
    except OSError as exc:
        click.echo(f"error: {exc.filename or ''}: {exc.strerror}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
