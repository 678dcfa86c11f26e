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
import json
import logging
import math
import secrets
import threading
import time
from collections.abc import Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlencode

import anyio
import jinja2
from starlette.applications import Starlette
from starlette.convertors import Convertor, register_url_convertor
from starlette.datastructures import FormData, Headers, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Match, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matcher import api
from matcher.errors import MatcherError
from matcher.judge.outcome import OUTCOME_COLUMNS, outcome_counts, outcomes_of
from matcher.model import STATUS_MARKS, STATUS_WORDS
from matcher.store.csvout import csv_text
from matcher.web import params as param
from matcher.web import security, why_pages
from matcher.web.changes_pages import ChangesPages
from matcher.web.local_time import LocalTimes, site_zone
from matcher.web.plot import timeline_svg
from matcher.web.portfolio_pages import PortfolioPages
from matcher.web.review_pages import ReviewPages
from matcher.web.security import LoginPolicy, SessionPolicy, User
from matcher.web.service import (
    CRITERION_STATUSES,
    PER_PAGE_CHOICES,
    REFERRAL_LABELS,
    REFERRAL_NEXT,
    REFERRAL_STATUSES,
    STATUSES,
    Engine,
    Query,
    patient_age,
    referral_refusal,
    rests_on_unreviewed,
)
from matcher.web.stored_pages import StoredView, stored_check, stored_view, wait_all

log = logging.getLogger("matcher.web")

HERE = Path(__file__).resolve().parent
SESSION_COOKIE = "matcher_session"
LOGIN_COOKIE = "matcher_login"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_REASON = 1000
API_MAX_PER_PAGE = 1000
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
# Host names a bare create_app() serves: only loopback (`matcher serve` passes its own).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
# Strict-Transport-Security under TLS: a year, this host only (subdomains may be other apps).
HSTS = "max-age=31536000"
_PUBLIC_PREFIXES = ("/static/",)
_PUBLIC_PATHS = ("/login",)


# --- middleware ------------------------------------------------------------------------


