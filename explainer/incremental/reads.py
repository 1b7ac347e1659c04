"""What a stage read of the site's records, recorded as it reads: the one key of everything the build reuses.

A page's Markdown and every file rendered from a template are kept between builds with the reads that made
them, never with a list of dependencies written by hand (issue 17). A kept result is used again only while
each of its reads, made again on the new build's records, gives the same answer; a read that cannot be
recorded makes the result unkeepable, and the stage simply runs.

How reads are seen:
- Records mix in `Recorded`: every read of one of their dataclass fields, by a template or by any Python code
  the template calls (a card's evidence, a page's last-updated date), is noted with a fingerprint of what was
  read: the whole record for small records (a fact, a source), the field for a page and the site view. A
  property or method is not itself a read: the fields its body reads are.
- The fact store's tables are `RecordedTable`s (dicts): looking up an id is a read of that id (a missing id
  too, as missing); iterating, counting or copying a table is a read of its whole list of ids.
- Other mappings handed to a stage (the charts' HTML for the Markdown stage) are wrapped in `RecordedMapping`.
- A value read that holds records (a list of pages, a table) is fingerprinted by their tokens, not their
  contents: what is read of each record is recorded when it is read.

A memo inside a record (SiteView's evidence of a fact) must hand its first computation's reads to every later
caller: `remembered` does that. Everything else that is remembered across pages is keyed by plain values.
"""
from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import PurePath
from typing import Any

Token = str  # "fact:arrivals-2009", "page:/…/content/index.md", "table:facts", "settings", "view", "map:charts"
# A whole record (its token), or (record, field): a field name, "[key]" for one key of a table, "[*]" for all its keys
Read = "Token | tuple[Token, str]"
Fingerprint = "str | tuple[str] | bytes"  # a short text itself, (repr,) of a number or None, else a digest
Reads = dict[Read, Fingerprint]  # each read → the fingerprint of what it gave

_ACTIVE: ContextVar["Recorder | None"] = ContextVar("reads_recorder", default=None)
_MISSING = object()
ALL_KEYS = "[*]"
FIELDS_READ = "fields:"  # a read of some fields of a record at once: "fields:" and their names, by commas


class Unrecordable(Exception):
    """A value read whose content cannot be fingerprinted: what read it cannot be kept."""


class Fingerprints:
    """Fingerprints of values within one build. Containers and long texts are remembered by identity (and kept
    alive, so an identity is never reused): the same list of a thousand pages is hashed once, not once a page.

    lasting: fingerprints of long texts kept from the builds before (ImmutableMemo): a text cannot change, so the
    same text object read again (a page's HTML that its Markdown's memo handed back) is not hashed again."""

    def __init__(self, lasting: "ImmutableMemo | None" = None) -> None:
        self._by_identity: dict[int, tuple[Any, bytes]] = {}
        # A mapping's keys apart from its whole value (of): the same table is read both ways, and one memo for both
        # would answer for its keys what it found for its value.
        self._keys_by_identity: dict[int, tuple[Any, bytes]] = {}
        self._lasting = lasting
        # One object for each read and each short fingerprint, however many files record it: the templates of
        # 4,000 pages record 150,000 reads, most of them the same few hundred (each page's navigation).
        self._shared: dict = {}

    def shared(self, value: Any) -> Any:
        """An object equal to value, the same for every recording of this build."""
        return self._shared.setdefault(value, value)

    def of(self, value: Any) -> Fingerprint:
        kind = type(value)
        if kind is str or kind is bytes:
            if kind is str and len(value) <= 256:
                return value  # short text stands for itself: most fields read are short (titles, ids, labels)
            if self._lasting is not None:
                return self._lasting.text(value)
            return _text_digest(value)
        if value is None or kind is int or kind is float or kind is bool:
            return (repr(value),)  # a tuple never equals a text: None is not "None"
        if isinstance(value, Recorded):  # _RECORDED_FIRST
            return _digest(_plain(value))
        if isinstance(value, (list, tuple, dict, set, frozenset, str, bytes)):
            if self._lasting is not None and (lasting := self._lasting.adopted(value)) is not None:
                return lasting
            return self._by_its_identity(value)
        params = getattr(kind, "__dataclass_params__", None)
        if params is not None and params.frozen:  # by identity too: a thousand pages read the site's one share image
            return self._by_its_identity(value)
        return _digest(_plain(value))

    def _by_its_identity(self, value: Any) -> Fingerprint:
        known = self._by_identity.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        fingerprint = _digest(_plain(value))
        self._by_identity[id(value)] = (value, fingerprint)
        return fingerprint

    def record(self, record: Recorded) -> Fingerprint:
        """A whole record's fingerprint: every field (records inside it as their tokens). A frozen record (a fact, a
        source: the store's records never change once loaded) keeps it from build to build in the lasting memo."""
        known = self._by_identity.get(id(record))
        if known is None or known[0] is not record:
            if self._lasting is not None and type(record).__dataclass_params__.frozen:
                known = (record, self._lasting.of(record, _record_digest))
            else:
                known = (record, _record_digest(record))
            self._by_identity[id(record)] = known
        return known[1]

    def fields_of(self, record: Any, read_name: str) -> Fingerprint:
        """The fingerprint of the fields a FIELDS_READ read names, of record, read without being recorded."""
        names = read_name[len(FIELDS_READ):].split(",")
        return _digest(tuple(self.of(object.__getattribute__(record, name)) for name in names))

    def keys_of(self, mapping: Mapping) -> Fingerprint:
        """The fingerprint of a mapping's keys, in order: what iterating or counting it reads."""
        known = self._keys_by_identity.get(id(mapping))
        if known is None or known[0] is not mapping:
            keys = list(dict.keys(mapping) if isinstance(mapping, dict) else iter(mapping))
            known = self._keys_by_identity[id(mapping)] = (mapping, _digest(("keys", _plain(keys))))
        return known[1]


