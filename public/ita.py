"""The ITA (OIT) page's sections and the registry any app adds its published records to.

Each section is one OIT item this software's data serves; its number changes from one ITA year to the
next (`settings.PUBLIC_ITA_ITEM_CODES`), its content does not. An app that holds published evidence for a
section registers a provider once (in its AppConfig.ready()):

    from public.ita import ItaRecord, register_section
    register_section("satisfaction", my_provider)   # my_provider(office) -> iterable of ItaRecord

A provider returns only what is already public (published, approved; no contact details, no individual
answers). After publishing or withdrawing a record, the app calls `public.snapshot.rebuild(office)` so the
public pages show it at once. The public app registers its own `Publication` records for every section.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import gettext_lazy as _

SECTIONS: tuple[tuple[str, str], ...] = (
    ("plan", _("แผนการนิเทศ ติดตาม (แผนดำเนินงานประจำปี)")),
    ("monitoring", _("รายงานการกำกับติดตามการดำเนินงาน รอบ 6 เดือน")),
    ("annual", _("รายงานผลการดำเนินงานประจำปี")),
    ("statistics", _("ข้อมูลเชิงสถิติการให้บริการ")),
    ("satisfaction", _("รายงานผลการสำรวจความพึงพอใจการให้บริการ")),
    ("participation", _("การเปิดโอกาสให้เกิดการมีส่วนร่วม")),
)
SECTION_KEYS = tuple(key for key, _label in SECTIONS)


@dataclass(frozen=True)
class ItaRecord:
    """One dated, published record of a section: its title, date, a summary, labelled details (e.g. for
    participation: topic, who took part, results, how the results were used) and the public URL of its PDF."""

    ita_year: int
    title: str
    date: datetime.date
    summary: str = ""
    document_url: str = ""
    details: tuple[tuple[str, str], ...] = field(default_factory=tuple)
    links: tuple[tuple[str, str], ...] = field(default_factory=tuple)  # (label, public URL), e.g. the photos


Provider = Callable[[object], Iterable[ItaRecord]]
_providers: dict[str, list[Provider]] = {key: [] for key in SECTION_KEYS}


def register_section(key: str, provider: Provider) -> None:
    """Add a provider of published records to an ITA section (idempotent for the same function)."""
    if key not in _providers:
        raise ValueError(f"unknown ITA section {key!r}; expected one of {', '.join(SECTION_KEYS)}")
    if provider not in _providers[key]:
        _providers[key].append(provider)


def providers(key: str) -> tuple[Provider, ...]:
    return tuple(_providers[key])


def item_code(key: str, ita_year: int) -> str:
    """The OIT item number of a section in an ITA year (each year takes the earlier years' codes it does
    not override)."""
    code = ""
    for year in sorted(settings.PUBLIC_ITA_ITEM_CODES):
        if year > ita_year:
            break
        code = settings.PUBLIC_ITA_ITEM_CODES[year].get(key, code)
    return code


def records(office) -> dict[int, dict[str, list[ItaRecord]]]:
    """{ITA year: {section: records, newest first}} of every provider, for one office."""
    out: dict[int, dict[str, list[ItaRecord]]] = {}
    for key in SECTION_KEYS:
        for provider in _providers[key]:
            for record in provider(office):
                out.setdefault(record.ita_year, {k: [] for k in SECTION_KEYS})[key].append(record)
    for sections in out.values():
        for rows in sections.values():
            rows.sort(key=lambda r: (r.date, r.title), reverse=True)
    return out
