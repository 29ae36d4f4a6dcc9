"""Production settings pass Django's deployment checks; OIDC claims map to roles."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT

LEAVE_OUT = ("FORDELA_LOCAL", "DEBUG", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "FORDELA_SECRET_KEY")
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "fordela.settings",
    "FORDELA_SECRET_KEY": "x" * 20 + "a-long-random-production-secret-key-0123456789",
    "FORDELA_ALLOWED_HOSTS": "fordela.example.se",
    "FORDELA_BEHIND_PROXY": "1",
}


def _check_deploy(tmp_path, **overrides):
    env = {k: v for k, v in os.environ.items() if k not in LEAVE_OUT} | PRODUCTION | {"FORDELA_HOME": str(tmp_path)}
    env = {k: v for k, v in (env | overrides).items() if v is not None}
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = _check_deploy(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    # Nothing silenced: Django counts silenced checks in its closing line.
    assert "no issues (0 silenced)" in result.stdout


def test_check_deploy_fails_without_secret_key_or_with_debug(tmp_path):
    result = _check_deploy(tmp_path, FORDELA_SECRET_KEY=None)
    assert result.returncode != 0
    assert "FORDELA_SECRET_KEY is not set" in result.stderr
    result = _check_deploy(tmp_path, DEBUG="1")
    assert result.returncode != 0 and "DEBUG is on" in result.stderr


def test_oidc_claims_map_to_role_and_organisation():
    from fordela.accounts.models import Role
    from fordela.accounts.oidc import profile_from_claims

    assert profile_from_claims({"roles": ["other", "customer_viewer"], "fordela_organisation": "kultur"}) == (
        Role.CUSTOMER_VIEWER,
        "kultur",
    )
    assert profile_from_claims({"roles": "coordinator"}) == (Role.COORDINATOR, "")
    assert profile_from_claims({}) == (None, "")


def test_oidc_groups_map_to_role_and_organisation_when_there_is_no_app_role():
    from fordela.accounts.models import Role
    from fordela.accounts.oidc import group_roles, profile_from_claims

    groups = group_roles("aaaa-1=customer_viewer:grundskola, bbbb-2=finance")
    assert profile_from_claims({"groups": ["zzz", "aaaa-1"]}, groups) == (Role.CUSTOMER_VIEWER, "grundskola")
    assert profile_from_claims({"groups": ["bbbb-2"]}, groups) == (Role.FINANCE, "")
    # An app role wins over groups.
    assert profile_from_claims({"roles": ["coordinator"], "groups": ["aaaa-1"]}, groups) == (Role.COORDINATOR, "")
    assert profile_from_claims({"groups": ["zzz"]}, groups) == (None, "")
    with pytest.raises(ValueError, match="GROUP=ROLE"):
        group_roles("aaaa=emperor")
