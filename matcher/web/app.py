"""The referrer web app (Starlette, Jinja2 templates with autoescape, served by uvicorn).

Every route except /login and /static/ needs a session (a browser is sent to /login, an
API client gets 401); /api/ also takes `Authorization: Bearer <token>` from
`matcher user token`. Every form that changes something carries the session's CSRF
token; every page is sent with a strict Content-Security-Policy (no inline script or
style, nothing from another origin). The access log names the route template, never the
query string or an identifier.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
import secrets
import threading
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import anyio
import jinja2
from starlette.applications import Starlette
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Match, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matcher import api
from matcher.csvout import csv_text
from matcher.errors import MatcherError
from matcher.web import security
from matcher.web.plot import timeline_svg
from matcher.web.security import LoginPolicy, SessionPolicy, User
from matcher.web.service import (
    CRITERION_STATUSES,
    PER_PAGE_CHOICES,
    REFERRAL_LABELS,
    REFERRAL_STATUSES,
    STATUSES,
    Engine,
    Query,
    Ranking,
    patient_age,
)

log = logging.getLogger("matcher.web")

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "matcher_session"
LOGIN_COOKIE = "matcher_login"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_REASON = 1000
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
_PUBLIC_PREFIXES = ("/static/",)
_PUBLIC_PATHS = ("/login",)
_MARKS = {"met": "✔", "not_met": "✘", "unknown": "?", "manual": "⚑"}
_STATUS_TEXT = {"met": "met", "not_met": "not met", "unknown": "unknown", "manual": "manual"}


# --- middleware ------------------------------------------------------------------------


class SecurityHeaders:
    """Strict headers on every response: CSP, no framing, no sniffing, no referrer to other
    sites (URLs never leave the app), and no caching of anything but static assets.

    (Referrer-Policy same-origin, not no-referrer: with no-referrer Chromium sends
    `Origin: null` on same-origin form posts, which the origin check must refuse.)"""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"same-origin"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
                    (b"cache-control", b"private, max-age=3600" if static else b"no-store"),
                ]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class AccessLog:
    """One line per request: method, route template, status, milliseconds. No query
    string, no patient or note identifier, no note text."""

    def __init__(self, app: ASGIApp, routes: Callable[[], list]) -> None:
        self.app = app
        self.routes = routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        template = self._template(scope)  # before routing rewrites the scope
        status = {"code": 500}

        async def record(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            log.info(
                "%s %s %s %.0fms",
                scope["method"],
                template,
                status["code"],
                (time.perf_counter() - started) * 1000,
            )

    def _template(self, scope: Scope) -> str:
        for route in self.routes():
            match, _ = route.matches(scope)
            if match is Match.FULL:
                return getattr(route, "path", "?") + ("/…" if isinstance(route, Mount) else "")
        return "(no route)"


class RequireLogin:
    """Every path but /login and /static/ needs a user: a session cookie, or for /api/ a
    bearer token. Browsers are redirected to /login, API clients get 401. Unsafe methods
    from another origin are refused outright (the CSRF token is checked as well)."""

    def __init__(self, app: ASGIApp, engine: Engine, policy: SessionPolicy,
                 clock: Callable[[], float]) -> None:
        self.app = app
        self.engine = engine
        self.policy = policy
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        path = scope["path"]
        if scope["method"] not in ("GET", "HEAD", "OPTIONS") and not _same_origin(request):
            await _plain(403, "cross-origin request refused")(scope, receive, send)
            return
        if path in _PUBLIC_PATHS or path.startswith(_PUBLIC_PREFIXES):
            await self.app(scope, receive, send)
            return
        user = await anyio.to_thread.run_sync(self._user, request)
        if user is None:
            if path == "/api" or path.startswith("/api/"):
                response: Response = JSONResponse(
                    {"error": "authentication required"},
                    status_code=401,
                    headers={"www-authenticate": 'Bearer realm="matcher"'},
                )
            else:
                target = path if scope["method"] == "GET" else "/"
                response = RedirectResponse("/login?" + urlencode({"next": target}), 303)
            await response(scope, receive, send)
            return
        scope.setdefault("state", {})["user"] = user
        await self.app(scope, receive, send)

    def _user(self, request: Request) -> User | None:
        db = self.engine.db
        now = self.clock()
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and request.url.path.startswith("/api/"):
            return security.token_user(db, auth[7:].strip(), now)
        token = request.cookies.get(SESSION_COOKIE)
        return security.session_user(db, token, now, self.policy) if token else None


def _same_origin(request: Request) -> bool:
    """A browser's POST names its page's origin; it must be this app's (the Host header,
    or X-Forwarded-Host behind a proxy: a cross-site form cannot set either)."""
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not a browser's cross-site form post (browsers send Origin on POST)
    hosts = [request.headers.get("host", ""), request.headers.get("x-forwarded-host", "")]
    return any(host and origin in (f"http://{host}", f"https://{host}") for host in hosts)


def _plain(status: int, text: str) -> Response:
    return Response(text, status_code=status, media_type="text/plain")


# --- helpers ---------------------------------------------------------------------------


def _user(request: Request) -> User:
    return request.state.user


def _require_admin(request: Request) -> None:
    if not _user(request).is_admin:
        raise HTTPException(403, "only an admin can do this")


def _as_of(request: Request) -> dt.date:
    raw = request.query_params.get("as_of", "").strip()
    if not raw:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(raw)
    except ValueError as exc:
        raise HTTPException(400, "as_of must be a date YYYY-MM-DD") from exc


def _safe_next(target: str | None) -> str:
    """Only a local path: never another site (open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/trials"
    return target


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _duration(seconds: int) -> str:
    """"1 second", "45 seconds", "15 minutes" (rounded up)."""
    if seconds >= 120:
        return f"{math.ceil(seconds / 60)} minutes"
    return f"{seconds} second{'' if seconds == 1 else 's'}"


def _run(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return anyio.to_thread.run_sync(functools.partial(fn, *args, **kwargs))


def _verdict(criterion_type: str, status: str) -> str:
    """Whether a criterion's status speaks for (pass) or against (fail) the patient."""
    if status in ("unknown", "manual"):
        return status
    good = "met" if criterion_type == "inclusion" else "not_met"
    return "pass" if status == good else "fail"


def _merge(params: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """`params` with some keys replaced (None removes a key): for sort and page links."""
    out = dict(params)
    for key, value in changes.items():
        if value is None:
            out.pop(key, None)
        else:
            out[key] = value
    return out


def _view_params(query: Query, as_of: dt.date) -> dict[str, Any]:
    params = {"as_of": as_of.isoformat(), **query.filters()}
    if query.per_page != 50:
        params["per_page"] = query.per_page
    return params


def _page_numbers(page: int, pages: int) -> list[int | None]:
    shown = {1, pages, page - 2, page - 1, page, page + 1, page + 2}
    out: list[int | None] = []
    last = 0
    for n in sorted(p for p in shown if 1 <= p <= pages):
        if n - last > 1:
            out.append(None)
        out.append(n)
        last = n
    return out


# --- the application -------------------------------------------------------------------


class WebApp:
    """Routes and their handlers, bound to one database (an Engine)."""

    def __init__(
        self,
        db_path: str | Path,
        *,
        policy: SessionPolicy | None = None,
        clock: Callable[[], float] = time.time,
        warm: bool = True,
        ranking_wait: float = 1.5,
        login_policy: LoginPolicy | None = None,
    ) -> None:
        self.engine = Engine(db_path)
        self.policy = policy or SessionPolicy()
        self.login_policy = login_policy or LoginPolicy()
        self.blocked = security.BlockedLog(self.login_policy)
        self._password_checks = anyio.Semaphore(self.login_policy.password_checks)
        self.clock = clock
        self.warm = warm
        self.ranking_wait = ranking_wait
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["seg"] = lambda value: quote(str(value), safe="")
        env.filters["qs"] = lambda params: urlencode(params, doseq=True)
        env.globals["merge"] = _merge
        env.globals.update(
            MARKS=_MARKS,
            STATUS_TEXT=_STATUS_TEXT,
            REFERRAL_LABELS=REFERRAL_LABELS,
            REFERRAL_STATUSES=REFERRAL_STATUSES,
            STATUSES=STATUSES,
            CRITERION_STATUSES=CRITERION_STATUSES,
            PER_PAGE_CHOICES=PER_PAGE_CHOICES,
        )
        self.templates = Jinja2Templates(env=env, context_processors=[self._context])

    # --- plumbing ----------------------------------------------------------------------

    def _context(self, request: Request) -> dict[str, Any]:
        user = request.scope.get("state", {}).get("user")
        return {"user": user, "csrf_token": user.csrf_token if user else ""}

    def dbrun(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run fn(db, *args) in a worker thread, on that thread's own connection."""
        return _run(lambda: fn(self.engine.db, *args))

    def render(self, request: Request, name: str, context: dict[str, Any],
               status: int = 200) -> Response:
        return self.templates.TemplateResponse(request, name, context, status_code=status)

    async def form(self, request: Request, **limits: Any) -> FormData:
        """The posted form, after checking the session's CSRF token."""
        form = await request.form(max_fields=limits.get("max_fields", 20),
                                  max_files=limits.get("max_files", 0))
        user = _user(request)
        token = form.get("csrf_token")
        if user.via != "session" or not security.csrf_ok(
            user.csrf_token, token if isinstance(token, str) else None
        ):
            raise HTTPException(403, "invalid or missing CSRF token; reload the page and retry")
        return form

    def trial_or_404(self, trial_id: str):
        trial = self.engine.trial(trial_id)
        if trial is None:
            raise HTTPException(404, "no such trial")
        return trial

    def patient_or_404(self, request: Request) -> tuple[Any, str, Any, Any, int, Any]:
        """(trial, patient id, as-of, result, rank, p_eligible) named by the URL."""
        trial = self.trial_or_404(request.path_params["trial_id"])
        patient_id = request.path_params["patient_id"]
        as_of = _as_of(request)
        found = self.engine.patient_result(trial, patient_id, as_of)
        if found is None:
            raise HTTPException(404, "no such patient")
        result, rank, p_eligible = found
        return trial, patient_id, as_of, result, rank, p_eligible

    def audit(self, request: Request, action: str, trial_id: str | None = None,
              patient_id: str | None = None, detail: dict[str, Any] | None = None) -> None:
        user = request.scope.get("state", {}).get("user")
        security.audit(self.engine.db, user.username if user else None, action, trial_id,
                       patient_id, detail)

    def ranking_within(self, trial, as_of: dt.date, wait: float) -> Ranking | None:
        deadline = time.monotonic() + wait
        while True:
            ranking = self.engine.ranking_in_background(trial, as_of)
            if ranking is not None or time.monotonic() >= deadline:
                return ranking
            time.sleep(0.05)

    # --- login -------------------------------------------------------------------------

    async def login_page(self, request: Request) -> Response:
        token = secrets.token_urlsafe(24)
        response = self.render(request, "login.html", {
            "login_token": token, "next": _safe_next(request.query_params.get("next")),
            "error": None,
        })
        self._set_cookie(request, response, LOGIN_COOKIE, token, path="/login", max_age=3600)
        return response

    async def login(self, request: Request) -> Response:
        form = await request.form(max_fields=10, max_files=0)
        username = str(form.get("username") or "")[:64]
        password = str(form.get("password") or "")[:security.MAX_PASSWORD]
        target = _safe_next(str(form.get("next") or ""))
        if not security.csrf_ok(request.cookies.get(LOGIN_COOKIE, ""),
                                str(form.get("login_token") or "")):
            return self._login_error(request, target, "The form expired; please try again.", 403)
        client = _client(request)
        attempt = await _run(self._begin_login, username, client)
        if attempt.id is None:  # the account or the address must still wait
            wait = math.ceil(attempt.retry_after)
            return self._login_error(
                request, target, f"Too many failed attempts. Try again in {_duration(wait)}.",
                429, wait)
        if not await self._password_check_turn():
            await self.dbrun(security.cancel_login_attempt, attempt)
            return self._login_error(
                request, target, "The server is busy checking other logins; try again in a "
                "moment.", 503, 1)
        try:
            user = await self.dbrun(security.authenticate, username, password)
        finally:
            self._password_checks.release()
        await self.dbrun(security.finish_login_attempt, attempt, user is not None)
        if user is not None:
            session = await self.dbrun(security.create_session, user.username,
                                       self.clock(), self.policy)
            await self.dbrun(security.audit, user.username, "login", None, None,
                             {"client": client})
            response = RedirectResponse(target, 303)
            self._set_cookie(request, response, SESSION_COOKIE, session)
            response.delete_cookie(LOGIN_COOKIE, path="/login", httponly=True,
                                   samesite="strict", secure=request.url.scheme == "https")
            return response
        return self._login_error(request, target, "Wrong username or password.", 401)

    def _begin_login(self, username: str, client: str) -> security.LoginAttempt:
        """The attempt, counted before its password is checked, or refused (and counted in
        the audit trail's login_blocked row, see security.BlockedLog)."""
        db = self.engine.db
        now = self.clock()
        account = security.login_account(db, username)
        attempt = security.begin_login_attempt(db, account, client, now, self.login_policy)
        if attempt.id is None:
            self.blocked.record(db, attempt, now)
        else:
            self.blocked.flush(db, now)
        return attempt

    async def _password_check_turn(self) -> bool:
        """One of the `password_checks` turns (each scrypt hash takes 16 MiB and ~40 ms:
        guesses fired at once must not take the server's memory and cores), waited for at
        most `password_check_wait` seconds, in the event loop (no worker thread held)."""
        try:
            self._password_checks.acquire_nowait()
            return True
        except anyio.WouldBlock:
            pass
        with anyio.move_on_after(self.login_policy.password_check_wait):
            await self._password_checks.acquire()
            return True
        return False

    def _login_error(self, request: Request, target: str, message: str, status: int,
                     retry_after: int | None = None) -> Response:
        token = secrets.token_urlsafe(24)
        response = self.render(request, "login.html",
                               {"login_token": token, "next": target, "error": message}, status)
        self._set_cookie(request, response, LOGIN_COOKIE, token, path="/login", max_age=3600)
        if retry_after is not None:
            response.headers["retry-after"] = str(retry_after)
        return response

    def _set_cookie(self, request: Request, response: Response, name: str, value: str,
                    path: str = "/", max_age: int | None = None) -> None:
        response.set_cookie(
            name, value, max_age=max_age, path=path, httponly=True, samesite="strict",
            secure=request.url.scheme == "https",
        )

    async def logout(self, request: Request) -> Response:
        await self.form(request)
        token = request.cookies.get(SESSION_COOKIE, "")
        await self.dbrun(security.end_session, token)
        await _run(self.audit, request, "logout")
        response = RedirectResponse("/login", 303)
        response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="strict",
                               secure=request.url.scheme == "https")
        return response

    # --- trials ------------------------------------------------------------------------

    async def home(self, request: Request) -> Response:
        return RedirectResponse("/trials", 303)

    async def trials(self, request: Request) -> Response:
        return await _run(self._trials_page, request, None, 200)

    def _trial_summaries(self, as_of: dt.date, wait: bool) -> list[dict[str, Any]]:
        """Every trial with its counts; `wait` blocks for the rankings (the API), else they
        are computed in the background (at most `ranking_wait` seconds spent waiting)."""
        rows = self.engine.trial_rows()
        trials = [self.engine.trial(row["trial_id"]) for row in rows]
        if not wait:
            for trial in trials:
                self.engine.ranking_in_background(trial, as_of)
        deadline = time.monotonic() + self.ranking_wait
        out = []
        for row, trial in zip(rows, trials, strict=True):
            if wait:
                ranking = self.engine.ranking(trial, as_of)
            else:
                ranking = self.ranking_within(trial, as_of, max(0.0, deadline - time.monotonic()))
            out.append({
                "trial": trial,
                "loaded_at": row["loaded_at"],
                "source": row["source"],
                "counts": ranking.counts if ranking else None,
                "patients": len(ranking.rows) if ranking else None,
                "referrals": len(self.engine.referrals(trial.trial_id)),
            })
        return out

    def _trials_page(self, request: Request, message: str | None, status: int) -> Response:
        as_of = _as_of(request)
        summaries = self._trial_summaries(as_of, wait=False)
        computing = any(s["counts"] is None for s in summaries)
        imported = request.query_params.get("imported", "").split(",")
        known = [s["trial"].trial_id for s in summaries if s["trial"].trial_id in imported]
        if known and not message:
            message = f"Imported {', '.join(known)}."
        problems = self.engine.input_problems() if _user(request).is_admin else None
        return self.render(request, "trials.html", {
            "summaries": summaries, "as_of": as_of, "computing": computing,
            "message": message, "error": None if status == 200 else message,
            "problems": problems,
        }, status)

    async def import_trial(self, request: Request) -> Response:
        _require_admin(request)
        form = await self.form(request, max_files=1)
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or not upload.filename:
            return await _run(self._trials_page, request, "Choose a registry file to import.",
                              400)
        data = await upload.read(MAX_UPLOAD_BYTES + 1)
        if len(data) > MAX_UPLOAD_BYTES:
            return await _run(self._trials_page, request, "The file is larger than 5 MB.", 413)
        name = Path(upload.filename).name[:200]
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            return await _run(self._trials_page, request, "The file is not UTF-8 text.", 400)
        try:
            trials = await _run(self.engine.import_registry, text, name)
        except MatcherError as exc:
            return await _run(self._trials_page, request, f"Cannot import {name}: {exc}", 400)
        ids = [t.trial_id for t in trials]
        await _run(self.audit, request, "import_trial", ",".join(ids)[:500], None,
                   {"file": name, "trials": ids})
        if self.warm:
            for trial in trials:
                self.engine.ranking_in_background(self.engine.trial(trial.trial_id),
                                                  dt.date.today())
        return RedirectResponse("/trials?" + urlencode({"imported": ",".join(ids)}), 303)

    # --- candidates --------------------------------------------------------------------

    async def candidates(self, request: Request) -> Response:
        return await _run(self._candidates, request)

    def _candidates(self, request: Request) -> Response:
        trial = self.trial_or_404(request.path_params["trial_id"])
        as_of = _as_of(request)
        query = Query.parse(request.query_params, trial)
        ranking = self.ranking_within(trial, as_of, self.ranking_wait)
        base = {"trial": trial, "as_of": as_of, "query": query,
                "params": _view_params(query, as_of)}
        if ranking is None:
            return self.render(request, "candidates.html", {
                **base, "computing": True, "ranking": None, "rows": [], "total": 0,
                "pages": 0, "page_numbers": [], "referrals": {},
                "patients": self.engine.db.execute("SELECT count(*) FROM patients").fetchone()[0],
            })
        referrals = self.engine.referrals(trial.trial_id)
        rows = self.engine.select(ranking, query, referrals)
        total = len(rows)
        pages = max(1, math.ceil(total / query.per_page))
        page = min(query.page, pages)
        shown = rows[(page - 1) * query.per_page: page * query.per_page]
        return self.render(request, "candidates.html", {
            **base, "computing": False, "ranking": ranking, "rows": shown, "total": total,
            "page": page, "pages": pages, "page_numbers": _page_numbers(page, pages),
            "referrals": referrals, "patients": len(ranking.rows),
        })

    async def export_csv(self, request: Request) -> Response:
        return await _run(self._export_csv, request)

    def _export_csv(self, request: Request) -> Response:
        trial = self.trial_or_404(request.path_params["trial_id"])
        as_of = _as_of(request)
        query = Query.parse(request.query_params, trial)
        ranking = self.engine.ranking(trial, as_of)
        referrals = self.engine.referrals(trial.trial_id)
        rows = self.engine.select(ranking, query, referrals)
        # The columns of `matcher match --format csv`, then the web app's own.
        model = ranking.model_version is not None
        header = (
            ["rank", "patient_id", "status", "score", "met", "not_met", "unknown", "manual"]
            + [c.key for c in trial.criteria] + (["p_eligible"] if model else [])
            + ["age_years", "referral_status", "referral_by", "referral_at"]
        )
        table = []
        for r in rows:
            ref = referrals.get(r.patient_id, {})
            table.append([
                r.rank, r.patient_id, r.status, r.score, r.met, r.not_met, r.unknown,
                r.manual, *r.statuses, *([round(r.p or 0.0, 4)] if model else []),
                "" if r.age is None else r.age,
                ref.get("status", ""), ref.get("username", ""), ref.get("at", "")
            ])
        self.audit(request, "export_csv", trial.trial_id, None,
                   {"as_of": as_of.isoformat(), "filters": query.filters(), "rows": len(rows)})
        filename = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in trial.trial_id)
        return Response(
            csv_text(header, table),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition":
                     f'attachment; filename="{filename}-candidates-{as_of.isoformat()}.csv"'},
        )

    # --- patient -----------------------------------------------------------------------

    async def patient(self, request: Request) -> Response:
        return await _run(self._patient, request)

    def _patient(self, request: Request) -> Response:
        trial, patient_id, as_of, result, rank, p_eligible = self.patient_or_404(request)
        store = self.engine.store()
        patient = store.patient(patient_id)
        notes = store.notes_for_patient(patient_id)
        texts = {n.note_id: n.text for n in notes}
        dates = {n.note_id: n.note_date for n in notes}
        payload = api.result_to_json(result, texts)
        items = []
        for item, row in zip(result.results, payload["criteria"], strict=True):
            items.append({**row, "verdict": _verdict(item.criterion.type, row["status"])})
        note_view = self._note_view(request, notes)
        findings = store.findings_for_patient(patient_id)
        svg = timeline_svg(findings, dates, as_of)
        referral = self.engine.referrals(trial.trial_id).get(patient_id)
        history = self.engine.referral_history(trial.trial_id, patient_id)
        age = patient_age(patient, findings, dates, as_of) if patient else None
        detail: dict[str, Any] = {"as_of": as_of.isoformat()}
        if note_view:
            detail["note_id"] = note_view["note"].note_id
        self.audit(request, "view_patient", trial.trial_id, patient_id, detail)
        return self.render(request, "patient.html", {
            "trial": trial, "as_of": as_of, "result": result, "rank": rank, "items": items,
            "p_eligible": p_eligible,
            "patient": patient, "age": age, "notes": [n for n in notes if n.note_date <= as_of],
            "later_notes": sum(1 for n in notes if n.note_date > as_of),
            "note_view": note_view, "svg": svg, "referral": referral, "history": history,
            "counts": {s: sum(1 for i in items if i["status"] == s) for s in CRITERION_STATUSES},
            "error": request.query_params.get("error"),
        })

    def _note_view(self, request: Request, notes: list) -> dict[str, Any] | None:
        note_id = request.query_params.get("note")
        if not note_id:
            return None
        note = next((n for n in notes if n.note_id == note_id), None)
        if note is None:
            raise HTTPException(404, "no such note for this patient")
        text = note.text
        try:
            start = int(request.query_params.get("start", ""))
            end = int(request.query_params.get("end", ""))
        except ValueError:
            start = end = -1
        if not (0 <= start < end <= len(text)):
            return {"note": note, "before": text, "span": "", "after": ""}
        return {"note": note, "before": text[:start], "span": text[start:end],
                "after": text[end:], "start": start, "end": end}

    async def set_referral(self, request: Request) -> Response:
        form = await self.form(request)
        return await _run(self._set_referral, request, form)

    def _set_referral(self, request: Request, form: FormData) -> Response:
        trial = self.trial_or_404(request.path_params["trial_id"])
        patient_id = request.path_params["patient_id"]
        if self.engine.store().patient(patient_id) is None:
            raise HTTPException(404, "no such patient")
        status = str(form.get("status") or "")
        reason = str(form.get("reason") or "").strip()[:MAX_REASON]
        as_of = str(form.get("as_of") or "")
        back = f"/trials/{quote(trial.trial_id, safe='')}/patients/{quote(patient_id, safe='')}"
        params = {"as_of": as_of} if as_of else {}
        if status not in REFERRAL_STATUSES:
            raise HTTPException(400, "unknown referral status")
        if status == "not_suitable" and not reason:
            params["error"] = "reason"
            return RedirectResponse(back + "?" + urlencode(params) + "#referral", 303)
        previous = self.engine.referrals(trial.trial_id).get(patient_id)
        self.engine.set_referral(trial.trial_id, patient_id, status, reason,
                                 _user(request).username)
        self.audit(request, "referral_status", trial.trial_id, patient_id,
                   {"from": previous["status"] if previous else None, "to": status})
        return RedirectResponse(back + ("?" + urlencode(params) if params else "") + "#referral",
                                303)

    # --- admin -------------------------------------------------------------------------

    async def users(self, request: Request) -> Response:
        _require_admin(request)
        return await _run(self._users_page, request, None, 200)

    def _users_page(self, request: Request, error: str | None, status: int) -> Response:
        users = security.list_users(self.engine.db)
        names = {u["username"] for u in users}
        added, removed = (request.query_params.get(k, "") for k in ("added", "removed"))
        message = None  # only what is true now: a link cannot make the page say anything
        if added in names:
            message = f"Added {added}."
        elif removed and removed not in names and security.USERNAME.match(removed):
            message = f"Removed {removed}."
        return self.render(request, "users.html", {
            "users": users, "roles": security.ROLES, "error": error, "message": message,
        }, status)

    async def add_user(self, request: Request) -> Response:
        _require_admin(request)
        form = await self.form(request)
        username = str(form.get("username") or "").strip()
        try:
            await self.dbrun(security.add_user, username, str(form.get("password") or ""),
                             str(form.get("role") or ""))
        except security.UserError as exc:
            return await _run(self._users_page, request, str(exc), 400)
        await _run(self.audit, request, "user_add", None, None,
                   {"username": username, "role": str(form.get("role"))})
        return RedirectResponse("/admin/users?" + urlencode({"added": username}), 303)

    async def remove_user(self, request: Request) -> Response:
        _require_admin(request)
        await self.form(request)
        username = request.path_params["username"]
        if username == _user(request).username:
            return await _run(self._users_page, request, "You cannot remove yourself.", 400)
        try:
            await self.dbrun(security.remove_user, username)
        except security.UserError as exc:
            return await _run(self._users_page, request, str(exc), 404)
        await _run(self.audit, request, "user_remove", None, None, {"username": username})
        return RedirectResponse("/admin/users?" + urlencode({"removed": username}), 303)

    async def audit_page(self, request: Request) -> Response:
        _require_admin(request)
        return await _run(self._audit_page, request)

    def _audit_page(self, request: Request) -> Response:
        self.blocked.flush(self.engine.db, self.clock())  # the refusals counted so far
        filters = {k: request.query_params.get(k, "").strip()
                   for k in ("username", "action", "trial_id", "patient_id")}
        per_page = 100
        try:
            page = max(1, int(request.query_params.get("page", "1")))
        except ValueError:
            page = 1
        rows, total = security.audit_rows(self.engine.db, per_page, (page - 1) * per_page,
                                          filters)
        pages = max(1, math.ceil(total / per_page))
        return self.render(request, "audit.html", {
            "rows": rows, "total": total, "page": page, "pages": pages, "filters": filters,
            "active": {k: v for k, v in filters.items() if v},
        })

    # --- JSON API ----------------------------------------------------------------------

    async def api_trials(self, request: Request) -> Response:
        return await _run(self._api_trials, request)

    def _api_trials(self, request: Request) -> Response:
        as_of = _as_of(request)
        return JSONResponse({
            "as_of": as_of.isoformat(),
            "trials": [
                {"id": s["trial"].trial_id, "title": s["trial"].title,
                 "criteria": len(s["trial"].criteria), "patients": s["patients"],
                 "counts": s["counts"], "loaded_at": s["loaded_at"]}
                for s in self._trial_summaries(as_of, wait=True)
            ],
        })

    async def api_candidates(self, request: Request) -> Response:
        return await _run(self._api_candidates, request)

    def _api_candidates(self, request: Request) -> Response:
        """The `matcher match --format json` object for the filtered, sorted page; the
        total and paging are in headers (X-Total-Count, Link) so the body keeps the
        output contract (matcher/schema/match_output.schema.json)."""
        trial = self.trial_or_404(request.path_params["trial_id"])
        as_of = _as_of(request)
        query = Query.parse(request.query_params, trial)
        if query.errors:
            raise HTTPException(400, "; ".join(query.errors))
        per_page = query.per_page
        raw = request.query_params.get("per_page")
        if raw and raw.isdigit():
            per_page = min(max(int(raw), 1), 1000)
        ranking = self.engine.ranking(trial, as_of)
        referrals = self.engine.referrals(trial.trial_id)
        rows = self.engine.select(ranking, query, referrals)
        pages = max(1, math.ceil(len(rows) / per_page))
        page = min(query.page, pages)
        shown = rows[(page - 1) * per_page: page * per_page]
        results = [ranking.results[ranking.index[r.patient_id]] for r in shown]
        texts = self._note_texts(results)
        if ranking.model_version is not None:
            payload = api.match_to_json(trial, results, as_of, texts, ranking.p_eligible,
                                        ranking.model_version)
        else:
            payload = api.match_to_json(trial, results, as_of, texts)
        self.audit(request, "api_candidates", trial.trial_id, None,
                   {"as_of": as_of.isoformat(), "filters": query.filters(), "page": page,
                    "rows": len(shown)})
        headers = {"x-total-count": str(len(rows)), "x-page": str(page),
                   "x-per-page": str(per_page)}
        if page < pages:
            params = {**query.filters(), "as_of": as_of.isoformat(), "page": page + 1,
                      "per_page": per_page}
            headers["link"] = f'<{request.url.path}?{urlencode(params, doseq=True)}>; rel="next"'
        return JSONResponse(payload, headers=headers)

    def _note_texts(self, results: list) -> dict[str, str]:
        wanted = sorted({e.note_id for r in results for c in r.results for e in c.evidence})
        texts: dict[str, str] = {}
        db = self.engine.db
        for i in range(0, len(wanted), 500):
            chunk = wanted[i: i + 500]
            marks = ", ".join("?" * len(chunk))
            for note_id, text in db.execute(
                f"SELECT note_id, text FROM notes WHERE note_id IN ({marks})", chunk
            ):
                texts[note_id] = text
        return texts

    async def api_patient(self, request: Request) -> Response:
        return await _run(self._api_patient, request)

    def _api_patient(self, request: Request) -> Response:
        trial, patient_id, as_of, result, rank, p_eligible = self.patient_or_404(request)
        if p_eligible is not None:
            payload = api.result_to_json(result, self._note_texts([result]), p_eligible)
        else:
            payload = api.result_to_json(result, self._note_texts([result]))
        payload["rank"] = rank
        referral = self.engine.referrals(trial.trial_id).get(patient_id)
        self.audit(request, "api_patient", trial.trial_id, patient_id,
                   {"as_of": as_of.isoformat()})
        return JSONResponse({
            "trial": {"id": trial.trial_id, "title": trial.title},
            "as_of": as_of.isoformat(),
            "patient": payload,
            "referral": {k: referral[k] for k in ("status", "reason", "username", "at")}
            if referral else None,
        })

    # --- errors ------------------------------------------------------------------------

    async def http_error(self, request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
        if "user" not in request.scope.get("state", {}):
            return _plain(exc.status_code, str(exc.detail))
        return self.render(request, "error.html",
                           {"status": exc.status_code, "detail": exc.detail}, exc.status_code)

    # --- assembly ----------------------------------------------------------------------

    def routes(self) -> list:
        return [
            Route("/login", self.login_page, methods=["GET"]),
            Route("/login", self.login, methods=["POST"]),
            Route("/logout", self.logout, methods=["POST"]),
            Route("/", self.home, methods=["GET"]),
            Route("/trials", self.trials, methods=["GET"]),
            Route("/trials/import", self.import_trial, methods=["POST"]),
            Route("/trials/{trial_id}", self.candidates, methods=["GET"]),
            Route("/trials/{trial_id}/export.csv", self.export_csv, methods=["GET"]),
            Route("/trials/{trial_id}/patients/{patient_id}", self.patient, methods=["GET"]),
            Route("/trials/{trial_id}/patients/{patient_id}/referral", self.set_referral,
                  methods=["POST"]),
            Route("/admin/users", self.users, methods=["GET"]),
            Route("/admin/users", self.add_user, methods=["POST"]),
            Route("/admin/users/{username}/remove", self.remove_user, methods=["POST"]),
            Route("/admin/audit", self.audit_page, methods=["GET"]),
            Route("/api/trials", self.api_trials, methods=["GET"]),
            Route("/api/trials/{trial_id}/candidates", self.api_candidates, methods=["GET"]),
            Route("/api/trials/{trial_id}/patients/{patient_id}", self.api_patient,
                  methods=["GET"]),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ]

    def build(self) -> Starlette:
        engine = self.engine
        warm = self.warm

        @asynccontextmanager
        async def lifespan(app: Starlette):
            if warm:
                def warm_up() -> None:
                    for row in engine.trial_rows():
                        trial = engine.trial(row["trial_id"])
                        if trial is not None:
                            engine.ranking_in_background(trial, dt.date.today())
                    engine.sync_search_index()

                threading.Thread(target=warm_up, daemon=True, name="warm-up").start()
            yield
            await self.dbrun(self.blocked.flush, self.clock())  # the refusals counted so far

        routes = self.routes()
        app = Starlette(
            routes=routes,
            exception_handlers={HTTPException: self.http_error},
            lifespan=lifespan,
            max_body_size=MAX_UPLOAD_BYTES + 64 * 1024,
        )
        app.add_middleware(RequireLogin, engine=engine, policy=self.policy, clock=self.clock)
        app.add_middleware(AccessLog, routes=lambda: routes)
        app.add_middleware(SecurityHeaders)
        app.state.web = self
        return app


def create_app(db_path: str | Path, **options: Any) -> Starlette:
    """The ASGI app for one database file (see WebApp for the options)."""
    return WebApp(db_path, **options).build()
