"""Login failures get a clear Vietnamese message; repeated failures are throttled per client
address and per account, on every login path, without revealing which accounts exist."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from giamngheo.accounts import throttle
from giamngheo.accounts.models import LoginThrottle, User
from giamngheo.audit.models import AuditEvent
from tests.conftest import PASSWORD, World

pytestmark = pytest.mark.django_db


def login(client: Client, username: str, password: str) -> str:
    return client.post(reverse("accounts:login"), {"username": username, "password": password}).text


def test_a_wrong_password_gets_a_vietnamese_message(world: World) -> None:
    html = login(Client(), "xa_a", "sai-mat-khau")
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in html


THROTTLE = {
    "LOGIN_ADDRESS_FREE_FAILURES": 3,
    "LOGIN_ADDRESS_MAX_BLOCK_SECONDS": 3600,
    "LOGIN_ACCOUNT_FREE_FAILURES": 5,
    "LOGIN_ACCOUNT_MAX_DELAY_SECONDS": 300,
    "LOGIN_THROTTLE_LEAK_SECONDS": 900,
    "LOGIN_TRUSTED_PROXY_COUNT": 0,
}


class Clock:
    """The throttle's clock, moved by hand: no test sleeps."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC)

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += dt.timedelta(seconds=seconds)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Iterator[Clock]:
    fixed = Clock()
    monkeypatch.setattr(throttle, "now", fixed)
    with override_settings(**THROTTLE):
        yield fixed


