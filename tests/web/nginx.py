"""Debian's nginx in front of the service, from the one template docs/deployment.md shows.

``render`` fills deploy/nginx-permitcal.conf.template: with ``DOC_VALUES`` it
gives the block in docs/deployment.md (a test holds them equal), with a
test's own ports, certificate and log it gives what the HTTPS tests run.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import signal
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.web.conftest import require_or_skip
from tests.web.servers import free_port, wait_for

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "deploy" / "nginx-permitcal.conf.template"
PUBLIC_HOST = "localhost"


@dataclass(frozen=True)
class NginxValues:
    upstream: str
    http: tuple[str, ...]
    """Addresses for the plain-http listen directives (80, [::]:80)."""
    https: tuple[str, ...]
    server_name: str
    ssl_certificate: str
    ssl_certificate_key: str
    access_log: str


DOC_VALUES = NginxValues(
    upstream="127.0.0.1:8000",
    http=("80", "[::]:80"),
    https=("443", "[::]:443"),
    server_name="permit.example.org",
    ssl_certificate="/etc/letsencrypt/live/permit.example.org/fullchain.pem",
    ssl_certificate_key="/etc/letsencrypt/live/permit.example.org/privkey.pem",
    access_log="/var/log/nginx/permitcal.access.log",
)

_LISTEN = re.compile(r"^( *)\{\{ listen_(http|https)( default_server)? \}\}$", re.MULTILINE)
_PLACEHOLDER = re.compile(r"\{\{ (\w+) \}\}")


def render(values: NginxValues) -> str:
    """The template with ``values``; every placeholder filled (else an error)."""

    def listen(match: re.Match[str]) -> str:
        indent, kind, default = match.group(1), match.group(2), match.group(3) or ""
        addresses = values.http if kind == "http" else values.https
        suffix = (" ssl" if kind == "https" else "") + default
        return "\n".join(f"{indent}listen {address}{suffix};" for address in addresses)

    text = _LISTEN.sub(listen, TEMPLATE.read_text())
    text = _PLACEHOLDER.sub(lambda m: str(getattr(values, m.group(1))), text)
    assert "{{" not in text, text
    return text


def nginx_binary() -> str:
    found = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else "")
    if found:
        return found
    return require_or_skip("PERMITCAL_TEST_NGINX", "nginx (Debian package nginx)")


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for ``localhost`` that the tests' clients trust explicitly."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
            "-keyout", str(key), "-out", str(cert), "-subj", f"/CN={PUBLIC_HOST}",
            "-addext", f"subjectAltName=DNS:{PUBLIC_HOST}",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@dataclass
class Nginx:
    process: subprocess.Popen[bytes]
    http_port: int
    https_port: int
    certificate: Path
    access_log: Path
    error_log: Path

    @property
    def url(self) -> str:
        return f"https://{PUBLIC_HOST}:{self.https_port}"

    @property
    def http_url(self) -> str:
        return f"http://{PUBLIC_HOST}:{self.http_port}"

    def ssl_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.certificate))


_MAIN_CONFIG = """\
{user}daemon off;
worker_processes 1;
pid {folder}/nginx.pid;
error_log {folder}/error.log info;
events {{ worker_connections 256; }}
http {{
    default_type application/octet-stream;
    client_body_temp_path {folder}/client_body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {folder}/permitcal.conf;
}}
"""


@contextlib.contextmanager
def nginx_in_front(folder: Path, upstream_port: int) -> Iterator[Nginx]:
    """nginx on 127.0.0.1 (two free ports, http and https) in front of ``upstream_port``."""
    binary = nginx_binary()
    folder.mkdir(parents=True, exist_ok=True)
    cert, key = self_signed_certificate(folder)
    http_port, https_port = free_port(), free_port()
    values = NginxValues(
        upstream=f"127.0.0.1:{upstream_port}",
        http=(f"127.0.0.1:{http_port}",),
        https=(f"127.0.0.1:{https_port}",),
        server_name=PUBLIC_HOST,
        ssl_certificate=str(cert),
        ssl_certificate_key=str(key),
        access_log=str(folder / "access.log"),
    )
    (folder / "permitcal.conf").write_text(render(values))
    # As root, nginx would run its worker as "nobody", who cannot enter a test's
    # private temporary folder.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(_MAIN_CONFIG.format(user=user, folder=folder))
    args = [
        binary,
        "-p",
        str(folder),
        "-c",
        str(folder / "nginx.conf"),
        "-e",
        str(folder / "error.log"),
    ]
    checked = subprocess.run([*args, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    process = subprocess.Popen(
        args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    server = Nginx(
        process, http_port, https_port, cert, folder / "access.log", folder / "error.log"
    )
    try:
        wait_for(lambda: _listening(server), what=f"nginx on {https_port}")
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _listening(server: Nginx) -> bool:
    if server.process.poll() is not None:
        raise AssertionError(
            f"nginx exited {server.process.returncode}: {server.error_log.read_text()}"
        )
    import socket

    for port in (server.http_port, server.https_port):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return False
    return True
