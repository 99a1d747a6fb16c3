from openpmo.cli import run

run()
