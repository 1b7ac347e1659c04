"""Formatting values as chart modules import it (charts/README.md: `from explainer.numbers import
format_value`): the chart contract, kept where chart modules have always found it. The code lives in
store/numbers.py."""
from .store.numbers import *  # noqa: F401,F403 -- the contract is every public name of the formatting module
