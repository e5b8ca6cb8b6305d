"""Rule packs: one TOML file per poverty standard, loaded, merged and validated.

A pack states the standard's income lines, indicators (with the evaluator and its parameters),
classification rule and, where the law has one, the score method, each fact with its `source` and
whether it is `verified`. National packs ship in `standards/packs/`; a province adds its own pack
file in a directory of its choosing (the `GIAMNGHEO_PACKS_DIR` environment variable, a list
separated by the OS path separator, or the `packs_dir` argument). A province pack says
`inherits = "2022-2025"` and overrides only what differs, e.g. higher income lines.

The file name is the pack code: `2022-2025.toml` holds code "2022-2025". Loading reports every
mistake at once, each with the file, the key path and the line (`PackError`).
"""

from __future__ import annotations

import hashlib
import os
import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Final

from giamngheo.standards.errors import PackError, PackIssue, UnknownStandardError
from giamngheo.standards.pack_model import (
    Pack,
)
from giamngheo.standards.pack_validation import Layer, PackValidator
from giamngheo.standards.toml_lines import format_key, key_lines, path_at_line

__all__ = [
    "BUILTIN_PACKS_DIR",
    "PACKS_DIR_ENV",
    "Pack",
    "available_standards",
    "clear_cache",
    "discover",
    "load_all",
    "load_pack",
    "load_pack_file",
    "pack_dirs",
    "pack_for_review_year",
]

BUILTIN_PACKS_DIR: Final = Path(__file__).resolve().parent / "packs"
PACKS_DIR_ENV: Final = "GIAMNGHEO_PACKS_DIR"

# -- finding packs -----------------------------------------------------------------------------


def pack_dirs(packs_dir: str | Path | Sequence[str | Path] | None = None) -> list[Path]:
    """The directories searched for packs: the built-in one, then `GIAMNGHEO_PACKS_DIR`, then
    `packs_dir`. The environment is read at call time, never at import."""
    dirs = [BUILTIN_PACKS_DIR]
    env = os.environ.get(PACKS_DIR_ENV, "")
    dirs.extend(Path(part) for part in env.split(os.pathsep) if part)
    if isinstance(packs_dir, str | Path):
        dirs.append(Path(packs_dir))
    elif packs_dir is not None:
        dirs.extend(Path(part) for part in packs_dir)
    unique: list[Path] = []
    for directory in dirs:
        if directory.resolve() not in [d.resolve() for d in unique]:
            unique.append(directory)
    return unique


def discover(
    packs_dir: str | Path | Sequence[str | Path] | None = None,
) -> dict[str, Path]:
    """Map each pack code to its file. A code defined twice is an error."""
    found: dict[str, Path] = {}
    issues: list[PackIssue] = []
    for directory in pack_dirs(packs_dir):
        if not directory.is_dir():
            issues.append(PackIssue(str(directory), "", None, "pack directory does not exist"))
            continue
        for path in sorted(directory.glob("*.toml")):
            code = path.stem
            if code in found:
                issues.append(
                    PackIssue(
                        str(path),
                        "code",
                        None,
                        f"pack code {code!r} is already defined by {found[code]}; "
                        "give a province pack its own code",
                    )
                )
                continue
            found[code] = path
    if issues:
        raise PackError(issues)
    return found


def available_standards(packs_dir: str | Path | Sequence[str | Path] | None = None) -> list[str]:
    return sorted(discover(packs_dir))


# A pack is immutable once built, but building one parses and validates its TOML chain (a few
# milliseconds): too slow to repeat on every survey preview keystroke. Packs are kept per
# process, keyed by the exact content of every pack file that could take part, so an edited,
# added or removed file is picked up at the next call (reading a few small files is cheap;
# parsing and validating them is not).
_FilesKey = tuple[tuple[str, str, bytes], ...]
_PACKS: dict[tuple[str, _FilesKey], Pack] = {}
_CACHE_LIMIT: Final = 64


def _files_key(files: Mapping[str, Path]) -> _FilesKey:
    return tuple(
        (code, str(path), hashlib.sha256(path.read_bytes()).digest())
        for code, path in sorted(files.items())
    )


