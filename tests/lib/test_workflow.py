"""The one transition-table mechanism: allowed moves, targets, offers per state, refusals."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.db import models

from giamngheo.lib.errors import DomainError
from giamngheo.lib.workflow import Step, Transition, TransitionRefused, Workflow


class Door(models.TextChoices):
    OPEN = "open", "Mở"
    CLOSED = "closed", "Đóng"
    LOCKED = "locked", "Khóa"


DOOR = Workflow.of(
    "door",
    Door,
    [
        Transition("close", frozenset({Door.OPEN}), Door.CLOSED, "anyone", "Đóng cửa"),
        Transition("lock", frozenset({Door.CLOSED, Door.OPEN}), Door.LOCKED, "keeper"),
        Transition("open", frozenset({Door.CLOSED}), Door.OPEN),
    ],
    explain={"open": "Cửa khóa phải mở khóa trước."},
)


def test_it_answers_the_target_of_an_allowed_move() -> None:
    assert DOOR.allowed("close", "open")
    assert DOOR.check("close", "open") == "closed"
    assert DOOR.target("lock", "closed") == "locked"


def test_it_offers_each_state_its_moves_in_declaration_order() -> None:
    assert DOOR.actions_from("open") == ["close", "lock"]
    assert DOOR.actions_from("closed") == ["lock", "open"]
    assert DOOR.actions_from("locked") == []
    assert [(s.name, s.source) for s in DOOR.available("closed")] == [
        ("lock", "closed"),
        ("open", "closed"),
    ]


def test_it_keeps_the_whole_edge_set_of_a_name_with_its_permission_and_label() -> None:
    assert DOOR.transitions["lock"].source == frozenset({"open", "closed"})
    assert DOOR.permission("lock") == "keeper"
    assert DOOR.label("close") == "Đóng cửa"
    assert DOOR.label("open") == "open"  # no label: the name
    assert DOOR.names == ("close", "lock", "open")


def test_a_refusal_says_where_the_object_is_where_it_must_be_and_why() -> None:
    assert not DOOR.allowed("open", "locked")
    with pytest.raises(TransitionRefused) as refused:
        DOOR.check("open", "locked")
    assert isinstance(refused.value, DomainError)
    assert "“Khóa”" in refused.value.message
    assert "Đóng" in refused.value.message
    assert "Cửa khóa phải mở khóa trước." in refused.value.message


def test_an_unknown_transition_is_a_programming_error_not_a_refusal() -> None:
    with pytest.raises(KeyError):
        DOOR.allowed("paint", "open")


class DoorError(TransitionRefused):
    pass


@dataclass(frozen=True)
class DoorStep(Step):
    needs_key: bool = False


def test_rows_may_carry_an_apps_own_flags_and_refusal() -> None:
    def refusal(table: Workflow[DoorStep], name: str, state: str) -> DoorError:
        return DoorError(f"{table.label(name)} / {table.state_label(state)}")

    table = Workflow(
        "door",
        Door,
        [
            DoorStep("lock", Door.CLOSED, Door.LOCKED, needs_key=True),
            DoorStep("lock", Door.OPEN, Door.LOCKED, needs_key=True),
        ],
        refusal=refusal,
    )
    assert table.find("lock", "open").needs_key
    assert table.transitions["lock"].source == frozenset({"open", "closed"})
    with pytest.raises(DoorError, match="lock / Khóa"):
        table.find("lock", "locked")


def test_a_table_with_a_typo_or_a_duplicate_does_not_build() -> None:
    with pytest.raises(ValueError, match="unknown states"):
        Workflow.of("door", Door, [Transition("ajar", frozenset({"open"}), "ajar")])
    with pytest.raises(ValueError, match="declared twice"):
        Workflow("door", Door, [Step("lock", "open", "locked"), Step("lock", "open", "locked")])
    with pytest.raises(ValueError, match="two targets"):
        Workflow("door", Door, [Step("go", "open", "locked"), Step("go", "closed", "open")])
