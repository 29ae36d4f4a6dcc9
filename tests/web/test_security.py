"""Production settings pass Django's deployment checks; OIDC claims map to roles."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.conftest import ROOT

LEAVE_OUT = ("FORDELA_LOCAL", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in LEAVE_OUT} | {
        "DJANGO_SETTINGS_MODULE": "fordela.settings",
        "SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-0123456789",
        "ALLOWED_HOSTS": "fordela.example.se",
        "FORDELA_HOME": str(tmp_path),
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_oidc_claims_map_to_role_and_organisation():
    from fordela.accounts.models import Role
    from fordela.accounts.oidc import profile_from_claims

    assert profile_from_claims({"roles": ["other", "customer_viewer"], "fordela_organisation": "kultur"}) == (
        Role.CUSTOMER_VIEWER,
        "kultur",
    )
    assert profile_from_claims({"roles": "coordinator"}) == (Role.COORDINATOR, "")
    assert profile_from_claims({}) == (None, "")
