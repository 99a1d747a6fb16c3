import subprocess
import sys
from pathlib import Path

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
