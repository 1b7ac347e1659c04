"""The words the theme shows readers ("Sources", "Our translation from Korean", "Previous"), from one message
catalogue per language, with English as the source.

Every such word is marked where it is written: `gettext`/`ngettext`/`pgettext` (here) in Python, `_()` and
`{% trans %}` in templates (jinja2.ext.i18n, installed by render.make_environment with these functions).
`pybabel extract` collects them into locale/messages.pot (babel.cfg says where to look); a language's
translations are locale/<language>/LC_MESSAGES/messages.po, read here and compiled in memory. English needs no
catalogue: its words are the messages themselves. Data text (labels, excerpts, notes: data/ and content/) is
never looked up here.

One language is spoken at a time: the active `Words` (a context variable, English unless set). `speaking(tag)`
sets it for a stretch of work; a file rendered from a template is rendered in its site's language
(`SpokenTemplate`), so everything a template calls (a card's evidence, a date) answers in that language too.
A language without a catalogue speaks English, and says so (`language()` is then "en").

The build speaks each edition's language around the stages that write words (pipeline.py); the Markdown stage
speaks its store's language, in its worker processes too (prose/markdown_pool.Converter). A catalogue is read once
per process; what the build keeps is keyed by the catalogues' text (incremental/disk_store.engine_version).
`catalogue_problems(tag)` says which messages of messages.pot a language's catalogue lacks or marks fuzzy.

Messages follow Jinja's "newstyle" rules in Python too: the message is always a %-format (`%(name)s`, `%%`
for "%"), filled with the keyword arguments; ngettext also gives `num`.
"""
from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from babel import Locale, UnknownLocaleError
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from jinja2.nodes import EvalContext
from jinja2.utils import pass_eval_context
from markupsafe import Markup, escape

from ..errors import Problem

SOURCE_LANGUAGE = "en"  # the language the messages are written in
# The default theme's catalogues, beside its templates/ at the project's root (disk_store.engine_version keys them). A
# site folder keeps no locale/ of its own: its words would have to come in with SiteInputs to key what the build
# keeps, and a site's templates can write their own words in their own language.
LOCALE_FOLDER = Path(__file__).resolve().parents[2] / "locale"
TEMPLATE = "messages.pot"
DOMAIN = "messages"


@dataclass(frozen=True)
class Words:
    """A language's words: its tag as pages write it ("en", "ko") and its translations."""

    language: str
    translations: _gettext.NullTranslations

    @property
    def locale(self) -> Locale:
        return _locale(self.language)


SOURCE = Words(SOURCE_LANGUAGE, _gettext.NullTranslations())
_ACTIVE: ContextVar[Words] = ContextVar("words", default=SOURCE)


@lru_cache(maxsize=None)
def _locale(tag: str) -> Locale:
    return Locale.parse(tag, sep="-")


@lru_cache(maxsize=None)
def words_for(tag: str | None) -> Words:
    """The words of a language tag ("ko", "ko-KR", "en-GB"): its catalogue's in LOCALE_FOLDER, the most specific
    one there is ("ko_KR", then "ko"), else the source's English. Read once per process."""
    folder = LOCALE_FOLDER
    try:
        locale = _locale(tag or SOURCE_LANGUAGE)
    except (ValueError, UnknownLocaleError):
        return SOURCE
    for name in dict.fromkeys((str(locale), f"{locale.language}_{locale.territory}" if locale.territory else "",
                               locale.language)):
        path = folder / name / "LC_MESSAGES" / f"{DOMAIN}.po"
        if name and path.is_file():
            with path.open("rb") as po:
                return Words(name.replace("_", "-"), compiled(read_po(po, locale=name, domain=DOMAIN)))
    return SOURCE


def catalogue_problems(tag: str) -> list[Problem]:
    """What an edition in this language would show in English: each message of messages.pot its catalogue lacks,
    leaves empty or marks fuzzy (a warning naming the msgid and the .po file; an error under --strict). A
    language with no catalogue is one warning; English needs none. Read once per process and folder, as the
    catalogue itself is (words_for): every preview rebuild asks, and parsing both files took 3 ms of each."""
    return list(_catalogue_problems(tag, LOCALE_FOLDER))


@lru_cache(maxsize=None)
def _catalogue_problems(tag: str, folder: Path) -> tuple[Problem, ...]:
    words = words_for(tag)
    try:
        asked = _locale(tag)
    except (ValueError, UnknownLocaleError):
        return ()  # site.json's check says what is wrong with the tag
    if asked.language == SOURCE_LANGUAGE:
        return ()
    template = folder / TEMPLATE
    if words is SOURCE:
        path = folder / asked.language / "LC_MESSAGES" / f"{DOMAIN}.po"
        return (Problem(path, 1, 1, f'no catalogue of the theme\'s words for "{tag}", so its edition shows them in '
                                    f"English: make one from {TEMPLATE} (docs/themes.md, \"Words readers see\").",
                        "warning"),)
    path = _catalogue_path(words.language)
    with path.open("rb") as po:
        catalogue = read_po(po, locale=words.language.replace("-", "_"), domain=DOMAIN)
    with template.open("rb") as pot:
        wanted = [message for message in read_po(pot) if message.id]
    problems = []
    for message in wanted:
        found = catalogue.get(message.id, message.context)
        msgid = message.id if isinstance(message.id, str) else message.id[0]
        strings = found.string if found is not None and isinstance(found.string, tuple) else (
            (found.string,) if found is not None else ())
        if found is None or not all(strings):
            problems.append(Problem(path, 1, 1, f"msgid {msgid!r} has no translation in {path.name}: its "
                                                "edition shows the English words; translate it.", "warning"))
        elif found.fuzzy:
            problems.append(Problem(path, found.lineno or 1, 1, f"msgid {msgid!r} is marked fuzzy: its edition "
                                    "shows the English words until it is checked and the fuzzy flag removed.",
                                    "warning"))
    return tuple(problems)


