"""Run locust headless (one user, then many) and print each page's p95: see bench_load.

Beside the people browsing, ``pdf_users`` people (none unless asked) each ask for the month's
board pack PDF as a person does: open the PDF page, press "Prepare the PDF", follow the progress
page (it reloads itself every two seconds) until the PDF is ready, download it, then read it for
a while before asking again."""

from __future__ import annotations

import itertools
import json
import os
import re
import statistics
import sys
import time
from datetime import datetime

import gevent
from locust import HttpUser, between, task
from locust.env import Environment

PDF_WAIT_LIMIT = 300.0  # seconds a person waits for a PDF before giving up (counted as failed)
PROGRESS_RELOAD = 2.0  # the progress page's own refresh (reports/pdf_detail.html)
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class PdfTally:
    """What the PDF people saw in the measured window (reset with the stats)."""

    def __init__(self) -> None:
        self.in_flight = self.epoch = 0  # PDFs being waited for (whenever asked); resets so far
        self.reset()

    def reset(self) -> None:
        """Count from now: a PDF asked for before (in the warm-up) is waited for, not counted."""
        self.epoch += 1
        self.asked = self.ready = self.failed = 0
        self.closing = False
        self.to_ready: list[float] = []  # seconds from pressing the button to the ready page
        self.queued: list[float] = []  # the server's times (API): waiting for the worker
        self.render: list[float] = []  # and drawing
        self.failures: list[str] = []

    def add(self, other: PdfTally) -> None:
        self.asked, self.ready = self.asked + other.asked, self.ready + other.ready
        self.failed += other.failed
        for name in ("to_ready", "queued", "render", "failures"):
            getattr(self, name).extend(getattr(other, name))


TALLY = PdfTally()


def _sign_in(user: HttpUser, host: str, username: str, password: str) -> None:
    page = user.client.get("/accounts/login/", name="sign in (form)")
    token = TOKEN.search(page.text)
    user.client.post(
        "/accounts/login/",
        {
            "username": username,
            "password": password,
            "csrfmiddlewaretoken": token.group(1) if token else "",
        },
        headers={"Referer": f"{host}/accounts/login/"},
        name="sign in",
    )


def _session_user(
    host: str, people: list[list[str]], pages: dict[str, str], think: tuple[float, float]
) -> type[HttpUser]:
    """A signed-in person who opens the pages one after another, thinking ``think`` seconds
    (uniformly between the two) before each next page."""
    turns, starts = itertools.cycle(people), itertools.count()

    class Person(HttpUser):
        wait_time = between(*think)

        def on_start(self) -> None:
            _sign_in(self, host, *next(turns))
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


def _pdf_user(
    host: str, people: list[list[str]], count: int, think: tuple[float, float]
) -> type[HttpUser]:
    """``count`` signed-in people who each ask for the latest month's board pack PDF (the live
    preview: drawn afresh every time), wait for it as the progress page does, download it, then
    think ``think`` seconds before asking again."""
    turns = itertools.cycle(reversed(people))  # not in step with the browsers' turns

    class PdfPerson(HttpUser):
        fixed_count = count
        wait_time = between(*think)

        def on_start(self) -> None:
            _sign_in(self, host, *next(turns))

        @task
        def board_pack_pdf(self) -> None:
            if TALLY.closing:
                gevent.sleep(1)
                return
            epoch, seen = TALLY.epoch, PdfTally()
            TALLY.in_flight += 1
            try:
                self._one_pdf(seen)
            finally:
                TALLY.in_flight -= 1
            if epoch == TALLY.epoch:  # asked for in the measured window: count it
                TALLY.add(seen)

        def _one_pdf(self, seen: PdfTally) -> None:
            form = self.client.get("/reports/board-pack/?format=pdf", name="PDF: ask (page)")
            token, period = (
                TOKEN.search(form.text),
                re.search(r'name="period" value="([^"]+)"', form.text),
            )
            if not token or not period:
                seen.failures.append("no Prepare the PDF button on the board pack's PDF page")
                return
            asked = time.monotonic()
            seen.asked += 1
            with self.client.post(
                "/reports/pdf/",
                {"period": period.group(1), "csrfmiddlewaretoken": token.group(1)},
                headers={"Referer": f"{host}/reports/board-pack/?format=pdf"},
                name="PDF: prepare (then its progress page)",
                catch_response=True,
            ) as response:
                found = re.search(r"/reports/pdf/(\d+)/$", response.url or "")
                if response.status_code != 200 or not found:
                    response.failure(f"{response.status_code} at {response.url}")
                    seen.failed += 1
                    return
                page = response.text
            number = found.group(1)
            while "Download the PDF" not in page:
                if "could not be prepared" in page or time.monotonic() - asked > PDF_WAIT_LIMIT:
                    seen.failed += 1
                    seen.failures.append(f"PDF {number} failed or took over {PDF_WAIT_LIMIT:.0f} s")
                    return
                gevent.sleep(PROGRESS_RELOAD)
                with self.client.get(
                    f"/reports/pdf/{number}/", name="PDF: progress page", catch_response=True
                ) as response:
                    if response.status_code != 200:
                        response.failure(f"{response.status_code}")
                        seen.failed += 1
                        return
                    page = response.text
            seen.to_ready.append(time.monotonic() - asked)
            with self.client.get(
                f"/reports/pdf/{number}/download/", name="PDF: download", catch_response=True
            ) as response:
                if response.status_code != 200 or not response.content.startswith(b"%PDF"):
                    response.failure(f"{response.status_code}, not a PDF")
                    seen.failed += 1
                    return
            seen.ready += 1
            # The server's own times (the API a script would poll): queue wait and drawing.
            times = self.client.get(f"/api/reports/pdfs/{number}/", name="PDF: API status")
            if times.status_code == 200:
                row = times.json()
                asked_at, started, finished = (
                    datetime.fromisoformat(row[key])
                    for key in ("requested_at", "started_at", "finished_at")
                )
                seen.queued.append((started - asked_at).total_seconds())
                seen.render.append((finished - started).total_seconds())

    PdfPerson.host = host
    return PdfPerson


