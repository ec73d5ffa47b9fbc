"""Every server-rendered page a role can reach, in both languages, on the demo office.

Each demo login (and an anonymous reader) walks the site from its home by following the links it is shown,
like a person clicking through: the office pages, the dashboard, meetings, public pages and their management,
accounts, the admin's index and lists. Each page is read as the browser would show it (text and the
placeholder, title, alt, aria-label and button texts, and the words its SVG charts and map draw):

- in English, a Thai run of text passes only when it is data — found in what the database holds (school,
  people, committee, round and document names, answers …) — and is not itself a label of ours (a catalogue
  msgid) or a Thai month name; anything else is a Thai label the English page forgot;
- in Thai, no text is one of our English translations: an English label left on a Thai page;
- in both, no part of a text is the raw code of a choice ("supervision", "published", "exam_inspection"
  instead of the choice's label) or of a logged action: a template that printed `{{ x.status }}`, or a
  translation that is only the code again;
- in English, no heading, column head, button, form label or menu entry starts in lower case ("consortium",
  "move", "kind:"): a field's verbose name (lower case by Django's convention) shown as a label.

The field app (a client-side island) has its own English run in tests/browser/test_field_app.py. The public
disclosure pages (rendered at publish, once per language) are walked like every other page; only their
PDFs stay Thai, like every report.
"""

import re
from collections import Counter, deque
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from lxml import html as lxml_html

from public.fastpath import PAGE_PATH as PUBLIC_PAGE
from supervision import demo

ROOT = Path(settings.BASE_DIR)
THAI_RUN = re.compile(r"[\u0E00-\u0E7F]+(?:[ \u00a0]+[\u0E00-\u0E7F]+)*")
# A run together with the numbers, brackets and stops around it ("ภาคเรียนที่ 1 ปีการศึกษา 2563"): data is
# often longer than one run.
THAI_SPAN = re.compile(r"[\u0E00-\u0E7F0-9 \u00a0().,/\-–]*[\u0E00-\u0E7F][\u0E00-\u0E7F0-9 \u00a0().,/\-–]*")
THAI_MONTHS = {
    "มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน", "กรกฎาคม", "สิงหาคม", "กันยายน",
    "ตุลาคม", "พฤศจิกายน", "ธันวาคม", "ม.ค.", "ก.พ.", "มี.ค.", "เม.ย.", "พ.ค.", "มิ.ย.", "ก.ค.", "ส.ค.",
    "ก.ย.", "ต.ค.", "พ.ย.", "ธ.ค.",
}  # fmt: skip
# Not pages: downloads, feeds, the API, the field app's island, sign-out and the language switch itself.
SKIP = re.compile(
    r"^/(api/|static/|media/|i18n/|field/|healthz)|/logout/|\.(pdf|ics|xlsx|csv|json|png|jpg|webp|svg|js|css)$"
    r"|/(evidence|files?|photos?|download|thumb|signatures?)/\d|/report/?$"
)
# At most this many pages of one shape (ids replaced) per walk: the 81 schools' pages share one template.
PER_SHAPE = 2
MAX_PAGES = 220
ANONYMOUS = None


@pytest.fixture(scope="module")
def demo_office(demo_module, django_db_blocker):
    """The whole demo for the module (tests/demo_db.py): its texts, raw codes and free-text values."""
    with django_db_blocker.unblock():
        codes = _raw_codes()
        return _data_corpus(), codes, _free_text_values(codes)


def _data_corpus() -> str:
    """Every text the database holds (and every object's own name), one per line: what a page may show as
    data in any language."""
    texts = []
    for model in apps.get_models():
        fields = [
            f.attname
            for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField, models.JSONField))
        ]
        if fields:
            for row in model.objects.values_list(*fields):
                texts.extend(str(v) for v in row if v not in (None, ""))
        if model.objects.count() <= 3000:
            for obj in model.objects.all():
                try:
                    texts.append(str(obj))
                except Exception:  # an object's name may need what another test cleans up; data is enough
                    continue
    return "\n".join(texts)


def _catalogues() -> tuple[set[str], set[str]]:
    """(Thai msgids, English translations) of every app's catalogue."""
    msgids, english = set(), set()
    for po_path in ROOT.glob("*/locale/en/LC_MESSAGES/django.po"):
        for entry in polib.pofile(str(po_path)):
            if entry.obsolete:
                continue
            msgids.add(entry.msgid.strip())
            texts = [entry.msgstr, *entry.msgstr_plural.values()]
            english.update(t.strip() for t in texts if t.strip())
    return msgids, english


