"""/healthz answers 200 when the database and the broker answer, 503 naming the part that does not."""

import socket

import pytest

from worker.celery import app


def closed_port() -> int:
    """A 127.0.0.1 port nobody listens on (bound, then released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_healthz_is_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["broker"]["ok"]
    assert body["broker"]["detail"] in ("redis", "filesystem")


@pytest.mark.django_db
def test_healthz_is_503_naming_an_unreachable_broker(client, monkeypatch):
    monkeypatch.setitem(app.conf, "broker_url", f"redis://127.0.0.1:{closed_port()}/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"]["ok"] is True
    assert body["broker"]["ok"] is False and "refused" in body["broker"]["detail"].lower()


@pytest.mark.django_db
def test_healthz_is_503_when_the_filesystem_queue_folder_is_gone(client, monkeypatch, tmp_path):
    monkeypatch.setitem(app.conf, "broker_url", "filesystem://")
    monkeypatch.setitem(
        app.conf,
        "broker_transport_options",
        {"data_folder_in": str(tmp_path / "gone"), "data_folder_out": str(tmp_path / "gone")},
    )
    response = client.get("/healthz")
    assert response.status_code == 503 and "queue folder" in response.json()["broker"]["detail"]


@pytest.mark.django_db
def test_healthz_is_503_naming_a_failing_database(client, monkeypatch):
    from django.db import OperationalError, connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("database is unreachable")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == {"ok": False, "detail": "OperationalError: database is unreachable"}
