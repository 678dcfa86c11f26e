"""`matcher serve` and `matcher user ...` (registered in matcher.cli)."""

from __future__ import annotations

import ipaddress
import logging
import os
import sys
import time

import click

from matcher.store import DEFAULT_DB, Store

_DB = click.option(
    "--db",
    "db",
    envvar="MATCHER_DB",
    default=None,
    help="SQLite database file (env MATCHER_DB; default ./matcher.db).",
)


def _path(db: str | None) -> str:
    return db or os.environ.get("MATCHER_DB") or DEFAULT_DB


def _open(db: str | None, *, create: bool = False) -> Store:
    """The database; only `user add` creates it (serve and the other user commands refuse
    a mistyped --db rather than start on a new empty file)."""
    path = _path(db)
    # Opening migrates: the web tables are the store's migration 3.
    return Store.open_default(path) if create else Store.open_existing(path)


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_EVERY_INTERFACE = ("0.0.0.0", "::", "")


def allowed_hosts(bound: str, given: tuple[str, ...] | list[str]) -> list[str]:
    """The host names the app serves: those given with --allowed-host, else the address
    it listens on (and the other loopback names when that is loopback: a browser on the
    machine may say localhost or 127.0.0.1). Listening on every interface (0.0.0.0) names
    no host, so the names must be given."""
    if given:
        return list(dict.fromkeys(given))
    if bound in _EVERY_INTERFACE:
        raise click.UsageError(
            f"--host {bound or '(empty)'} listens on every interface: say which host names "
            "clients use with --allowed-host NAME (repeatable), e.g. --allowed-host "
            "matcher.hospital.org"
        )
    if _loopback(bound):
        return list(dict.fromkeys([bound, "localhost", "127.0.0.1", "::1"]))
    return [bound]


@click.command()
@_DB
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Interface to listen on; anything but loopback exposes the app.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--ssl-certfile", type=click.Path(exists=True, dir_okay=False), default=None,
              help="Serve HTTPS with this certificate (session cookies are then Secure).")
@click.option("--ssl-keyfile", type=click.Path(exists=True, dir_okay=False), default=None,
              help="The certificate's private key.")
@click.option("--forwarded-allow-ips", "proxies", default="", metavar="ADDRESSES",
              help="Comma-separated addresses or networks of the reverse proxy whose "
                   "X-Forwarded-For and X-Forwarded-Proto are believed (e.g. 127.0.0.1). "
                   "Default: none; the connecting address is the client.")
@click.option("--allowed-host", "allowed_host", multiple=True, metavar="NAME",
              help="A host name clients use (repeatable; *.domain for its subdomains). "
                   "Requests naming another host get 400. Default: the --host address.")
@click.option("--time-zone", "time_zone", envvar="MATCHER_TZ", default=None, metavar="ZONE",
              help="IANA zone the pages show times in, named on the page (env MATCHER_TZ; "
                   "default the server's zone). Stored times stay UTC.")
def serve(db: str | None, host: str, port: int, ssl_certfile: str | None,
          ssl_keyfile: str | None, proxies: str, allowed_host: tuple[str, ...],
          time_zone: str | None) -> None:
    """Serve the referrer web app (every page needs a login: see `matcher user add`)."""
    import uvicorn

    from matcher.errors import ConfigurationError
    from matcher.web.app import create_app
    from matcher.web.local_time import site_zone
    from matcher.web.security import list_users

    if bool(ssl_certfile) != bool(ssl_keyfile):
        raise click.UsageError("--ssl-certfile and --ssl-keyfile go together")
    try:
        site_zone(time_zone)
    except ConfigurationError as exc:
        raise click.BadParameter(str(exc), param_hint="--time-zone") from exc
    trusted = _proxy_addresses(proxies)
    hosts = allowed_hosts(host, allowed_host)
    path = _path(db)
    with _open(path) as store:
        users = list_users(store.db)
    if not users:
        click.echo("no user yet: create one with `matcher user add NAME --role admin`", err=True)
    if not _loopback(host) and not ssl_certfile:
        click.echo(f"warning: serving plain HTTP on {host}; put it behind an HTTPS proxy",
                   err=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s",
                        stream=sys.stderr)
    app = create_app(path, allowed_hosts=hosts, hsts=bool(ssl_certfile), time_zone=time_zone)
    scheme = "https" if ssl_certfile else "http"
    click.echo(f"matcher web app on {scheme}://{host}:{port}/ (database {path}; host names "
               f"served: {', '.join(hosts)})", err=True)
    # uvicorn believes X-Forwarded-For from 127.0.0.1 unless told otherwise: anything on the
    # host (or any client, when nothing proxies) could then choose its own address and escape
    # the login throttle. Only the proxies named are believed.
    uvicorn.run(app, host=host, port=port, access_log=False, server_header=False,
                ssl_certfile=ssl_certfile, ssl_keyfile=ssl_keyfile, log_level="info",
                proxy_headers=bool(trusted), forwarded_allow_ips=",".join(trusted))


def _proxy_addresses(value: str) -> list[str]:
    """The addresses of --forwarded-allow-ips, each an IP address or network."""
    addresses = [part.strip() for part in value.split(",") if part.strip()]
    for address in addresses:
        try:
            ipaddress.ip_network(address, strict=False)
        except ValueError:
            raise click.BadParameter(
                f"{address!r} is not an IP address or network (e.g. 127.0.0.1 or 10.0.0.0/8)",
                param_hint="--forwarded-allow-ips",
            ) from None
    return addresses


@click.group()
def user() -> None:
    """Manage the web app's users (roles: referrer, admin)."""


def _password(password_stdin: bool) -> str:
    if password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(["referrer", "coordinator", "admin"]),
              default="referrer", show_default=True,
              help="Coordinators also review trials' criteria; admins also import trials "
              "and manage users.")
@click.option("--password-stdin", is_flag=True,
              help="Read the password from the first line of standard input.")
@click.option("--replace", is_flag=True, help="Set a new password and role for an existing user.")
@_DB
def user_add(username: str, role: str, password_stdin: bool, replace: bool,
             db: str | None) -> None:
    """Add a user; the password is asked for (or read with --password-stdin)."""
    from matcher.web.security import UserError, add_user

    with _open(db, create=True) as store:
        password = _password(password_stdin)
        try:
            add_user(store.db, username, password, role, replace=replace)
        except UserError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"{'updated' if replace else 'added'} {username} ({role})")


@user.command("remove")
@click.argument("username")
@_DB
def user_remove(username: str, db: str | None) -> None:
    """Remove a user and end their sessions and API tokens."""
    from matcher.web.security import UserError, remove_user

    with _open(db) as store:
        try:
            remove_user(store.db, username)
        except UserError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(f"removed {username}")


@user.command("list")
@_DB
def user_list(db: str | None) -> None:
    """List the users and their roles."""
    from matcher.web.security import list_users

    with _open(db) as store:
        for row in list_users(store.db):
            click.echo(f"{row['username']}\t{row['role']}\t{row['created_at']}")


@user.command("token")
@click.argument("username")
@click.option("--days", type=click.IntRange(1, 366), default=90, show_default=True,
              help="Days until the token expires.")
@_DB
def user_token(username: str, days: int, db: str | None) -> None:
    """Print a new API token for USERNAME (for /api/: `Authorization: Bearer TOKEN`)."""
    from matcher.web.security import UserError, create_api_token

    with _open(db) as store:
        try:
            token = create_api_token(store.db, username, days, time.time())
        except UserError as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(token)