def _shown_texts(document) -> list[str]:
    # A chart or a map is drawn as inline SVG: its <text> elements (titles, legends, axis and bar labels) and
    # its <title> are read like any other text on the page. The rest of the SVG (paths, styles) is not text.
    svg_texts = [
        " ".join(el.text_content().split())
        for el in document.xpath(
            "//*[local-name()='svg']//*[local-name()='text' or local-name()='title' or local-name()='desc']"
        )
    ]
    for dropped in document.xpath("//script|//style|//noscript|//*[local-name()='svg']|//template"):
        dropped.drop_tree()
    texts = [t.strip() for t in document.xpath("//body//text()") if t.strip()]
    texts.extend(t for t in svg_texts if t)
    for el in document.xpath("//*[@placeholder or @title or @alt or @aria-label]"):
        texts.extend(el.get(a).strip() for a in ("placeholder", "title", "alt", "aria-label") if el.get(a))
    texts.extend(el.get("value").strip() for el in document.xpath("//input[@type='submit'][@value]"))
    return texts


def _thai_labels(text: str, corpus: str, msgids: set[str]) -> list[str]:
    """The Thai runs of `text` that are not data: a span the database does not hold, or a label of ours."""
    found = []
    for span in THAI_SPAN.findall(text):
        span = span.strip(" \u00a0().,/-–")
        if span in corpus:
            continue  # the whole span is data (a name, a title), whatever words it shares with labels
        for run in THAI_RUN.findall(span):
            label = run in msgids or any(word in THAI_MONTHS for word in run.split())
            if label or not all(word in corpus for word in run.split()):
                found.append(run)
    return found


# A text is read in parts, as a page joins them: "Supervision · Academic year 2563 · Published".
PARTS = re.compile(r"\s*(?:[·•|:;→—–]|\s-\s)\s*")


def _raw_codes() -> set[str]:
    """Codes that must never be shown as such: every model choice's stored value that is a lower-case
    identifier, and the publishing log's actions. A label is never one (an English label that reads as the
    code, "supervision", is the code shown again)."""
    from public import workflow as public_workflow

    codes = set(public_workflow.TRANSITIONS.values())
    for model in apps.get_models():
        for field in model._meta.get_fields():
            for value, _label in getattr(field, "flatchoices", None) or ():
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z0-9_-]+", value):
                    codes.add(value)
    return codes


def _free_text_values(codes: set[str]) -> set[str]:
    """What people typed into the database's free-text fields (names, usernames, titles, notes …), as whole
    values: a page part equal to one of them is data, even if it spells like a code. A field without
    choices that holds nothing but codes (the publishing log's action and statuses) holds codes, not data."""
    values = set()
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
                held = {v.strip() for v in model.objects.values_list(field.attname, flat=True) if v and v.strip()}
                if not held <= codes:
                    values |= held
    return values


def _raw_codes_in(text: str, codes: set[str], typed: set[str]) -> list[str]:
    found = [part for part in PARTS.split(text) if part in codes]
    # A code with an underscore is never a word of a sentence, wherever it stands.
    found += [word for word in re.findall(r"\b[a-z]+_[a-z_]+\b", text) if word in codes and word not in found]
    return [code for code in found if code not in typed]


# A column of counts is headed "n" in both languages (the statistic's symbol), not a label to capitalise.
LOWER_CASE_ALLOWED = {"n"}


def _lower_case_labels(document) -> list[str]:
    found = []
    for el in document.xpath("//h1|//h2|//h3|//th|//button|//label|//nav//a|//summary|//legend|//caption|//dt"):
        text = " ".join(t.strip() for t in el.xpath("./text()") if t.strip()) or el.text_content().strip()
        if text[:1].isascii() and text[:1].islower() and text not in LOWER_CASE_ALLOWED:
            found.append(f"lower-case label {text[:60]!r}")
    return found


def _shape(path: str) -> str:
    path = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "<uuid>", path)
    return re.sub(r"\d+", "<n>", path)


