"""The production path of docs/deploy.md, as real processes: `fordela serve` refuses unsafe
settings; with them right, /health/ follows the worker, responses carry the security headers,
static files are compressed, repeated wrong passwords lock out and are audited."""

from __future__ import annotations

import re
import sqlite3

import pytest

from tests.ops.processes import SECRET, Browser, environment, fordela, free_port, request, start, stop, wait_for


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    """A migrated production home on SQLite with the demo cycle (no demo accounts)."""
    home = tmp_path_factory.mktemp("fordela-home")
    env = environment(FORDELA_HOME=str(home), FORDELA_LOCAL="1")
    assert fordela("migrate", env=env).returncode == 0
    assert fordela("import", "src/fordela/demo/goteborg-2026", env=env, cwd=_root()).returncode == 0
    return home


def _root():
    from tests.conftest import ROOT

    return ROOT


def _production(home, **values):
    return environment(
        FORDELA_HOME=str(home),
        FORDELA_SECRET_KEY=SECRET,
        FORDELA_ALLOWED_HOSTS="127.0.0.1",
        FORDELA_BEHIND_PROXY="1",
        **values,
    )


@pytest.mark.parametrize(
    ("unset", "extra", "named"),
    [
        ("FORDELA_SECRET_KEY", {}, "FORDELA_SECRET_KEY"),
        (None, {"FORDELA_SECRET_KEY": "short"}, "FORDELA_SECRET_KEY"),
        (None, {"DEBUG": "1"}, "DEBUG"),
        ("FORDELA_ALLOWED_HOSTS", {}, "FORDELA_ALLOWED_HOSTS"),
    ],
)
def test_serve_refuses_unsafe_settings_naming_the_setting(tmp_path, unset, extra, named):
    env = _production(tmp_path) | extra
    env.pop(unset or "", None)
    result = fordela("serve", "--bind", f"127.0.0.1:{free_port()}", env=env)
    assert result.returncode != 0
    assert "refusing to start" in result.stderr and named in result.stderr


def test_serve_and_demo_refuse_the_published_demo_password(home, tmp_path):
    from tests.ops.processes import fordela as run

    env = _production(tmp_path)
    assert run("migrate", env=env).returncode == 0
    refused = run("demo", env=env)
    assert refused.returncode != 0 and "--allow-demo-accounts" in refused.stderr
    assert run("demo", "--allow-demo-accounts", env=env).returncode == 0
    result = run("serve", "--bind", f"127.0.0.1:{free_port()}", env=env)
    assert result.returncode != 0 and "demo accounts' published password" in result.stderr


def test_the_production_path_serves_health_headers_static_and_locks_out(home, tmp_path):
    port = free_port()
    env = _production(home)
    server = start(
        "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", env=env, log=tmp_path / "serve.log"
    )
    worker = None
    try:
        proxy = {"X-Forwarded-Proto": "https"}
        first = wait_for(lambda: request(port, "GET", "/health/", headers=proxy)[0], what="serve to answer")
        assert first == 503, (tmp_path / "serve.log").read_text()  # no worker yet
        worker = start("worker", env=env, log=tmp_path / "worker.log")
        wait_for(lambda: request(port, "GET", "/health/", headers=proxy)[0] == 200, what="health 200 with a worker")

        # Without the proxy's X-Forwarded-Proto a page is redirected to HTTPS (no loop behind it).
        assert request(port, "GET", "/login/")[0] == 301
        status, headers, html = request(port, "GET", "/login/", headers=proxy)
        assert status == 200
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["Referrer-Policy"] == "same-origin"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert "max-age=" in headers["Strict-Transport-Security"]
        assert "Secure" in headers["Set-Cookie"]  # the CSRF cookie travels over HTTPS only

        # Static files: hashed names from the manifest, served compressed and cached for long.
        css = re.search(r'href="(/static/web/fordela\.[0-9a-f]{12}\.css)"', html)
        assert css, html[:2000]
        status, headers, _ = request(port, "GET", css.group(1), headers=proxy | {"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Content-Encoding"] == "gzip"
        assert "immutable" in headers["Cache-Control"]

        # Repeated wrong passwords: a clear 429 page, audited.
        browser = Browser(port, https=True)
        statuses = [browser.login("nobody-here", "wrong-password")[0] for _ in range(6)]
        assert statuses[:4] == [200] * 4 and statuses[-1] == 429, statuses
        assert "Inloggningen är spärrad" in browser.login("nobody-here", "wrong-password")[2]
    finally:
        stop(server)
        if worker is not None:
            stop(worker)
    with sqlite3.connect(home / "fordela.sqlite3") as db:
        kinds = dict(db.execute("SELECT kind, count(*) FROM accounts_auditevent GROUP BY kind").fetchall())
    assert kinds.get("login_failed", 0) >= 5 and kinds.get("locked_out", 0) >= 1
    log = (tmp_path / "serve.log").read_text()
    assert '"logger": "axes' in log or "gthread" in log  # structured logs and the worker class
