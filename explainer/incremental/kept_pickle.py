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


# A pickler remembers every object it has written, to write a second reference to it as a reference: its memo of a
# build cache's thousands of entries is a table of a million objects (25 MB more at the end of a 4,000-page build).
# dump_tuple writes a tuple's dicts in parts of PART_ITEMS items, each part with a fresh memo; an object shared
# between parts is written once per part. Before each value, how many parts it is in: None for a value written whole.
PART_ITEMS = 256


def dump_tuple(values: tuple, file: IO[bytes]) -> None:
    """The tuple written to file, each dict in it in parts (PART_ITEMS); load_tuple reads it back."""
    pickler = pickle.Pickler(file, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dump(len(values))
    for value in values:
        if type(value) is not dict:
            pickler.dump(None)
            pickler.dump(value)
            pickler.clear_memo()
            continue
        items = list(value.items())
        pickler.dump(-(-len(items) // PART_ITEMS))
        for start in range(0, len(items), PART_ITEMS):
            pickler.dump(items[start:start + PART_ITEMS])
            pickler.clear_memo()


def load_tuple(file: IO[bytes]) -> tuple:
    """What dump_tuple wrote, or Refused (as load) if it names anything but plain data and records."""
    # One unpickler each: each part numbers the objects it holds from the start, as its pickler did.
    count = load(file)
    if type(count) is not int:
        raise Refused("not a tuple written by dump_tuple")
    values = []
    for _ in range(count):
        parts = load(file)
        if parts is None:
            values.append(load(file))
        elif type(parts) is int:
            values.append({key: item for _ in range(parts) for key, item in load(file)})
        else:
            raise Refused("not a tuple written by dump_tuple")
    return tuple(values)


def loads(data: bytes) -> Any:
    """The value, or Refused (an UnpicklingError) if the data names anything but plain data and records."""
    return load(io.BytesIO(data))


def load(file: IO[bytes]) -> Any:
    """loads(), read from file."""
    return _KeptUnpickler(file).load()
