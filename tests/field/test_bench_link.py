"""The slow link bench/field.py measures the sync over: a real throttling proxy, so its figure cannot be faster
than 1.6 Mbit/s allows, and the bytes it counts are the bytes that crossed it."""

import importlib.util
import socket
import threading
import time
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "field.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_field", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def sink():
    """A server that reads a request of a stated length and answers with 1,000 bytes."""
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        while True:
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            with conn:
                size = int(conn.recv(16).decode().strip())
                got = 0
                while got < size:
                    chunk = conn.recv(65536)
                    if not chunk:
                        break
                    got += len(chunk)
                conn.sendall(b"x" * 1000)

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1]
    listener.close()


def _exchange(port: int, body: bytes) -> tuple[float, int]:
    start = time.perf_counter()
    with socket.create_connection(("localhost", port)) as conn:
        conn.sendall(f"{len(body):<16}".encode() + body)
        answer = b""
        while len(answer) < 1000:
            chunk = conn.recv(65536)
            if not chunk:
                break
            answer += chunk
    return time.perf_counter() - start, len(answer)


def test_the_throttled_link_takes_as_long_as_its_bytes_need_and_counts_them(bench, sink):
    link = bench.ThrottledLink(sink)
    try:
        body = b"p" * 100_000
        link.throttle(True)
        elapsed, answered = _exchange(link.port, body)
        sent, received = link.counted()
        assert answered == 1000
        assert (sent, received) == (16 + len(body), 1000)
        # bytes out at 200,000 B/s, the answer back, the handshake's and the exchange's round trips
        needs = (sent + received) / bench.RATE_BPS + 2 * bench.RTT_S
        assert needs <= elapsed < needs + 1.0

        link.throttle(False)  # the other phases of the bench run at full speed, counted from zero
        elapsed, answered = _exchange(link.port, body)
        assert answered == 1000 and elapsed < 0.3
        assert link.counted() == (16 + len(body), 1000)
    finally:
        link.close()


def test_two_connections_share_the_one_link(bench, sink):
    """Parallel requests gain no bandwidth: the link per direction is one pipe shared by every connection."""
    link = bench.ThrottledLink(sink)
    try:
        link.throttle(True)
        body = b"p" * 60_000
        times = []
        threads = [threading.Thread(target=lambda: times.append(_exchange(link.port, body)[0])) for _ in range(2)]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        sent, received = link.counted()
        assert sent == 2 * (16 + len(body)) and received == 2000
        assert elapsed >= sent / bench.RATE_BPS + bench.RTT_S
    finally:
        link.close()
