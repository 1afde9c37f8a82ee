"""The deployment files agree with each other and with the service.

Dockerfile, compose.yaml, .dockerignore and docs/deployment.md cannot be built
or run here (no Docker engine, no network), so they are parsed and checked for
what would break a deployment: the start order, the published ports, the
command, the user, the settings they name and the log redaction of nginx.
"""

from __future__ import annotations

import fnmatch
import importlib
import ipaddress
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from permitcal.web.storage.tokens import feed_token_for, new_token

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "deployment.md"
COMPOSE = ROOT / "compose.yaml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"

GUNICORN_COMMAND = [
    "gunicorn",
    "-c",
    "python:permitcal.web.gunicorn_conf",
    "permitcal.web:create_app()",
]
DB_UPGRADE = ["permitcal", "db", "upgrade"]

# The service's settings as the service change defines them (PERMITCAL_BIND is
# read by the shipped gunicorn config).
SETTINGS = {
    "PERMITCAL_DATABASE_URL",
    "PERMITCAL_SECRET_KEY",
    "PERMITCAL_PROXY_FIX",
    "PERMITCAL_TRUSTED_PROXIES",
    "PERMITCAL_HSTS_SECONDS",
    "PERMITCAL_RATELIMIT_STORAGE_URI",
    "PERMITCAL_DB_TIMEOUT",
    "PERMITCAL_HOLIDAY_DATA",
    "PERMITCAL_SCHOOL_DATA",
    "PERMITCAL_INSTANCE_PATH",
    "PERMITCAL_BIND",
}
# Settings the app reads already, kept in the documentation's table.
EXISTING_SETTINGS = {
    "PERMITCAL_RATELIMIT_CREATE",
    "PERMITCAL_MAX_CONTENT_LENGTH",
    "PERMITCAL_FEED_CACHE_ENTRIES",
    "PERMITCAL_FEED_CACHE_BYTES",
    "PERMITCAL_PUBLIC_URL",
    "PERMITCAL_COMPRESS",
    "PERMITCAL_OPERATOR_NAME",
    "PERMITCAL_OPERATOR_CONTACT",
    "PERMITCAL_PROJECT_URL",
}


# --- parsing -----------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def service(compose: dict[str, Any], name: str) -> dict[str, Any]:
    found = compose["services"][name]
    assert isinstance(found, dict)
    return found


def environment(svc: dict[str, Any]) -> dict[str, str]:
    env = svc.get("environment") or {}
    if isinstance(env, list):
        return dict(item.split("=", 1) for item in env)
    return {key: str(value) for key, value in env.items()}


def depends_on(svc: dict[str, Any]) -> dict[str, str]:
    deps = svc.get("depends_on") or {}
    if isinstance(deps, list):
        return dict.fromkeys(deps, "service_started")
    return {name: spec.get("condition", "service_started") for name, spec in deps.items()}


def command(value: str | list[str]) -> list[str]:
    return shlex.split(value) if isinstance(value, str) else list(value)


def without_interpolation(text: str) -> str:
    """Compose's ``${VAR:?message}`` replaced by a plain word."""
    return re.sub(r"\$\{[^}]*\}", "x", text)


def dockerfile() -> list[tuple[str, str]]:
    """(instruction, arguments) pairs, continuation lines joined, comments dropped."""
    instructions: list[tuple[str, str]] = []
    pending = ""
    for raw in DOCKERFILE.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        keyword, _, args = (pending + line).partition(" ")
        instructions.append((keyword.upper(), args.strip()))
        pending = ""
    assert not pending, "Dockerfile ends inside a continuation line"
    return instructions


def dockerfile_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for keyword, args in dockerfile():
        if keyword == "ENV":
            env.update(item.split("=", 1) for item in shlex.split(args))
    return env


def doc() -> str:
    return DOC.read_text(encoding="utf-8")


def nginx_snippet() -> str:
    blocks = re.findall(r"```nginx\n(.*?)```", doc(), re.S)
    assert len(blocks) == 1, "docs/deployment.md should hold one nginx example"
    return blocks[0]


# --- compose.yaml --------------------------------------------------------------


def test_migration_runs_once_the_database_is_healthy(compose: dict[str, Any]) -> None:
    migrate = service(compose, "migrate")
    assert command(migrate["command"]) == DB_UPGRADE
    assert depends_on(migrate) == {"db": "service_healthy"}
    # A one-shot that restarts never counts as completed.
    assert migrate.get("restart", "no") == "no"


def test_app_starts_only_after_the_migration_succeeded(compose: dict[str, Any]) -> None:
    app = service(compose, "app")
    assert depends_on(app).get("migrate") == "service_completed_successfully"
    assert "command" not in app, "the app runs the image's CMD (gunicorn)"


