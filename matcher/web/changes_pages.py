"""What changed since the previous nightly run (issue 17): the page /changes (linked from the
trials list and each trial's candidates page) and the JSON API's /api/changes, both
matcher.api.run_changes: per trial, the patients who became eligible or possible, those who
stopped being so and those who moved between the two, each with the criteria whose outcome
changed, old → new, and a link to the patient's page as of the run's date.

Read from the stored results of two runs only: nothing is evaluated. Every view is audited
with the patients it showed (the reasons quote clinical values); the template escapes every
value (autoescape)."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from matcher import api
from matcher.errors import StoreError
from matcher.judge.outcome import Outcome
from matcher.web import params as param

MAX_RUN = 10**9


class ChangesPages:
    """The routes of one WebApp (its engine, templates, audit)."""

    def __init__(self, web: Any) -> None:
        """`web`: the matcher.web.app.WebApp (not imported: the app imports this module)."""
        self.web = web
        self.engine = web.engine

    def changes(self, request: Request) -> tuple[api.RunChanges | None, str | None]:
        """The run (`?run=N`, default the latest completed nightly run) against the one
        before it, for one trial (`?trial=ID`) or all; 404 for a run that is not a
        completed nightly run or a trial the run did not evaluate."""
        run_id = param.integer(request.query_params, "run", 1, MAX_RUN)
        trial_id = param.text(request.query_params, "trial", 200) or None
        try:
            found = api.run_changes(self.engine.store(), run_id,
                                    [trial_id] if trial_id else None)
        except StoreError as exc:
            raise HTTPException(404, f"no completed nightly run {run_id}") from exc
        if found is not None and trial_id and not found.trials:
            raise HTTPException(404, f"run {found.run_id} did not evaluate trial {trial_id!r}")
        return found, trial_id

    def _audit(self, request: Request, action: str, found: api.RunChanges | None,
               trial_id: str | None) -> None:
        detail = {"run": found.run_id if found else None,
                  "previous_run": found.previous_run if found else None,
                  "trials": [t.trial_id for t in found.trials] if found else []}
        self.web.audit(request, action, trial_id, None, detail,
                       found.patient_ids if found else [])

    # --- routes ----------------------------------------------------------------------------

    async def page(self, request: Request) -> Response:
        return await self.web.run(self._page, request)

    def _page(self, request: Request) -> Response:
        found, trial_id = self.changes(request)
        self._audit(request, "view_changes", found, trial_id)
        return self.web.render(request, "changes.html", {
            "changes": found, "trial_id": trial_id,
            "directions": (
                (api.BECAME, "Became candidates", "now eligible or possible"),
                (api.STOPPED, "Stopped being candidates", "no longer eligible or possible"),
                (api.MOVED, "Moved between eligible and possible", ""),
            ),
            "OUTCOME_WORD": {o.code: str(o) for o in Outcome},
        })

    async def api(self, request: Request) -> Response:
        return await self.web.run(self._api, request)

    def _api(self, request: Request) -> Response:
        found, trial_id = self.changes(request)
        self._audit(request, "api_changes", found, trial_id)
        return JSONResponse(api.run_changes_to_json(found))

    def routes(self) -> list[Route]:
        return [
            Route("/changes", self.page, methods=["GET"]),
            Route("/api/changes", self.api, methods=["GET"]),
        ]
