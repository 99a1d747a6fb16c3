"""Every YAML reader refuses anchors, aliases and deep nesting, and never echoes the document."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from openpmo.core import safe_yaml
from openpmo.core.errors import ParseError
from openpmo.core.finance import load_appraisal_yaml
from openpmo.core.risk import read_network_yaml

# Nine levels of aliases: about 370 bytes that safe_load expands to 10**9 list items.
LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
    f"*{chr(97 + i)}, *{chr(97 + i)}]\n"
    for i in range(8)
)


def test_plain_documents_read_as_before():
    assert safe_yaml.load("base_year: 2023/24\noptions: [{name: A}]") == {
        "base_year": "2023/24",
        "options": [{"name": "A"}],
    }


def test_an_alias_bomb_is_refused_with_its_line_and_without_the_document():
    with pytest.raises(ParseError) as refused:
        safe_yaml.load(LAUGHS, where="upload")
    assert "anchor" in refused.value.message and refused.value.where == "upload, line 1"
    assert len(str(refused.value)) < 200


def test_an_alias_to_a_plain_scalar_is_refused_too():
    with pytest.raises(ParseError, match="anchor"):
        safe_yaml.load("a: &x 1\nb: *x\n")


def test_deep_nesting_is_refused_not_a_crash():
    with pytest.raises(ParseError, match="nested more than"):
        safe_yaml.load("[" * 100_000 + "]" * 100_000)


def test_a_huge_document_is_refused_before_it_is_read():
    with pytest.raises(ParseError, match="longer than"):
        safe_yaml.load("a: " + "x" * (safe_yaml.MAX_YAML_CHARS + 1))


def test_engine_error_messages_are_cut_to_a_readable_length():
    with pytest.raises(ParseError) as refused:
        raise ParseError("x" * 10_000, where="y" * 10_000)
    assert len(str(refused.value)) <= 2 * 500 + 2


def test_the_appraisal_and_risk_readers_use_the_strict_loader(tmp_path: Path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(LAUGHS)
    with pytest.raises(ParseError, match="anchor"):
        load_appraisal_yaml(bomb)
    with pytest.raises(ParseError, match="anchor"):
        read_network_yaml(LAUGHS)


def test_the_cli_refuses_the_bomb_in_a_line_and_exits_2(tmp_path: Path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(LAUGHS)
    for command in ("appraise", "team-cost", "reserve", "simulate"):
        result = subprocess.run(  # noqa: S603 (our own interpreter and module)
            [sys.executable, "-m", "openpmo.cli", command, str(bomb)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 2, (command, result.stderr)
        assert "anchor" in result.stderr and len(result.stderr) < 400, command