def _load_cached(code: str, files: Mapping[str, Path]) -> Pack:
    if code not in files:
        raise UnknownStandardError(code, sorted(files))
    key = (code, _files_key(files))
    pack = _PACKS.get(key)
    if pack is None:
        pack = _Loader(files).load(code)
        if len(_PACKS) >= _CACHE_LIMIT:  # packs from many temporary directories (tests)
            _PACKS.clear()
        _PACKS[key] = pack
    return pack


def clear_cache() -> None:
    """Forget every loaded pack (the next load reads and validates the files again)."""
    _PACKS.clear()


def load_pack(code: str, *, packs_dir: str | Path | Sequence[str | Path] | None = None) -> Pack:
    """Load and validate the pack with this code (following `inherits`). The same files give
    the same (immutable) `Pack` object for the life of the process."""
    return _load_cached(code, discover(packs_dir))


def load_pack_file(
    path: str | Path, *, packs_dir: str | Path | Sequence[str | Path] | None = None
) -> Pack:
    """Load one pack file; its parent (if any) is looked up in the pack directories."""
    path = Path(path)
    files = discover(packs_dir)
    files[path.stem] = path
    return _load_cached(path.stem, files)


def load_all(packs_dir: str | Path | Sequence[str | Path] | None = None) -> list[Pack]:
    files = discover(packs_dir)
    return [_load_cached(code, files) for code in sorted(files)]


def pack_for_review_year(
    year: int, *, packs_dir: str | Path | Sequence[str | Path] | None = None
) -> Pack:
    """The national standard that governs the review of `year` (province packs excluded)."""
    for pack in load_all(packs_dir):
        if pack.inherits is None and pack.covers_year(year):
            return pack
    raise LookupError(f"no national standard governs review year {year}")


# -- reading and merging the inheritance chain ------------------------------------------------


class _Loader:
    def __init__(self, files: Mapping[str, Path]) -> None:
        self.files = files
        self.cache: dict[str, Pack] = {}

    def load(self, code: str) -> Pack:
        if code not in self.cache:
            chain = self._chain(code)
            self.cache[code] = PackValidator(chain).build()
        return self.cache[code]

    def _chain(self, code: str) -> list[Layer]:
        chain: list[Layer] = []
        seen: list[str] = []
        current: str | None = code
        while current is not None:
            if current in seen:
                layer = chain[-1]
                raise PackError(
                    [
                        PackIssue(
                            layer.file,
                            "inherits",
                            layer.lines.get(("inherits",)),
                            "inheritance cycle: " + " -> ".join([*seen, current]),
                        )
                    ]
                )
            seen.append(current)
            layer = _read_layer(self.files[current])
            chain.append(layer)
            parent = layer.raw.get("inherits")
            if parent is None:
                current = None
            elif not isinstance(parent, str):
                raise PackError(
                    [
                        PackIssue(
                            layer.file,
                            "inherits",
                            layer.lines.get(("inherits",)),
                            f"must be the code of another pack, got {parent!r}",
                        )
                    ]
                )
            elif parent not in self.files:
                known = ", ".join(sorted(self.files))
                raise PackError(
                    [
                        PackIssue(
                            layer.file,
                            "inherits",
                            layer.lines.get(("inherits",)),
                            f"unknown parent pack {parent!r} (known: {known})",
                        )
                    ]
                )
            else:
                current = parent
        return chain


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOML_DECLARED_TWICE = re.compile(r"Cannot declare \((.*)\) twice")


def _read_layer(path: Path) -> Layer:
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PackError([PackIssue(file, "", None, f"cannot read the pack: {error}")]) from error
    lines = key_lines(text)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        position = _TOML_POSITION.search(message)
        line = int(position.group(1)) if position else None
        key = ""
        twice = _TOML_DECLARED_TWICE.search(message)
        if twice:
            parts = re.findall(r"'([^']*)'", twice.group(1))
            key = ".".join(parts)
            if len(parts) == 2 and parts[0] == "indicators":
                message = f"duplicate indicator code {parts[1]!r} ({message})"
            else:
                message = f"{key} is defined twice ({message})"
        elif line is not None:
            key = format_key(path_at_line(lines, line))
            if message.startswith("Cannot overwrite a value"):
                message = f"{key or 'a key'} is defined twice ({message})"
            else:
                message = f"not valid TOML: {message}"
        raise PackError([PackIssue(file, key, line, message)]) from error
    return Layer(file, raw, lines)
