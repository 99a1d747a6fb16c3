"""Run locust headless (one user, then many) and print each page's p95: see bench_load."""

from __future__ import annotations

import itertools
import json
import os
import re
import sys
import time

import gevent
from locust import HttpUser, between, task
from locust.env import Environment


def _session_user(
    host: str, people: list[list[str]], pages: dict[str, str], think: tuple[float, float]
) -> type[HttpUser]:
    """A signed-in person who opens the pages one after another, thinking ``think`` seconds
    (uniformly between the two) before each next page."""
    turns, starts = itertools.cycle(people), itertools.count()

    class Person(HttpUser):
        wait_time = between(*think)

        def on_start(self) -> None:
            username, password = next(turns)
            page = self.client.get("/accounts/login/", name="sign in (form)")
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
            self.client.post(
                "/accounts/login/",
                {
                    "username": username,
                    "password": password,
                    "csrfmiddlewaretoken": token.group(1) if token else "",
                },
                headers={"Referer": f"{host}/accounts/login/"},
                name="sign in",
            )

            self.pages = itertools.cycle(pages.items())
            for _ in range(next(starts) % len(pages)):  # people start on different pages
                next(self.pages)

        @task
        def browse(self) -> None:
            name, path = next(self.pages)
            with self.client.get(path, name=name, catch_response=True) as response:
                if response.status_code not in (200, 403):
                    response.failure(f"{response.status_code}")

    Person.host = host
    return Person


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and all its children so far: gunicorn's master and
    its workers. Unlike wall time it hardly depends on what else the machine is running."""
    import psutil  # locust's own dependency, so present wherever this benchmark runs

    try:
        parent = psutil.Process(pid)
        total = 0.0
        for process in [parent, *parent.children(recursive=True)]:
            times = process.cpu_times()
            total += times.user + times.system
        return total
    except psutil.Error:
        return float("nan")


def _measure(user_class: type[HttpUser], users: int, seconds: float) -> Environment:
    """Start the users, let every one sign in, then measure for ``seconds`` from a clean slate."""
    environment = Environment(user_classes=[user_class])
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=users)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        signed_in = environment.stats.get("sign in", "POST").num_requests
        if signed_in >= users:
            break
        gevent.sleep(0.5)
    # Every page a few times before measuring: gunicorn's processes have compiled their templates
    # and filled their caches, as a server that has been up a while has.
    gevent.sleep(float(os.environ.get("LOAD_WARM_SECONDS", "10")))
    environment.stats.reset_all()
    web = int(os.environ.get("LOAD_WEB_PID", "0"))
    before = _cpu_seconds(web) if web else float("nan")
    gevent.sleep(seconds)
    environment.web_cpu = (_cpu_seconds(web) if web else float("nan")) - before  # type: ignore[attr-defined]
    runner.quit()
    return environment


def main(host: str, people_json: str, pages_json: str, users: str, seconds: str, think: str) -> int:
    """Print one JSON line: each page's p95 in ms, request and error counts, requests/s."""
    people, pages = json.loads(people_json), json.loads(pages_json)
    low, high = (float(part) for part in think.split(","))
    user_class = _session_user(host, people, pages, (low, high))
    environment = _measure(user_class, int(users), float(seconds))
    total = environment.stats.total
    print(
        json.dumps(
            {
                "p95": {
                    name: environment.stats.get(name, "GET").get_response_time_percentile(0.95)
                    for name in pages
                },
                "requests": total.num_requests,
                "errors": total.num_failures,
                "rps": total.total_rps,
                "p95_all": total.get_response_time_percentile(0.95),
                "web_cpu": getattr(environment, "web_cpu", None),
                "failures": sorted(
                    {
                        f"{error.name}: {error.error}"[:200]
                        for error in environment.stats.errors.values()
                    }
                )[:10],
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
