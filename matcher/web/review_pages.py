"""The criteria review pages (issue 14), for coordinators and admins: a trial's criteria
with the engine's reading and who vouches for it, approve / set manual / edit / reset / add,
the what-if of an edit before it is saved, approving the trial (a new protocol version),
the versions and their comparison, and the protocol file.

Every handler refuses a referrer (403, pages and forms alike) before reading anything.
The library (matcher.api's review functions) validates each change and writes the audit row
with the before/after in the same transaction; these handlers add the audit rows of what a
person saw: the review page, a what-if's listing of patients, an export.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from matcher import api
from matcher.criteria.params import KIND_PARAMS
from matcher.criteria.render import reading
from matcher.errors import MatcherError
from matcher.review import whatif
from matcher.review.protocol import ReviewState, compare, edited_criterion
from matcher.web import params as param
from matcher.web.review_form import FormProblem, changes_from_form, form_fields

if TYPE_CHECKING:
    from matcher.review.protocol import Protocol, ReviewedCriterion

MAX_REASON = 1000
MAX_TEXT = 2000
KINDS = tuple(sorted(KIND_PARAMS))
# A what-if lists at most this many patient ids per transition (the count is always whole).
SHOWN_IDS = 50


def require_reviewer(request: Request) -> None:
    if not request.state.user.can_review:
        raise HTTPException(403, "only a coordinator or an admin can review criteria")


def _trial_path(trial_id: str) -> str:
    return f"/trials/{quote(trial_id, safe='')}"


def _as_of(request: Request) -> dt.date:
    return param.date(request.query_params, "as_of", dt.date.today())


def _form_as_of(form: FormData) -> dt.date:
    """The as-of a review form was sent from (the page's), else today."""
    raw = str(form.get("as_of") or "")
    try:
        return param.date({"as_of": raw}, "as_of", dt.date.today()) if raw else dt.date.today()
    except param.ParameterError:
        return dt.date.today()


def _params_view(params: dict[str, Any]) -> list[tuple[str, str]]:
    """A criterion's params as (name, value) lines for the page: lists joined, objects as
    JSON; the population fields stay out of the way."""
    out = []
    for name, value in params.items():
        if name in ("cohort", "cohort_is_patients"):
            continue
        if isinstance(value, (list, tuple)):
            shown = ", ".join(json.dumps(v) if isinstance(v, dict) else str(v) for v in value)
        elif isinstance(value, dict):
            shown = json.dumps(value, ensure_ascii=False, sort_keys=True)
        else:
            shown = json.dumps(value) if isinstance(value, bool) or value is None else str(value)
        out.append((name, shown or "—"))
    return out


class ReviewPages:
    """The review routes of one WebApp (its engine, templates, CSRF check and audit)."""

    def __init__(self, web: Any) -> None:
        """`web`: the matcher.web.app.WebApp (not imported: the app imports this module)."""
        self.web = web
        self.engine = web.engine

    # --- reading -------------------------------------------------------------------------

    def draft_or_404(self, trial_id: str) -> Protocol:
        if self.engine.trial(trial_id) is None:
            raise HTTPException(404, "no such trial")
        return api.draft_protocol(self.engine.store(), trial_id)

    def criterion_or_404(self, draft: Protocol, criterion_id: str) -> ReviewedCriterion:
        for c in draft.criteria:
            if c.criterion.id == criterion_id:
                return c
        raise HTTPException(404, "no such criterion in this trial")

    def rows(self, draft: Protocol, as_of: dt.date) -> list[dict[str, Any]]:
        """What the page shows per criterion, with how many patients it decides how (the
        draft's reading over the stored patients as of `as_of`)."""
        ranking = self.engine.ranking(draft.trial, as_of)
        counts = whatif.criterion_counts(ranking.results)
        none = dict.fromkeys(whatif.CRITERION_STATUSES, 0)
        vocabulary = api.vocabulary()
        out = []
        for c in draft.criteria:
            crit = c.criterion
            auto = c.auto
            out.append({
                "id": crit.id, "type": crit.type, "state": str(c.state),
                "registry_text": (auto or crit).text, "reading": reading(crit, vocabulary),
                "auto_reading": reading(auto, vocabulary) if auto is not None
                and c.state in (ReviewState.EDITED, ReviewState.MANUAL) else None,
                "kind": crit.kind, "params": _params_view(crit.params),
                "manual_reason": crit.manual_reason, "reason": c.reason, "by": c.by,
                "at": c.at, "counts": counts.get(crit.id, none),
            })
        return out

    # --- the review page -----------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        require_reviewer(request)
        return await self.web.run(self._page, request, None, 200)

    def _page(self, request: Request, error: str | None, status: int) -> Response:
        trial_id = request.path_params["trial_id"]
        draft = self.draft_or_404(trial_id)
        as_of = _as_of(request)
        versions = api.protocol_versions(self.engine.store(), trial_id)
        in_use = versions[-1] if versions else None
        rows = self.rows(draft, as_of)
        pending = len(compare(in_use, draft)) if in_use is not None else None
        self.web.audit(request, "view_review", trial_id, None, {"as_of": as_of.isoformat()})
        return self.web.render(request, "review.html", {
            "trial": draft.trial, "draft": draft, "rows": rows, "as_of": as_of,
            "versions": versions, "latest": in_use, "pending": pending,
            "unreviewed": len(draft.unreviewed), "error": error, "kinds": KINDS,
            "banner": self.engine.unreviewed_count(trial_id),
            "done": _done_message(param.text(request.query_params, "done", 200), draft,
                                  versions),
        }, status)

    # --- one criterion: approve, manual, reset --------------------------------------------

    async def approve(self, request: Request) -> Response:
        return await self._act(request, "approve")

    async def manual(self, request: Request) -> Response:
        return await self._act(request, "manual")

    async def reset(self, request: Request) -> Response:
        return await self._act(request, "reset")

    async def _act(self, request: Request, action: str) -> Response:
        require_reviewer(request)
        form = await self.web.form(request)
        return await self.web.run(self._do_act, request, form, action)

    def _do_act(self, request: Request, form: FormData, action: str) -> Response:
        trial_id = request.path_params["trial_id"]
        criterion_id = request.path_params["criterion_id"]
        draft = self.draft_or_404(trial_id)
        self.criterion_or_404(draft, criterion_id)
        user = request.state.user.username
        store = self.engine.store()
        as_of = _form_as_of(form)
        try:
            if action == "approve":
                api.review_approve(store, trial_id, criterion_id, user)
            elif action == "reset":
                api.review_reset(store, trial_id, criterion_id, user)
            else:
                reason = str(form.get("reason") or "").strip()[:MAX_REASON]
                if not reason:
                    return self._page_with(request, as_of,
                                           f"{criterion_id}: field 'reason': say why a person "
                                           "must check this criterion", 400)
                api.review_manual(store, trial_id, criterion_id, reason, user)
        except MatcherError as exc:
            return self._page_with(request, as_of, str(exc), 400)
        return self._back(trial_id, as_of, criterion_id, f"{action}:{criterion_id}")

    def _back(self, trial_id: str, as_of: dt.date, anchor: str | None, done: str) -> Response:
        query = urlencode({"as_of": as_of.isoformat(), "done": done})
        return RedirectResponse(f"{_trial_path(trial_id)}/review?{query}"
                                + (f"#c-{quote(anchor, safe='')}" if anchor else ""), 303)

    def _page_with(self, request: Request, as_of: dt.date, error: str, status: int) -> Response:
        request.scope["query_string"] = urlencode({"as_of": as_of.isoformat()}).encode()
        return self._page(request, error, status)

    # --- edit and add: the form, the what-if, the save ----------------------------------

    async def edit_form(self, request: Request) -> Response:
        require_reviewer(request)
        return await self.web.run(self._edit_form, request)

    def _edit_form(self, request: Request) -> Response:
        trial_id = request.path_params["trial_id"]
        draft = self.draft_or_404(trial_id)
        criterion_id = request.path_params.get("criterion_id")
        current = self.criterion_or_404(draft, criterion_id).criterion if criterion_id else None
        kind = param.choice(request.query_params, "kind", KINDS,
                            current.kind if current else "manual")
        return self._render_edit(request, draft, current, kind, _as_of(request), {}, None, None,
                                 200)

    def _render_edit(self, request: Request, draft: Protocol, current: Any, kind: str,
                     as_of: dt.date, submitted: dict[str, Any], error: str | None,
                     preview: dict[str, Any] | None, status: int) -> Response:
        vocabulary = api.vocabulary()
        shown = dict(current.params) if current is not None and current.kind == kind else {}
        fields = form_fields(kind, shown, vocabulary)
        if submitted:  # what the person typed, back in the form (a mistake is fixed in place)
            fields = [_with_value(f, submitted.get(f.name, f.value)) for f in fields]
        return self.web.render(request, "review_edit.html", {
            "trial": draft.trial, "current": current, "kind": kind, "kinds": KINDS,
            "fields": fields, "as_of": as_of, "error": error, "preview": preview,
            "submitted": submitted,
            "reading": reading(current, vocabulary) if current is not None else None,
            "banner": self.engine.unreviewed_count(draft.trial.trial_id),
        }, status)

    async def edit(self, request: Request) -> Response:
        require_reviewer(request)
        form = await self.web.form(request, max_fields=600)
        return await self.web.run(self._edit, request, form)

    def _edit(self, request: Request, form: FormData) -> Response:
        """Without `confirm`: validate and show the what-if; with it: save."""
        trial_id = request.path_params["trial_id"]
        draft = self.draft_or_404(trial_id)
        criterion_id = request.path_params.get("criterion_id")
        entry = self.criterion_or_404(draft, criterion_id) if criterion_id else None
        current = entry.criterion if entry else None
        kind = str(form.get("kind") or "")
        if kind not in KINDS:
            raise HTTPException(400, "field 'kind': expected one of " + ", ".join(KINDS))
        as_of = _form_as_of(form)
        # A concept list is a multiple select (with a hidden empty twin, so that nothing
        # selected still says "none" instead of "unchanged"): every value; else the one.
        lists = {f.name for f in form_fields(kind, {}, api.vocabulary()) if f.widget == "concepts"}
        submitted = {k: (form.getlist(k) if k in lists else form.get(k))
                     for k in form if k != "csrf_token"}
        vocabulary = api.vocabulary()
        store = self.engine.store()
        user = request.state.user.username
        try:
            changes = self._changes(current, kind, submitted)
            if current is not None:
                after = edited_criterion(current, changes, vocabulary, trial_id)
            else:
                spec = self._added_spec(kind, changes, submitted)
                from matcher.review.protocol import added_criterion

                after = added_criterion(spec, "new", vocabulary, trial_id)
            if form.get("confirm"):
                if current is not None:
                    note = str(form.get("note") or "").strip()[:MAX_REASON] or None
                    api.review_edit(store, trial_id, current.id, changes, user, note=note)
                    return self._back(trial_id, as_of, current.id, f"edit:{current.id}")
                added = api.review_add(store, trial_id, spec, user)
                return self._back(trial_id, as_of, added.criterion.id,
                                  f"add:{added.criterion.id}")
        except (FormProblem, MatcherError) as exc:
            where = f"{current.id}: " if current is not None else ""
            return self._render_edit(request, draft, current, kind, as_of, submitted,
                                     where + str(exc), None, 400)
        preview = self._what_if(request, draft, current, after, as_of)
        return self._render_edit(request, draft, current, kind, as_of, submitted, None,
                                 preview, 200)

    def _changes(self, current: Any, kind: str, submitted: dict[str, Any]) -> dict[str, Any]:
        base_kind = current.kind if current is not None else ""
        base = current.params if current is not None else {}
        changes = changes_from_form(kind, base_kind, base, submitted)
        if current is None:
            changes.pop("kind", None)
        if kind == "manual":
            reason = str(submitted.get("manual_reason") or "").strip()[:MAX_REASON]
            if current is None or reason != (current.manual_reason or ""):
                changes["manual_reason"] = reason or None
        if current is not None and submitted.get("type") not in (None, current.type):
            changes["type"] = str(submitted["type"])
        return changes

    def _added_spec(self, kind: str, changes: dict[str, Any],
                    submitted: dict[str, Any]) -> dict[str, Any]:
        own = {"manual_reason"}
        spec = {"type": str(submitted.get("type") or ""), "kind": kind,
                "text": str(submitted.get("text") or "").strip()[:MAX_TEXT],
                "params": {k: v for k, v in changes.items() if k not in own and v is not None}}
        if kind == "manual":
            spec["manual_reason"] = changes.get("manual_reason")
        return spec

    def _what_if(self, request: Request, draft: Protocol, current: Any, after: Any,
                 as_of: dt.date) -> dict[str, Any]:
        """The draft with this one edit (or addition), against the draft as it is: who
        changes status. The listing (patient ids) is audited as any other."""
        from dataclasses import replace

        before_trial = draft.trial
        if current is not None:
            criteria = tuple(after if c.id == current.id else c for c in before_trial.criteria)
        else:
            criteria = (*before_trial.criteria, after)
        after_trial = replace(before_trial, criteria=criteria)
        ranking = self.engine.ranking(before_trial, as_of)
        data = self.engine.dataset()
        result = whatif.what_if(before_trial, after_trial, data.patients, data.findings,
                                data.note_dates, as_of, api.vocabulary(),
                                before_results=ranking.results)
        listed = [pid for m in result.moves for pid in m.patient_ids[:SHOWN_IDS]]
        self.web.audit(request, "review_whatif", draft.trial.trial_id, None,
                       {"as_of": as_of.isoformat(),
                        "criterion_id": current.id if current is not None else None,
                        "moves": {f"{m.before}>{m.after}": m.count for m in result.moves}},
                       listed)
        return {"result": result, "reading": reading(after, api.vocabulary()),
                "shown": SHOWN_IDS}

    # --- the trial: approve, versions, export, import -------------------------------------

    async def approve_trial(self, request: Request) -> Response:
        require_reviewer(request)
        form = await self.web.form(request)
        return await self.web.run(self._approve_trial, request, form)

    def _approve_trial(self, request: Request, form: FormData) -> Response:
        trial_id = request.path_params["trial_id"]
        self.draft_or_404(trial_id)
        note = str(form.get("note") or "").strip()[:MAX_REASON]
        as_of = _form_as_of(form)
        try:
            version = api.approve_protocol(self.engine.store(), trial_id,
                                           request.state.user.username, note=note)
        except MatcherError as exc:
            return self._page_with(request, as_of, str(exc), 400)
        return self._back(trial_id, as_of, None, f"version:{version.version}")

    async def versions(self, request: Request) -> Response:
        require_reviewer(request)
        return await self.web.run(self._versions, request)

    def _versions(self, request: Request) -> Response:
        trial_id = request.path_params["trial_id"]
        draft = self.draft_or_404(trial_id)
        versions = api.protocol_versions(self.engine.store(), trial_id)
        numbers = [str(v.version) for v in versions] + ["draft"]
        query = request.query_params
        default_a = numbers[-3] if len(numbers) >= 3 else numbers[0]
        a = param.choice(query, "a", numbers, default_a)
        b = param.choice(query, "b", numbers, "draft")
        by_number = {str(v.version): v for v in versions} | {"draft": draft}
        changes = compare(by_number[a], by_number[b], api.vocabulary()) if a != b else []
        return self.web.render(request, "versions.html", {
            "trial": draft.trial, "versions": versions, "numbers": numbers, "a": a, "b": b,
            "changes": changes, "banner": self.engine.unreviewed_count(trial_id),
        })

    async def export(self, request: Request) -> Response:
        require_reviewer(request)
        return await self.web.run(self._export, request)

    def _export(self, request: Request) -> Response:
        trial_id = request.path_params["trial_id"]
        self.draft_or_404(trial_id)
        versions = [v.version for v in api.protocol_versions(self.engine.store(), trial_id)]
        version = param.integer(request.query_params, "version", 1, 10**9, None) \
            if "version" in request.query_params else None
        if version is not None and version not in versions:
            raise HTTPException(404, "no such version")
        data = api.export_protocol(self.engine.store(), trial_id, version,
                                   user=request.state.user.username)  # audited there
        filename = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_"
                           for ch in trial_id)
        suffix = f"-v{data.get('version')}" if data.get("version") else "-auto"
        return JSONResponse(data, headers={
            "content-disposition": f'attachment; filename="{filename}{suffix}.protocol.json"'})

    def routes(self) -> list[Route]:
        t = "/trials/{trial_id:seg}"
        c = t + "/review/{criterion_id:seg}"
        return [
            Route(t + "/review", self.page, methods=["GET"]),
            Route(t + "/review/add", self.edit_form, methods=["GET"]),
            Route(t + "/review/add", self.edit, methods=["POST"]),
            Route(c + "/approve", self.approve, methods=["POST"]),
            Route(c + "/manual", self.manual, methods=["POST"]),
            Route(c + "/reset", self.reset, methods=["POST"]),
            Route(c + "/edit", self.edit_form, methods=["GET"]),
            Route(c + "/edit", self.edit, methods=["POST"]),
            Route(t + "/approve", self.approve_trial, methods=["POST"]),
            Route(t + "/versions", self.versions, methods=["GET"]),
            Route(t + "/protocol.json", self.export, methods=["GET"]),
        ]


_DONE = {"approve": "Approved {}", "manual": "Set {} manual",
         "reset": "{} is back to the engine's reading", "edit": "Saved the edit of {}",
         "add": "Added {}", "version": "Approved the trial as version {}"}


def _done_message(done: str, draft: Protocol, versions: list[Protocol]) -> str | None:
    """What the last action did, from the redirect's `done=approve:E3`: only what is true
    (a known criterion or version), so a crafted link cannot make the page say anything."""
    action, _, name = done.partition(":")
    known = {c.criterion.id for c in draft.criteria} | {str(v.version) for v in versions}
    if action not in _DONE or name not in known:
        return None
    return _DONE[action].format(name)


def _with_value(field: Any, value: Any) -> Any:
    from dataclasses import replace

    if field.widget == "concepts":
        values = value if isinstance(value, list) else ([value] if value else [])
        return replace(field, value=tuple(str(v) for v in values))
    return replace(field, value="" if value is None else str(value))
