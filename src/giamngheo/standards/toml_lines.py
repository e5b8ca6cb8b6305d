"""Line numbers of keys in a TOML document.

`tomllib` returns plain dicts without positions, so validation messages could not say on which
line a mistake is. This module scans the document text and records, for every key path, the line
where it is written: table headers (`[a.b]`, `[[a]]`), keys (`a.b = 1`), keys inside inline tables
(`x = { y = 1 }`) and elements of arrays (`x = [1, 2]` gives `x[0]`, `x[1]`). Arrays of tables
are indexed like arrays: the second `[[a]]` block is `("a", 1)`.

The scanner assumes well-formed TOML (run it after `tomllib` accepted the text); on text that is
not, it records what it could read and stops without raising.
"""

from __future__ import annotations

import contextlib
import tomllib
from collections.abc import Mapping

KeyPath = tuple[str | int, ...]

_BARE_KEY_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
_VALUE_END = frozenset(",]}#\n\r")


class _Stop(Exception):
    """Internal: the text is not well-formed TOML; keep what was recorded so far."""


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map every key path written in `text` to the (1-based) line where it first appears."""
    scanner = _Scanner(text)
    with contextlib.suppress(_Stop, IndexError):
        scanner.document()
    return scanner.lines


def format_key(path: KeyPath) -> str:
    """('indicators', 'water', 'params', 'clean', 2) -> 'indicators.water.params.clean[2]'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            shown = part if part and all(ch in _BARE_KEY_CHARS for ch in part) else f'"{part}"'
            out += ("." if out else "") + shown
    return out


def line_of(lines: Mapping[KeyPath, int], path: KeyPath) -> int | None:
    """Line of `path`, or of its closest written ancestor when the key itself is absent."""
    for end in range(len(path), 0, -1):
        line = lines.get(path[:end])
        if line is not None:
            return line
    return None


def path_at_line(lines: Mapping[KeyPath, int], line: int) -> KeyPath:
    """The longest key path written on `line` (empty when none is)."""
    best: KeyPath = ()
    for path, at in lines.items():
        if at == line and len(path) > len(best):
            best = path
    return best


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.line = 1
        self.lines: dict[KeyPath, int] = {}
        self.table: KeyPath = ()
        self.array_table_counts: dict[KeyPath, int] = {}

    # -- low level ---------------------------------------------------------------------------

    def peek(self, offset: int = 0) -> str:
        index = self.pos + offset
        return self.text[index] if index < len(self.text) else ""

    def startswith(self, token: str) -> bool:
        return self.text.startswith(token, self.pos)

    def advance(self, count: int = 1) -> None:
        for _ in range(count):
            if self.pos >= len(self.text):
                raise _Stop
            if self.text[self.pos] == "\n":
                self.line += 1
            self.pos += 1

    def skip_spaces(self) -> None:
        while self.peek() in (" ", "\t"):
            self.pos += 1

    def skip_comment(self) -> None:
        if self.peek() == "#":
            while self.peek() not in ("\n", ""):
                self.pos += 1

    def skip_blank(self) -> None:
        """Skip spaces, newlines and comments."""
        while True:
            self.skip_spaces()
            self.skip_comment()
            if self.peek() in ("\n", "\r"):
                self.advance()
                continue
            return

    def record(self, path: KeyPath, line: int) -> None:
        for end in range(1, len(path) + 1):
            self.lines.setdefault(path[:end], line)

    # -- grammar -----------------------------------------------------------------------------

    def document(self) -> None:
        while True:
            self.skip_blank()
            if self.pos >= len(self.text):
                return
            if self.startswith("[["):
                self.header(array=True)
            elif self.peek() == "[":
                self.header(array=False)
            else:
                line = self.line
                key = self.key()
                self.expect("=")
                self.value(self.table + key, line)
            self.skip_spaces()
            self.skip_comment()

    def expect(self, char: str) -> None:
        self.skip_spaces()
        if self.peek() != char:
            raise _Stop
        self.advance()
        self.skip_spaces()

    def header(self, *, array: bool) -> None:
        line = self.line
        self.advance(2 if array else 1)
        parts = self.key()
        self.skip_spaces()
        self.advance(2 if array else 1)
        resolved: KeyPath = ()
        for index, part in enumerate(parts):
            resolved = (*resolved, part)
            last = index == len(parts) - 1
            if last and array:
                count = self.array_table_counts.get(resolved, 0)
                self.array_table_counts[resolved] = count + 1
                self.lines.setdefault(resolved, line)
                resolved = (*resolved, count)
            elif resolved in self.array_table_counts:
                resolved = (*resolved, self.array_table_counts[resolved] - 1)
        self.table = resolved
        self.record(resolved, line)

    def key(self) -> tuple[str, ...]:
        parts: list[str] = []
        while True:
            self.skip_spaces()
            char = self.peek()
            if char in ('"', "'"):
                start = self.pos
                self.string()
                raw = self.text[start : self.pos]
                parts.append(str(tomllib.loads(f"k = {raw}")["k"]))
            else:
                start = self.pos
                while self.peek() in _BARE_KEY_CHARS and self.peek() != "":
                    self.pos += 1
                if self.pos == start:
                    raise _Stop
                parts.append(self.text[start : self.pos])
            self.skip_spaces()
            if self.peek() == ".":
                self.pos += 1
                continue
            return tuple(parts)

    def value(self, path: KeyPath, line: int) -> None:
        self.record(path, line)
        self.skip_spaces()
        char = self.peek()
        if char == "{":
            self.inline_table(path)
        elif char == "[":
            self.array(path)
        elif char in ('"', "'"):
            self.string()
        else:
            start = self.pos
            while self.peek() not in _VALUE_END and self.peek() != "":
                self.pos += 1
            if self.pos == start:
                raise _Stop

    def inline_table(self, path: KeyPath) -> None:
        self.advance()  # {
        self.skip_spaces()
        if self.peek() == "}":
            self.advance()
            return
        while True:
            self.skip_spaces()
            line = self.line
            key = self.key()
            self.expect("=")
            self.value(path + key, line)
            self.skip_spaces()
            if self.peek() == ",":
                self.advance()
                continue
            if self.peek() == "}":
                self.advance()
                return
            raise _Stop

    def array(self, path: KeyPath) -> None:
        self.advance()  # [
        index = 0
        while True:
            self.skip_blank()
            if self.peek() == "]":
                self.advance()
                return
            self.value((*path, index), self.line)
            index += 1
            self.skip_blank()
            if self.peek() == ",":
                self.advance()
                continue
            if self.peek() == "]":
                self.advance()
                return
            raise _Stop

    def string(self) -> None:
        if self.startswith('"""') or self.startswith("'''"):
            quote = self.text[self.pos : self.pos + 3]
            self.advance(3)
            while not self.startswith(quote):
                if quote == '"""' and self.peek() == "\\":
                    self.advance()
                self.advance()
            self.advance(3)
            # A closing delimiter may be followed by up to two more quote characters.
            while self.peek() == quote[0]:
                self.advance()
            return
        quote = self.peek()
        self.advance()
        while self.peek() != quote:
            if self.peek() in ("\n", ""):
                raise _Stop
            if quote == '"' and self.peek() == "\\":
                self.advance()
            self.advance()
        self.advance()
