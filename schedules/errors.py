"""Typed refusals of the schedules domain, all `supervision.errors.DomainError` kinds (code, Thai, English,
fields, objects): pages show `message_for(language)` and field messages, the API maps `http_status`, the
commands print one line and exit non-zero. No text is ever packed into one string and split apart again."""

from supervision.errors import DomainError, InvalidInput, InvalidTransition, StaleVersion


class RoundNotPlannable(DomainError):
    """The round cannot be planned as set up: no session, no counted day, no target school, no centre."""

    code = "round_not_plannable"
    http_status = 400


class PlanIncomplete(DomainError):
    """The planner could not place everything; nothing is saved. `objects` are the `planner.Unplaced`."""

    code = "plan_incomplete"
    http_status = 409


class PlanFailed(DomainError):
    """The solver gave no answer within its time limit (instead of a bare RuntimeError and a 500)."""

    code = "plan_failed"
    http_status = 503


class MoveRefused(DomainError):
    """A move that would cause errors; `objects` are the `conflicts.Conflict`s it would cause."""

    code = "move_refused"
    http_status = 409
    default_th = "ย้ายไม่ได้ เพราะจะทำให้เกิดข้อขัดแย้ง"
    default_en = "the move would cause conflicts"

    @property
    def conflicts(self):
        return self.objects


class AssignmentRefused(InvalidTransition):
    """An action the assignment's lifecycle does not allow (see `schedules.lifecycle`)."""

    code = "assignment_refused"


class AssignmentStale(StaleVersion):
    default_th = "รายการนี้ถูกแก้ไขโดยผู้อื่นแล้ว กรุณาโหลดหน้าใหม่"
    default_en = "the assignment was changed elsewhere; reload and try again"


__all__ = [
    "AssignmentRefused",
    "AssignmentStale",
    "DomainError",
    "InvalidInput",
    "MoveRefused",
    "PlanFailed",
    "PlanIncomplete",
    "RoundNotPlannable",
]
