"""``python -m ecograph.cli``: the same as the ``ecograph`` command."""

import sys

from ecograph.cli.commands import main

sys.exit(main())
