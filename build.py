"""Build, check or preview the explainer site. See README.md, or run `python build.py --help`."""
import sys

from explainer.cli import main

if __name__ == "__main__":
    sys.exit(main())
