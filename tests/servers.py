"""Start and stop real SPARQL servers for integration tests, bound to 127.0.0.1 on free ports.

* :func:`oxigraph_server`: the Oxigraph server CLI (PyPI ``oxigraph``, installed with the test extras);
* :func:`virtuoso_server`: Virtuoso Open Source from Debian's ``virtuoso-opensource`` (``.ci/run``
  installs it), with a private ini and database in a temporary directory, as in
  shared/reference/sparql-engines.md: both its ports on 127.0.0.1, the Debian defaults otherwise
  (so ``ResultSetMaxRows = 10000`` silently caps results, as on a stock install), and the dba
  password changed to a random one (updates need HTTP digest auth as dba).

Both are context managers that stop the server on exit, whatever happened inside.
"""
from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
VIRTUOSO_DB = "/var/lib/virtuoso-opensource-7/db/"


@dataclass
class Server:
    """Where a running server answers, and how to log in (user None: no authentication)."""

    name: str
    query_url: str
    update_url: str
    graph_store_url: str
    read_url: str  # where anyone may query (Virtuoso: /sparql; its /sparql-auth needs the password)
    user: str | None = None
    password: str | None = None
    union_default_graph: bool = False  # Oxigraph needs ?union-default-graph to see its named graphs
    log: Path | None = None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def oxigraph_binary() -> str | None:
    candidate = Path(sys.executable).with_name("oxigraph")
    return str(candidate) if candidate.exists() else shutil.which("oxigraph")


def virtuoso_available() -> bool:
    return shutil.which("virtuoso-t") is not None and shutil.which("isql-vt") is not None and VIRTUOSO_INI.exists()


def _wait_until_up(url: str, process: subprocess.Popen, log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}:\n{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server did not answer {url} within {timeout:g} s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 20) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stop(process: subprocess.Popen, timeout: float = 15) -> None:
    """Stop the server we started (its own process group, nothing else)."""
    if process.poll() is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout)


#: util-linux's setpriv: the server gets SIGTERM when the test process dies, so a pytest stopped by a
#: signal (no finalizers run) leaves no server behind on the machine.
_DIE_WITH_PARENT = ["setpriv", "--pdeathsig", "TERM", "--"] if shutil.which("setpriv") else []


@contextmanager
def _running(command: list[str], log: Path, ready_url: str, timeout: float, cwd: Path) -> Iterator[subprocess.Popen]:
    with open(log, "wb") as out:
        process = subprocess.Popen(_DIE_WITH_PARENT + command, stdout=out, stderr=subprocess.STDOUT, cwd=cwd,
                                   start_new_session=True)
    try:
        _wait_until_up(ready_url, process, log, timeout)
        yield process
    finally:
        _stop(process)


ASK = "?query=ASK%7B%7D"


@contextmanager
def oxigraph_server(workdir: Path, *, timeout: float = 30) -> Iterator[Server]:
    """A fresh Oxigraph server on 127.0.0.1 (it has no authentication)."""
    binary = oxigraph_binary()
    if binary is None:
        raise RuntimeError("the oxigraph server CLI is not installed (pip install oxigraph)")
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    base = f"http://127.0.0.1:{free_port()}"
    log = workdir / "oxigraph.log"
    command = [binary, "serve", "--location", str(workdir / "db"), "--bind", base.removeprefix("http://")]
    with _running(command, log, base + "/query" + ASK, timeout, workdir):
        yield Server("oxigraph", base + "/query", base + "/update", base + "/store", base + "/query",
                     union_default_graph=True, log=log)


def virtuoso_ini(workdir: Path, isql_port: int, http_port: int) -> str:
    """The Debian ini with a private database directory and both ports on 127.0.0.1."""
    text = VIRTUOSO_INI.read_text()
    text = text.replace(VIRTUOSO_DB, str(workdir / "db") + "/")
    text = re.sub(r"(?m)^(ServerPort\s*=\s*)1111\b.*$", rf"\g<1>127.0.0.1:{isql_port}", text)
    text = re.sub(r"(?m)^(ServerPort\s*=\s*)8890\b.*$", rf"\g<1>127.0.0.1:{http_port}", text)
    return text


def _isql(port: int, password: str, statement: str) -> subprocess.CompletedProcess:
    return subprocess.run(["isql-vt", f"127.0.0.1:{port}", "dba", password, f"exec={statement}"],
                          capture_output=True, text=True, timeout=60)


@contextmanager
def virtuoso_server(workdir: Path, *, timeout: float = 60) -> Iterator[Server]:
    """A fresh Virtuoso on 127.0.0.1 with a random dba password (digest auth for updates)."""
    if not virtuoso_available():
        raise RuntimeError("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    workdir = Path(workdir)
    (workdir / "db").mkdir(parents=True, exist_ok=True)
    isql_port, http_port = free_port(), free_port()
    ini = workdir / "virtuoso.ini"
    ini.write_text(virtuoso_ini(workdir, isql_port, http_port))
    log = workdir / "virtuoso.log"
    base = f"http://127.0.0.1:{http_port}"
    command = ["virtuoso-t", "+configfile", str(ini), "+foreground"]
    with _running(command, log, base + "/sparql" + ASK, timeout, workdir) as process:
        password = "kg" + secrets.token_hex(8)  # letters and digits only: isql takes it unquoted
        changed = _isql(isql_port, "dba", f"set password dba {password};")
        if changed.returncode != 0 or "*** Error" in changed.stdout:
            raise RuntimeError(f"could not set the dba password: {changed.stdout}{changed.stderr}")
        try:
            yield Server("virtuoso", base + "/sparql-auth", base + "/sparql-auth", base + "/sparql-graph-crud-auth",
                         base + "/sparql", user="dba", password=password, log=log)
        finally:
            if process.poll() is None:  # a clean shutdown is faster than waiting for SIGTERM's checkpoint
                _isql(isql_port, password, "shutdown;")
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    pass
