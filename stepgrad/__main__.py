"""`python -m stepgrad` runs the `stepgrad` command."""

import sys

from stepgrad.cli import main

sys.exit(main())