def _walk(client: Client, starts: list[str]):
    """Pages reachable from `starts` by links (GET, this site): yields (path, parsed page)."""
    queue, seen, shapes = deque(starts), set(), Counter()
    while queue and len(seen) < MAX_PAGES:
        path = queue.popleft()
        if path in seen or SKIP.search(path) or shapes[_shape(path)] >= PER_SHAPE:
            continue
        seen.add(path)
        shapes[_shape(path)] += 1
        response = client.get(path)
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        document = lxml_html.fromstring(response.content)
        for href in document.xpath("//a/@href"):
            target = urlsplit(urljoin(path, href))
            if target.netloc in ("", "testserver") and target.path.startswith("/") and not target.query:
                admin_depth = target.path.count("/") - 1 if target.path.startswith("/admin/") else 0
                if admin_depth <= 3:  # the admin's index, app lists and model lists; not every record
                    queue.append(target.path)
        yield path, document


def _client(user, language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not ANONYMOUS:
        from django.contrib.auth import get_user_model

        client.force_login(get_user_model().objects.get(username=user))
    return client


def _assert_reach(user, reached: list[str]) -> None:
    assert len(reached) >= 3, f"{user} reached only {reached}"
    public = [p for p in reached if PUBLIC_PAGE.match(p) and not p.startswith("/public/manage/")]
    assert {"ita/", "rounds/"} <= {p.split("/")[3] + "/" for p in public if p.count("/") > 3}, public
    missing = [p for p in MUST_REACH.get(user, ()) if not any(r.startswith(p) for r in reached)]
    assert not missing, f"the walk of {user} never reached {missing}"
    if user == "coordinator":
        assert len(reached) >= 40, len(reached)


def _starts(user) -> list[str]:
    from supervision.models import AreaOffice

    office_pages = [f"/public/{code}/" for code in AreaOffice.objects.values_list("code", flat=True)]
    if user is ANONYMOUS:
        return ["/accounts/login/", "/accounts/password-reset/", *office_pages]
    office = ["/", "/dashboard/", "/meetings/", "/accounts/", "/notifications/", "/admin/", "/public/manage/"]
    return [*office, *office_pages]


# Between them the coordinator and the office director reach every app's office pages (publishing is the
# director's); a walk that stops short proves nothing about the pages it missed.
MUST_REACH = {
    "coordinator": (
        "/dashboard/", "/meetings/", "/schedules/", "/visits/", "/admin/", "/accounts/", "/notifications/",
    ),
    "director": ("/dashboard/", "/public/manage/"),
}  # fmt: skip

USERS = [*(username for username, _role, _who in demo.LOGINS), ANONYMOUS]


@pytest.mark.django_db
@pytest.mark.parametrize("user", USERS, ids=[u or "anonymous" for u in USERS])
def test_english_pages_show_thai_only_as_data(demo_office, user):
    corpus, codes, typed = demo_office
    msgids, _ = _catalogues()
    client = _client(user, "en")
    problems, reached = {}, []
    for path, document in _walk(client, _starts(user)):
        reached.append(path)
        assert document.get("lang") == "en", path
        if found := _lower_case_labels(document):
            problems.setdefault(path, []).extend(found)
        for text in _shown_texts(document):
            if _thai_labels(text, corpus, msgids):
                problems.setdefault(path, []).append(text[:100])
            for code in _raw_codes_in(text, codes, typed):
                problems.setdefault(path, []).append(f"raw code {code!r} in {text[:80]!r}")
    _assert_reach(user, reached)
    assert not problems, {path: sorted(set(found))[:12] for path, found in problems.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("user", USERS, ids=[u or "anonymous" for u in USERS])
def test_thai_pages_show_no_english_labels(demo_office, user):
    corpus, codes, typed = demo_office
    msgids, english = _catalogues()
    # Translations that read the same in both languages (codes, names, numbers) or are data are not labels.
    english_labels = {e for e in english if e not in msgids and " " in e and len(e) >= 8 and e not in corpus}
    client = _client(user, "th")
    problems, reached = {}, []
    for path, document in _walk(client, _starts(user)):
        reached.append(path)
        assert document.get("lang") == "th", path
        for text in _shown_texts(document):
            if text in english_labels:
                problems.setdefault(path, []).append(text[:100])
            for code in _raw_codes_in(text, codes, typed):
                problems.setdefault(path, []).append(f"raw code {code!r} in {text[:80]!r}")
    _assert_reach(user, reached)
    assert not problems, {path: sorted(set(found))[:12] for path, found in problems.items()}
