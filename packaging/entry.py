"""The frozen executable's entry point (PyInstaller): ``sbee-desk`` as installed by pip.

``multiprocessing.freeze_support()`` first: the night edition draws its PDFs in
worker processes started with *spawn*, and a frozen worker is this same executable
started again with multiprocessing's arguments — it must run the worker, not the app.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from sbee_desk.cli import main

    sys.exit(main())
