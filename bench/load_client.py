"""The virtual users of the load scenario (``bench/load.py``): an HTTP session each, the pages
a commune officer or collaborator uses, and the measurements. No Django here: it talks to the
server over loopback like a browser (cookies, CSRF token, the form's own fields sent back).

The request list is data: ``MIX`` says how often each action runs, ``REPORTS`` lists the
downloadable reports (one line each; ``{commune}`` / ``{village}`` / ``{household}`` in a path
are filled with the virtual user's area codes and a household it found)."""

from __future__ import annotations

import random
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

import requests


@dataclass(frozen=True)
class Report:
    """A downloadable report or export: its request type in the results, its path."""

    name: str
    path: str


# The downloads a virtual user picks from (evenly) when it downloads a report. The registry's
# own export is a background job (a queue, not a request), so the synchronous exports of
# registry data stand for it. The reports app (/reports/) adds its reports here, one line each.
REPORTS: tuple[Report, ...] = (
    Report("report_reach_xlsx", "/deliveries/reach/export.xlsx"),
    Report("report_support_requests_xlsx", "/workforce/requests.xlsx"),
)

# Actions and their weights (how often a virtual user picks each).
MIX: tuple[tuple[str, int], ...] = (
    ("search", 30),
    ("household", 30),
    ("edit", 15),
    ("survey", 10),
    ("report", 15),
)

# The request types of the mix, in the order the results list them.
REQUEST_TYPES: tuple[str, ...] = (
    "search",
    "household",
    "edit_form",
    "edit_save",
    "survey_form",
    "survey_save",
    *(report.name for report in REPORTS),
)

SURVEY_FORM = "b2-2022"  # the household screening form of the 2022-2025 standard (B2)
TIMEOUT_SECONDS = 60.0
_HOUSEHOLD_LINK = re.compile(r'href="/households/(\d+)/"')


@dataclass(frozen=True)
class Account:
    """A virtual user's login and what it may see: its commune, village (a collaborator's),
    and names found there (accent-free, as officers type them) to search for."""

    username: str
    password: str
    role: str
    commune: str
    village: str
    names: tuple[str, ...]


# -- measurements -----------------------------------------------------------------------------


@dataclass
class _Series:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    outcomes: Counter[str] = field(default_factory=Counter)


