import re


def test_interactive_docs_load_nothing_from_other_hosts(client, db):
    """Offices on closed networks still get working API docs: every script and stylesheet is our own."""
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.content.decode())
    assert any("swagger-ui-bundle.js" in a for a in assets)
    assert all(a.startswith("/") for a in assets), assets
