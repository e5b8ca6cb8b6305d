"""Hostile-input fuzz (issue 10): every URL pattern with hostile path parameters, query values and
form fields (NUL bytes, huge and negative numbers, impossible dates, 10 kB strings, bidi marks,
SQL-ish text). Nothing a user sends may give a 5xx: bad input is a 400 or a form error.

Where the values go, found without a list per view:
* query parameters: the names the views read (``request.GET`` in the views' source, through
  ``inspect``), the fields of the page's own GET forms, and common names;
* form fields: every ``<input>``, ``<select>`` and ``<textarea>`` of the forms found on the pages
  the persona can open (another commune's officer: the owner's pages), posted to the form's
  action (all fields hostile at once, then one field at a time on top of the form's own values,
  so the view's service is reached too);
* path parameters: each in turn replaced by an out-of-range or malformed value (as the owner,
  whose requests get past every lookup the others' stop at; anonymous, on the public routes).

Personas: ``xa_b`` (owner of the crawl world's objects: reaches every form), ``xa_a`` (another
commune) and anonymous.

A value nobody reads cannot fail: the fuzz notes whether anything after the NUL-byte guard read
a request's query or form data (``NoteInputReads``). A route whose answer to the first hostile
value read none of it (a 404 before any input is looked at, a login redirect, a 405, a PDF that
takes no parameter) is sent only the NUL value after it, not the others: they would take the
same path through the same code. A route that read it gets every value.
"""

from __future__ import annotations

import inspect
import re
import time
import traceback
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.test import Client, override_settings

from tests.web.crawl_support import (
    CrawlWorld,
    MissingFactory,
    Pattern,
    build_crawl_world,
    fill,
    url_patterns,
)

pytestmark = pytest.mark.once

HUGE = str(10**30)
LONG = "Nguyễn " * 1500  # 10 kB
NUL = "a\x00b"
# Every value is sent everywhere (all fields at once). The first tells whether the route reads its
# input (see the module's docstring): a short one, since a route that does not is sent only the
# NUL value after it (the 10 kB value in each of some thirty names makes a 300 kB request, which
# the middleware parse for about 10 ms; they still get it on every route that reads its input).
HOSTILE = [
    HUGE,
    NUL,
    LONG,
    "-1",
    "0",
    "01/01/0001",
    "31/02/2026",
    "\u202eNguyễn' OR 1=1 --",
    "１２",  # full-width digits: isdigit() is true, int() works, the database may disagree
]
# The admin answers non-staff with a redirect to its login: a few values suffice there.
HOSTILE_ADMIN = [HUGE, NUL, "-1", "31/02/2026"]
# A query name the view reads, alone (so that no other name's refusal stops the view first).
QUERY_ONE_AT_A_TIME = [HUGE, "-5", "01/01/9999", "x" * 300]
# One field at a time, on top of the form's own values: the values that pass a careless parser
# and reach the service or the database, by the kind of field.
ONE_AT_A_TIME = {
    "number": [HUGE, "-5"],
    "date": ["01/01/0001", "01/01/9999"],
    "text": ["x" * 300],
    "choice": [HUGE],
    "hidden": [HUGE],
    "file": [],
}
_DATE = re.compile(r"^\d{1,2}/\d{1,2}/\d{4}$|^\d{4}-\d{2}-\d{2}$")


def values_for(form: Form, name: str) -> list[str]:
    kind = form.kinds.get(name, "text")
    if kind == "text" and form.fields.get(name, "").lstrip("-").isdigit():
        kind = "number"
    return ONE_AT_A_TIME[kind]


COMMON_QUERY = [
    "q",
    "page",
    "year",
    "limit",
    "after",
    "before",
    "status",
    "state",
    "village",
    "commune",
    "province",
    "area",
    "id",
    "pk",
    "household",
    "month",
    "code",
    "kind",
    "format",
    "o",
    "p",
    "next",
]
PATH_VALUES = {
    "int": ["0", "9" * 30, "99999999999"],
    "str": ["%00", "a%00b", "x" * 300, "%E2%80%AE", "..%2F..%2Fetc"],
    "slug": ["x" * 300, "0"],
    "path": ["%00", "..%2F"],
}

