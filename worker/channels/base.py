"""The transport interface shared by every channel."""


class TransportError(Exception):
    """A delivery failed for a reason that may pass (network, 5xx, timeout): try again later."""


class PermanentError(TransportError):
    """A delivery can never succeed as it stands (no address, 4xx): mark failed, do not retry."""


class Transport:
    """Sends ledger rows of one channel. Opened once per batch so connections are reused."""

    channel = ""

    def open(self) -> None:
        pass

    def close(self) -> None:
        pass

    def send(self, notification, attachments=()) -> None:
        raise NotImplementedError

    def __enter__(self):
        self.open()
        return self

    def __exit__(self, *exc):
        self.close()
