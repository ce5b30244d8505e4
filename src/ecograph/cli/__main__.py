"""``python -m ecograph.cli``: the same as the ``ecograph`` command."""

import sys

from ecograph.cli.main import main

sys.exit(main())