PERSONAS = ["xa_b", "xa_a", "anonymous"]
# The deep fuzz (``xa_b``: one field at a time on every form) is the suite's longest piece of
# work; it is cut into shards of routes so that the xdist workers share it (conftest.py spreads
# this file's tests one at a time). Every route belongs to exactly one shard (tested below).
DEEP_SHARDS = 6
# ``xa_a`` (every route as another commune's officer) in shards as well, started first so that
# no single long test ends the run (conftest.py keeps this order).
FOREIGN_SHARDS = 3
RUNS = [
    *[("xa_a", shard, FOREIGN_SHARDS) for shard in range(FOREIGN_SHARDS)],
    *[("xa_b", shard, DEEP_SHARDS) for shard in range(DEEP_SHARDS)],
    ("anonymous", 0, 1),
]


# What ``Fuzz.gather`` found, kept per (persona, route filter) with its world for the shards that
# follow on the same worker: paths, POST forms by action, GET names by action, failures found.
Gathered = tuple[dict[str, Pattern], dict[str, list["Form"]], dict[str, set[str]], list[str]]
_GATHERED: dict[tuple[str, str], tuple[CrawlWorld, Gathered]] = {}
# Another commune's officer has the owner's role: the owner's pages show every form it could
# post (its own pages of commune B's objects are 404s), so it is sent the owner's forms.
GATHERED_AS = {"xa_a": "xa_b"}
# Who is sent the hostile path values on every route (the others: on the public routes only).
# Anonymous, a route that needs a login answers with the login redirect before its view runs,
# whatever the path holds. Another commune's officer has the owner's role, so its view runs
# the owner's code up to the first lookup in its scope, where it stops with a 404: the owner's
# requests reach each lookup with the same values, and the ones after it too (a path's other
# parameters name the owner's objects).
PATH_FUZZED_BY = {"xa_b"}


def shard_of(route: str, shards: int) -> int:
    """The shard a route is fuzzed in: stable across processes (no ``hash()`` seed)."""
    return zlib.crc32(route.encode()) % shards


@pytest.fixture(scope="module")
def crawl_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[CrawlWorld]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_crawl_world()
        transaction.set_rollback(True)


# --- forms on pages -------------------------------------------------------------------------


@dataclass
class Form:
    method: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)  # name → the page's value
    kinds: dict[str, str] = field(default_factory=dict)  # name → number, date, text, choice…


class FormParser(HTMLParser):
    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self.loose = Form("post", page)  # fields outside any form (htmx)
        self._current: Form | None = None
        self._select: str | None = None

    def _form(self) -> Form:
        return self._current if self._current is not None else self.loose

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = a.get("action") or self.page
            self._current = Form(a.get("method", "get").lower(), urlsplit(action).path or self.page)
            self.forms.append(self._current)
        elif tag in ("input", "textarea", "select", "button") and a.get("name"):
            name = a["name"]
            kind = a.get("type", "text").lower()
            form = self._form()
            fields = form.fields
            form.kinds[name] = field_kind(tag, kind, a)
            if kind in ("checkbox", "radio"):
                if "checked" in a or name not in fields:
                    fields[name] = a.get("value", "on")
            elif tag != "button":
                fields.setdefault(name, a.get("value", ""))
            if tag == "select":
                self._select = name
        elif tag == "option" and self._select is not None:
            fields = self._form().fields
            if "selected" in a or not fields.get(self._select):
                fields[self._select] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


def field_kind(tag: str, kind: str, attrs: dict[str, str]) -> str:
    if tag in ("select", "button") or kind in ("checkbox", "radio"):
        return "choice"
    if kind in ("number", "range") or attrs.get("inputmode") == "numeric":
        return "number"
    if (
        kind == "date"
        or "dd/mm" in attrs.get("placeholder", "")
        or _DATE.match(attrs.get("value", ""))
    ):
        return "date"
    if kind == "file":
        return "file"
    if kind == "hidden":
        return "hidden"
    return "text"


def forms_of(page: str, html: str) -> tuple[list[Form], Form]:
    parser = FormParser(page)
    parser.feed(html)
    return parser.forms, parser.loose


# --- what the views read ----------------------------------------------------------------------

_GET_NAME = re.compile(r"""request\.GET(?:\.get|\.getlist|\[)\(?\s*["'](\w+)["']""")


