"""Report builders: frozen data in, PDF bytes out (no ORM, no I/O)."""

from visits.reports.builders.exam import build_exam_report
from visits.reports.builders.order import build_order
from visits.reports.builders.round_summary import build_round_summary
from visits.reports.builders.visit import build_visit_report

__all__ = ["build_exam_report", "build_order", "build_round_summary", "build_visit_report"]
