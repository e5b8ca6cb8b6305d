"""Line numbers of TOML keys (toml_lines.py): the basis of 'file, key and line' messages."""

from __future__ import annotations

import tomllib

from giamngheo.standards.toml_lines import format_key, key_lines, line_of, path_at_line

DOCUMENT = '''\
# a comment with = and [brackets]
format = 1
code = "x"  # trailing comment

[name]
vi = "Tên [không phải bảng]"
en = """multi
line = not a key
[not.a.table]
"""

[income_lines.poverty]
rural = 1_500_000
"quoted key" = 2

[indicators.water]
params = { field = "water_source", allowed = ["piped", "bottled"], nested = { deep = 1 } }
list = [
  "a",  # comment inside an array
  "b",
]
dotted.key = true

[[bands]]
age_from = 16

[[bands]]
age_from = 18
'''


def test_the_fixture_is_valid_toml() -> None:
    tomllib.loads(DOCUMENT)


def test_it_finds_top_level_keys_and_table_headers() -> None:
    lines = key_lines(DOCUMENT)
    assert lines[("format",)] == 2
    assert lines[("code",)] == 3
    assert lines[("name",)] == 5
    assert lines[("name", "vi")] == 6
    assert lines[("income_lines",)] == 12
    assert lines[("income_lines", "poverty")] == 12
    assert lines[("income_lines", "poverty", "rural")] == 13
    assert lines[("income_lines", "poverty", "quoted key")] == 14


def test_it_is_not_fooled_by_strings_that_look_like_keys_or_tables() -> None:
    lines = key_lines(DOCUMENT)
    assert lines[("name", "en")] == 7
    assert ("name", "line") not in lines
    assert ("not",) not in lines
    assert lines[("income_lines", "poverty", "rural")] == 13  # counted past the multi-line string


def test_it_finds_keys_inside_inline_tables_and_arrays() -> None:
    lines = key_lines(DOCUMENT)
    water = ("indicators", "water")
    assert lines[(*water, "params", "field")] == 17
    assert lines[(*water, "params", "allowed", 1)] == 17
    assert lines[(*water, "params", "nested", "deep")] == 17
    assert lines[(*water, "list")] == 18
    assert lines[(*water, "list", 0)] == 19
    assert lines[(*water, "list", 1)] == 20
    assert lines[(*water, "dotted", "key")] == 22


def test_it_indexes_arrays_of_tables() -> None:
    lines = key_lines(DOCUMENT)
    assert lines[("bands", 0)] == 24
    assert lines[("bands", 0, "age_from")] == 25
    assert lines[("bands", 1)] == 27
    assert lines[("bands", 1, "age_from")] == 28


def test_line_of_falls_back_to_the_closest_written_ancestor() -> None:
    lines = key_lines(DOCUMENT)
    assert line_of(lines, ("income_lines", "poverty", "urban")) == 12
    assert line_of(lines, ("missing", "key")) is None


def test_path_at_line_gives_the_longest_key_written_there() -> None:
    lines = key_lines(DOCUMENT)
    assert path_at_line(lines, 13) == ("income_lines", "poverty", "rural")
    assert path_at_line(lines, 1) == ()


def test_it_survives_invalid_toml() -> None:
    lines = key_lines('a = 1\nb = "unterminated\nc = 3\n')
    assert lines[("a",)] == 1


def test_format_key_quotes_what_needs_quoting() -> None:
    assert format_key(("indicators", "water", "params", "allowed", 2)) == (
        "indicators.water.params.allowed[2]"
    )
    assert format_key(("quoted key",)) == '"quoted key"'
