"""The preview server: `python build.py serve`, live reload around the same build as `python build.py`."""
