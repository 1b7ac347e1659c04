"""The fact store's records as chart modules import them (charts/README.md: `from explainer.facts import
FactStore`): the chart contract, kept where chart modules have always found it. The records live in
store/facts.py."""
from .store.facts import *  # noqa: F401,F403 -- the contract is every public name of the records' module