# _RECORDED_FIRST: a record is asked whether it is a record before anything else. An isinstance() that fails on a
# record asks the record for its __class__, through Recorded.__getattribute__, a call in Python: the fingerprints
# of a template edit of 1,000 pages asked 196,000 times (bench/README.md, issue 19's eighth round).


def _record_digest(record: Recorded) -> bytes:
    plain = [(name, _plain(object.__getattribute__(record, name))) for name in type(record).__dataclass_fields__]
    return _digest((type(record).__qualname__, plain))


def _text_digest(text: str | bytes) -> bytes:
    """A long text's fingerprint, from its bytes (a repr would copy and escape it first)."""
    data = text.encode("utf-8", "surrogatepass") if isinstance(text, str) else b"\x00bytes" + text
    return hashlib.blake2b(data, digest_size=16, person=b"text").digest()


class ImmutableMemo:
    """Fingerprints by identity, kept across builds, of values that never change: long texts, the lists a memo
    hands back unchanged build after build and has adopted (a page's references and table of contents from its
    kept Markdown, which nothing changes in place: the memo gives the same objects to every build), and frozen
    records (the store's facts and sources, the same objects while data/ is unchanged: the preview checked every
    kept entry's reads of them by hashing each again). Or anything else worked out once from such a value: the
    preview's pages' HTML unpacked (site_folder/pages.py html_of).
    Entries not used in a build are dropped at the next, so the memo holds about one build's values."""

    def __init__(self) -> None:
        self._known: dict[int, tuple[Any, bytes | None]] = {}
        self._used: dict[int, tuple[Any, bytes | None]] = {}

    def next_build(self) -> None:
        if self._used:  # a build that used none (it failed early) forgets nothing
            self._known, self._used = self._used, {}

    def text(self, value: str | bytes) -> bytes:
        return self.of(value, _text_digest)

    def of(self, value: Any, digest: Callable[[Any], Any]) -> Any:
        """The fingerprint of a value that never changes (a long text, a frozen record), digest(value) the first time
        it is asked for."""
        known = self._used.get(id(value)) or self._known.get(id(value))
        if known is None or known[0] is not value or known[1] is None:
            known = (value, digest(value))
        self._used[id(value)] = known
        return known[1]

    def forget_texts(self) -> None:
        """Let go of the texts held (kept alive by their identity): a text asked for again is hashed again."""
        for memo in (self._known, self._used):
            for key in [key for key, (value, _) in memo.items() if isinstance(value, (str, bytes))]:
                del memo[key]

    def adopt(self, value: Any) -> None:
        """Take value as unchanging from now on: its fingerprint is worked out once, when first asked."""
        known = self._used.get(id(value)) or self._known.get(id(value))
        if known is None or known[0] is not value:
            self._used[id(value)] = (value, None)
        elif id(value) not in self._used:
            self._used[id(value)] = known

    def known(self, value: Any, fingerprint: Fingerprint) -> None:
        """Take value as unchanging, with the fingerprint Fingerprints.of gave a value equal to it: a value read
        back from the disk (a page's kept Markdown output) whose fingerprint was kept with it, so that a new
        process need not work it out again. A short text stands for itself and is left alone."""
        if isinstance(value, str) and len(value) <= 256:
            return
        self._used[id(value)] = (value, fingerprint)

    def adopted(self, value: Any) -> bytes | None:
        """The fingerprint of an adopted value, or None if it was not adopted."""
        known = self._used.get(id(value)) or self._known.get(id(value))
        if known is None or known[0] is not value:
            return None
        if known[1] is None:
            known = (value, _digest(_plain(value)))
        self._used[id(value)] = known
        return known[1]


