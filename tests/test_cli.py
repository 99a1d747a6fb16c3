import subprocess
import sys
from pathlib import Path

from tests.shared_data import shared_file

from openpmo import __version__
from openpmo.cli import main

BIN = Path(sys.executable).parent


def test_console_script_prints_its_version():
    result = subprocess.run(
        [str(BIN / "openpmo"), "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == f"openpmo {__version__}"


def test_help_lists_the_commands(capsys):
    try:
        main(["--help"])
    except SystemExit as exit_:
        assert exit_.code == 0
    out = capsys.readouterr().out
    assert "usage: openpmo" in out
    assert "commands" in out


def test_a_closed_pipe_ends_quietly(tmp_path):
    # Given a long output (far more than a pipe holds) piped into a reader that stops at once
    example = shared_file("schedules/MPSPLIBtoMPP_51_mp_j120_a20_nr1.mspdi.xml")
    result = subprocess.run(  # noqa: S602 (a pipe of our own command and head)
        f"'{BIN / 'openpmo'}' schedule '{example}' --json | head -c 1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    # then the reader got its line and no traceback reached the terminal
    assert result.stdout in {"{", "["}
    assert "Traceback" not in result.stderr
