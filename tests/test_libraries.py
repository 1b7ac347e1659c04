"""effects/libraries.py reads the installed libraries' versions from their folders' names, as importlib.metadata
would read them from their metadata."""
from __future__ import annotations

import importlib.metadata

import pytest

from explainer.effects import libraries


@pytest.mark.parametrize("distribution", ["altair", "vl-convert-python", "pagefind-bin", "Jinja2", "markdown",
                                          "babel", "jsonschema"])
def test_a_version_is_the_one_importlib_metadata_reads(distribution):
    assert libraries.version(distribution) == importlib.metadata.version(distribution)


def test_names_compare_as_packaging_compares_them_and_a_missing_one_is_a_lookup_error():
    assert libraries.version("VL_Convert.Python") == libraries.version("vl-convert-python")
    with pytest.raises(LookupError):
        libraries.version("no-such-library-here")