def _digest(plain: Any) -> bytes:
    return hashlib.blake2b(repr(plain).encode("utf-8", "surrogatepass"), digest_size=16).digest()


def _plain(value: Any) -> Any:
    """The value as plain Python data whose repr says everything a reader of it could see. A record inside it is
    its token: what is read of that record is recorded when it is read."""
    kind = type(value)
    # The commonest kinds first, as the tests below would answer for them: every edit checks a thousand pages'
    # reads, among them lists of the pages that show a fact.
    if kind is str or kind is int or value is None:
        return value
    if kind is list or kind is tuple:
        return [_plain(item) for item in value]
    if kind is dict:  # a template's context, for one
        return ("mapping", [(_plain(key), _plain(item)) for key, item in value.items()])
    if isinstance(value, Recorded):  # its token, kept in it (_RECORDED_FIRST)
        return ("record", _token_of(value))
    if isinstance(value, (bool, int, float, bytes)):
        return value
    if isinstance(value, str):
        return str(value)  # Markup and other str subclasses print as text
    token = record_token(value)  # a table's or a mapping's
    if token is not None:
        return ("record", token)
    read_fingerprint = getattr(type(value), "read_fingerprint", None)
    if read_fingerprint is not None:  # what of it can be shown (a Location: its line, not its whole file)
        return (type(value).__qualname__, read_fingerprint(value))
    if isinstance(value, PurePath):
        return ("path", str(value))
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return ("mapping", [(_plain(key), _plain(item)) for key, item in dict.items(value)]
                if isinstance(value, dict) else [(_plain(key), _plain(value[key])) for key in value])
    if isinstance(value, (set, frozenset)):  # in an order that does not change with Python's hash seed
        return ("set", sorted(repr(_plain(item)) for item in value))
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return (kind.__qualname__, [(name, _plain(getattr(value, name))) for name in field_names(kind)])
    if isinstance(value, enum.Enum):
        return repr(value)
    if callable(value) and hasattr(value, "__qualname__") and not hasattr(value, "__self__"):
        return ("function", getattr(value, "__module__", ""), value.__qualname__)  # the engine's code is keyed
    raise Unrecordable(type(value).__qualname__)


def same_objects(now: tuple | None, before: tuple | None) -> bool:
    """Whether two tuples hold the very same objects, one for one (None: never the same)."""
    return now is not None and before is not None and len(now) == len(before) and \
        all(one is other for one, other in zip(now, before))


@functools.cache
def field_names(cls: type) -> tuple[str, ...]:
    """A dataclass's field names, in order (dataclasses.fields builds them anew at each call)."""
    return tuple(field.name for field in dataclasses.fields(cls))