def test_database_is_postgres_15_with_volume_and_healthcheck(compose: dict[str, Any]) -> None:
    db = service(compose, "db")
    assert str(db["image"]).startswith("postgres:15")
    assert "pg_isready" in " ".join(command(db["healthcheck"]["test"]))
    volumes = [str(v).split(":") for v in db["volumes"]]
    assert [(src, dst) for src, dst, *_ in volumes] == [("pgdata", "/var/lib/postgresql/data")]
    assert "pgdata" in compose["volumes"]


def test_ports_are_published_on_localhost_only(compose: dict[str, Any]) -> None:
    published = []
    for name, svc in compose["services"].items():
        for port in svc.get("ports", []):
            if isinstance(port, dict):
                host_ip, target = port.get("host_ip"), port["target"]
            else:
                parts = str(port).split(":")
                assert len(parts) == 3, f"{name}: {port} publishes on every address"
                host_ip, target = parts[0], parts[2]
            assert host_ip == "127.0.0.1", f"{name}: {port}"
            published.append((name, int(str(target).split("/")[0])))
    bind_port = int(dockerfile_env()["PERMITCAL_BIND"].rsplit(":", 1)[1])
    assert published == [("app", bind_port)]


def test_migrate_and_app_share_database_url_and_image(compose: dict[str, Any]) -> None:
    migrate, app, db = (service(compose, n) for n in ("migrate", "app", "db"))
    url = environment(migrate)["PERMITCAL_DATABASE_URL"]
    assert environment(app)["PERMITCAL_DATABASE_URL"] == url
    assert (migrate.get("image"), migrate.get("build")) == (app.get("image"), app.get("build"))

    parts = urlsplit(without_interpolation(url))
    db_env = environment(db)
    assert parts.scheme == "postgresql+psycopg"
    assert parts.hostname == "db"
    assert parts.username == db_env["POSTGRES_USER"]
    assert parts.path == "/" + db_env["POSTGRES_DB"]
    # The password in the URL is the one the database was created with.
    assert re.findall(r"\$\{(\w+)", url) == re.findall(r"\$\{(\w+)", db_env["POSTGRES_PASSWORD"])


def test_app_trusts_its_one_proxy(compose: dict[str, Any]) -> None:
    env = environment(service(compose, "app"))
    assert env["PERMITCAL_PROXY_FIX"] == "true"
    # Docker's port proxy connects from the network's gateway, a private address.
    from permitcal.web.serving.proxy import parse_networks

    trusted = parse_networks(env["PERMITCAL_TRUSTED_PROXIES"])
    for gateway in ("172.17.0.1", "172.18.0.1", "192.168.16.1", "127.0.0.1"):
        assert any(ipaddress.ip_address(gateway) in net for net in trusted), gateway


# --- Dockerfile and .dockerignore ----------------------------------------------


def test_dockerfile_installs_the_server_extras_on_python_311_slim() -> None:
    instructions = dockerfile()
    assert instructions[0] == ("FROM", "python:3.11-slim")
    runs = [shlex.split(args) for keyword, args in instructions if keyword == "RUN"]
    assert any(words[:2] == ["pip", "install"] and ".[postgres,server]" in words for words in runs)


def test_dockerfile_runs_the_documented_gunicorn_command_as_non_root() -> None:
    instructions = dockerfile()
    keywords = [keyword for keyword, _ in instructions]
    assert "ENTRYPOINT" not in keywords
    assert keywords[-1] == "CMD"
    assert json.loads(instructions[-1][1]) == GUNICORN_COMMAND
    assert shlex.join(GUNICORN_COMMAND) in doc()

    users = [args for keyword, args in instructions if keyword == "USER"]
    assert users, "no USER: the server would run as root"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}


def test_dockerfile_binds_all_addresses_behind_a_proxy() -> None:
    env = dockerfile_env()
    assert env["PERMITCAL_BIND"] == "0.0.0.0:8000"
    assert env["PERMITCAL_PROXY_FIX"] == "true"
    exposed = [args for keyword, args in dockerfile() if keyword == "EXPOSE"]
    assert exposed == ["8000"]


def test_dockerignore_keeps_secrets_out_and_the_build_inputs_in() -> None:
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert {".env", ".git", ".venv", "instance"} <= set(patterns)
    sources = [
        source
        for keyword, args in dockerfile()
        if keyword == "COPY"
        for source in shlex.split(args)[:-1]
    ]
    assert sources, "the Dockerfile copies nothing"
    for source in sources:
        assert (ROOT / source).exists(), source
        assert not any(fnmatch.fnmatch(source, p) for p in patterns), source


