"""`python -m fcviz` is the same as the `fcviz` command."""

import sys

from fcviz.cli import main

sys.exit(main())
