"""incremental/reads.py records every read of a record, however quickly it tells a record it has already noted."""
from __future__ import annotations

from dataclasses import dataclass

from explainer.incremental.reads import Fingerprints, ImmutableMemo, Recorded, RecordedTable, recording


@dataclass
class Figure(Recorded):  # read whole, as a fact is
    TOKEN_KIND = "figure"
    TOKEN_FIELD = "id"
    id: str
    value: int


@dataclass(frozen=True)
class Quote(Recorded):  # frozen, as the store's facts and sources are
    TOKEN_KIND = "quote"
    TOKEN_FIELD = "id"
    id: str
    words: str


@dataclass
class Chapter(Recorded):  # read field by field, as a page is
    TOKEN_KIND = "chapter"
    TOKEN_FIELD = "id"
    READ_WHOLE = False
    id: str
    title: str
    html: str


def test_records_made_and_dropped_while_recording_are_each_noted_though_python_reuses_their_ids():
    """A record known by its identity must stay alive while it is known: a new record with a freed record's id
    would otherwise pass for one already noted, and what read it would be kept past its change."""
    with recording(Fingerprints()) as recorder:
        for number in range(200):
            assert Figure(f"f{number}", number).value == number  # made, read and dropped at once
    assert {f"figure:f{number}" for number in range(200)} <= set(recorder.reads)


def test_a_record_read_again_is_noted_once_and_a_changed_one_gives_another_fingerprint():
    figure, chapter = Figure("a", 1), Chapter("c", "Title", "<p>long</p>" * 40)
    with recording(Fingerprints()) as first:
        for _ in range(3):
            figure.value, chapter.title, chapter.title
    assert set(first.reads) == {"figure:a", ("chapter:c", "title")}  # not the chapter's html: never read
    figure.value = 2
    with recording(Fingerprints()) as second:
        figure.value, chapter.title
    assert second.reads["figure:a"] != first.reads["figure:a"]
    assert second.reads["chapter:c", "title"] == first.reads["chapter:c", "title"]


def test_a_frozen_records_fingerprint_lasts_from_build_to_build_and_a_mutable_ones_is_taken_again():
    """The lasting memo (the preview's, kept between rebuilds) keeps a frozen record's fingerprint by its identity:
    the same object cannot have changed. A new object, the record as data/ now says, is fingerprinted anew; a
    record that can change in place is fingerprinted again in every build."""
    lasting = ImmutableMemo()
    quote, figure = Quote("q", "211 defectors held jobs"), Figure("a", 1)
    first = Fingerprints(lasting)
    before = first.record(quote), first.record(figure)
    digests: list = []
    lasting.next_build()
    second = Fingerprints(lasting)
    import explainer.incremental.reads as reads
    original = reads._record_digest
    reads._record_digest = lambda record: digests.append(record) or original(record)
    try:
        assert second.record(quote) == before[0]
        figure.value = 2  # mutable: changed in place, and seen to
        assert second.record(figure) != before[1]
        edited = Quote("q", "212 defectors held jobs")
        assert second.record(edited) != before[0]
    finally:
        reads._record_digest = original
    assert quote not in digests and figure in digests and edited in digests


def test_recording_by_field_notes_only_the_fields_read_of_a_record_read_whole():
    """A page's Markdown reads a fact field by field (prose/markdown_pool.py): a change to a field it never read (the
    label, which only the card shows) leaves its reads the same; a change to one it read does not."""
    figure = Figure("a", 1)
    with recording(Fingerprints(), by_field=True) as first:
        figure.value, figure.value, figure.id
    assert set(first.reads) == {("figure:a", "fields:id,value")}  # the fields read of one record: one read
    with recording(Fingerprints(), by_field=True) as same:
        label_changed = Figure("a", 1)
        label_changed.value, label_changed.id
    assert same.reads == first.reads
    with recording(Fingerprints(), by_field=True) as changed:
        value_changed = Figure("a", 2)
        value_changed.id, value_changed.value
    assert set(changed.reads) == set(first.reads) and changed.reads != first.reads


def test_a_table_s_keys_are_fingerprinted_apart_from_its_value():
    """A table read as a value (its token) and looked through (its keys) in one build: each read gets its own
    fingerprint, whichever comes first, so a key added to the table changes what looking through it gave."""
    table = RecordedTable("table:figures", {"a": Figure("a", 1)})
    fingerprints = Fingerprints()
    as_value = fingerprints.of(table)
    assert fingerprints.keys_of(table) == Fingerprints().keys_of(table) != as_value
    grown = RecordedTable("table:figures", {"a": Figure("a", 1), "b": Figure("b", 2)})
    later = Fingerprints()
    assert later.of(grown) == as_value and later.keys_of(grown) != fingerprints.keys_of(table)


def test_a_block_rendered_once_a_build_hands_what_it_read_to_every_file_that_shows_it():
    """SiteView.once (`{% call site.once(key) %}`: a fact's line in the references of every page that cites it)
    renders the block for the first file that shows it; each later file gets the same text and records the same
    reads, so that it is made again when what the block showed changes, as if it had rendered the block itself."""
    import jinja2
    from types import SimpleNamespace

    from explainer.render.templates import SiteView

    template = jinja2.Environment().from_string(
        '{% call site.once("chapter", chapter.id) %}<li>{{ chapter.title }}</li>{% endcall %}')
    view, chapter, blocks = SimpleNamespace(_memo={}), Chapter("c", "Arrivals", ""), []
    view.once = lambda *key, caller: SiteView.once(view, *key, caller=lambda: blocks.append(key) or caller())
    files = []
    for _ in range(2):
        with recording(Fingerprints()) as recorder:
            files.append(template.render(site=view, chapter=chapter))
        assert set(recorder.reads) == {("chapter:c", "id"), ("chapter:c", "title")}
    assert files == ["<li>Arrivals</li>"] * 2 and blocks == [("chapter", "c")]
