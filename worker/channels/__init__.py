"""Transports: one small class per channel. `send(notification)` returns on success and raises
`TransportError` (worth retrying) or `PermanentError` (never retried) on failure."""

from worker.channels.base import PermanentError, Transport, TransportError
from worker.channels.email import EmailTransport
from worker.channels.inapp import InAppTransport
from worker.channels.line import LineTransport

TRANSPORTS: dict[str, type[Transport]] = {
    EmailTransport.channel: EmailTransport,
    LineTransport.channel: LineTransport,
    InAppTransport.channel: InAppTransport,
}

__all__ = [
    "TRANSPORTS",
    "EmailTransport",
    "InAppTransport",
    "LineTransport",
    "PermanentError",
    "Transport",
    "TransportError",
]
