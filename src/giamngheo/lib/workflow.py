"""The one mechanism behind every state machine of the apps: a table of allowed transitions.

An app declares its states (a ``TextChoices``) and its transitions once, in its ``states.py``,
and builds a :class:`Workflow` from them. Services ask the table for the target of a move
(:meth:`Workflow.check`) and pages ask it which moves a state offers (:meth:`Workflow.available`),
so a step allowed in one place is allowed everywhere and a refusal is worded the same way.

Two ways to declare a table, both ending in the same rows:

- :class:`Transition` — one name, several source states, one target (``Workflow.of``): the
  review's tables, drawn in its docstring diagram;
- :class:`Step` rows — one per (name, source state), which an app may subclass to carry its own
  flags (the workforce request's ``needs_note``).

A refused move raises the app's refusal: :class:`TransitionRefused` (a ``DomainError``) with a
message saying where the object is, where it must be and why, or what the ``refusal`` hook of
the table returns (an app error that subclasses :class:`TransitionRefused`).

``lib`` imports no app: the tables live in the apps, this module only reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from giamngheo.lib.errors import DomainError

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class TransitionRefused(DomainError):
    """A move the table does not allow; ``message`` is for the user (Vietnamese)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Step:
    """One transition as fired from one state: what a page offers as a button."""

    name: str
    source: str
    target: str
    # Who may fire it; the app decides what its permission names mean (``access`` checks).
    permission: str = ""
    label: StrOrPromise = ""


@dataclass(frozen=True)
class Transition:
    """A named transition from any of ``source`` to ``target`` (the whole edge set of a name)."""

    name: str
    source: frozenset[str]
    target: str
    permission: str = ""
    label: StrOrPromise = ""


S = TypeVar("S", bound=Step)

Refusal = Callable[["Workflow[S]", str, str], TransitionRefused]


def default_refusal(workflow: Workflow[S], name: str, state: str) -> TransitionRefused:
    """Where the object is, where it must be for ``name``, and the table's reason."""
    transition = workflow.transitions[name]
    allowed = ", ".join(workflow.state_label(s) for s in sorted(transition.source))
    message = _(
        "Không thể thực hiện bước này khi đang ở trạng thái “%(state)s”; chỉ làm được khi ở: "
        "%(allowed)s."
    ) % {"state": workflow.state_label(state), "allowed": allowed}
    reason = str(workflow.explain.get(name, ""))
    return TransitionRefused(f"{message} {reason}".strip())


class Workflow(Generic[S]):
    """One workflow's table of allowed transitions.

    ``explain`` maps a transition name to the reason it is refused (with its legal article),
    so each refusal says what to do instead; ``refusal`` builds the error an app raises.
    """

    def __init__(
        self,
        name: str,
        states: type[models.TextChoices],
        steps: Sequence[S],
        *,
        explain: Mapping[str, StrOrPromise] | None = None,
        refusal: Refusal[S] | None = None,
    ) -> None:
        self.name = name
        self.states = states
        self.steps: tuple[S, ...] = tuple(steps)
        self.explain: dict[str, StrOrPromise] = dict(explain or {})
        self._refusal: Refusal[S] = refusal or default_refusal
        self._by_key: dict[tuple[str, str], S] = {}
        known = set(states.values)
        for step in self.steps:
            unknown = {step.source, step.target} - known
            if unknown:
                raise ValueError(f"{name}.{step.name}: unknown states {sorted(unknown)}")
            if (step.name, step.source) in self._by_key:
                raise ValueError(f"{name}.{step.name}: declared twice from {step.source}")
            self._by_key[(step.name, step.source)] = step
        self.transitions: dict[str, Transition] = {}
        for step in self.steps:
            seen = self.transitions.get(step.name)
            if seen is None:
                self.transitions[step.name] = Transition(
                    step.name, frozenset({step.source}), step.target, step.permission, step.label
                )
            elif seen.target != step.target:
                raise ValueError(f"{name}.{step.name}: two targets")
            else:
                self.transitions[step.name] = Transition(
                    step.name,
                    seen.source | {step.source},
                    seen.target,
                    seen.permission,
                    seen.label,
                )

    @classmethod
    def of(
        cls,
        name: str,
        states: type[models.TextChoices],
        transitions: Sequence[Transition],
        *,
        explain: Mapping[str, StrOrPromise] | None = None,
        refusal: Refusal[Step] | None = None,
    ) -> Workflow[Step]:
        """A table declared as transitions with several sources (one :class:`Step` per source,
        in the order of the states' declaration)."""
        order = {value: index for index, value in enumerate(states.values)}
        steps = [
            Step(t.name, source, t.target, t.permission, t.label)
            for t in transitions
            for source in sorted(t.source, key=lambda s: order.get(s, len(order)))
        ]
        return Workflow(name, states, steps, explain=explain, refusal=refusal)

    @property
    def names(self) -> tuple[str, ...]:
        """The transition names, in declaration order."""
        return tuple(self.transitions)

    def allowed(self, name: str, state: str) -> bool:
        """Whether the table allows ``name`` from ``state`` (an unknown name is a bug)."""
        if name not in self.transitions:
            raise KeyError(f"{self.name}: no transition {name!r}")
        return (name, str(state)) in self._by_key

    def find(self, name: str, state: str) -> S:
        """The step ``name`` from ``state``, or the table's refusal."""
        step = self._by_key.get((name, str(state)))
        if step is None:
            raise self._refusal(self, name, str(state))
        return step

    def check(self, name: str, state: str) -> str:
        """The target state of ``name`` from ``state``, or the table's refusal."""
        return self.find(name, state).target

    target = check

    def available(self, state: str) -> list[S]:
        """The steps ``state`` offers, in declaration order."""
        return [step for step in self.steps if step.source == state]

    def actions_from(self, state: str) -> list[str]:
        """The names of the transitions ``state`` offers, in declaration order."""
        return list(dict.fromkeys(step.name for step in self.available(state)))

    def permission(self, name: str) -> str:
        return self.transitions[name].permission

    def label(self, name: str) -> str:
        """The label of transition ``name`` (its name when it has none)."""
        transition = self.transitions.get(name)
        return str(transition.label) if transition is not None and transition.label else name

    def state_label(self, state: str) -> str:
        """The human label of ``state`` (the raw value when the table does not know it)."""
        return str(self.states(state).label) if state in self.states.values else str(state)
