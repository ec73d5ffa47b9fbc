"""In-app notifications: the API and the web list show a person only their own, and mark them read."""

from tests import factories as f
from worker.models import Channel, Notification

URL = "/api/v1/notifications/"


def test_the_api_lists_only_my_delivered_in_app_notifications(actors, client_for):
    mine = f.NotificationFactory(recipient=actors.bob, title="ของบ็อบ")
    f.NotificationFactory(recipient=actors.charlie, title="ของชาร์ลี")
    f.NotificationFactory(recipient=actors.bob, channel=Channel.EMAIL, title="อีเมล")
    f.NotificationFactory(recipient=actors.bob, status=Notification.Status.PENDING, title="ยังไม่ถึงเวลา")
    response = client_for(actors.bob).get(URL)
    assert response.status_code == 200
    assert [n["title"] for n in response.json()["results"]] == ["ของบ็อบ"]
    assert response.json()["results"][0]["id"] == mine.id
    assert response.json()["results"][0]["is_read"] is False


def test_unread_count_and_mark_read(actors, client_for):
    first, second, _third = (f.NotificationFactory(recipient=actors.bob) for _ in range(3))
    client = client_for(actors.bob)
    assert client.get(URL + "unread-count/").json() == {"unread": 3}
    assert client.post(f"{URL}{first.id}/read/").json() == {"marked": 1, "unread": 2}
    assert client.get(URL + "?unread=1").json()["count"] == 2
    assert client.post(URL + "mark-read/", {"ids": [second.id]}, format="json").json() == {"marked": 1, "unread": 1}
    assert client.post(URL + "mark-read/", {}, format="json").json() == {"marked": 1, "unread": 0}
    first.refresh_from_db()
    assert first.read_at is not None


def test_someone_elses_notification_is_not_found(actors, client_for):
    theirs = f.NotificationFactory(recipient=actors.charlie)
    client = client_for(actors.bob)
    assert client.get(f"{URL}{theirs.id}/").status_code == 404
    assert client.post(f"{URL}{theirs.id}/read/").status_code == 404
    assert client.post(URL + "mark-read/", {"ids": [theirs.id]}, format="json").json()["marked"] == 0
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_bad_ids_are_refused_with_field_messages(actors, client_for):
    response = client_for(actors.bob).post(URL + "mark-read/", {"ids": ["abc"]}, format="json")
    assert response.status_code == 400
    assert "ids" in str(response.json())


def test_signed_out_users_see_nothing(api_client, actors):
    f.NotificationFactory(recipient=actors.bob)
    assert api_client.get(URL).status_code in (401, 403)


def test_the_web_list_shows_my_notifications_and_marks_them_read(actors, client):
    item = f.NotificationFactory(recipient=actors.bob, title="พรุ่งนี้ออกนิเทศ", body="โรงเรียนทดสอบ 8:30 น.")
    f.NotificationFactory(recipient=actors.charlie, title="ไม่ใช่ของฉัน")
    client.force_login(actors.bob.user)
    page = client.get("/notifications/").content.decode()
    assert "พรุ่งนี้ออกนิเทศ" in page and "ไม่ใช่ของฉัน" not in page
    assert '<strong id="unread-count">1</strong>' in page
    assert client.post("/notifications/read/", {"id": item.id}).status_code == 302
    item.refresh_from_db()
    assert item.read_at is not None