class Stats:
    """Latencies, statuses and errors per request type (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._series: dict[str, _Series] = {}
        self.seconds = 0.0

    def record(
        self,
        kind: str,
        seconds: float,
        *,
        status: str,
        error: str | None = None,
        outcome: str | None = None,
    ) -> None:
        with self._lock:
            series = self._series.setdefault(kind, _Series())
            series.latencies.append(seconds)
            series.statuses[status] += 1
            if error:
                series.errors[error] += 1
            if outcome:
                series.outcomes[outcome] += 1

    @property
    def error_count(self) -> int:
        return sum(sum(s.errors.values()) for s in self._series.values())

    def summary(self, order: Sequence[str] = ()) -> dict[str, Any]:
        """Per type: count, errors, p50/p95/p99 (ms), throughput (req/s); and the totals."""
        kinds = [k for k in order if k in self._series] + sorted(set(self._series) - set(order))
        by_type = {kind: _describe(self._series[kind], self.seconds) for kind in kinds}
        every = _Series()
        for series in self._series.values():
            every.latencies.extend(series.latencies)
            every.errors.update(series.errors)
            every.statuses.update(series.statuses)
        return {
            "seconds": round(self.seconds, 1),
            "total": _describe(every, self.seconds),
            "by_type": by_type,
        }


def _percentile(ordered: Sequence[float], q: float) -> float:
    """Nearest-rank percentile of sorted values."""
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n·q/100), at least the first
    return ordered[int(rank) - 1]


def _describe(series: _Series, seconds: float) -> dict[str, Any]:
    ordered = sorted(series.latencies)
    described: dict[str, Any] = {
        "count": len(ordered),
        "errors": sum(series.errors.values()),
        "throughput_rps": round(len(ordered) / seconds, 2) if seconds else None,
    }
    for q in (50, 95, 99):
        described[f"p{q}_ms"] = round(_percentile(ordered, q) * 1000, 1) if ordered else None
    described["max_ms"] = round(ordered[-1] * 1000, 1) if ordered else None
    described["statuses"] = dict(sorted(series.statuses.items()))
    if series.errors:
        described["error_kinds"] = dict(series.errors.most_common())
    if series.outcomes:
        described["outcomes"] = dict(sorted(series.outcomes.items()))
    return described


# -- HTML forms --------------------------------------------------------------------------------


@dataclass
class Form:
    action: str
    method: str
    fields: list[tuple[str, str]]

    def value(self, name: str) -> str | None:
        return next((v for n, v in self.fields if n == name), None)


class _FormParser(HTMLParser):
    """The forms of a page with the fields a browser would send unchanged (checked boxes,
    selected options or the first one, text of text areas; no buttons)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: dict[str, Any] | None = None
        self._textarea: list[str] | None = None
        self._textarea_name = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            method = (a.get("method") or "get").lower()
            self._form = Form(action=a.get("action") or "", method=method, fields=[])
            return
        form = self._form
        if form is None:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = (a.get("type") or "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    form.fields.append((name, a.get("value") or "on"))
                return
            form.fields.append((name, a.get("value") or ""))
        elif tag == "select" and name:
            self._select = {"name": name, "first": None, "chosen": []}
        elif tag == "option" and self._select is not None:
            value = a.get("value") or ""
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"].append(value)
        elif tag == "textarea" and name:
            self._textarea, self._textarea_name = [], name

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea.append(data)

    def handle_endtag(self, tag: str) -> None:
        form = self._form
        if tag == "select" and self._select is not None:
            if form is not None:
                chosen = self._select["chosen"] or (
                    [self._select["first"]] if self._select["first"] is not None else []
                )
                form.fields.extend((self._select["name"], value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if form is not None:
                form.fields.append((self._textarea_name, "".join(self._textarea).lstrip("\n")))
            self._textarea = None
        elif tag == "form" and form is not None:
            self.forms.append(form)
            self._form = None


def page_form(html: str, path: str) -> Form | None:
    """The page's own POST form: the one that posts to the page itself (no action, or the
    page's path), not the menu's log-out or language forms."""
    parser = _FormParser()
    parser.feed(html)
    for form in parser.forms:
        if form.method == "post" and form.action in {"", path}:
            return form
    return None


# -- the virtual user --------------------------------------------------------------------------


class VirtualUser:
    """One officer or collaborator in a browser: logs in once, then runs actions."""

    def __init__(self, base: str, account: Account, seed: int) -> None:
        self.base = base
        self.account = account
        self.random = random.Random(seed)
        self.session = requests.Session()
        self.households: list[int] = []
        self.edits = 0
        self._actions = [name for name, _weight in MIX]
        self._weights = [weight for _name, weight in MIX]

    # A request, measured: an error is a 5xx, a connection error or timeout, or a status the
    # page should never answer (``expected``).
    def request(
        self,
        stats: Stats,
        kind: str,
        method: str,
        path: str,
        *,
        expected: frozenset[int] = frozenset({200}),
        outcome: Callable[[requests.Response], str | None] | None = None,
        **kwargs: Any,
    ) -> requests.Response | None:
        start = time.perf_counter()
        try:
            response = self.session.request(
                method,
                self.base + path,
                timeout=TIMEOUT_SECONDS,
                allow_redirects=False,
                **kwargs,
            )
            _ = response.content  # the whole body, as a browser reads it
        except requests.RequestException as failure:
            stats.record(
                kind, time.perf_counter() - start, status="none", error=type(failure).__name__
            )
            return None
        seconds = time.perf_counter() - start
        code = response.status_code
        error = None
        if code >= 500:
            error = f"HTTP {code}"
        elif code not in expected:
            error = f"unexpected HTTP {code}"
        stats.record(
            kind,
            seconds,
            status=str(code),
            error=error,
            outcome=outcome(response) if outcome and error is None else None,
        )
        return response if error is None else None

    def login(self, stats: Stats) -> bool:
        page = self.request(stats, "login_form", "GET", "/accounts/login/")
        form = page_form(page.text, "/accounts/login/") if page is not None else None
        if form is None:
            return False
        data = [(n, v) for n, v in form.fields if n not in {"username", "password"}]
        data += [("username", self.account.username), ("password", self.account.password)]
        done = self.request(
            stats, "login", "POST", "/accounts/login/", data=data, expected=frozenset({302})
        )
        return done is not None

    def healthz(self, stats: Stats) -> None:
        self.request(stats, "healthz", "GET", "/healthz")

    def step(self, stats: Stats) -> None:
        action = self.random.choices(self._actions, self._weights)[0]
        if action != "search" and not self.households:
            action = "search"  # nothing found yet: search first, as a person would
        getattr(self, f"_{action}")(stats)

    def tour(self, stats: Stats) -> None:
        """Every action once, every report included (the warm-up before the measures)."""
        self._search(stats)
        if not self.households:
            return
        self._household(stats)
        self._edit(stats)
        self._survey(stats)
        for report in REPORTS:
            self._report(stats, report)

    # -- actions ---------------------------------------------------------------------------

    def _household_id(self) -> int:
        return self.random.choice(self.households)

    def _search(self, stats: Stats) -> None:
        names = self.account.names
        name = self.random.choice(names) if names else "nguyen"
        if self.random.random() < 0.25:  # sometimes only the family and middle names
            name = " ".join(name.split()[:2])
        response = self.request(
            stats,
            "search",
            "GET",
            "/households/",
            params={"q": name},
            outcome=lambda r: "found" if _HOUSEHOLD_LINK.search(r.text) else "nothing found",
        )
        if response is None:
            return
        found = [int(pk) for pk in _HOUSEHOLD_LINK.findall(response.text)]
        if found:
            self.households = (self.households + found)[-200:]

    def _household(self, stats: Stats) -> None:
        self.request(stats, "household", "GET", f"/households/{self._household_id()}/")

    def _edit(self, stats: Stats) -> None:
        path = f"/households/{self._household_id()}/edit/"
        page = self.request(stats, "edit_form", "GET", path)
        form = page_form(page.text, path) if page is not None else None
        if form is None:
            if page is not None:
                stats.record("edit_form", 0.0, status="no form", error="no form on the page")
            return
        # A small real change: the household's radio, as an officer corrects an answer.
        fields = [(n, v) for n, v in form.fields if n != "owns_radio"]
        if form.value("owns_radio") is None:
            fields.append(("owns_radio", "on"))
        self.request(
            stats,
            "edit_save",
            "POST",
            path,
            data=fields,
            # 302: saved; 200: the form again (someone saved first: the version conflict);
            # 409 likewise. A conflict is the expected answer to a concurrent edit.
            expected=frozenset({200, 302, 409}),
            outcome=lambda r: "saved" if r.status_code == 302 else "conflict",
            headers={"Referer": self.base + path},
        )

    def _survey(self, stats: Stats) -> None:
        path = f"/surveys/household/{self._household_id()}/new/{SURVEY_FORM}/"
        page = self.request(stats, "survey_form", "GET", path)
        form = page_form(page.text, path) if page is not None else None
        if form is None:
            if page is not None:
                stats.record("survey_form", 0.0, status="no form", error="no form on the page")
            return
        # The form as prefilled from the household's data, sent once with its one-time key.
        self.request(
            stats,
            "survey_save",
            "POST",
            path,
            data=form.fields,
            expected=frozenset({302}),
            outcome=lambda _r: "saved",
            headers={"Referer": self.base + path},
        )

    def _report(self, stats: Stats, report: Report | None = None) -> None:
        report = report or self.random.choice(REPORTS)
        path = report.path.format(
            commune=self.account.commune,
            village=self.account.village,
            household=self._household_id(),
        )
        self.request(stats, report.name, "GET", path)


def run_phase(
    users: Sequence[VirtualUser],
    seconds: float,
    action: Callable[[VirtualUser, Stats], None],
    *,
    at_least_once: bool = False,
) -> Stats:
    """Every user runs ``action`` in a loop (no think time: the server's capacity is measured)
    for ``seconds`` (``at_least_once``: even past them); requests under way at the end finish
    and count."""
    stats = Stats()
    stop = time.monotonic() + seconds

    def loop(user: VirtualUser) -> None:
        if at_least_once:
            action(user, stats)
        while time.monotonic() < stop:
            action(user, stats)

    threads = [threading.Thread(target=loop, args=(user,), daemon=True) for user in users]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats.seconds = time.perf_counter() - start
    return stats
