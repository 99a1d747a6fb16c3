import gc
import json
import os
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


LOADS = """
import gc, json, sys
from openpmo.cli import main
sys.argv = ["openpmo", "schedule", sys.argv[1], "--json"]
code = main()
heavy = ("django", "scipy", "numba", "numpy.ma", "openpyxl", "yaml", "decimal", "pandas")
print(json.dumps({
    "code": code,
    "collecting": gc.isenabled(),
    "heavy": sorted(m for m in sys.modules if m.split(".")[0] in heavy or m in heavy),
    "commands": sorted(m for m in sys.modules if m.startswith("openpmo.cli.")),
}), file=sys.stderr)
"""


def test_schedule_loads_only_what_scheduling_needs():
    # Given a fresh interpreter running `openpmo schedule FILE --json` as the whole process
    example = shared_file("schedules/MPSPLIBtoMPP_51_mp_j120_a20_nr1.mspdi.xml")
    result = subprocess.run(
        [sys.executable, "-c", LOADS, str(example)], capture_output=True, text=True, check=True
    )
    report = json.loads(result.stderr.strip().splitlines()[-1])
    # then it printed the schedule, loaded no other command and none of the heavy libraries
    # that other commands use (each costs a run tens of milliseconds), and left the cyclic
    # garbage collector on
    assert report["code"] == 0
    assert json.loads(result.stdout)["tasks"][0]["uid"] == 0
    assert report["commands"] == ["openpmo.cli.schedule"]
    assert report["heavy"] == []
    assert report["collecting"] is True


def test_the_collector_is_left_as_it_was(capsys):
    # Given the collector off in the caller's process, then on
    example = shared_file("schedules/mpxj_sample.xml")
    for collecting in (False, True):
        (gc.enable if collecting else gc.disable)()
        try:
            # when a command runs in that process
            assert main(["schedule", str(example), "--json"]) == 0
            # then the collector is as the caller left it
            assert gc.isenabled() is collecting
        finally:
            gc.enable()
    assert '"tasks"' in capsys.readouterr().out


def test_the_program_ends_at_once_with_all_its_output(tmp_path):
    # Given `python -m openpmo.cli` (which ends its process without Python's teardown) writing
    # the largest shared schedule as JSON to a pipe and as MSPDI to a file
    example = shared_file("schedules/MPSPLIBtoMPP_51_mp_j120_a20_nr1.mspdi.xml")
    out = tmp_path / "out.xml"
    command = [sys.executable, "-m", "openpmo.cli", "schedule", str(example), "--json"]
    result = subprocess.run([*command, "--export", str(out)], capture_output=True, check=False)
    # then it succeeded, and every byte of both reached its reader
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["tasks"]) == 2441
    assert out.read_bytes().rstrip().endswith(b"</Project>")
    # and a reader that stops at once still ends it quietly
    piped = subprocess.run(  # noqa: S602 (a pipe of our own command and head)
        " ".join(f"'{part}'" for part in command) + " | head -c 1",
        shell=True,
        capture_output=True,
        text=True,
        check=False,
    )
    assert piped.stdout == "{"
    assert "Traceback" not in piped.stderr
    # and a bad file is still an error with its exit code
    bad = tmp_path / "bad.xml"
    bad.write_text("<Project>")
    failed = subprocess.run(
        [sys.executable, "-m", "openpmo.cli", "schedule", str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert failed.returncode == 2
    assert failed.stderr.startswith("openpmo: error:")


THREADS = """
import os, sys
import openpmo.cli as cli

def main():
    import numpy  # noqa: F401 - what starts BLAS's threads, if any
    print(len(os.listdir("/proc/self/task")), os.environ.get("OPENBLAS_NUM_THREADS"))
    return 0

cli.main = main
cli.run()
"""


def test_the_program_runs_numpy_on_one_thread_unless_told_otherwise():
    # Given the `openpmo` program started without any thread setting in its environment
    clean = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    alone = subprocess.run(
        [sys.executable, "-c", THREADS], capture_output=True, text=True, check=True, env=clean
    )
    # then loading numpy started no BLAS threads: the process is one thread
    assert alone.stdout.split() == ["1", "1"]
    # and someone who asks for two BLAS threads gets them
    asked = subprocess.run(
        [sys.executable, "-c", THREADS],
        capture_output=True,
        text=True,
        check=True,
        env={**clean, "OPENBLAS_NUM_THREADS": "2"},
    )
    assert asked.stdout.split() == ["2", "2"]
