"""Shared support for the URL crawls (isolation, hostile input, masking).

* ``build_crawl_world()`` (tests/web/crawl_world.py, re-exported here) builds the
  ``tests.conftest`` personas plus objects of EVERY kind in commune B; ``CrawlWorld.objects``
  maps a kind ("household", "round", …) to the object of commune B.
* ``url_patterns()`` walks ``django.urls.get_resolver()`` recursively (the Django admin
  included) and yields one ``Pattern`` per URL pattern: name, route and parameter names.
* ``fill(pattern, world)`` turns a pattern into a path whose parameters point at commune B's
  objects. The parameter → object mapping is generic (see ``PARAMETER_KINDS``): a new URL whose
  parameters are named like the existing ones is covered without editing anything; a new
  parameter name fails loudly with "add a factory for <param>".

The API is stable: the crawl tests import it from here.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

from giamngheo.accounts.models import User
from giamngheo.registry.models import Household
from tests.web.crawl_world import (
    FOREIGN_CARD,
    FOREIGN_CITIZEN_ID,
    FOREIGN_CODE,
    FOREIGN_HEAD,
    FOREIGN_PARTICIPANT,
    FOREIGN_PHONE,
    FOREIGN_WORKER,
    OWNERS,
    CrawlWorld,
    build_crawl_world,
)

__all__ = [
    "FOREIGN_CARD",
    "FOREIGN_CITIZEN_ID",
    "FOREIGN_CODE",
    "FOREIGN_HEAD",
    "FOREIGN_PARTICIPANT",
    "FOREIGN_PHONE",
    "FOREIGN_WORKER",
    "OWNERS",
    "PARAMETER_KINDS",
    "CrawlWorld",
    "MissingFactory",
    "Pattern",
    "build_crawl_world",
    "fill",
    "param_value",
    "response_text",
    "url_patterns",
]


# --- URL patterns -------------------------------------------------------------------------


@dataclass(frozen=True)
class Pattern:
    name: str  # "namespace:name", or "" for unnamed patterns
    route: str  # the whole route as written (route and regex parts joined)
    parts: tuple[Any, ...]  # the pattern objects from the root to the leaf
    params: tuple[str, ...]
    callback: Any

    @property
    def namespace(self) -> str:
        return self.name.rsplit(":", 1)[0] if ":" in self.name else ""

    @property
    def is_public(self) -> bool:
        """A view marked ``login_not_required`` (shows what anyone may see by design)."""
        return getattr(self.callback, "login_required", True) is False


_GROUP = re.compile(r"\(\?P<(\w+)>")


def _params_of(pattern: Any) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    if isinstance(pattern, RegexPattern):
        return _GROUP.findall(pattern._regex)
    return []


def url_patterns() -> Iterator[Pattern]:
    """Every URL pattern of the project, recursively (admin included)."""

    def walk(resolver: URLResolver, parts: tuple[Any, ...], ns: str) -> Iterator[Pattern]:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                child_ns = f"{ns}:{entry.namespace}" if ns and entry.namespace else entry.namespace
                yield from walk(entry, (*parts, entry.pattern), child_ns or ns)
            elif isinstance(entry, URLPattern):
                chain = (*parts, entry.pattern)
                params = tuple(p for part in chain for p in _params_of(part))
                name = f"{ns}:{entry.name}" if ns and entry.name else (entry.name or "")
                yield Pattern(
                    name=name,
                    route="".join(str(p) for p in chain),
                    parts=chain,
                    params=params,
                    callback=entry.callback,
                )

    yield from walk(get_resolver(), (), "")


# --- filling parameters -------------------------------------------------------------------

# A parameter is looked up by (the literal path segment just before it, its name), then by its
# name alone. Values are kinds of ``CrawlWorld.objects`` (their pk, or their code for units), or
# callables of (world, pattern) for values that are not objects.
PARAMETER_KINDS: dict[tuple[str, str] | str, Any] = {
    # registry
    ("households", "pk"): "household",
    ("members", "person_id"): "person",
    ("household", "household_pk"): "household",
    ("surveys", "pk"): "survey",
    "household_pk": "household",
    "person_id": "person",
    # io and jobs
    ("import", "pk"): "import_job",
    ("results-import", "pk"): "survey_import_job",
    # fieldcollection
    ("imports", "pk"): "odk_import_job",
    ("submissions", "pk"): "field_submission",
    ("jobs", "pk"): "job",
    ("progress", "pk"): "what_if_job",  # reports: the what-if job's progress bar
    # programmes.deliveries
    ("deliveries", "pk"): "support_record",
    ("sheet-imports", "pk"): "delivery_import_job",
    # review
    ("rounds", "pk"): "round",
    ("meetings", "pk"): "meeting",
    ("postings", "pk"): "posting",
    ("lines", "pk"): "line",
    ("complaints", "pk"): "complaint",
    ("decisions", "pk"): "decision",
    ("certificates", "pk"): "certificate",
    ("applications", "pk"): "application",
    ("from-change", "pk"): "household_change",
    ("review-rounds", "pk"): "round",  # api
    ("average", "pk"): "average_application",
    ("recognitions", "pk"): "average_decision",
    ("communes", "code"): lambda cw, p: cw.objects["unit"].code,
    # workforce
    ("roster", "pk"): "worker",
    ("assignments", "assignment_id"): "assignment",
    ("requests", "pk"): "support_request",
    ("changes", "pk"): "household_change",
    ("collaborators", "pk"): "worker",  # api
    ("collaborator-reports", "pk"): "monthly_report",  # api
    # credit
    ("loans", "pk"): "loan",
    ("funds", "pk"): "fund",
    # training
    ("plans", "pk"): "plan",
    ("plans", "plan_pk"): "plan",
    "plan_pk": "plan",
    ("classes", "pk"): "training_class",
    ("training-classes", "pk"): "training_class",  # api
    ("costs", "pk"): "cost",
    ("sessions", "pk"): "session",
    ("registrations", "pk"): "registration",
    ("participants", "pk"): "participant",
    ("questions", "pk"): "question",
    ("tests", "pk"): "assessment",
    ("answers", "participant_pk"): "participant",
    "participant_pk": "participant",
    ("handbook", "pk"): "handbook_page",
    # livelihoods
    ("models", "pk"): "livelihood_model",
    ("participations", "pk"): "participation",
    ("groups", "pk"): "livelihood_group",
    # programmes
    ("programmes", "pk"): "programme",
    ("lists", "pk"): "beneficiary_list",
    ("entries", "pk"): "list_entry",
    ("support-records", "pk"): "support_record",  # api
    # values that are not primary keys
    ("areas", "code"): lambda cw, p: cw.objects["unit"].code,
    # api (a membership: the API's members resource) and accounts' API tokens
    ("members", "pk"): lambda cw, p: cw.objects["person"].memberships.get(left_on__isnull=True).pk,
    ("api-tokens", "pk"): "api_token",
    ("support-requests", "pk"): "support_request",
    ("provinces", "code"): lambda cw, p: cw.objects["province"].code,
    ("verify", "code"): lambda cw, p: cw.objects["certificate"].code,
    ("standards", "code"): lambda cw, p: "2022-2025",
    # reports: a form's code (the area: the user's home unit; the format is below)
    ("reports", "code"): lambda cw, p: "1",
    ("report-forms", "code"): lambda cw, p: "1",  # api
    ("report-figures", "code"): lambda cw, p: cw.objects["unit"].code,  # api
    ("audit", "object_type"): lambda cw, p: "registry.household",
    "object_id": lambda cw, p: str(cw.objects["household"].pk),
    "year": lambda cw, p: 2025,
    "month": lambda cw, p: 3,
    "number": lambda cw, p: 1,
    ("events", "kind"): lambda cw, p: "death",
    "kind": lambda cw, p: "post",
    "form_code": lambda cw, p: "b2-2022",
    ("files", "name"): lambda cw, p: "export",
    ("transition", "name"): lambda cw, p: "accept",
    ("templates", "name"): lambda cw, p: "households",
    "file_format": lambda cw, p: "xlsx",
    ("numbers", "slug"): lambda cw, p: "review-progress",
    # the Django admin (object_id is mapped through app_label/model_name below)
    "app_label": lambda cw, p: "registry",
    "content_type_id": lambda cw, p: _content_type_id(Household),
    "url": lambda cw, p: "khong-co/",
    "uidb64": lambda cw, p: "MQ",
    "token": lambda cw, p: "khong-hop-le",
}


def _content_type_id(model: type[Any]) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(model).pk


def _admin_object_id(cw: CrawlWorld, route: str) -> str:
    """The admin's ``<path:object_id>``: an object of commune B of that model if the world has
    one, else any row of the model, else "1"."""
    match = re.search(r"admin/(\w+)/(\w+)/", route)
    if match is None:
        return str(cw.objects["household"].pk)
    try:
        model = apps.get_model(match.group(1), match.group(2))
    except LookupError:
        return "1"
    for value in cw.objects.values():
        if isinstance(value, model):
            return str(value.pk)
    if model is User:
        return str(cw.world.xa_b.pk)
    row = model._default_manager.order_by("pk").values_list("pk", flat=True).first()
    return str(row) if row is not None else "1"


class MissingFactory(LookupError):
    pass


def param_value(cw: CrawlWorld, pattern: Pattern, param: str, before: str) -> Any:
    if param in ("object_id", "id") and pattern.route.startswith("admin/"):
        return _admin_object_id(cw, pattern.route)
    kind = PARAMETER_KINDS.get((before, param), PARAMETER_KINDS.get(param))
    if kind is None:
        raise MissingFactory(
            f"add a factory for <{param}> (after '{before}/') in tests/web/crawl_support.py "
            f"PARAMETER_KINDS (URL {pattern.name or pattern.route})"
        )
    if callable(kind):
        return kind(cw, pattern)
    return cw.objects[kind].pk


_TOKEN = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>\w+)>")


def _last_segment(text: str) -> str:
    return text.rstrip("/").rsplit("/", 1)[-1]


def _fill_regex(text: str, head: str, value_of: Any) -> str:
    """A regex part: each (?P<name>…) group is replaced by its value; ^, $ and escapes go."""
    text = text.lstrip("^").rstrip("$").replace("\\.", ".").replace("\\Z", "")
    out, i = "", 0
    while i < len(text):
        group = _GROUP.match(text, i)
        if group is None:
            out += text[i]
            i += 1
            continue
        depth, j = 1, group.end()
        while j < len(text) and depth:
            depth += {"(": 1, ")": -1}.get(text[j], 0)
            j += 1
        out += str(value_of(group.group(1), _last_segment(head + out)))
        i = j
    return out.replace("?", "")


def _fill_route(text: str, head: str, value_of: Any) -> str:
    out, last = "", 0
    for match in _TOKEN.finditer(text):
        out += text[last : match.start()]
        out += str(value_of(match.group("name"), _last_segment(head + out)))
        last = match.end()
    return out + text[last:]


def fill(pattern: Pattern, cw: CrawlWorld, overrides: dict[str, Any] | None = None) -> str:
    """The path of ``pattern`` with its parameters filled by commune B's objects (or by
    ``overrides``, e.g. hostile values)."""
    chosen = overrides or {}

    def value_of(name: str, before: str) -> Any:
        if name in chosen:
            return chosen[name]
        return param_value(cw, pattern, name, before)

    path = ""
    for part in pattern.parts:
        if isinstance(part, RegexPattern):
            path += _fill_regex(part._regex, path, value_of)
        else:
            path += _fill_route(str(part), path, value_of)
    return "/" + path


# --- reading responses --------------------------------------------------------------------


def response_text(response: HttpResponse) -> str:
    """What a person would read in a response: HTML/text as is, PDF text, xlsx strings."""
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        body = response.content
    ctype = response.headers.get("Content-Type", "")
    if body.startswith(b"%PDF"):
        from giamngheo.lib.pdf import extract_text

        try:
            return extract_text(body)
        except Exception:
            return body.decode("latin-1")
    if body.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(body)) as archive:
                return "\n".join(
                    archive.read(n).decode("utf-8", "replace")
                    for n in archive.namelist()
                    if n.endswith(".xml")
                )
        except zipfile.BadZipFile:
            pass
    charset = "utf-8"
    if "charset=" in ctype:
        charset = ctype.split("charset=", 1)[1].split(";")[0].strip()
    return body.decode(charset, "replace")
