"""One patient, every trial (issue 17): the "Other trials" section of a patient's page, the
patient's own page listing every trial ranked for them, the search box that finds a patient
by id from any page, and the JSON API's /api/patients/{id}/trials. All of them come from
matcher.api.trials_for (the patient evaluated live, as `matcher trials-for` does), and every
view writes its audit row naming the patient and the trials shown.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import quote, urlencode

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from matcher import api
from matcher.errors import MatcherError
from matcher.web import params as param

MAX_PATIENT_ID = 200  # a search longer than any id is no id


def _as_of(request: Request) -> dt.date:
    return param.date(request.query_params, "as_of", dt.date.today())


def patient_path(patient_id: str) -> str:
    return f"/patients/{quote(patient_id, safe='')}"


class PortfolioPages:
    """The routes and the "Other trials" rows of one WebApp (its engine, templates, audit)."""

    def __init__(self, web: Any) -> None:
        """`web`: the matcher.web.app.WebApp (not imported: the app imports this module)."""
        self.web = web
        self.engine = web.engine

    def judged(self, patient_id: str, as_of: dt.date) -> list[api.TrialForPatient]:
        """Every stored trial ranked for the patient; 404 for a patient the database lacks."""
        try:
            return api.trials_for(self.engine.store(), patient_id, as_of, self.engine.model)
        except MatcherError as exc:
            raise HTTPException(404, "no such patient") from exc

    def rows(self, judged: list[api.TrialForPatient]) -> list[dict[str, Any]]:
        """What the "Other trials" table shows of each trial (the template escapes it)."""
        return [{
            "rank": t.rank, "trial_id": t.trial["trial_id"], "title": t.trial["title"],
            "recruitment": t.trial["status"], "phase": t.trial["phase"],
            "status": str(t.result.status), "p_eligible": t.p_eligible,
            "protocol_version": t.protocol.version, "unreviewed": len(t.protocol.unreviewed),
            "blockers": [(i.criterion.key, i.reason) for i in t.blockers],
            "missing": [(i.criterion.key, i.reason) for i in t.missing],
        } for t in judged]

    def other_trials(self, request: Request, patient_id: str, as_of: dt.date) -> list[dict]:
        """The rows of the patient page's "Other trials" section, audited as a row of its
        own (`other_trials`: the patient's status for each trial listed was shown)."""
        rows = self.rows(self.judged(patient_id, as_of))
        self.web.audit(request, "other_trials", None, patient_id,
                       {"as_of": as_of.isoformat(), "trials": [r["trial_id"] for r in rows]})
        return rows

    # --- routes ----------------------------------------------------------------------------

    async def search(self, request: Request) -> Response:
        return await self.web.run(self._search, request)

    def _search(self, request: Request) -> Response:
        """The search box: an exact patient id goes to that patient's page; anything else
        is a 404 page saying no patient has that id (the id, only, is echoed: escaped)."""
        wanted = param.text(request.query_params, "id", MAX_PATIENT_ID).strip()
        if not wanted or self.engine.store().patient(wanted) is None:
            raise HTTPException(404, f"no patient with id {wanted!r}" if wanted
                                else "type a patient id to find the patient")
        query = {"as_of": _as_of(request).isoformat()} if "as_of" in request.query_params \
            else {}  # checked here: a bad date is a 400 naming it, not a redirect to one
        target = patient_path(wanted) + (f"?{urlencode(query)}" if query else "")
        return RedirectResponse(target, status_code=303)

    async def page(self, request: Request) -> Response:
        return await self.web.run(self._page, request)

    def _page(self, request: Request) -> Response:
        patient_id = request.path_params["patient_id"]
        as_of = _as_of(request)
        rows = self.other_trials(request, patient_id, as_of)
        return self.web.render(request, "patient_trials.html", {
            "patient_id": patient_id, "as_of": as_of, "other_trials": rows,
            "this_trial": None,
        })

    async def api(self, request: Request) -> Response:
        return await self.web.run(self._api, request)

    def _api(self, request: Request) -> Response:
        patient_id = request.path_params["patient_id"]
        as_of = _as_of(request)
        judged = self.judged(patient_id, as_of)
        texts = self.web._note_texts([t.result for t in judged])
        model = self.engine.model
        self.web.audit(request, "api_patient_trials", None, patient_id,
                       {"as_of": as_of.isoformat(),
                        "trials": [t.trial["trial_id"] for t in judged]})
        return JSONResponse(api.trials_for_to_json(
            patient_id, as_of, judged, texts, model.version if model is not None else None))

    def routes(self) -> list[Route]:
        return [
            Route("/patients", self.search, methods=["GET"]),
            Route("/patients/{patient_id:seg}", self.page, methods=["GET"]),
            Route("/api/patients/{patient_id:seg}/trials", self.api, methods=["GET"]),
        ]
