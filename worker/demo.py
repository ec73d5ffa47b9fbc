"""Demo step for notifications: register the beat entries (the ledger fills itself from the demo data)."""

from worker.beat import setup_periodic_tasks


def load(*, stdout) -> dict:
    return setup_periodic_tasks()
