"""`python -m sbee_desk`."""

import sys

from sbee_desk.cli import main

sys.exit(main())