class Recorder:
    """The reads of one stage's work on one thing (a page's Markdown, one output file)."""

    def __init__(self, fingerprints: Fingerprints) -> None:
        self.fingerprints = fingerprints
        self.reads: Reads = {}
        self.unrecordable = False  # a value read could not be fingerprinted: the result must not be kept
        # The records whose whole reading is noted, by identity (each kept alive here, so that its id is not
        # another record's): a record read again is known at once.
        self.records_noted: dict[int, Recorded] = {}

    def note(self, token: Token, name: str, value: Any) -> None:
        if (token, name) in self.reads:
            return
        try:
            fingerprint = self.fingerprints.of(value)
            self.reads[self.fingerprints.shared((token, name))] = (
                self.fingerprints.shared(fingerprint) if type(fingerprint) is tuple else fingerprint)
        except Unrecordable:
            self.unrecordable = True

    def note_record(self, record: Recorded, name: str) -> None:
        """A field read of a record read whole (Recorded.READ_WHOLE): a read of the whole record."""
        token = _token_of(record)
        if token not in self.reads:
            try:
                self.reads[token] = self.fingerprints.record(record)
            except Unrecordable:
                self.unrecordable = True
        self.records_noted[id(record)] = record

    def note_keys(self, token: Token, mapping: Mapping) -> None:
        if (token, ALL_KEYS) not in self.reads:
            self.reads[token, ALL_KEYS] = self.fingerprints.keys_of(mapping)


class FieldRecorder(Recorder):
    """A Recorder that notes which fields it read of each record, even of those read whole elsewhere: for work that
    reads a few fields of many records (a page's Markdown reads a fact's value, not its label, which only its card
    shows). The fields read of one record are one read (FIELDS_READ), made when the recording ends: with one read per
    field, a Markdown edit's check of the kept pages' reads was 10 ms slower at 1,000 pages."""

    def __init__(self, fingerprints: Fingerprints) -> None:
        super().__init__(fingerprints)
        self._fields_read: dict[Token, tuple[Recorded, set[str]]] = {}

    def note_record(self, record: Recorded, name: str) -> None:
        # The record is never put in records_noted, so that every field read comes here and its name is gathered.
        token = _token_of(record)
        known = self._fields_read.get(token)
        # Another object with the same token (a record of another build's store): the names read of both are merged
        # and the last object is fingerprinted. A kept result is checked against the registry's object, whatever was
        # fingerprinted, and one conversion reads one store's records.
        if known is None or known[0] is not record:
            known = self._fields_read[token] = (record, known[1] if known is not None else set())
        known[1].add(name)

    def finish(self) -> None:
        for token, (record, names) in self._fields_read.items():
            read = self.fingerprints.shared((token, FIELDS_READ + ",".join(sorted(names))))
            try:
                self.reads[read] = self.fingerprints.fields_of(record, read[1])
            except Unrecordable:
                self.unrecordable = True
        self._fields_read = {}


@contextmanager
def recording(fingerprints: Fingerprints, by_field: bool = False) -> Iterator[Recorder]:
    """Record the reads made in this block; they count as reads of any recording around it too. by_field: note
    each field read (FieldRecorder)."""
    recorder = FieldRecorder(fingerprints) if by_field else Recorder(fingerprints)
    outer = _ACTIVE.get()
    token = _ACTIVE.set(recorder)
    try:
        yield recorder
    finally:
        _ACTIVE.reset(token)
        if isinstance(recorder, FieldRecorder):
            recorder.finish()
        if outer is not None:
            outer.reads.update(recorder.reads)
            outer.unrecordable |= recorder.unrecordable


@contextmanager
def not_recording() -> Iterator[None]:
    """Reads here count for nothing (checking kept reads against the new build's records)."""
    token = _ACTIVE.set(None)
    try:
        yield
    finally:
        _ACTIVE.reset(token)


_OWN_FINGERPRINTS = object()  # remembered()'s key, in a memo, of the fingerprints it takes without a recorder


def remembered(memo: dict, key: Any, compute: Callable[[], Any], by_field: bool = False) -> Any:
    """compute(), once per key: a later call returns the same value and records again what the first one read.
    by_field: compute's reads are recorded field by field (FieldRecorder), for a value made of a few fields of records
    read whole elsewhere."""
    entry = memo.get(key)
    if entry is None:
        recorder = _ACTIVE.get()
        # Without a build's recorder, the memo's own fingerprints: one per call would hash a shared list (a series'
        # rows) again for every key.
        fingerprints = recorder.fingerprints if recorder is not None else memo.setdefault(_OWN_FINGERPRINTS,
                                                                                           Fingerprints())
        with recording(fingerprints, by_field) as inner:
            value = compute()
        entry = memo[key] = (value, inner.reads, inner.unrecordable)
    else:
        outer = _ACTIVE.get()
        if outer is not None:
            outer.reads.update(entry[1])
            outer.unrecordable |= entry[2]
    return entry[0]


