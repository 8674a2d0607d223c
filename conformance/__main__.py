"""``python -m conformance``: the sgw-conformance command."""

import sys

from conformance.cli.main import main

sys.exit(main())
