import re


def test_interactive_docs_load_nothing_from_other_hosts(client, db):
    """Offices on closed networks still get working API docs: every script and stylesheet is our own."""
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.content.decode())
    assert any("swagger-ui-bundle.js" in a for a in assets)
    assert all(a.startswith("/") for a in assets), assets


def test_every_operation_documents_its_400_and_404_in_the_error_shape(client, db):
    schema = client.get("/api/schema/?format=json").json()
    error = schema["components"]["schemas"]["ErrorOut"]
    assert set(error["required"]) >= {"code", "detail", "errors"}
    missing = []
    operations = 0
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method not in {"get", "put", "post", "patch", "delete"}:
                continue
            operations += 1
            for status in ("400", "404"):
                answer = op["responses"].get(status)
                content = (answer or {}).get("content", {}).get("application/json", {})
                if "$ref" not in content.get("schema", {}) or not content["schema"]["$ref"].endswith("Out"):
                    missing.append(f"{method.upper()} {path} {status}")
    assert operations > 40 and not missing, missing