def from_address(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def logged_in(client: Client) -> bool:
    return bool(client.session.get("_auth_user_id"))


def error_of(html: str) -> str:
    start = html.index('role="alert">')
    return html[start : html.index("</ul>", start)]


def test_unknown_and_known_names_and_throttled_attempts_get_one_message(
    world: World, clock: Clock
) -> None:
    known = error_of(login(from_address("203.0.113.1"), "xa_a", "sai"))
    unknown = error_of(login(from_address("203.0.113.2"), "khong-co-ai", "sai"))
    assert known == unknown
    attacker = from_address("203.0.113.3")
    for _attempt in range(THROTTLE["LOGIN_ADDRESS_FREE_FAILURES"] + 1):
        login(attacker, "xa_a", "sai")
    # Now blocked: even the right password is refused, with the very same message.
    assert error_of(login(attacker, "xa_a", PASSWORD)) == known
    assert not logged_in(attacker)


def test_an_address_is_blocked_with_exponential_backoff_and_the_block_ends(
    world: World, clock: Clock
) -> None:
    attacker = from_address("198.51.100.7")
    free = THROTTLE["LOGIN_ADDRESS_FREE_FAILURES"]
    for _attempt in range(free):
        login(attacker, "xa_a", "sai")
    assert block_of("address", "198.51.100.7") is None  # the free failures block nothing
    login(attacker, "xa_b", "sai")  # failure free+1, on another account: 2 seconds
    assert block_of("address", "198.51.100.7") == 2
    clock.advance(1)
    login(attacker, "xa_b", "sai")  # refused unseen: not counted, the block does not grow
    assert LoginThrottle.objects.get(scope="address", key="198.51.100.7").failures == free + 1
    clock.advance(1.5)
    login(attacker, "ctv", "sai")  # failure free+2: 4 seconds
    assert block_of("address", "198.51.100.7") == 4
    clock.advance(4.5)
    login(attacker, "xa_a", PASSWORD)  # the block is over: the right password works again
    assert logged_in(attacker)


def test_backoff_doubles_up_to_the_cap(world: World, clock: Clock) -> None:
    free = THROTTLE["LOGIN_ADDRESS_FREE_FAILURES"]
    blocks = [throttle.block_seconds("address", free + k) for k in range(0, 14)]
    assert blocks[:5] == [0, 2, 4, 8, 16]
    assert blocks[-1] == THROTTLE["LOGIN_ADDRESS_MAX_BLOCK_SECONDS"]
    assert throttle.block_seconds("account", 10_000) == THROTTLE["LOGIN_ACCOUNT_MAX_DELAY_SECONDS"]


def test_the_owner_logs_in_while_another_address_attacks_the_account(
    world: World, clock: Clock
) -> None:
    owner = from_address("192.0.2.10")
    attacker = from_address("198.51.100.66")
    for _attempt in range(THROTTLE["LOGIN_ADDRESS_FREE_FAILURES"] + 1):
        login(attacker, "xa_a", "sai")
    assert not logged_in(attacker)
    login(owner, "xa_a", PASSWORD)
    assert logged_in(owner)


def test_a_guesser_spread_over_many_addresses_is_slowed_but_the_owners_browser_is_not(
    world: World, clock: Clock
) -> None:
    owner = from_address("192.0.2.10")
    login(owner, "xa_a", PASSWORD)  # an earlier login: this browser is now a known device
    assert logged_in(owner)
    owner.post(reverse("accounts:logout"))
    # Twenty addresses, two guesses each: no address reaches its own limit, the account does;
    # during its delay the guesses are refused unseen.
    for n in range(20):
        guesser = from_address(f"198.51.100.{n + 1}")
        login(guesser, "xa_a", "sai")
        login(guesser, "xa_a", "sai")
    row = LoginThrottle.objects.get(scope="account", key=throttle.account_key("xa_a"))
    assert row.failures == THROTTLE["LOGIN_ACCOUNT_FREE_FAILURES"] + 1
    assert block_of("account", row.key) == 2
    # A new browser with the right password waits for the delay ...
    newcomer = from_address("192.0.2.99")
    login(newcomer, "xa_a", PASSWORD)
    assert not logged_in(newcomer)
    # ... the owner's known browser does not.
    login(owner, "xa_a", PASSWORD)
    assert logged_in(owner)
    assert LoginThrottle.objects.filter(scope="account").count() == 0  # a success resets it


def test_a_stranger_cannot_keep_the_owner_out_by_guessing_on(world: World, clock: Clock) -> None:
    """One attacking address hammering for two hours: a new browser of the owner's waits at
    most the account's longest delay after the attacker's last counted guess."""
    attacker = from_address("198.51.100.5")
    newcomer = from_address("192.0.2.50")
    longest = THROTTLE["LOGIN_ACCOUNT_MAX_DELAY_SECONDS"]
    owner_waited_from: dt.datetime | None = None
    for _second in range(0, 2 * 3600, 20):
        login(attacker, "xa_a", "sai")
        clock.advance(20)
        if owner_waited_from is None:
            owner_waited_from = clock.now
        login(newcomer, "xa_a", PASSWORD)
        if logged_in(newcomer):
            break
    assert logged_in(newcomer)
    assert owner_waited_from is not None
    assert (clock.now - owner_waited_from).total_seconds() <= longest + 20


def test_the_admin_login_goes_through_the_same_throttle(world: World, clock: Clock) -> None:
    User.objects.filter(pk=world.admin.pk).update(is_staff=True, is_superuser=True)
    attacker = from_address("198.51.100.9")
    url = reverse("admin:login")
    for _attempt in range(THROTTLE["LOGIN_ADDRESS_FREE_FAILURES"] + 1):
        response = attacker.post(url, {"username": "admin", "password": "sai"})
        assert response.status_code == 200
    assert LoginThrottle.objects.get(scope="address", key="198.51.100.9").failures == 4
    # Blocked on the admin's page and on the app's login page alike, even with the password.
    attacker.post(url, {"username": "admin", "password": PASSWORD, "next": "/admin/"})
    assert not logged_in(attacker)
    login(attacker, "admin", PASSWORD)
    assert not logged_in(attacker)
    # From another address the administrator logs in to the admin.
    owner = from_address("192.0.2.1")
    response = owner.post(url, {"username": "admin", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 302
    assert logged_in(owner)


def test_throttles_are_audited(world: World, clock: Clock) -> None:
    attacker = from_address("198.51.100.20")
    for _attempt in range(THROTTLE["LOGIN_ADDRESS_FREE_FAILURES"] + 1):
        login(attacker, "xa_a", "sai")
    address_event = AuditEvent.objects.get(action="account.login_throttled")
    assert address_event.after is not None
    assert address_event.after["scope"] == "address"
    assert address_event.after["address"] == "198.51.100.20"
    for n in range(THROTTLE["LOGIN_ACCOUNT_FREE_FAILURES"]):
        login(from_address(f"192.0.2.{n + 100}"), "xa_a", "sai")
    assert AuditEvent.objects.filter(
        action="account.login_throttled", object_id=str(world.xa_a.pk), after__scope="account"
    ).exists()


def test_x_forwarded_for_counts_only_behind_a_trusted_proxy(world: World, clock: Clock) -> None:
    free = THROTTLE["LOGIN_ADDRESS_FREE_FAILURES"]
    for n in range(free + 1):  # a new forged address with every guess
        client = Client(REMOTE_ADDR="198.51.100.30", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
        login(client, "xa_a", "sai")
    assert LoginThrottle.objects.get(scope="address", key="198.51.100.30").failures == free + 1
    factory = RequestFactory()
    request = factory.get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    assert throttle.client_address(request) == "10.0.0.1"
    with override_settings(LOGIN_TRUSTED_PROXY_COUNT=1):
        assert throttle.client_address(request) == "5.6.7.8"  # the proxy's entry, not the claim
    with override_settings(LOGIN_TRUSTED_PROXY_COUNT=2):
        assert throttle.client_address(request) == "1.2.3.4"


def test_ipv6_addresses_count_per_64_network(world: World, clock: Clock) -> None:
    request = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:aaaa::1")
    other = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:bbbb::2")
    assert throttle.client_address(request) == throttle.client_address(other) == "2001:db8:1:2::/64"
    mapped = RequestFactory().get("/", REMOTE_ADDR="::ffff:192.0.2.1")
    assert throttle.client_address(mapped) == "192.0.2.1"


def test_logins_without_a_request_are_counted_per_account(world: World, clock: Clock) -> None:
    client = Client()
    for _attempt in range(THROTTLE["LOGIN_ACCOUNT_FREE_FAILURES"] + 1):
        assert not client.login(username="xa_a", password="sai")
    assert not client.login(username="xa_a", password=PASSWORD)  # delayed
    clock.advance(3)
    assert client.login(username="xa_a", password=PASSWORD)


def test_a_successful_login_resets_the_accounts_failures(world: World, clock: Clock) -> None:
    client = from_address("192.0.2.77")
    login(client, "xa_a", "sai")
    assert LoginThrottle.objects.get(scope="account").failures == 1
    login(client, "xa_a", PASSWORD)
    assert logged_in(client)
    assert not LoginThrottle.objects.filter(scope="account").exists()
    # The address keeps its count: an insider cannot wipe it by logging in to their own account.
    assert LoginThrottle.objects.get(scope="address").failures == 1


def test_failures_leak_away_so_occasional_typos_never_block(world: World, clock: Clock) -> None:
    client = from_address("192.0.2.78")
    free = THROTTLE["LOGIN_ADDRESS_FREE_FAILURES"]
    leak = THROTTLE["LOGIN_THROTTLE_LEAK_SECONDS"]
    for _typo in range(5 * free):  # an office: one typo every leak period, all day long
        login(client, f"nhan-vien-{_typo}", "sai")
        clock.advance(leak)
    assert LoginThrottle.objects.get(scope="address").failures == 1
    login(client, "xa_a", PASSWORD)
    assert logged_in(client)
    # A burst is not forgotten before its time: free + 1 failures in a row block the address,
    # and after the block only one failure per leak period leaks away.
    burst = from_address("192.0.2.79")
    for _attempt in range(free + 1):
        login(burst, "nobody", "sai")
    clock.advance(2 + leak)  # the 2 s block, then one leak period
    login(burst, "nobody", "sai")
    assert LoginThrottle.objects.get(scope="address", key="192.0.2.79").failures == free + 1


def test_a_hostile_user_name_is_only_a_failure(world: World, clock: Clock) -> None:
    client = from_address("192.0.2.80")
    for url in (reverse("accounts:login"), reverse("admin:login")):
        for username, password in (("x" * 10_000, "sai"), ("xa\x00a", "s\x00i"), ("ｘａ_ａ", "")):
            response = client.post(url, {"username": username, "password": password})
            assert response.status_code in (200, 400)  # a form error, or refused outright
            assert not logged_in(client)
    # The name is hashed for the counter: NUL bytes and huge names are harmless there too.
    client_bare = Client()
    for _attempt in range(THROTTLE["LOGIN_ACCOUNT_FREE_FAILURES"] + 1):  # up to a throttle
        assert not client_bare.login(username="a\x00" * 5000, password="sai")


def block_of(scope: str, key: str) -> float | None:
    row = LoginThrottle.objects.get(scope=scope, key=key)
    if row.blocked_until is None or row.blocked_until <= throttle.now():
        return None
    assert row.last_failure_at is not None
    return (row.blocked_until - row.last_failure_at).total_seconds()


def test_pages_require_login_but_health_check_does_not(world: World) -> None:
    client = Client()
    response = client.get(reverse("registry:household_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get(reverse("web:healthz")).status_code == 200


def test_password_change_is_audited(world: World) -> None:
    client = Client()
    client.login(username="xa_a", password=PASSWORD)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "mot-mat-khau-moi-dai",
            "new_password2": "mot-mat-khau-moi-dai",
        },
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(
        action="account.password_changed", object_id=str(world.xa_a.pk)
    ).exists()


def test_granting_a_role_in_the_admin_goes_through_the_audited_service(world: World) -> None:
    client = Client()
    client.force_login(world.admin)
    world.admin.is_staff = True
    world.admin.is_superuser = True
    world.admin.save()
    response = client.post(
        reverse("admin:accounts_rolegrant_add"),
        {"user": world.outsider.pk, "role": "inspector", "area": world.commune_b.pk},
    )
    assert response.status_code == 302
    assert (
        AuditEvent.objects.filter(action="account.role_granted")
        .filter(after__user="outsider")
        .exists()
    )
    from giamngheo.accounts import access

    fresh = User.objects.get(pk=world.outsider.pk)
    assert access.can_view_area(fresh, world.commune_b)


def test_an_administrator_lifts_a_throttle_in_the_admin(world: World, clock: Clock) -> None:
    attacker = from_address("198.51.100.40")
    for _attempt in range(THROTTLE["LOGIN_ADDRESS_FREE_FAILURES"] + 1):
        login(attacker, "xa_a", "sai")
    row = LoginThrottle.objects.get(scope="address")
    staff = User.objects.create_superuser("quantri", password="mat-khau-quan-tri")
    admin = Client()
    admin.force_login(staff)
    changelist = reverse("admin:accounts_loginthrottle_changelist")
    assert admin.get(changelist).status_code == 200
    response = admin.post(changelist, {"action": "lift", "_selected_action": [row.pk], "index": 0})
    assert response.status_code == 302
    assert not LoginThrottle.objects.filter(pk=row.pk).exists()
    assert AuditEvent.objects.filter(
        action="account.login_throttle_cleared", object_id=str(row.pk), actor=staff
    ).exists()
    login(attacker, "xa_a", PASSWORD)
    assert logged_in(attacker)