class SecurityHeaders:
    """Strict headers on every response: CSP, no framing, no sniffing, no referrer to other
    sites (URLs never leave the app), and no caching of anything but static assets.

    (Referrer-Policy same-origin, not no-referrer: with no-referrer Chromium sends
    `Origin: null` on same-origin form posts, which the origin check must refuse.)"""

    def __init__(self, app: ASGIApp, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")
        # HSTS only over HTTPS (RFC 6797 8.1: a header received over plain HTTP is ignored).
        hsts = self.hsts and scope.get("scheme") == "https"

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
                if hsts:
                    headers.append((b"strict-transport-security", HSTS.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class AllowedHosts:
    """Only requests that name an allowed host (the Host header, and X-Forwarded-Host when
    a proxy sets one) reach the app; any other gets a plain 400. Whatever the app builds
    from the Host header then names this app: Starlette's trailing-slash redirect, for
    one, answers `GET /trials/` with `Location: http://<Host>/trials`, which a forged
    `Host: evil.example` would otherwise turn into a redirect to another site.

    An allowed name is exact (`matcher.hospital.org`, `10.1.2.3`, `::1`), `*.domain` for
    its subdomains, or `*` for any host (only behind a proxy that checks the name)."""

    def __init__(self, app: ASGIApp, hosts: Sequence[str]) -> None:
        self.app = app
        self.hosts = [_host_name(h) if h != "*" and not h.startswith("*.") else h.lower()
                      for h in hosts]

    def allowed(self, header: str) -> bool:
        name = _host_name(header)
        for host in self.hosts:
            suffix = host[1:] if host.startswith("*.") else None  # "*.org" → ".org"
            if host == "*" or name == host or (suffix and name.endswith(suffix)
                                                and len(name) > len(suffix)):
                return bool(name)
        return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        named = [headers.get("host", "")]
        forwarded = headers.get("x-forwarded-host")
        if forwarded is not None:
            named += forwarded.split(",")
        if not all(self.allowed(h) for h in named):
            # The name is not echoed: the response must not carry what the request forged.
            await _plain(400, "this host name is not served here")(scope, receive, send)
            return
        await self.app(scope, receive, send)


def _host_name(value: str) -> str:
    """The host of a Host header, without the port, lower case: "App.org:8443" → "app.org",
    "[::1]:8000" → "::1"."""
    value = value.strip().lower()
    if value.startswith("["):
        end = value.find("]")
        return value[1:end] if end > 0 else ""
    if value.count(":") == 1:
        value = value.partition(":")[0]
    return value.rstrip(".")


class SegmentConvertor(Convertor[str]):
    """`{name:seg}` in a route: one path segment, its %25 and %2F decoded after matching
    (see EncodedSegments), so that an id may hold any character, "/" and "%" included."""

    regex = "[^/]+"

    def convert(self, value: str) -> str:
        return unquote(value)

    def to_string(self, value: str) -> str:
        return quote(value, safe="")


register_url_convertor("seg", SegmentConvertor())


class EncodedSegments:
    """Route on the path as the client sent it, segment by segment.

    The server hands Starlette the path percent-decoded, so a link to trial "A/B"'s page,
    /trials/A%2FB, arrives as /trials/A/B and matches no route. This middleware rebuilds
    `path` from `raw_path`: every segment decoded except "%" and "/", which stay escaped
    (%25, %2F) until the `seg` convertor decodes them in the matched parameter:
    /trials/%C3%A4%2F%C3%B6/patients/50%25 → path /trials/ä%2Fö/patients/50%25 →
    trial_id "ä/ö", patient_id "50%". Links encode ids with the templates' `seg` filter."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope.get("root_path"):
            raw = scope.get("raw_path")
            if raw is not None:
                scope = {**scope, "path": routable_path(raw)}
            else:  # no raw path: a "/" inside an id is lost, a "%" is kept
                scope = {**scope, "path": scope["path"].replace("%", "%25")}
        await self.app(scope, receive, send)


def routable_path(raw: bytes) -> str:
    """The path to route on: b"/trials/A%2FB/x%20y" → "/trials/A%2FB/x y"."""
    return "/".join(unquote(segment).replace("%", "%25").replace("/", "%2F")
                    for segment in raw.decode("latin-1").split("/"))


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
            if match is Match.FULL:  # path_format: "/trials/{trial_id}", no ":seg"
                if isinstance(route, Mount):
                    return route.path + "/…"
                return getattr(route, "path_format", "?")
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
        client = _client(request)
        if auth.lower().startswith("bearer ") and request.url.path.startswith("/api/"):
            return security.token_user(db, auth[7:].strip(), now, client)
        token = request.cookies.get(SESSION_COOKIE)
        return security.session_user(db, token, now, self.policy, client) if token else None


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


def _require_reviewer(request: Request) -> None:
    if not _user(request).can_review:
        raise HTTPException(403, "only a coordinator or an admin can do this")


def _as_of(request: Request) -> dt.date:
    return param.date(request.query_params, "as_of", dt.date.today())


def _checked_query(request: Request, trial: Any, per_page_max: int | None = None) -> Query:
    """The filters of an export or an API call: any unusable one is a 400 (the page shows
    the form with the mistakes instead)."""
    query = Query.parse(request.query_params, trial, per_page_max)
    if query.errors:
        raise HTTPException(400, "; ".join(query.errors))
    return query


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



def _protocol_file(text: str) -> dict[str, Any] | None:
    """The parsed file when it is an exported protocol (its `format` names it), else None
    (a registry record, plain text or ClinicalTrials.gov JSON)."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        data = json.loads(text)
    except ValueError:
        return None
    fmt = data.get("format") if isinstance(data, dict) else None
    return data if isinstance(fmt, str) and fmt.startswith("matcher-protocol/") else None


def _not_computed_hint(view: StoredView) -> str:
    if view.problem == "range":
        return "the date is outside the range the server computes; run `matcher match`"
    if view.problem == "full":
        return "the server's queue is full; try again in a few minutes"
    if view.problem == "failed":
        return "computing it failed; try again, or run `matcher match`"
    return "it is being computed; try again in a moment"


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
        allowed_hosts: Sequence[str] = LOOPBACK_HOSTS,
        hsts: bool = False,
        time_zone: str | None = None,
    ) -> None:
        """`allowed_hosts`: the host names served (see AllowedHosts); `hsts`: send
        Strict-Transport-Security on HTTPS responses (`matcher serve --ssl-certfile`);
        `time_zone`: the IANA zone times are shown in (else $MATCHER_TZ, else the
        server's; local_time says why)."""
        self.engine = Engine(db_path)
        self.allowed_hosts = list(allowed_hosts)
        self.hsts = hsts
        self.policy = policy or SessionPolicy()
        self.login_policy = login_policy or LoginPolicy()
        self.blocked = security.BlockedLog(self.login_policy)
        self._password_checks = anyio.Semaphore(self.login_policy.password_checks)
        self.clock = clock
        self.warm = warm
        self.ranking_wait = ranking_wait
        self.times = LocalTimes(site_zone(time_zone))
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            # Compiled templates kept between starts (jinja2's per-user cache directory,
            # mode 0700, checked to be the user's own; a changed template is compiled
            # again): compiling the candidates page's templates took ~0.15 s of a server's
            # first page after every restart.
            bytecode_cache=jinja2.FileSystemBytecodeCache(),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.filters["seg"] = lambda value: quote(str(value), safe="")
        env.filters["qs"] = lambda params: urlencode(params, doseq=True)
        env.filters["when"] = self.times.time
        env.filters["day"] = self.times.day
        env.globals["merge"] = _merge
        env.globals.update(
            MARKS=STATUS_MARKS,
            STATUS_TEXT=STATUS_WORDS,
            REFERRAL_LABELS=REFERRAL_LABELS,
            REFERRAL_STATUSES=REFERRAL_STATUSES,
            STATUSES=STATUSES,
            CRITERION_STATUSES=CRITERION_STATUSES,
            PER_PAGE_CHOICES=PER_PAGE_CHOICES,
            ZONE_NAME=self.times.name,
            **why_pages.template_globals(),
        )
        self.templates = Jinja2Templates(env=env, context_processors=[self._context])
        self.review = ReviewPages(self)
        self.portfolio = PortfolioPages(self)
        self.changes = ChangesPages(self)

    # --- plumbing ----------------------------------------------------------------------

    def _context(self, request: Request) -> dict[str, Any]:
        user = request.scope.get("state", {}).get("user")
        return {"user": user, "csrf_token": user.csrf_token if user else ""}

    def run(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run fn(*args) in a worker thread (the handlers' blocking part)."""
        return _run(fn, *args)

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

    def patient_or_404(self, request: Request, as_of: dt.date | None = None
                       ) -> tuple[Any, str, Any, Any, int, Any]:
        """(trial, patient id, as-of, result, rank, p_eligible) named by the URL (as-of:
        the query's, unless given)."""
        trial = self.trial_or_404(request.path_params["trial_id"])
        patient_id = request.path_params["patient_id"]
        as_of = as_of or _as_of(request)
        found = self.engine.patient_result(trial, patient_id, as_of)
        if found is None:
            raise HTTPException(404, "no such patient")
        result, rank, p_eligible = found
        return trial, patient_id, as_of, result, rank, p_eligible

    def audit(self, request: Request, action: str, trial_id: str | None = None,
              patient_id: str | None = None, detail: dict[str, Any] | None = None,
              patients: Sequence[str] = ()) -> None:
        user = request.scope.get("state", {}).get("user")
        security.audit(self.engine.db, user.username if user else None, action, trial_id,
                       patient_id, detail, patients)

    def audit_listing(self, request: Request, action: str, trial_id: str, as_of: dt.date,
                      query: Query, patients: Sequence[str], **detail: Any) -> None:
        """A candidates page, API page or export: its filters and the patients it returned.
        A note search is kept as a keyed digest and length of the words, never the words
        (security.search_term_digest says why), and gets a `note_search` entry of its own
        with the same patients, so that every search is found by its action."""
        filters = query.filters()
        term = None
        if query.q:
            term = {"digest": security.search_term_digest(self.engine.db, query.q),
                    "chars": len(query.q)}
            filters["q"] = term
        self.audit(request, action, trial_id, None,
                   {"as_of": as_of.isoformat(), "filters": filters, **detail}, patients)
        if term is not None:
            self.audit(request, "note_search", trial_id, None,
                       {"as_of": as_of.isoformat(), "via": action, "term": term}, patients)

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
        """Every trial with its stored counts (None: not computed yet for the date; the queue
        computes it, waited for at most `ranking_wait` seconds in all)."""
        rows = self.engine.trial_rows()
        trials = [self.engine.trial(row["trial_id"]) for row in rows]
        views = wait_all(self.engine, trials, as_of, self.ranking_wait)
        out = []
        for row, trial, view in zip(rows, trials, views, strict=True):
            stored = view.stored
            out.append({
                "trial": trial,
                "loaded_at": row["loaded_at"],
                "source": row["source"],
                "counts": stored.counts if stored else None,
                "patients": stored.patients if stored else None,
                "referrals": len(self.engine.referrals(trial.trial_id)),
                "computing": view.computing,
            })
        return out

    def _trials_page(self, request: Request, message: str | None, status: int) -> Response:
        as_of = _as_of(request)
        summaries = self._trial_summaries(as_of, wait=False)
        computing = any(s["computing"] for s in summaries)
        imported = param.text(request.query_params, "imported", 2000).split(",")
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
        _require_reviewer(request)
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
            protocol = _protocol_file(text)
            if protocol is not None:  # an exported protocol: the library audits it
                imported = await _run(lambda: api.import_protocol(
                    self.engine.store(), protocol, _user(request).username, name))
                return RedirectResponse(
                    f"/trials/{quote(imported.trial.trial_id, safe='')}/review?"
                    + urlencode({"done": f"version:{imported.version}"}), 303)
            trials = await _run(self.engine.import_registry, text, name)
        except MatcherError as exc:
            return await _run(self._trials_page, request, f"Cannot import {name}: {exc}", 400)
        ids = [t.trial_id for t in trials]
        await _run(self.audit, request, "import_trial", ",".join(ids)[:500], None,
                   {"file": name, "trials": ids})
        if self.warm:  # today's ranking, stored by the as-of queue
            for trial in trials:
                await _run(stored_view, self.engine, self.engine.trial(trial.trial_id),
                           dt.date.today(), 0.0)
        return RedirectResponse("/trials?" + urlencode({"imported": ",".join(ids)}), 303)

    # --- candidates --------------------------------------------------------------------

    async def candidates(self, request: Request) -> Response:
        return await _run(self._candidates, request)

    def _candidates(self, request: Request) -> Response:
        trial = self.trial_or_404(request.path_params["trial_id"])
        as_of = _as_of(request)
        query = Query.parse(request.query_params, trial)
        view = stored_view(self.engine, trial, as_of, self.ranking_wait)
        stored = view.stored
        unreviewed = self.engine.unreviewed(trial.trial_id)
        base = {"trial": trial, "as_of": as_of, "query": query,
                "params": _view_params(query, as_of), "banner": len(unreviewed),
                "warned": set(), **view.template()}
        if stored is None:
            return self.render(request, "candidates.html", {
                **base, "computing": view.computing, "ranking": None, "rows": [], "total": 0,
                "pages": 0, "page_numbers": [], "referrals": {}, "snippets": {},
                "patients": self.engine.db.execute("SELECT count(*) FROM patients").fetchone()[0],
            }, 400 if query.errors else 200)
        referrals = self.engine.referrals(trial.trial_id)
        offset = (query.page - 1) * query.per_page
        shown, total = self.engine.stored.select(stored, trial, query, query.per_page, offset)
        pages = max(1, math.ceil(total / query.per_page))
        page = min(query.page, pages)
        if page != query.page:  # past the last page: the last page
            shown, total = self.engine.stored.select(stored, trial, query, query.per_page,
                                                     (page - 1) * query.per_page)
        self.audit_listing(request, "view_candidates", trial.trial_id, as_of, query,
                           [r.patient_id for r in shown], page=page, rows=len(shown))
        positions = [i for i, c in enumerate(trial.criteria) if c.id in unreviewed]
        base["warned"] = {r.patient_id for r in shown if rests_on_unreviewed(r, positions)}
        return self.render(request, "candidates.html", {
            **base, "computing": view.computing, "ranking": stored, "rows": shown,
            "total": total, "page": page, "pages": pages,
            "page_numbers": _page_numbers(page, pages), "referrals": referrals,
            "patients": stored.patients,
            # The note search's matching words beside each patient shown (PHI: this page
            # needs a login, and the search is audited above).
            "snippets": self.engine.snippets(query.q, as_of, [r.patient_id for r in shown])
            if query.q else {},
            **why_pages.candidates_context(trial, shown),
        }, 400 if query.errors else 200)

    def _stored_or_409(self, trial: Any, as_of: dt.date) -> StoredView:
        """The stored set an export or an API call reads; none yet is a 409 that says how
        to get one (the queue is computing it, or `matcher match`)."""
        view = stored_view(self.engine, trial, as_of, self.ranking_wait)
        if view.stored is None:
            raise HTTPException(409, f"not computed yet for as-of {as_of.isoformat()}: "
                                + _not_computed_hint(view))
        return view

    async def export_csv(self, request: Request) -> Response:
        return await _run(self._export_csv, request)

    def _export_csv(self, request: Request) -> Response:
        trial = self.trial_or_404(request.path_params["trial_id"])
        as_of = _as_of(request)
        query = _checked_query(request, trial)
        stored = self._stored_or_409(trial, as_of).stored
        referrals = self.engine.referrals(trial.trial_id)
        rows, _total = self.engine.stored.select(stored, trial, query)
        # The columns of `matcher match --format csv`, then the web app's own.
        model = stored.model_version is not None
        header = (
            ["rank", "patient_id", "status", "score", *OUTCOME_COLUMNS]
            + [c.key for c in trial.criteria] + (["p_eligible"] if model else [])
            + ["age_years", "referral_status", "referral_by", "referral_at", "why"]
        )
        types = [c.type for c in trial.criteria]
        table = []
        for r in rows:
            ref = referrals.get(r.patient_id, {})
            outcomes = outcomes_of(types, r.statuses)
            table.append([
                r.rank, r.patient_id, r.status, r.score, *outcome_counts(outcomes).values(),
                *map(str, outcomes), *([round(r.p or 0.0, 4)] if model else []),
                "" if r.age is None else r.age,
                ref.get("status", ""), ref.get("username", ""), ref.get("at", ""),
                why_pages.why_cell(r),
            ])
        self.audit_listing(request, "export_csv", trial.trial_id, as_of, query,
                           [r.patient_id for r in rows], rows=len(rows))
        # ASCII only: a header is Latin-1 on the wire, so trial "ä/ö" is saved as "___".
        filename = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_"
                           for ch in trial.trial_id)
        return Response(
            csv_text(header, table),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition":
                     f'attachment; filename="{filename}-candidates-{as_of.isoformat()}.csv"'},
        )

    # --- patient -----------------------------------------------------------------------

    async def patient(self, request: Request) -> Response:
        return await _run(self._patient, request)

    def _patient(self, request: Request, as_of: dt.date | None = None,
                 referral_form: dict[str, str] | None = None, status: int = 200) -> Response:
        """The patient page; `referral_form`: a referral change refused (its status, reason
        and why), shown in the form as the user left it."""
        trial, patient_id, as_of, result, rank, p_eligible = self.patient_or_404(request, as_of)
        # Evaluated live (one patient is cheap); the stored row gives the rank, and the page
        # says when the two differ (the notes changed since the list was computed).
        stored = stored_check(self.engine, trial, patient_id, as_of, result)
        if stored is not None and stored["rank"] is not None and rank is None:
            rank = stored["rank"]
        store = self.engine.store()
        patient = store.patient(patient_id)
        notes = store.notes_for_patient(patient_id)
        texts = {n.note_id: n.text for n in notes}
        dates = {n.note_id: n.note_date for n in notes}
        payload = api.result_to_json(result, texts)
        unreviewed = set(self.engine.unreviewed(trial.trial_id))
        items = [{**row, "unreviewed": row["id"] in unreviewed}
                 for row in why_pages.criterion_items(result, payload["criteria"])]
        # Eligible on the word of a reading nobody checked: said, never silent.
        rests_on = [i["id"] for i in items
                    if i["unreviewed"] and i["status"] in ("met", "not_met")]
        note_view = self._note_view(request, notes)
        findings = store.findings_for_patient(patient_id)
        svg = timeline_svg(findings, dates, as_of, api.vocabulary())
        referral = self.engine.referrals(trial.trial_id).get(patient_id)
        history = self.engine.referral_history(trial.trial_id, patient_id)
        age = patient_age(patient, findings, dates, as_of) if patient else None
        detail: dict[str, Any] = {"as_of": as_of.isoformat()}
        if note_view:
            detail["note_id"] = note_view["note"].note_id
        if svg:  # the timeline: the patient's lab values and drugs over time
            detail["timeline"] = True
        self.audit(request, "view_patient", trial.trial_id, patient_id, detail)
        return self.render(request, "patient.html", {
            "trial": trial, "as_of": as_of, "result": result, "rank": rank, "items": items,
            "p_eligible": p_eligible, "banner": len(unreviewed),
            "rests_on": rests_on if str(result.status) == "eligible" else [],
            "patient": patient, "age": age, "notes": [n for n in notes if n.note_date <= as_of],
            "later_notes": sum(1 for n in notes if n.note_date > as_of),
            "note_view": note_view, "svg": svg, "referral": referral, "history": history,
            "counts": {s: sum(1 for i in items if i["status"] == s) for s in CRITERION_STATUSES},
            "stored": stored,
            "error": param.choice(request.query_params, "error", ("reason",), None),
            **why_pages.patient_context(self.engine, trial, result, as_of,
                                        Query.parse(request.query_params, trial)),
            "patient_id": patient_id, "this_trial": trial.trial_id,
            "other_trials": self.portfolio.other_trials(request, patient_id, as_of),
            "referral_form": referral_form or {},
            "referral_next": REFERRAL_NEXT[referral["status"] if referral else None],
        }, status)

    async def print_summary(self, request: Request) -> Response:
        return await _run(self._print_summary, request)

    def _print_summary(self, request: Request) -> Response:
        """The printable referral summary: audited as a print, since paper leaves the
        system (who printed which patient for which trial, and when)."""
        trial, patient_id, as_of, result, rank, p_eligible = self.patient_or_404(request)
        texts = self._note_texts([result])
        payload = api.result_to_json(result, texts)
        printed_at = self.times.now()
        self.audit(request, "print_summary", trial.trial_id, patient_id,
                   {"as_of": as_of.isoformat()})
        return self.render(request, "patient_print.html", {
            "trial": trial, "as_of": as_of, "result": result, "rank": rank,
            "p_eligible": p_eligible, "printed_at": printed_at,
            "items": why_pages.criterion_items(result, payload["criteria"]),
            "pinned": why_pages.pinned_summary(result, as_of),
            "todo": why_pages.todo(result, as_of),
        })

    def _note_view(self, request: Request, notes: list) -> dict[str, Any] | None:
        query = request.query_params
        note_id = param.text(query, "note", 1000)
        start = param.integer(query, "start", 0, 10**9, -1)
        end = param.integer(query, "end", 0, 10**9, -1)
        if not note_id:
            return None
        note = next((n for n in notes if n.note_id == note_id), None)
        if note is None:
            raise HTTPException(404, "no such note for this patient")
        text = note.text
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
        previous = self.engine.referrals(trial.trial_id).get(patient_id)
        problem = referral_refusal(previous["status"] if previous else None, status)
        if problem is None and status == "not_suitable" and not reason:
            problem = "Say why the patient is not suitable."
        if problem is not None:  # the page again, the form as the user left it
            return self._patient(request, param.date(form, "as_of", dt.date.today()),
                                 {"status": status, "reason": reason, "error": problem}, 400)
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
        added, removed = (param.text(request.query_params, k) for k in ("added", "removed"))
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
        query = request.query_params
        filters = {k: param.text(query, k) for k in ("username", "action", "trial_id",
                                                      "patient_id")}
        per_page = 100
        page = param.integer(query, "page", 1, param.MAX_PAGE, 1)
        rows, total = security.audit_rows(self.engine.db, per_page, (page - 1) * per_page,
                                          filters)
        pages = max(1, math.ceil(total / per_page))
        return self.render(request, "audit.html", {
            "rows": rows, "total": total, "page": page, "pages": pages, "filters": filters,
            "active": {k: v for k, v in filters.items() if v},
        })

    async def sessions(self, request: Request) -> Response:
        _require_admin(request)
        return await _run(self._sessions_page, request)

    def _sessions_page(self, request: Request) -> Response:
        db, now = self.engine.db, self.clock()
        cookie = request.cookies.get(SESSION_COOKIE)
        return self.render(request, "sessions.html", {
            "sessions": security.list_sessions(db, now, self.policy),
            "tokens": security.list_api_tokens(db, now),
            "current": security.session_id(cookie) if cookie else None,
        })

    async def end_session(self, request: Request) -> Response:
        return await self._end_one(request, "session_id", security.end_session_by_id,
                                   "session_end", "session")

    async def revoke_token(self, request: Request) -> Response:
        return await self._end_one(request, "token_id", security.revoke_api_token,
                                   "token_revoke", "token")

    async def _end_one(self, request: Request, name: str, end: Callable[..., str],
                       action: str, key: str) -> Response:
        """End the session or revoke the token the URL names by its short id: its next
        request is refused (a browser goes to /login, an API client gets 401)."""
        _require_admin(request)
        await self.form(request)
        short_id = request.path_params[name]
        try:
            username = await self.dbrun(end, short_id)
        except security.UserError as exc:
            raise HTTPException(404, str(exc)) from None
        await _run(self.audit, request, action, None, None, {key: short_id, "user": username})
        return RedirectResponse("/admin/sessions", 303)

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
        query = _checked_query(request, trial, per_page_max=API_MAX_PER_PAGE)
        per_page = query.per_page
        stored = self._stored_or_409(trial, as_of).stored
        shown, total = self.engine.stored.select(stored, trial, query, per_page,
                                                 (query.page - 1) * per_page)
        pages = max(1, math.ceil(total / per_page))
        page = min(query.page, pages)
        if page != query.page:
            shown, total = self.engine.stored.select(stored, trial, query, per_page,
                                                     (page - 1) * per_page)
        results, p_eligible = self.engine.stored.results(stored, trial,
                                                         [r.patient_id for r in shown])
        texts = self._note_texts(results)
        if stored.model_version is not None:
            payload = api.match_to_json(trial, results, as_of, texts, p_eligible,
                                        stored.model_version)
        else:
            payload = api.match_to_json(trial, results, as_of, texts)
        self.audit_listing(request, "api_candidates", trial.trial_id, as_of, query,
                           [r.patient_id for r in shown], page=page, rows=len(shown))
        headers = {"x-total-count": str(total), "x-page": str(page),
                   "x-per-page": str(per_page)}
        if page < pages:
            params = {**query.filters(), "as_of": as_of.isoformat(), "page": page + 1,
                      "per_page": per_page}
            path = f"/api/trials/{quote(trial.trial_id, safe='')}/candidates"
            headers["link"] = f'<{path}?{urlencode(params, doseq=True)}>; rel="next"'
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
        stored = stored_check(self.engine, trial, patient_id, as_of, result)
        if stored is not None and rank is None:
            rank = stored["rank"]
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
            # The candidates list's stored row: when computed, whether it agrees with this
            # live evaluation, whether the notes changed since (null: none for the date).
            "stored": None if stored is None else {
                k: stored[k] for k in ("computed_at", "status", "agrees", "notes_changed")},
            **why_pages.patient_json(result, as_of),
            "referral": {k: referral[k] for k in ("status", "reason", "username", "at")}
            if referral else None,
        })

    # --- errors ------------------------------------------------------------------------

    async def parameter_error(self, request: Request, exc: Exception) -> Response:
        """An unusable query parameter (param.ParameterError): 400 naming it."""
        return await self.http_error(request, HTTPException(400, str(exc)))

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
            Route("/trials/{trial_id:seg}", self.candidates, methods=["GET"]),
            Route("/trials/{trial_id:seg}/export.csv", self.export_csv, methods=["GET"]),
            Route("/trials/{trial_id:seg}/patients/{patient_id:seg}", self.patient,
                  methods=["GET"]),
            Route("/trials/{trial_id:seg}/patients/{patient_id:seg}/print", self.print_summary,
                  methods=["GET"]),
            Route("/trials/{trial_id:seg}/patients/{patient_id:seg}/referral",
                  self.set_referral, methods=["POST"]),
            *self.review.routes(),
            *self.portfolio.routes(),
            *self.changes.routes(),
            Route("/admin/users", self.users, methods=["GET"]),
            Route("/admin/users", self.add_user, methods=["POST"]),
            Route("/admin/users/{username:seg}/remove", self.remove_user, methods=["POST"]),
            Route("/admin/audit", self.audit_page, methods=["GET"]),
            Route("/admin/sessions", self.sessions, methods=["GET"]),
            Route("/admin/sessions/{session_id:seg}/end", self.end_session, methods=["POST"]),
            Route("/admin/tokens/{token_id:seg}/revoke", self.revoke_token, methods=["POST"]),
            Route("/api/trials", self.api_trials, methods=["GET"]),
            Route("/api/trials/{trial_id:seg}/candidates", self.api_candidates,
                  methods=["GET"]),
            Route("/api/trials/{trial_id:seg}/patients/{patient_id:seg}", self.api_patient,
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
                    # The notes' search index only: rankings are read from the stored sets
                    # (a page asks the as-of queue for a missing one), never all computed
                    # at start.
                    engine.sync_search_index()

                threading.Thread(target=warm_up, daemon=True, name="warm-up").start()
            yield
            await self.dbrun(self.blocked.flush, self.clock())  # the refusals counted so far

        routes = self.routes()
        app = Starlette(
            routes=routes,
            exception_handlers={HTTPException: self.http_error,
                                param.ParameterError: self.parameter_error},
            lifespan=lifespan,
            max_body_size=MAX_UPLOAD_BYTES + 64 * 1024,
        )
        # The last added runs first: headers, the path to route on, log, host check, login,
        # then the routes.
        app.add_middleware(RequireLogin, engine=engine, policy=self.policy, clock=self.clock)
        app.add_middleware(AllowedHosts, hosts=self.allowed_hosts)
        app.add_middleware(AccessLog, routes=lambda: routes)
        app.add_middleware(EncodedSegments)
        app.add_middleware(SecurityHeaders, hsts=self.hsts)
        app.state.web = self
        return app


def create_app(db_path: str | Path, **options: Any) -> Starlette:
    """The ASGI app for one database file (see WebApp for the options)."""
    return WebApp(db_path, **options).build()
