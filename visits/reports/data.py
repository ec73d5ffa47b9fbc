"""Report data: the ORM turned into frozen dataclasses. Builders take these and never touch the ORM.

The loaders at the bottom (`office_info`, `order_data`, `visit_data`, `round_data`, `exam_data`) are
the only code in visits/reports that queries the database or reads files from storage.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class OfficeInfo:
    name: str
    short_name: str = ""
    address: str = ""
    phone: str = ""
    logo: bytes | None = None
    thai_digits: bool = False


@dataclass(frozen=True)
class Member:
    name: str
    position: str
    role: str  # Thai label of the role in the committee (ประธานกรรมการ, กรรมการ, …)


@dataclass(frozen=True)
class OrderData:
    office: OfficeInfo
    committee_name: str
    order_no: str
    order_date: date | None
    subject: str
    body: tuple[str, ...]
    members: tuple[Member, ...]
    signer_name: str
    signer_position: str
    duties: tuple[str, ...] = ()
    protected: tuple[str, ...] = ()


@dataclass(frozen=True)
class AnswerRow:
    section: str
    code: str
    question: str
    answer: str
    score: float | None = None
    max_score: float | None = None
    note: str = ""


@dataclass(frozen=True)
class SectionScore:
    name: str
    score: float
    max_score: float

    @property
    def percent(self) -> float:
        return 100.0 * self.score / self.max_score if self.max_score else 0.0


@dataclass(frozen=True)
class Photo:
    image: bytes  # a JPEG/PNG thumbnail, already scaled by the loader
    caption: str
    taken_at: datetime | None = None
    place: str = ""


@dataclass(frozen=True)
class SignatureRow:
    name: str
    role: str
    signed_at: datetime | None = None
    image: bytes | None = None


@dataclass(frozen=True)
class TransitionRow:
    at: datetime
    by: str
    action: str
    note: str = ""


@dataclass(frozen=True)
class FollowUpRow:
    text: str
    owner: str
    due: date | None
    status: str


@dataclass(frozen=True)
class VisitReportData:
    office: OfficeInfo
    visit_id: str
    verify_code: str
    verify_url: str
    school: str
    school_code: str
    place: str  # อำเภอ/จังหวัด, consortium
    visit_date: date | None
    round_title: str
    committee: str
    members: tuple[Member, ...]
    status: str
    instrument: str = ""
    checkin: str = ""
    sections: tuple[SectionScore, ...] = ()
    answers: tuple[AnswerRow, ...] = ()
    findings: tuple[tuple[str, str], ...] = ()  # (heading, text)
    recommendations: tuple[str, ...] = ()
    followups: tuple[FollowUpRow, ...] = ()
    photos: tuple[Photo, ...] = ()
    signatures: tuple[SignatureRow, ...] = ()
    transitions: tuple[TransitionRow, ...] = ()
    protected: tuple[str, ...] = ()


@dataclass(frozen=True)
class ConsortiumCoverage:
    name: str
    planned: int
    visited: int
    submitted: int
    approved: int


@dataclass(frozen=True)
class IndicatorScore:
    code: str
    name: str
    percent: float
    count: int


@dataclass(frozen=True)
class SchoolScore:
    school: str
    consortium: str
    status: str
    percent: float | None
    visit_date: date | None


@dataclass(frozen=True)
class RoundSummaryData:
    office: OfficeInfo
    round_title: str
    slug: str
    academic_year: int
    start_date: date
    end_date: date
    generated_at: datetime
    coverage: tuple[ConsortiumCoverage, ...]
    indicators: tuple[IndicatorScore, ...]
    schools: tuple[SchoolScore, ...]
    recommendations: tuple[tuple[str, int], ...]
    followup_status: tuple[tuple[str, int], ...]
    not_visited: tuple[tuple[str, str, date | None], ...]  # school, consortium, planned date
    protected: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExamCheck:
    item: str
    result: str  # ผ่าน / ไม่ผ่าน / -
    note: str = ""


@dataclass(frozen=True)
class ExamVisit:
    committee: str
    centre: str
    centre_code: str
    day: date
    session: str
    status: str
    checks: tuple[ExamCheck, ...] = ()
    incidents: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExamReportData:
    office: OfficeInfo
    round_title: str
    start_date: date
    end_date: date
    committees: tuple[tuple[str, tuple[Member, ...]], ...]
    visits: tuple[ExamVisit, ...]
    protected: tuple[str, ...] = ()
