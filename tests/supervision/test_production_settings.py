"""NITHET_PRODUCTION=1 refuses to start with DEBUG on, the default secret key or no allowed hosts.

Each case imports the settings in a fresh interpreter, exactly as gunicorn or celery would.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = {
    "NITHET_PRODUCTION": "1",
    "SECRET_KEY": "a-long-private-secret-key-for-the-test-0123456789",
    "ALLOWED_HOSTS": "nithet.example.test",
    "SITE_URL": "https://nithet.example.test",
}


def run(tmp_path, code: list[str], **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "NITHET_PRODUCTION", "SITE_URL")
    }
    clean.update(NITHET_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="supervision.settings", **env)
    return subprocess.run([sys.executable, *code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    ("override", "reason"),
    [
        ({"DJANGO_DEBUG": "1"}, "DJANGO_DEBUG must be off"),
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY must be set"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must name"),
    ],
)
def test_production_refuses_to_start(tmp_path, override, reason):
    env = {**GOOD, **override}
    env = {k: v for k, v in env.items() if v != ""}  # "" means: not set at all
    result = run(tmp_path, ["-c", "import supervision.settings"], **env)
    assert result.returncode != 0
    assert "refuses to start in production mode" in result.stderr and reason in result.stderr


def test_a_valid_production_environment_starts(tmp_path):
    result = run(tmp_path, ["manage.py", "check", "--deploy", "--fail-level", "ERROR"], **GOOD)
    assert result.returncode == 0, result.stderr
    assert "refuses" not in result.stderr
