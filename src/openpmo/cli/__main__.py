import sys

from openpmo.cli import main

sys.exit(main())