def _quantiles(values: list[float]) -> dict[str, float | None]:
    """p50 and p95 (nearest rank) of ``values``; None when there are none."""
    if not values:
        return {"p50": None, "p95": None}
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(0.95 * len(ordered) + 0.5) - 1))
    return {"p50": statistics.median(ordered), "p95": ordered[rank]}


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


def _measure(
    user_classes: list[type[HttpUser]], users: int, seconds: float, pages: dict[str, str]
) -> dict:
    """Start the users, let every one sign in, then measure for ``seconds`` from a clean slate.
    The pages' figures are those of the window; PDFs asked in it are then waited for (nobody
    asks for another) before the users stop, so each one asked is counted ready or failed."""
    environment = Environment(user_classes=user_classes)
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
    TALLY.reset()
    web = int(os.environ.get("LOAD_WEB_PID", "0"))
    before = _cpu_seconds(web) if web else float("nan")
    gevent.sleep(seconds)
    web_cpu = (_cpu_seconds(web) if web else float("nan")) - before
    total = environment.stats.total
    figures = {
        "p95": {
            name: environment.stats.get(name, "GET").get_response_time_percentile(0.95)
            for name in pages
        },
        "requests": total.num_requests,
        "errors": total.num_failures,
        "rps": total.total_rps,
        "p95_all": total.get_response_time_percentile(0.95),
        "web_cpu": web_cpu,
    }
    TALLY.closing = True
    deadline = time.monotonic() + PDF_WAIT_LIMIT
    while TALLY.in_flight and time.monotonic() < deadline:
        gevent.sleep(0.5)
    runner.quit()
    figures["errors_after"] = environment.stats.total.num_failures - figures["errors"]
    figures["failures"] = sorted(
        {f"{error.name}: {error.error}"[:200] for error in environment.stats.errors.values()}
        | set(TALLY.failures)
    )[:10]
    figures["pdf"] = {
        "asked": TALLY.asked,
        "ready": TALLY.ready,
        "failed": TALLY.failed,
        "unfinished": TALLY.in_flight,
        "to_ready": _quantiles(TALLY.to_ready),
        "queued": _quantiles(TALLY.queued),
        "render": _quantiles(TALLY.render),
    }
    return figures


def main(
    host: str,
    people_json: str,
    pages_json: str,
    users: str,
    seconds: str,
    think: str,
    pdf_users: str = "0",
    pdf_think: str = "20,40",
) -> int:
    """Print one JSON line: each page's p95 in ms, request and error counts, requests/s, and
    what the PDF people saw."""
    people, pages = json.loads(people_json), json.loads(pages_json)
    low, high = (float(part) for part in think.split(","))
    classes = [_session_user(host, people, pages, (low, high))]
    if int(pdf_users):
        low, high = (float(part) for part in pdf_think.split(","))
        classes.append(_pdf_user(host, people, int(pdf_users), (low, high)))
    figures = _measure(classes, int(users) + int(pdf_users), float(seconds), pages)
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