def still_remembered(memo: dict, holds: Callable[[Reads], bool]) -> dict:
    """The entries of a remembered() memo whose reads, holds(reads) says, give the same answers now (made again on a
    later build's records): a memo kept for another build keeps these, and the others are computed again."""
    return {key: entry for key, entry in memo.items() if isinstance(entry, tuple) and not entry[2] and holds(entry[1])}


class Recorded:
    """A record whose field reads are recorded. Its class says its token (`record_token`)."""

    __slots__ = ()
    TOKEN_KIND = ""  # "fact", "page"…: with the value of TOKEN_FIELD, its token
    TOKEN_FIELD = ""  # the field that names this record among its kind; "" for a record of which there is one
    # Reading any field reads the whole record (a fact, a source: small, and shown whole on a card), which
    # costs a tenth of recording each field; a page and the site view are read field by field, as a page's
    # navigation reads the other pages' titles and not their HTML.
    READ_WHOLE = True

    def __getattribute__(self, name: str) -> Any:
        value = object.__getattribute__(self, name)
        if name[0] != "_":  # dunders and memos are never recorded: the quickest test first
            recorder = _ACTIVE.get()
            if recorder is not None:
                cls = type(self)
                if name in (_FIELDS.get(cls) or _recorded_fields(cls)):
                    # The quickest test first: a template reads the same records hundreds of times a page.
                    if cls.READ_WHOLE:
                        if recorder.records_noted.get(id(self)) is not self:
                            recorder.note_record(self, name)
                    else:
                        token = object.__getattribute__(self, "__dict__").get("_read_token") or _token_of(self)
                        if (token, name) not in recorder.reads:
                            recorder.note(token, name, value)
        return value


_FIELDS: dict[type, frozenset[str]] = {}


def _recorded_fields(cls: type) -> frozenset[str]:
    """A record's dataclass fields, less those whose names start with "_" (memos, which `remembered` covers)."""
    names = _FIELDS.get(cls)
    if names is None:
        names = _FIELDS[cls] = frozenset(name for name in getattr(cls, "__dataclass_fields__", ())
                                         if not name.startswith("_"))
    return names


def _token_of(record: Recorded) -> Token:
    """A record's token, worked out once and kept in the record (its key field never changes)."""
    own = object.__getattribute__(record, "__dict__")
    token = own.get("_read_token")
    if token is None:
        token = own["_read_token"] = record_token(record)
    return token


def record_token(value: Any) -> Token | None:
    if isinstance(value, Recorded):
        cls = type(value)
        if not cls.TOKEN_FIELD:
            return cls.TOKEN_KIND
        return f"{cls.TOKEN_KIND}:{object.__getattribute__(value, cls.TOKEN_FIELD)}"
    if isinstance(value, (RecordedTable, RecordedMapping)):
        return value.token
    return None


def unkeepable() -> None:
    """What the recording under way makes must not be kept: some of what it read could not be recorded."""
    recorder = _ACTIVE.get()
    if recorder is not None:
        recorder.unrecordable = True


def _note_key(token: Token, data: Mapping, key) -> None:
    """A lookup of key in data (a missing key too: what was made depends on its being missing)."""
    recorder = _ACTIVE.get()
    if recorder is not None:
        recorder.note(token, f"[{key}]", dict.get(data, key, _MISSING_TEXT) if isinstance(data, dict)
                      else data.get(key, _MISSING_TEXT))


def _note_every_key(token: Token, data: Mapping) -> None:
    """A look through data: iterating, counting or copying it reads its whole list of keys."""
    recorder = _ACTIVE.get()
    if recorder is not None:
        recorder.note_keys(token, data)


