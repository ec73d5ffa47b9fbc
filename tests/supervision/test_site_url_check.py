"""SITE_URL is the verification address printed in every PDF: `manage.py check` refuses a loopback or
missing one when DEBUG is off (a deployment) and warns while developing, so `make run` still starts."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from supervision.checks import check_site_url
from tests.supervision.test_production_settings import GOOD, run


@pytest.mark.parametrize(
    "site_url",
    [
        "",
        "http://127.0.0.1:8000",
        "http://localhost:8000",
        "https://nithet.localhost",
        "http://[::1]:8000",
        "http://0.0.0.0:8000",
        "nithet.example.go.th",
    ],
)
def test_debug_off_refuses_an_address_no_reader_can_open(site_url):
    with override_settings(DEBUG=False, SITE_URL=site_url):
        problems = check_site_url()
        assert [p.id for p in problems] == ["supervision.E001"]
        assert problems[0].is_serious()
        with pytest.raises(SystemCheckError, match=r"supervision\.E001"):
            call_command("check")


@pytest.mark.parametrize("site_url", ["", "http://127.0.0.1:8000", "http://localhost:8000"])
def test_debug_on_only_warns(site_url):
    with override_settings(DEBUG=True, SITE_URL=site_url):
        problems = check_site_url()
        assert [p.id for p in problems] == ["supervision.W001"]
        assert not problems[0].is_serious()
        call_command("check")  # a warning does not stop the command


@pytest.mark.parametrize("debug", [True, False])
@pytest.mark.parametrize(
    "site_url", ["https://nithet.example.go.th", "http://10.1.2.3:8000", "https://supervision.sesao29.go.th/nithet"]
)
def test_a_reachable_address_passes(debug, site_url):
    with override_settings(DEBUG=debug, SITE_URL=site_url):
        assert check_site_url() == []


def test_deploy_without_site_url_fails_and_names_it(tmp_path):
    env = {k: v for k, v in GOOD.items() if k != "SITE_URL"}
    result = run(tmp_path, ["manage.py", "check", "--deploy"], **env)
    assert result.returncode != 0
    assert "supervision.E001" in result.stderr and "SITE_URL" in result.stderr


def test_zero_set_up_defaults_still_start(tmp_path):
    """No environment at all (what `make run` has): DEBUG is on, SITE_URL the local default, a warning only."""
    result = run(tmp_path, ["manage.py", "check"])
    assert result.returncode == 0, result.stderr
    assert "supervision.W001" in result.stdout + result.stderr
