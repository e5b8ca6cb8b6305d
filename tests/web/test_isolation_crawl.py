"""Isolation crawl (issue 10): every URL pattern of the project, found through the resolver
(the Django admin included), filled with objects of commune B, requested with GET and POST as
every persona. Non-owners never see commune B's people; nobody ever gets a 5xx.

A new URL is covered without editing this file: its parameters are filled by
``crawl_support.PARAMETER_KINDS`` (a new parameter name fails with "add a factory for …").
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from tests.web.crawl_support import (
    OWNERS,
    CrawlWorld,
    MissingFactory,
    build_crawl_world,
    fill,
    response_text,
    url_patterns,
)

pytestmark = pytest.mark.once

PERSONAS = ["tinh", "xa_a", "xa_b", "ctv", "inspector", "outsider", "anonymous"]


@pytest.fixture(scope="module")
def crawl_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[CrawlWorld]:
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_crawl_world()
        transaction.set_rollback(True)


def client_for(cw: CrawlWorld, persona: str) -> Client:
    client = Client(raise_request_exception=False)
    user = cw.personas()[persona]
    if user is not None:
        client.force_login(user)
    return client


def request(client: Client, method: str, path: str) -> Any:
    """One request in a savepoint rolled back afterwards: an owner's POST (delete, cancel…)
    must not change the world the next requests see. The cookies are restored too: the
    rolled-back session row is the one they name (a POST to logout must not log the crawl
    out)."""
    cookies = copy.deepcopy(client.cookies)
    with transaction.atomic():
        response = client.get(path) if method == "GET" else client.post(path, {})
        text = response_text(response) if response.status_code == 200 else ""
        transaction.set_rollback(True)
    client.cookies = cookies
    return response, text


def crawl(cw: CrawlWorld, persona: str) -> list[str]:
    """Every 5xx, and every page that shows a non-owner commune B's people."""
    client = client_for(cw, persona)
    failures: list[str] = []
    for pattern in url_patterns():
        try:
            path = fill(pattern, cw)
        except MissingFactory as error:
            failures.append(str(error))
            continue
        for method in ("GET", "POST"):
            response, text = request(client, method, path)
            status = response.status_code
            where = f"{persona} {method} {path} ({pattern.name or pattern.route})"
            if status >= 500:
                failures.append(f"{where}: HTTP {status}")
                continue
            if persona in OWNERS or pattern.is_public or status != 200:
                continue
            leaked = [marker for marker in cw.markers if marker in text]
            if leaked:
                failures.append(f"{where}: shows commune B's data {leaked}")
    return failures


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PERSONAS)
def test_no_persona_sees_another_commune_and_no_url_fails(
    crawl_world: CrawlWorld, persona: str
) -> None:
    failures = crawl(crawl_world, persona)
    assert not failures, f"{len(failures)} problems:\n" + "\n".join(failures)


@pytest.mark.django_db
def test_the_owner_reaches_every_object_the_crawl_fills_in(crawl_world: CrawlWorld) -> None:
    """The control: commune B's officer (or the province's) opens the filled URLs, so the
    crawl's 404s for the others mean refusal, not a badly filled URL. Every URL with a
    parameter must answer the owner something other than 404."""
    clients = [client_for(crawl_world, "xa_b"), client_for(crawl_world, "tinh")]
    not_found = []
    count = 0
    for pattern in url_patterns():
        if pattern.route.startswith("admin/") or not pattern.params:
            continue
        path = fill(pattern, crawl_world)
        count += 1
        if all(request(client, "GET", path)[0].status_code == 404 for client in clients):
            not_found.append(f"{path} ({pattern.name})")
    assert count > 50
    assert not not_found, "the owner gets 404 (fix the factory):\n" + "\n".join(not_found)
