"""csi serve: the site on a local address, rebuilt when the register changes."""

from __future__ import annotations

import errno
import ipaddress
import logging
import os
import socket
from datetime import date, datetime

import click

from csitools.cli.common import AS_OF, one_root
from csitools.cli.publish import mkdocs_messages, require_clean


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
def serve(as_of: datetime | None, dev_addr: str) -> None:
    """Serve the site locally, rebuilding when register/, kpis/ or site_config/ change.

    MkDocs builds into a temporary folder, not into site/.

    \b
    Example:
      csi serve --dev-addr 127.0.0.1:8001
    """
    from mkdocs.commands.serve import serve as mkdocs_serve

    root = one_root()
    _listen_check(dev_addr)
    day = as_of.date() if as_of else date.today()
    require_clean(root, day, "serve")  # why, rather than MkDocs' "Aborted with a BuildError!"
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
