"""docs/deploy.md, followed as written: the settings of step 4, the commands of step 5, the
systemd units (checked by `systemd-analyze verify`) and their `ExecStart` lines run as real
processes against PostgreSQL on 127.0.0.1, with the page's nginx configuration in front doing TLS.

Only three things differ from the page, each because a test cannot take a real host: the ports
(free ones instead of 443, 80 and 8000), a self-signed certificate, and the database name. The
non-standard HTTPS port is exactly the case the page documents `FORDELA_CSRF_TRUSTED_ORIGINS`
for (a browser's Origin then carries the port, which the proxy's Host header does not).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import ssl
import subprocess
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.conftest import ROOT
from tests.ops.processes import BIN, SECRET, environment, fordela, free_port, start, stop, wait_for

DOC = ROOT / "docs" / "deploy.md"
HOST = "fordela.goteborg.se"
DOC_BINARY = "/srv/fordela/venv/bin/fordela"

pytestmark = pytest.mark.skipif(
    not (os.environ.get("DATABASE_URL") or "").startswith("postgres"),
    reason="the production path runs on PostgreSQL; it runs in the PostgreSQL suite",
)


def _blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def _units() -> dict[str, str]:
    """Every systemd unit on the page by its file name (the backup block holds two)."""
    units: dict[str, str] = {}
    text = DOC.read_text(encoding="utf-8")
    for name, body in re.findall(r"`/etc/systemd/system/([\w.-]+)`:\n\n```ini\n(.*?)```", text, flags=re.S):
        units[name] = body
    unit = r"[\w-]+\.(?:service|timer)"
    for block in _blocks("ini"):
        for name, body in re.findall(rf"# ({unit})\n(.*?)(?=\n# {unit}\n|\Z)", block, re.S):
            units[name] = body
    return units


def _environment_file() -> list[str]:
    """The variable names step 4 writes to /etc/fordela/env."""
    block = next(b for b in _blocks("sh") if "/etc/fordela/env <<EOF" in b)
    body = block.split("<<EOF\n", 1)[1].split("\nEOF", 1)[0]
    return [line.split("=", 1)[0] for line in body.splitlines()]


def test_the_systemd_units_on_the_page_verify(tmp_path):
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    units = _units()
    assert set(units) == {
        "fordela-web.service",
        "fordela-worker.service",
        "fordela-backup.service",
        "fordela-backup.timer",
    }
    for name, body in units.items():
        (tmp_path / name).write_text(body.replace(DOC_BINARY, str(BIN / "fordela")), encoding="utf-8")
    result = subprocess.run(
        ["systemd-analyze", "verify", *sorted(str(tmp_path / n) for n in units)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    # verify exits 0 on unknown keys, so its complaints are read too.
    complaints = [line for line in result.stderr.splitlines() if "fordela" in line]
    assert result.returncode == 0 and not complaints, result.stderr


def test_the_settings_the_page_writes_are_the_documented_ones():
    documented = set(re.findall(r"^\| `([A-Z_]+)`", DOC.read_text(encoding="utf-8"), flags=re.M))
    written = _environment_file()
    assert written and set(written) <= documented, set(written) - documented
    assert {"DATABASE_URL", "FORDELA_SECRET_KEY", "FORDELA_ALLOWED_HOSTS", "FORDELA_HOME"} <= set(written)


@pytest.fixture
def database():
    """A fresh PostgreSQL database on 127.0.0.1, as step 3 makes one."""
    import psycopg

    name = f"fordela_deploy_{uuid.uuid4().hex[:8]}"
    server = "postgres://postgres@127.0.0.1:5432"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _nginx(tmp_path: Path, *, https: int, http: int, upstream: int) -> Path:
    """The page's nginx server blocks in a minimal nginx.conf of the test's own."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", f"/CN={HOST}"]
        + ["-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem")],
        check=True,
        capture_output=True,
    )
    (server_blocks,) = _blocks("nginx")
    for documented, ours in [
        ("listen 443 ssl;", f"listen 127.0.0.1:{https} ssl;"),
        ("listen 80;", f"listen 127.0.0.1:{http};"),
        ("/etc/ssl/fordela/fullchain.pem", str(tmp_path / "cert.pem")),
        ("/etc/ssl/fordela/privkey.pem", str(tmp_path / "key.pem")),
        ("http://127.0.0.1:8000", f"http://127.0.0.1:{upstream}"),
    ]:
        assert documented in server_blocks, documented
        server_blocks = server_blocks.replace(documented, ours)
    temp = {k: tmp_path / k for k in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    conf = tmp_path / "nginx.conf"
    conf.write_text(
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'nginx-error.log'};\nevents {{}}\nhttp {{\n"
        + f"access_log {tmp_path / 'nginx-access.log'};\n"
        + f"client_body_temp_path {temp['body']};\nproxy_temp_path {temp['proxy']};\n"
        + f"fastcgi_temp_path {temp['fastcgi']};\nuwsgi_temp_path {temp['uwsgi']};\n"
        + f"scgi_temp_path {temp['scgi']};\n{server_blocks}}}\n",
        encoding="utf-8",
    )
    return conf


class Client:
    """HTTPS through the proxy, as a browser on https://fordela.goteborg.se:PORT would talk."""

    def __init__(self, port: int) -> None:
        self.port, self.cookies = port, {}
        self.origin = f"https://{HOST}:{port}"
        self.context = ssl._create_unverified_context()  # the test's self-signed certificate

    def send(self, method: str, path: str, fields: dict[str, str] | None = None):
        connection = http.client.HTTPSConnection("127.0.0.1", self.port, timeout=30, context=self.context)
        headers = {"Host": f"{HOST}:{self.port}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urlencode(fields | {"csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": self.origin + path,
            }
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            for cookie in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = cookie.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.headers, response.read().decode("utf-8", "replace")
        except OSError:
            return 0, {}, ""
        finally:
            connection.close()


def test_the_page_takes_an_empty_database_to_a_service_behind_tls(database, tmp_path):
    if shutil.which("nginx") is None or shutil.which("openssl") is None:
        pytest.skip("nginx and openssl are needed (.ci/run installs them)")
    https, http_port, upstream = free_port(), free_port(), free_port()
    settings = {
        "DATABASE_URL": database,
        "FORDELA_SECRET_KEY": SECRET,
        "FORDELA_ALLOWED_HOSTS": HOST,
        "FORDELA_HOME": str(tmp_path / "home"),
        "FORDELA_BEHIND_PROXY": "1",
    }
    assert set(settings) == set(_environment_file())
    env = environment(**settings, FORDELA_CSRF_TRUSTED_ORIGINS=f"https://{HOST}:{https}")

    # Step 5: tables, the first administrator, a cycle.
    assert fordela("migrate", env=env).returncode == 0
    added = fordela("user", "add", "admin", "--role", "admin", env=env)
    assert added.returncode == 0, added.stderr
    password = re.search(r"first password \(hand it over once\): (\S+)", added.stderr).group(1)
    imported = fordela("import", "src/fordela/demo/goteborg-2026", env=env, cwd=ROOT)
    assert imported.returncode == 0, imported.stderr

    # The units' ExecStart lines, with the test's port.
    units = _units()
    commands = {
        name: re.search(r"^ExecStart=(.*)$", units[f"fordela-{name}.service"], flags=re.M).group(1).split()
        for name in ("web", "worker")
    }
    assert commands["web"][0] == DOC_BINARY == commands["worker"][0]
    web_args = [a.replace("127.0.0.1:8000", f"127.0.0.1:{upstream}") for a in commands["web"][1:]]
    processes = [
        start(*web_args, env=env, log=tmp_path / "web.log"),
        start(*commands["worker"][1:], env=env, log=tmp_path / "worker.log"),
    ]
    conf = _nginx(tmp_path, https=https, http=http_port, upstream=upstream)
    nginx = subprocess.Popen(
        ["nginx", "-p", str(tmp_path), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "nginx.out").open("wb"),
        start_new_session=True,
    )
    processes.append(nginx)
    try:
        client = Client(https)

        def healthy():
            status, _, text = client.send("GET", "/health/")
            return status == 200 and json.loads(text)

        report = wait_for(healthy, timeout=90, what="/health/ through nginx to answer 200")
        assert report == {"database": "ok", "worker": "ok", "status": "ok"}

        # Plain HTTP is sent to HTTPS by the proxy, and nothing loops behind it.
        plain = http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)
        plain.request("GET", "/", headers={"Host": HOST})
        response = plain.getresponse()
        assert response.status == 301 and response.headers["Location"].startswith(f"https://{HOST}")
        plain.close()

        status, headers, _ = client.send("GET", "/login/")
        assert status == 200 and "Secure" in headers["Set-Cookie"]
        assert "default-src" in headers["Content-Security-Policy"]
        status, headers, text = client.send("POST", "/login/", {"username": "admin", "password": password})
        assert status == 302, text[:3000]
        status, headers, _ = client.send("GET", "/")
        assert status == 302 and "goteborg-2026" in headers["Location"]
        status, _, page = client.send("GET", headers["Location"].split(f"{HOST}:{https}", 1)[-1])
        assert status == 200 and "Intraservice" in page
    finally:
        for process in processes:
            stop(process)
    access = (tmp_path / "nginx-access.log").read_text()
    assert "POST /login/" in access