def query_names_of(pattern: Pattern) -> list[str]:
    """The query parameters the view's module reads (inspect: no list to keep up to date)."""
    module = inspect.getmodule(getattr(pattern.callback, "__wrapped__", pattern.callback))
    try:
        source = inspect.getsource(module) if module is not None else ""
    except (OSError, TypeError):
        source = ""
    return sorted(set(_GET_NAME.findall(source)))


# --- which inputs a route reads ------------------------------------------------------------


class NotedQueryDict(QueryDict):
    """A request's query or form data that notes whether any code read it."""

    noted_read = False

    def __getattribute__(self, name: str) -> Any:
        if name != "noted_read":
            object.__setattr__(self, "noted_read", True)
        return super().__getattribute__(name)

    # Special methods are looked up on the type, not through __getattribute__.
    def __getitem__(self, key: str) -> Any:
        self.noted_read = True
        return super().__getitem__(key)

    def __contains__(self, key: object) -> bool:
        self.noted_read = True
        return super().__contains__(key)

    def __iter__(self) -> Iterator[str]:
        self.noted_read = True
        return super().__iter__()

    def __len__(self) -> int:
        self.noted_read = True
        return super().__len__()


def noted(data: QueryDict) -> NotedQueryDict:
    copied = data.copy()
    copied.__class__ = NotedQueryDict
    copied._mutable = data._mutable
    return copied  # type: ignore[return-value]


class NoteInputReads:
    """Right after the NUL-byte guard (which read everything): the query and the parsed form
    data, swapped for copies that note reads."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.GET = noted(request.GET)
        if "_post" in request.__dict__:  # parsed by the guard (form encodings)
            request.POST = noted(request.POST)
        response: HttpResponse = self.get_response(request)
        return response


def read_its_input(response: Any, method: str) -> bool:
    """Whether the view (or anything after the guard) read the request's query (GET) or form
    data (POST). A request the guard refused has no noted data: nothing read it."""
    request = response.wsgi_request
    data = request.__dict__.get("GET" if method == "GET" else "_post")
    return isinstance(data, NotedQueryDict) and data.noted_read


def noting_middleware() -> list[str]:
    """The site's middleware with ``NoteInputReads`` right after the NUL-byte guard."""
    chain = list(settings.MIDDLEWARE)
    guard = chain.index("giamngheo.web.input_guard.InputGuardMiddleware")
    chain.insert(guard + 1, f"{__name__}.NoteInputReads")
    return chain


# --- the fuzz ---------------------------------------------------------------------------------


def where(response: Any) -> str:
    """The exception and the project's innermost frame that raised it."""
    info = getattr(response, "exc_info", None)
    if not info:
        return ""
    frames = [f for f in traceback.extract_tb(info[2]) if "/giamngheo/" in f.filename]
    last = frames[-1] if frames else None
    frame = f" at {last.filename.split('/giamngheo/')[-1]}:{last.lineno}" if last else ""
    return f"({info[0].__name__}: {str(info[1])[:80]}{frame})"


