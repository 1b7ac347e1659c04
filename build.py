"""Build, check or preview the explainer site. See README.md, or run `python build.py --help`."""
import os
import sys

from explainer.cli import main

if __name__ == "__main__":
    code = main()
    # Ended here, as Ctrl+C ends it (cli.main): what the build started ends with its pipes (the chart renderers and
    # worker, the fork server), and Python's own exit would spend a tenth of a second or more joining them, with
    # Ctrl+C's handler already gone (a Ctrl+C then ended a finished build without a word, as killed).
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
