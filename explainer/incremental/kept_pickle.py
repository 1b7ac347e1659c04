"""Reading back what the build kept in ROOT/.cache/ as a pickle, without letting the file run code.

A pickle names the callables that rebuild its objects, and an unpickler calls them: a crafted file can name
os.system. These files may come from anywhere a cache is restored from (a CI cache shared across forks), so
`loads` rebuilds only plain Python data and the engine's own dataclasses (records: Reference, Mention, Problem…)
and the fact store's tables, and refuses anything else. The Python documentation's "Restricting Globals" is the model.
"""
from __future__ import annotations

import dataclasses
import importlib
import io
import pickle
from typing import IO, Any

_PLAIN = {("builtins", name) for name in ("set", "frozenset", "bytearray", "complex", "slice")} | {
    ("pathlib", "PosixPath"), ("pathlib", "PurePosixPath"), ("pathlib", "Path"),
    ("explainer.incremental.reads", "_rebuild_table")}  # a fact store's table: a dict and its token, nothing run


class Refused(pickle.UnpicklingError):
    """The file names something other than plain data or an engine record."""


class _KeptUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in _PLAIN:
            return super().find_class(module, name)
        if module.startswith("explainer.") and "." not in name:
            found = getattr(importlib.import_module(module), name, None)
            if isinstance(found, type) and dataclasses.is_dataclass(found):
                return found  # rebuilt field by field (__new__ and __setstate__ of a dataclass run no code of the file's)
        raise Refused(f"{module}.{name} is not kept data")


def dumps(value: Any) -> bytes:
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def dump(value: Any, file: IO[bytes]) -> None:
    """dumps(value), written to file as it is made."""
    pickle.dump(value, file, protocol=pickle.HIGHEST_PROTOCOL)


def loads(data: bytes) -> Any:
    """The value, or Refused (an UnpicklingError) if the data names anything but plain data and records."""
    return load(io.BytesIO(data))


def load(file: IO[bytes]) -> Any:
    """loads(), read from file."""
    return _KeptUnpickler(file).load()
