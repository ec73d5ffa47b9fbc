"""A round summary chart is never split across pages: read from the PDF itself, the coverage chart's title
and every one of its bars' labels ("visited/planned", which only the chart prints) are on one page, also
when the coverage table before it ends near the foot of a page and the chart has to move to the next."""

import dataclasses
import io

from pypdf import PdfReader

from visits.reports import samples
from visits.reports.builders import build_round_summary
from visits.reports.data import ConsortiumCoverage

TITLE = "ร้อยละของโรงเรียนที่ตรวจเยี่ยมแล้วและอนุมัติแล้ว รายสหวิทยาเขต"


def _pages(n_consortia: int) -> tuple[list[str], list[str]]:
    """(each page's text, the chart's bar labels) of a summary whose coverage table has n rows."""
    coverage = tuple(ConsortiumCoverage(f"สหวิทยาเขตทดสอบ {k + 1}", 20 + k, 1 + k, 1 + k, k) for k in range(n_consortia))
    pdf = build_round_summary(dataclasses.replace(samples.round_summary(12), coverage=coverage))
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    return pages, [f"{1 + k}/{20 + k}" for k in range(n_consortia)]


def test_the_coverage_chart_is_whole_on_one_page_wherever_the_table_before_it_ends():
    pushed = []
    for n in (10, 18):  # 10 rows: the table ends low on page 1; 18: the table itself runs onto page 2
        pages, labels = _pages(n)
        title_pages = [i for i, text in enumerate(pages) if TITLE in text]
        assert len(title_pages) == 1, (n, title_pages)
        chart_page = title_pages[0]
        for label in labels:
            assert [i for i, text in enumerate(pages) if label in text] == [chart_page], (n, label)
        last_row = f"สหวิทยาเขตทดสอบ {n}"
        if chart_page > 0 and last_row in pages[chart_page - 1]:
            pushed.append(n)  # the table ended on the page before: the whole chart moved to the next page
    assert pushed, "no case put the chart at a page's end; the test would not see a split"