class RecordedTable(dict):
    """A table of the fact store (id → record), whose lookups are recorded reads."""

    __slots__ = ("token",)

    def __init__(self, token: Token, *arguments, **named) -> None:
        super().__init__(*arguments, **named)
        self.token = token

    def __reduce__(self):  # pickled to the Markdown workers: as a table, with its token
        return (_rebuild_table, (self.token, dict(dict.items(self))))

    def _key(self, key) -> None:
        _note_key(self.token, self, key)

    def _every_key(self) -> None:
        _note_every_key(self.token, self)

    def __getitem__(self, key):
        self._key(key)
        return dict.__getitem__(self, key)

    def get(self, key, default=None):
        self._key(key)
        return dict.get(self, key, default)

    def __contains__(self, key) -> bool:
        self._key(key)
        return dict.__contains__(self, key)

    def __iter__(self):
        self._every_key()
        return dict.__iter__(self)

    def __len__(self) -> int:
        self._every_key()
        return dict.__len__(self)

    def keys(self):
        self._every_key()
        return dict.keys(self)

    def values(self):
        self._every_key()
        return dict.values(self)

    def items(self):
        self._every_key()
        return dict.items(self)

    def copy(self) -> dict:
        self._every_key()
        return dict(dict.items(self))

    def __or__(self, other) -> dict:
        return {**self.copy(), **other}

    def __eq__(self, other) -> bool:
        self._every_key()
        return dict.__eq__(self, other)

    __hash__ = None


_MISSING_TEXT = "\x00missing"  # what a lookup of an id the table does not have reads


def _rebuild_table(token: Token, items: dict) -> RecordedTable:
    return RecordedTable(token, items)


class RecordedMapping(Mapping):
    """A read-only mapping handed to a stage (e.g. chart name → its HTML), whose lookups are recorded reads."""

    def __init__(self, token: Token, data: Mapping) -> None:
        self.token, self._data = token, data

    def __getitem__(self, key):
        _note_key(self.token, self._data, key)
        return self._data[key]

    def __contains__(self, key) -> bool:
        _note_key(self.token, self._data, key)
        return key in self._data

    def __iter__(self):
        _note_every_key(self.token, self._data)
        return iter(self._data)

    def __len__(self) -> int:
        _note_every_key(self.token, self._data)
        return len(self._data)


class Registry:
    """The new build's records by token: where kept reads are made again."""

    def __init__(self, roots: list[Any], tables: Mapping[str, Mapping] = ()) -> None:
        """roots: records and mappings with a token of their own (the view, the store, the settings, a mapping);
        tables: kind → the table holding that kind's records by key ("fact" → store.facts, "page" → pages)."""
        self._objects: dict[Token, Any] = {}
        for root in roots:
            self._objects[record_token(root)] = root
        self._tables = dict(tables)

    def add(self, kind: str, token: Token, record: Any) -> None:
        """A record of kind that joins its table (a page, as the stage comes to it)."""
        self._tables[kind][token.partition(":")[2]] = record
        self._objects.pop(token, None)  # a lookup made before it joined found nothing

    def resolve(self, token: Token) -> Any:
        found = self._objects.get(token, _MISSING)
        if found is _MISSING:
            kind, _, key = token.partition(":")
            table = self._tables.get(kind)
            found = dict.get(table, key, _MISSING) if isinstance(table, dict) else _MISSING
            self._objects[token] = found
        return found


def still_valid(reads: Reads, registry: Registry, fingerprints: Fingerprints,
                checked: dict[Read, Fingerprint | None]) -> bool:
    """Whether every read, made again on the registry's records, gives what it gave. checked: this build's
    answers so far (shared by every kept result checked in one build; many pages read the same fields)."""
    with not_recording():
        for read, fingerprint in reads.items():
            now = checked.get(read, _MISSING)
            if now is _MISSING:
                now = checked[read] = read_again(read, registry, fingerprints)
            if now != fingerprint:
                return False
    return True


def read_again(read: Read | Token, registry: Registry, fingerprints: Fingerprints) -> Fingerprint | None:
    if isinstance(read, str):  # a whole record
        holder = registry.resolve(read)
        return None if holder is _MISSING else fingerprints.record(holder)
    token, name = read
    holder = registry.resolve(token)
    if holder is _MISSING:
        return None
    try:
        if name.startswith(FIELDS_READ):
            return fingerprints.fields_of(holder, name)
        if name.startswith("[") and name.endswith("]"):
            data = holder._data if isinstance(holder, RecordedMapping) else holder
            if name == ALL_KEYS:
                return fingerprints.keys_of(data)
            key = name[1:-1]
            value = dict.get(data, key, _MISSING_TEXT) if isinstance(data, dict) else data.get(key, _MISSING_TEXT)
            return fingerprints.of(value)
        return fingerprints.of(object.__getattribute__(holder, name))
    except (AttributeError, Unrecordable, TypeError):
        return None
