"""csi serve: the site on a local address, rebuilt when the register changes."""

from __future__ import annotations

import errno
import ipaddress
import logging
import os
import socket
from datetime import date, datetime
from pathlib import Path

import click

from csitools.cli.common import AS_OF, one_root
from csitools.cli.publish import advice, mkdocs_messages, on_terminal, require_clean, to_terminal
from csitools.publish.builders import BUILDERS


def _dev_addr(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """HOST:PORT with an IP address (or localhost) and a port from 1 to 65535."""
    host, sep, port = value.rpartition(":")
    example = "write HOST:PORT, such as --dev-addr 127.0.0.1:8000"
    if not sep or not host:
        raise click.BadParameter(f"{value!r}: {example}")
    bare = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    if bare != "localhost":
        try:
            ipaddress.ip_address(bare)
        except ValueError:
            raise click.BadParameter(f"{host!r} is not an IP address; {example}") from None
    if not port.isdigit() or not 1 <= int(port) <= 65535:
        raise click.BadParameter(f"port {port!r} is not a number from 1 to 65535; {example}")
    return value


def _bind_problem(exc: OSError, dev_addr: str) -> click.ClickException:
    """The message for an address csi serve cannot listen on: in use (exit 1), or not one
    this machine can listen on (a usage error, exit 2)."""
    host, _, port = dev_addr.rpartition(":")
    if exc.errno == errno.EADDRINUSE:
        other = f"{host}:{int(port) + 1 if int(port) < 65535 else 8000}"
        return click.ClickException(
            f"{dev_addr} is in use (another csi serve, mkdocs serve or other program "
            f"listens there); stop it, or serve on another port: csi serve --dev-addr {other}"
        )
    if exc.errno == errno.EADDRNOTAVAIL:
        why = f"{host} is not an address of this machine; serve on one of its own"
    elif exc.errno == errno.EACCES:
        why = f"no permission to listen on port {port}; ports from 1024 up need none"
    else:
        why = f"cannot listen there ({exc.strerror or exc})"
    return click.BadParameter(
        f"{dev_addr}: {why}, such as --dev-addr 127.0.0.1:8000", param_hint="'--dev-addr'"
    )


def _listen_check(dev_addr: str) -> None:
    """Bind the address once, as the server will (SO_REUSEADDR), before building: an address
    that cannot be served fails at once, not after the first build."""
    host, _, port = dev_addr.rpartition(":")
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind((host, int(port)))
    except OSError as exc:
        raise _bind_problem(exc, dev_addr) from exc


@click.command()
@AS_OF
@click.option(
    "--dev-addr",
    default="127.0.0.1:8000",
    show_default=True,
    callback=_dev_addr,
    help="Address and port to serve on.",
)
@click.option(
    "--builder",
    type=click.Choice(BUILDERS),
    default=None,
    help="The site builder (default: builder in site_config/register.yml, else mkdocs).",
)
def serve(as_of: datetime | None, dev_addr: str, builder: str | None) -> None:
    """Serve the site locally, rebuilding when register/, kpis/ or site_config/ change.

    The site is built into a temporary folder, not into site/. MkDocs reloads the
    page in the browser after a rebuild; with Zensical, csi builds with zensical
    build (and its final pass) on every change: reload the page yourself.

    \b
    Examples:
      csi serve --dev-addr 127.0.0.1:8001
      csi serve --builder zensical
    """
    from csitools.publish.progress import QUIET, reporting_to
    from csitools.reporting.progress import TerminalProgress

    root = one_root()
    _listen_check(dev_addr)
    day = as_of.date() if as_of else date.today()
    progress = TerminalProgress(to_terminal) if on_terminal() else QUIET
    with reporting_to(progress):
        progress.stage("validating")
        # why, rather than MkDocs' "Aborted with a BuildError!"
        settings = require_clean(root, day, "serve")
        try:
            if (builder or settings.builder) == "zensical":
                _serve_zensical(root, day, dev_addr)
            else:
                _serve_mkdocs(root, day, dev_addr, bool(as_of))
        except KeyboardInterrupt:
            click.echo("csi serve: stopped", err=True)


def _serve_mkdocs(root: Path, day: date, dev_addr: str, as_of: bool) -> None:
    from mkdocs.commands.serve import serve as mkdocs_serve

    if as_of:
        os.environ["CSI_AS_OF"] = day.isoformat()
    os.chdir(root)
    try:
        with mkdocs_messages(logging.INFO):  # the address it serves on, why a rebuild failed
            mkdocs_serve(config_file=str(root / "mkdocs.yml"), dev_addr=dev_addr, livereload=True)
    except OSError as exc:
        # Taken between the check and the server's own bind, after the first build.
        if exc.errno in (errno.EADDRINUSE, errno.EADDRNOTAVAIL):
            raise _bind_problem(exc, dev_addr) from exc
        raise


def _serve_zensical(root: Path, day: date, dev_addr: str) -> None:
    """Build with Zensical, serve the disarmed site, rebuild on every change."""
    from csitools.publish.builders import (
        BuilderMissing,
        BuildFailed,
        build_with_zensical,
        zensical_command,
    )
    from csitools.publish.content import ContentError
    from csitools.publish.serving import WATCHED, Rebuilds, serve_built, snapshot
    from csitools.publish.staging import StagingError, read_config

    failed = (BuildFailed, ContentError, StagingError, OSError)
    try:
        zensical_command()
        user = read_config(root / "mkdocs.yml")
    except (BuilderMissing, StagingError) as exc:
        raise click.ClickException(str(exc)) from exc
    theme = user.get("theme")
    watched = [*WATCHED, "mkdocs.yml", str(user.get("docs_dir", "docs"))]
    if isinstance(theme, dict) and theme.get("custom_dir"):
        watched.append(str(theme["custom_dir"]))
    rebuilds = Rebuilds(
        build=lambda site: build_with_zensical(root, day, site, strict=False, say=advice),
        changes=lambda: snapshot(root, watched),
        say=lambda text: click.echo(f"csi serve: {text}", err=True),
        failed=failed,
    )
    try:
        serve_built(dev_addr, rebuilds)
    except failed as exc:
        if isinstance(exc, OSError) and exc.errno in (errno.EADDRINUSE, errno.EADDRNOTAVAIL):
            raise _bind_problem(exc, dev_addr) from exc
        raise click.ClickException(f"could not build the site: {exc}") from exc