class Fuzz:
    def __init__(self, cw: CrawlWorld, persona: str) -> None:
        self.cw = cw
        self.persona = persona
        self.client = Client(raise_request_exception=False)
        with override_settings(MIDDLEWARE=noting_middleware()):
            self.client.handler.load_middleware()
        self.user = user = cw.personas()[persona]
        if user is not None:
            self.client.force_login(user)
        self.failures: list[str] = []
        self.count = 0
        self.routes = 0
        self.phases: Counter[str] = Counter()
        self.seconds: Counter[str] = Counter()
        self.slow: Counter[str] = Counter()
        self.phase = "pages"
        # "METHOD path" → how many of the "all at once" values it was sent (see ``sweep``)
        self.swept: Counter[str] = Counter()

    def send(self, method: str, path: str, data: dict[str, Any] | None = None) -> bool:
        """Send one request; whether its view read the query (GET) or form data (POST)."""
        started = time.perf_counter()
        cookies = {k: v.value for k, v in self.client.cookies.items()}
        with transaction.atomic():
            if method == "GET":
                response = self.client.get(path, data or {})
            else:
                response = self.client.post(path, data or {})
            transaction.set_rollback(True)
        for key, value in cookies.items():
            self.client.cookies[key] = value
        self.count += 1
        self.phases[self.phase] += 1
        self.seconds[self.phase] += time.perf_counter() - started
        self.slow[re.sub(r"/\d+/", "/N/", path.split("?")[0])[:60]] += time.perf_counter() - started
        if response.status_code >= 500:
            shown = {k: (v[:20] + "…" if len(v) > 20 else v) for k, v in (data or {}).items()}
            self.failures.append(
                f"{self.persona} {method} {path[:120]}: HTTP {response.status_code} "
                f"{where(response)} with {shown!r:.300}"
            )
        return read_its_input(response, method)

    def sweep(self, method: str, path: str, names: list[str], values: list[str]) -> bool:
        """Each value in every name at once. When the first request's view read none of its
        data, the others would take the same path: only the NUL value follows (the guard).
        Whether the view read it."""
        first, *rest = values
        read = self.send(method, path, {name: first for name in names})
        if not read:
            rest = [value for value in rest if value == NUL]
        for value in rest:
            self.send(method, path, {name: value for name in names})
        self.swept[f"{method} {path}"] += 1 + len(rest)
        return read

    def page(self, path: str) -> tuple[int, str]:
        with transaction.atomic():
            response = self.client.get(path)
            transaction.set_rollback(True)
        self.count += 1
        if response.status_code >= 500:
            self.failures.append(
                f"{self.persona} GET {path}: HTTP {response.status_code} {where(response)}"
            )
        ctype = response.headers.get("Content-Type", "")
        html = response.content.decode() if "html" in ctype and not response.streaming else ""
        return response.status_code, html

    def run(self, deep: bool, only: str = "", shard: int = 0, shards: int = 1) -> None:
        """Fuzz every URL of ``shard`` (of ``shards``; ``only``: a regular expression on routes,
        to debug one part). The forms are gathered from every page the persona can open, since a
        page's form may post to a route of another shard."""
        source = GATHERED_AS.get(self.persona, self.persona)
        key = (source, only)
        if key not in _GATHERED or _GATHERED[key][0] is not self.cw:
            gatherer = self if source == self.persona else Fuzz(self.cw, source)
            _GATHERED[key] = (self.cw, gatherer.gather(only))
        paths, post_fields, get_fields, failures = _GATHERED[key][1]
        self.failures.extend(failures)

        for path, pattern in paths.items():
            if shard_of(pattern.route, shards) != shard:
                continue
            self.routes += 1
            self.phase = "path"
            if self.persona in PATH_FUZZED_BY or pattern.is_public:
                self.fuzz_path(pattern)
            self.phase = "all at once"
            admin = pattern.route.startswith("admin/")
            view_names = [] if admin else query_names_of(pattern)
            names = sorted(set(COMMON_QUERY) | set(view_names) | get_fields.get(path, set()))
            values = HOSTILE_ADMIN if admin else HOSTILE
            reads_query = self.sweep("GET", path, names, values)
            forms = post_fields.get(path, [])
            post_names = sorted({name for form in forms for name in form.fields} | {"id", "pk"})
            reads_form = self.sweep("POST", path, post_names, values)
            if not deep or admin:
                continue
            # One input at a time, to a view that looks at its inputs (one that never touched
            # the query or the form data above cannot tell one value from another).
            self.phase = "one at a time"
            for name in (
                sorted(set(view_names) | get_fields.get(path, set())) if reads_query else []
            ):
                for value in QUERY_ONE_AT_A_TIME:
                    self.send("GET", path, {name: value})
            for form in forms if reads_form else []:
                for name in form.fields:
                    if name == "csrfmiddlewaretoken":
                        continue
                    for value in values_for(form, name):
                        self.send("POST", path, {**form.fields, name: value})

    def gather(self, only: str) -> Gathered:
        """The path of every URL pattern, and the forms found on the pages the persona opens
        (GET forms: the query names they send; POST forms: by action). Done once per persona
        and world on a worker (the pages' requests are rolled back: the world is unchanged)."""
        patterns = [p for p in url_patterns() if re.search(only, p.route)]
        paths: dict[str, Pattern] = {}
        post_fields: dict[str, list[Form]] = {}
        get_fields: dict[str, set[str]] = {}
        failures: list[str] = []
        for pattern in patterns:
            try:
                path = fill(pattern, self.cw)
            except MissingFactory as error:
                failures.append(str(error))
                continue
            paths[path] = pattern
            if pattern.route.startswith("admin/"):
                continue
            _status, html = self.page(path)
            forms, loose = forms_of(path, html)
            if loose.fields:
                forms.append(loose)
            for form in forms:
                if form.method == "post":
                    known = post_fields.setdefault(form.action, [])
                    if all(set(other.fields) != set(form.fields) for other in known):
                        known.append(form)
                else:
                    get_fields.setdefault(form.action, set()).update(form.fields)
        failures.extend(self.failures)
        self.failures.clear()
        return paths, post_fields, get_fields, failures

    def fuzz_path(self, pattern: Pattern) -> None:
        converters = {}
        for part in pattern.parts:
            for name, converter in getattr(part, "converters", {}).items():
                converters[name] = type(converter).__name__.replace("Converter", "").lower()
        for name in pattern.params:
            kind = converters.get(name, "str")
            kind = {"string": "str"}.get(kind, kind)
            for value in PATH_VALUES.get(kind, PATH_VALUES["str"]):
                try:
                    path = fill(pattern, self.cw, {name: value})
                except MissingFactory:
                    continue
                self.send("GET", path)
                self.send("POST", path)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("persona", "shard", "shards"), RUNS, ids=[f"{p}-{s + 1}of{n}" for p, s, n in RUNS]
)
def test_hostile_input_never_gives_a_server_error(
    crawl_world: CrawlWorld, persona: str, shard: int, shards: int
) -> None:
    deep = persona == "xa_b"
    fuzz = Fuzz(crawl_world, persona)
    fuzz.run(deep=deep, shard=shard, shards=shards)
    # Every shard holds a fair part of the routes; each was sent two values at least on each
    # method (every value when its view read them), and the deep fuzz one request per field of
    # every form as well.
    assert fuzz.routes > len(list(url_patterns())) // (2 * shards)
    assert len(fuzz.swept) == 2 * fuzz.routes and min(fuzz.swept.values()) >= 2
    assert fuzz.count >= (6 if deep else 4) * fuzz.routes
    assert not fuzz.failures, f"{len(fuzz.failures)} of {fuzz.count} requests failed:\n" + (
        "\n".join(fuzz.failures)
    )


