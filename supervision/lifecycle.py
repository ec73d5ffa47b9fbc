"""What every lifecycle in Nithet shares (visits, follow-ups, assignments, meetings, publications):

- a `Refusal` — the pure check's answer, with a stable code and a reason in Thai and English — that the
  service turns into a `DomainError` of its own kind;
- the two refusals every table gives in the same words: a move the table does not have (`not_allowed`) and
  a move by someone who may not make it (`wrong_role`);
- the claim: the move written as one conditional UPDATE (`… WHERE status = seen AND version = seen`), so of
  two writers only one wins and the other is told (`StaleVersion` with the current version).

Each module keeps its own transitions table and its own facts; only this shape is shared.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from supervision.errors import DomainError, InvalidTransition, StaleVersion


@dataclass(frozen=True)
class Refusal:
    """Why a move is refused. `missing` names what is lacking (item codes, files), for the client to show."""

    code: str
    message_th: str
    message_en: str
    missing: tuple[str, ...] = ()

    def error(self, error_class: type[DomainError] = InvalidTransition, **kwargs) -> DomainError:
        if self.missing:
            kwargs.setdefault("missing", list(self.missing))
        return error_class(self.message_th, self.message_en, code=self.code, **kwargs)


def not_allowed(noun_en: str, from_label: str, to_label: str, from_value: str, to_value: str) -> Refusal:
    """The table has no such move: "เปลี่ยนจาก <from> เป็น <to> ไม่ได้"."""
    return Refusal(
        "not_allowed",
        f"เปลี่ยนจาก {from_label} เป็น {to_label} ไม่ได้",
        f"a {noun_en} cannot go from {from_value} to {to_value}",
    )


def wrong_role(
    *, action: str, action_th: str, allowed: Iterable[str], role_names: Mapping[str, tuple[str, str]], noun_en: str
) -> Refusal:
    """The move exists but the actor stands in none of the `allowed` relations; names who may make it."""
    allowed = sorted(allowed)
    who_th = " หรือ ".join(role_names[r][0] for r in allowed)
    who_en = " or ".join(role_names[r][1] for r in allowed)
    return Refusal("wrong_role", f"ผู้ที่{action_th}ได้คือ {who_th}", f"only {who_en} may {action} this {noun_en}")


def claim(model, pk, *, seen: Mapping, changes: Mapping, version_field: str = "version") -> None:
    """Write `changes` to row `pk` only if it still holds what was `seen`; otherwise write nothing and raise
    `StaleVersion` carrying the row's current version (None if the row is gone)."""
    claimed = model.objects.filter(pk=pk, **seen).update(**changes)
    if claimed != 1:
        current = model.objects.filter(pk=pk).values_list(version_field, flat=True).first()
        raise StaleVersion(current_version=current)
