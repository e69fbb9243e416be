"""``simpul demo`` end to end: embedded Redis, simulators, worker, scheduler and portal."""

from __future__ import annotations

import os
import queue
import re
import signal
import subprocess
import sys
import threading
import time
import tomllib

import httpx
import pytest
import redis


def read_lines(stream, lines: queue.Queue) -> None:
    for line in stream:
        lines.put(line)


def expect(lines: queue.Queue, pattern: str, timeout: float = 60.0) -> re.Match:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            line = lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            break
        match = re.search(pattern, line)
        if match:
            return match
    pytest.fail(f"the demo never printed {pattern!r}")


def poll(fetch, predicate, timeout: float = 60.0):
    """Fetch until ``predicate`` holds for the result; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = fetch()
        if predicate(result):
            return result
        time.sleep(0.2)
    pytest.fail(f"condition not met within {timeout}s")


@pytest.mark.slow
def test_the_demo_runs_the_whole_hub_and_stops_cleanly(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIMPUL_")}
    demo = subprocess.Popen(
        [sys.executable, "-m", "hub", "demo", "--folder", str(tmp_path), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=read_lines, args=(demo.stdout, lines), daemon=True).start()
    try:
        url = expect(lines, r"Simpul portal: (http://\S+)").group(1)
        password = expect(lines, r"Sign in as admin with password (\S+)").group(1)
        redis_url = tomllib.loads((tmp_path / "simpul.toml").read_text())["hub"]["redis_url"]
        assert redis_url != "redis://127.0.0.1:6379/0"

        with httpx.Client(base_url=url, follow_redirects=True, timeout=10) as client:
            form = client.get("/login").text
            token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', form).group(1)
            signed_in = client.post(
                "/login", data={"csrf_token": token, "username": "admin", "password": password}
            )
            assert signed_in.url.path == "/complaints"

            page = poll(
                lambda: client.get("/complaints").text,
                lambda text: re.search(r'href="/complaints/\d+"', text),
            )
            assert "Sampah" in page or "Banjir" in page or "Kemacetan" in page
            sources = client.get("/sources").text
            assert "qlue-demo" in sources
    finally:
        demo.send_signal(signal.SIGTERM)
        assert demo.wait(timeout=30) == 0

    with pytest.raises(redis.ConnectionError):
        redis.Redis.from_url(redis_url, socket_connect_timeout=1).ping()