def _catalogue_path(name: str) -> Path:
    return LOCALE_FOLDER / name.replace("-", "_") / "LC_MESSAGES" / f"{DOMAIN}.po"


def compiled(catalogue) -> Translations:
    """A babel.messages.Catalog as gettext translations, compiled in memory (no .mo files to keep)."""
    mo = io.BytesIO()
    write_mo(mo, catalogue)
    mo.seek(0)
    return Translations(mo, domain=DOMAIN)


def active() -> Words:
    return _ACTIVE.get()


def language() -> str:
    """The tag of the language whose words are being shown: "en" also for a language with no catalogue."""
    return _ACTIVE.get().language


@contextmanager
def speaking(tag: str | Words | None) -> Iterator[Words]:
    """Show the words of this language (a tag, or Words) until the block ends."""
    words = tag if isinstance(tag, Words) else words_for(tag)
    token = _ACTIVE.set(words)
    try:
        yield words
    finally:
        _ACTIVE.reset(token)


def gettext(message: str, **variables: Any) -> str:
    return _ACTIVE.get().translations.gettext(message) % variables


def ngettext(singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return _ACTIVE.get().translations.ngettext(singular, plural, num) % variables


def pgettext(context: str, message: str, **variables: Any) -> str:
    return _ACTIVE.get().translations.pgettext(context, message) % variables


# What templates call: jinja2.ext.i18n's "newstyle" gettext (the message a %-format filled with the keyword
# arguments, escaped where the template escapes), reached in one call rather than its three: a page has dozens.
def _filled(eval_context: EvalContext, text: str, variables: dict) -> str:
    if eval_context.autoescape:
        text = Markup(text)
    return text % variables if variables or "%" in text else text


@pass_eval_context
def _template_gettext(eval_context: EvalContext, message: str, **variables: Any) -> str:
    return _filled(eval_context, _ACTIVE.get().translations.gettext(message), variables)


@pass_eval_context
def _template_ngettext(eval_context: EvalContext, singular: str, plural: str, num: int, **variables: Any) -> str:
    variables.setdefault("num", num)
    return _filled(eval_context, _ACTIVE.get().translations.ngettext(singular, plural, num), variables)


@pass_eval_context
def _template_pgettext(eval_context: EvalContext, context: str, message: str, **variables: Any) -> str:
    return _filled(eval_context, _ACTIVE.get().translations.pgettext(context, message), variables)


@pass_eval_context
def _template_npgettext(eval_context: EvalContext, context: str, singular: str, plural: str, num: int,
                        **variables: Any) -> str:
    variables.setdefault("num", num)
    return _filled(eval_context, _ACTIVE.get().translations.npgettext(context, singular, plural, num), variables)


def install(environment: jinja2.Environment) -> None:
    """Give a template environment `_()`, `{% trans %}` and friends, answering in the active language, and
    render each of its files in its site's language."""
    environment.add_extension("jinja2.ext.i18n")
    environment.newstyle_gettext = True  # what {% trans %} compiles to: gettext(message, **variables)
    environment.globals.update(_=_template_gettext, gettext=_template_gettext, ngettext=_template_ngettext,
                               pgettext=_template_pgettext, npgettext=_template_npgettext,
                               language_name=language_name)  # "Korean", in the words being shown
    environment.template_class = SpokenTemplate


class SpokenTemplate(jinja2.Template):
    """A template rendered in the language of the site it is given (`site.settings.language`), read as part of
    what the file read; without a site (a chart's figure, a share card), in the active language."""

    def render(self, *args: Any, **kwargs: Any) -> str:
        site = kwargs.get("site")
        if site is None:
            return super().render(*args, **kwargs)
        with speaking(site.settings.language):
            return super().render(*args, **kwargs)


def language_name(tag: str) -> str:
    """The name of a language (an excerpt's "ko", "zh-Hans"), in the words being shown: CLDR's, through
    Babel; an unknown tag as it is."""
    return _ACTIVE.get().locale.languages.get(tag.split("-")[0].lower(), tag)


class LazyWords:
    """A message read in the language spoken when it is read, for tables made when the engine is imported
    (outputs.OUTPUTS' titles): it acts as the text, and fingerprints (incremental/reads.py) as the text readers see."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message

    def __str__(self) -> str:
        return gettext(self.message)

    read_fingerprint = __str__

    def __html__(self) -> str:  # escaped as its text is where a template inserts it
        return escape(str(self))

    def __repr__(self) -> str:
        return repr(str(self))

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __eq__(self, other: object) -> bool:
        return str(self) == (str(other) if isinstance(other, LazyWords) else other)

    def __lt__(self, other: object) -> bool:
        return str(self) < (str(other) if isinstance(other, LazyWords) else other)

    def __hash__(self) -> int:  # as the text's, which it equals
        return hash(str(self))

    def __bool__(self) -> bool:
        return bool(self.message)

    def __len__(self) -> int:
        return len(str(self))

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __radd__(self, other: str) -> str:
        return other + str(self)

    def __reduce__(self):
        return LazyWords, (self.message,)

    def __getattr__(self, name: str) -> Any:  # str's methods (split, lower, …), not dunder look-ups (__html__)
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(str(self), name)


def lazy_gettext(message: str) -> LazyWords:
    return LazyWords(message)