@pytest.mark.django_db
def test_a_route_that_reads_its_query_is_sent_every_value_and_one_that_does_not_two(
    crawl_world: CrawlWorld,
) -> None:
    household = crawl_world.objects["household"].pk
    owner, foreign = Fuzz(crawl_world, "xa_b"), Fuzz(crawl_world, "xa_a")
    owner.sweep("GET", "/households/", ["q", "page"], HOSTILE)  # the list reads both
    foreign.sweep("GET", f"/households/{household}/", ["q"], HOSTILE)  # a 404 before any read
    owner.sweep("POST", f"/households/{household}/edit/", ["head_name"], HOSTILE)  # a form
    assert owner.swept == {
        "GET /households/": len(HOSTILE),
        f"POST /households/{household}/edit/": len(HOSTILE),
    }
    assert foreign.swept == {f"GET /households/{household}/": 2}  # the first and the NUL value
    assert not owner.failures and not foreign.failures


def test_the_deep_shards_cover_every_route_once() -> None:
    routes = [pattern.route for pattern in url_patterns()]
    covered = Counter(
        route
        for shard in range(DEEP_SHARDS)
        for route in routes
        if shard_of(route, DEEP_SHARDS) == shard
    )
    assert covered == Counter(routes)
    sizes = Counter(shard_of(route, DEEP_SHARDS) for route in routes)
    assert len(sizes) == DEEP_SHARDS and min(sizes.values()) > len(routes) // (2 * DEEP_SHARDS)


@pytest.mark.django_db
def test_anonymous_verify_with_a_nul_byte_is_a_bad_request(crawl_world: CrawlWorld) -> None:
    client = Client(raise_request_exception=False)
    assert client.get("/verify/%00/").status_code == 400
    assert client.get("/verify/", {"code": "A\x00B"}).status_code == 400