# --- settings named anywhere ----------------------------------------------------


def test_every_permitcal_variable_named_is_a_known_setting() -> None:
    texts = {
        "docs/deployment.md": doc(),
        "compose.yaml": COMPOSE.read_text(encoding="utf-8"),
        "Dockerfile": DOCKERFILE.read_text(encoding="utf-8"),
    }
    for name, text in texts.items():
        named = set(re.findall(r"\bPERMITCAL_[A-Z0-9_]*[A-Z0-9]\b", text))
        unknown = named - SETTINGS - EXISTING_SETTINGS
        assert not unknown, f"{name} names unknown settings: {sorted(unknown)}"


def test_every_setting_is_documented() -> None:
    table = doc().split("## Settings", 1)[1]
    for name in sorted(SETTINGS | EXISTING_SETTINGS):
        assert f"| `{name}` |" in table, name


def test_existing_settings_are_read_by_the_app() -> None:
    source = "\n".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "src" / "permitcal" / "web").rglob("*.py")
    )
    for name in sorted(EXISTING_SETTINGS):
        assert f'"{name.removeprefix("PERMITCAL_")}"' in source, name


# --- nginx example ---------------------------------------------------------------


def redact(uri: str) -> str:
    """What the documented nginx ``map`` makes of ``$request_uri``."""
    body = re.search(r"map \$request_uri \$permitcal_log_uri \{(.*?)\n\}", nginx_snippet(), re.S)
    assert body is not None
    rules = re.findall(r'^\s*"~([^"]+)"\s+"([^"]+)";', body.group(1), re.M)
    assert rules
    assert re.search(r"^\s*default\s+\$request_uri;", body.group(1), re.M)
    for pattern, value in rules:
        # PCRE's (?<name>…) is Python's (?P<name>…); nginx tries the regexes in order.
        match = re.search(pattern.replace("(?<", "(?P<"), uri)
        if match:
            return match.expand(re.sub(r"\$(\w+)", r"\\g<\1>", value))
    return uri


def test_nginx_map_redacts_every_token_route() -> None:
    manage = new_token()
    feed = feed_token_for(manage, 0)
    cases = {
        f"/f/{feed}/shanghai-permit.ics": "/f/<redacted>/shanghai-permit.ics",
        f"/f/{feed}/shanghai-permit.ics?download=1": "/f/<redacted>/shanghai-permit.ics?download=1",
        f"//f/{feed}/x.ics": "/f/<redacted>/x.ics",
        f"/feeds/{feed}.ics": "/feeds/<redacted>.ics",
        f"/m/{manage}": "/m/<redacted>",
        f"/m/{manage}/rotate": "/m/<redacted>/rotate",
        f"/m/{manage}?done=saved&ui=en": "/m/<redacted>?done=saved&ui=en",
        f"/api/subscriptions/{manage}": "/api/subscriptions/<redacted>",
        f"/api/subscriptions/{manage}/rotate": "/api/subscriptions/<redacted>/rotate",
    }
    for uri, expected in cases.items():
        assert redact(uri) == expected, uri
    for uri in ["/", "/healthz", "/api/subscriptions", "/feed.ics?issued=2023-06-01", "/dav/"]:
        assert redact(uri) == uri


def test_nginx_logs_only_the_redacted_uri_and_forwards_what_proxy_fix_reads() -> None:
    snippet = nginx_snippet()
    log_format = re.search(r"log_format permitcal (.*?);", snippet, re.S)
    assert log_format is not None
    assert "$permitcal_log_uri" in log_format.group(1)
    for leaky in ("$request ", '$request"', "$request_uri", "$uri", "$args", "$http_referer"):
        assert leaky not in log_format.group(1), leaky
    access_logs = re.findall(r"^\s*access_log\s+(.*?);", snippet, re.M)
    assert access_logs
    assert all(line.split()[-1] == "permitcal" for line in access_logs), access_logs
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port"):
        assert f"proxy_set_header {header} " in snippet, header


def test_the_documented_nginx_config_is_the_template_the_tests_run() -> None:
    """docs/deployment.md shows deploy/nginx-permitcal.conf.template, filled with its example values.

    tests/web/test_https_proxy.py runs the same template with its own ports
    and certificate, so the documented config is the tested one.
    """
    from tests.web.nginx import DOC_VALUES, render

    expected = render(DOC_VALUES)
    assert nginx_snippet() == expected, "run the template through tests.web.nginx.render"


# --- entry points the files name (from the service change) ---------------------------


def test_gunicorn_config_module_is_importable() -> None:
    importlib.import_module("permitcal.web.gunicorn_conf")


def test_db_upgrade_command_exists() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "permitcal", *DB_UPGRADE[1:], "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
