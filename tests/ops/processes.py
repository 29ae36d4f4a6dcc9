"""Helpers for tests that run `fordela serve` and `fordela worker` as real processes."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

BIN = Path(sys.executable).parent
# What the test run sets that a production process must not inherit.
LEAVE_OUT = (
    "FORDELA_LOCAL",
    "DEBUG",
    "DATABASE_URL",
    "DJANGO_SETTINGS_MODULE",
    "FORDELA_SECRET_KEY",
    "FORDELA_JOBS_SYNC",
)
SECRET = "test-only-" + "k" * 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(**values: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LEAVE_OUT}
    env.update({k: v for k, v in values.items() if v is not None})
    return env


def fordela(*args: str, env: dict[str, str], **kwargs) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BIN / "fordela"), *args], env=env, capture_output=True, text=True, timeout=120, **kwargs)


def start(*args: str, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A long-running fordela command in its own process group, output to `log`."""
    out = log.open("wb")
    return subprocess.Popen(
        [str(BIN / "fordela"), *args], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(process: subprocess.Popen[bytes], sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def wait_for(condition: Callable[[], object], timeout: float = 60, what: str = "condition") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def request(port: int, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None):
    """(status, headers, text); connection errors count as status 0 (server not up yet)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read().decode("utf-8", "replace")
    except OSError:
        return 0, {}, ""
    finally:
        connection.close()


class Browser:
    """Cookies by hand: production cookies are Secure, and the proxy in front is played here by
    sending X-Forwarded-Proto: https over plain HTTP, which http.cookiejar would not allow."""

    def __init__(self, port: int, *, https: bool) -> None:
        self.port, self.cookies = port, {}
        self.base = {"X-Forwarded-Proto": "https"} if https else {}
        scheme = "https" if https else "http"
        self.origin = f"{scheme}://127.0.0.1:{port}"

    def _headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = dict(self.base)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers | (extra or {})

    def _keep(self, headers) -> None:
        for cookie in headers.get_all("Set-Cookie") or []:
            name, _, rest = cookie.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]

    def get(self, path: str):
        status, headers, text = request(self.port, "GET", path, headers=self._headers())
        if status:
            self._keep(headers)
        return status, headers, text

    def post(self, path: str, fields: dict[str, str]):
        from urllib.parse import urlencode

        data = urlencode(fields | {"csrfmiddlewaretoken": self.cookies.get("csrftoken", "")})
        extra = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": self.origin,
            "Referer": self.origin + path,
        }
        status, headers, text = request(self.port, "POST", path, body=data, headers=self._headers(extra))
        if status:
            self._keep(headers)
        return status, headers, text

    def login(self, username: str, password: str):
        self.get("/login/")
        return self.post("/login/", {"username": username, "password": password})
