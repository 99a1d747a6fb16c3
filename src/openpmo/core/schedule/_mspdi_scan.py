"""Reading a plain Microsoft Project XML file's fields straight from its bytes, column by column.

lxml's tree of the 2,441-task shared file costs more than the whole read may (its ~200,000
elements become Python-visible nodes, of which the engine reads a tenth), so a file written the
plain way Project and MPXJ write it is read without one:

1. libxml2 (through lxml, with the tree reader's protections) parses the whole file with no
   tree and no callbacks, so a file that is not well-formed XML, or that lxml would warn about,
   goes no further;
2. the file must be plain: UTF-8, no DOCTYPE, comment, CDATA or processing instruction, no
   ``\\r``, the root ``<Project xmlns="http://schemas.microsoft.com/project">`` and no other
   attribute or namespace, no ``>`` in text. Then every ``<`` opens a tag and the next ``>``
   closes it, so numpy finds all tags at once, their nesting depth by a running sum, and the
   names of those the reader wants by comparing bytes;
3. the text of each wanted element is the bytes between its tag and the next (references such
   as ``&amp;`` replaced), exactly what lxml's ``element.text`` is.

Anything else returns ``None`` and the file is read through lxml's tree (:mod:`._mspdi`), which
is also what explains any error: both ways hand the same fields to the same code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from lxml import etree
from numpy.lib.stride_tricks import sliding_window_view

from openpmo.core.schedule._mspdi_tasks import LINK, LINK_FIELDS, TASK_FIELDS, Columns
from openpmo.core.schedule._mspdi_values import NAMESPACE, Fields

ROOT = f'<Project xmlns="{NAMESPACE}">'.encode()
HEADER_FIELDS = (
    "StartDate",
    "CalendarUID",
    "MinutesPerDay",
    "MinutesPerWeek",
    "DaysPerMonth",
    "CriticalSlackLimit",
    "Title",
    "Name",
)
_TEXT_LIMIT = 10_000_000  # libxml2's longest text node without ``huge_tree``
_DECLARATION = re.compile(rb"<\?xml[^>]*\?>")
_ENCODING = re.compile(rb"""encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_REFERENCE = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}
_BEFORE_END = np.zeros(256, dtype=bool)  # bytes that may not end a tag's name: an attribute did
_BEFORE_END[[ord(c) for c in " \t\n\r\"'"]] = True


@dataclass(frozen=True)
class Scanned:
    """What the reader needs of a file: the project's fields, the ``<Calendars>`` element as
    written (to be read by lxml: it is small), and each task's fields with its links'."""

    header: Fields
    calendars: bytes
    columns: Columns
    links: list[list[Fields]]


def scan(data: bytes) -> Scanned | None:
    """The fields of a plain MSPDI file, or ``None`` if it is not plain (see the module)."""
    root = _plain_prolog(data)
    if root is None:
        return None
    tags = _Tags.of(data, root)
    if tags is None or not _well_formed(data):
        return None
    header, places = tags.children(tags.root, HEADER_FIELDS, ("Tasks", "Calendars"))
    columns: Columns = {name: [] for name in TASK_FIELDS}
    links: list[list[Fields]] = []
    if "Tasks" in places:
        columns, links = tags.tasks(places["Tasks"])
    calendars = b""
    if "Calendars" in places:
        first = places["Calendars"]
        calendars = data[tags.lt[first] : tags.gt[tags.end_of(first)] + 1]
    return Scanned(header, calendars, columns, links)


def _plain_prolog(data: bytes) -> int | None:
    """The number of the root's tag (1 after an XML declaration, else 0) if the file is UTF-8
    with no carriage return."""
    declared = _DECLARATION.match(data)
    if declared is not None:
        encoding = _ENCODING.search(declared[0])
        if encoding is not None and encoding[1].lower() not in (b"utf-8", b"utf8"):
            return None
    elif not data.startswith(b"<"):
        return None
    if b"\r" in data:
        return None
    return 1 if declared is not None else 0


class _Doctype:
    """An lxml parser target that builds nothing and notes a document type declaration."""

    seen = False

    def doctype(self, *_: object) -> None:
        self.seen = True

    def close(self) -> bool:
        return self.seen


def _well_formed(data: bytes) -> bool:
    """libxml2 parsed it, with the tree reader's protections, without an error or a warning."""
    target = _Doctype()
    parser = etree.XMLParser(
        target=target,
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        collect_ids=False,
    )
    try:
        doctype = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        return False
    return not doctype and len(parser.error_log) == 0


def _unescape(found: str) -> str:
    def one(match: re.Match[str]) -> str:
        name = match[1]
        if name.startswith("#x"):
            return chr(int(name[2:], 16))
        if name.startswith("#"):
            return chr(int(name[1:]))
        return _NAMED[name]

    return _REFERENCE.sub(one, found)


class _Tags:
    """Every tag of a plain file: where it starts (``lt``) and ends (``gt``), whether it closes
    an element or is one (``<x/>``), and the depth of the element it opens or closes."""

    def __init__(self, data: bytes, lt: np.ndarray, gt: np.ndarray, root: int) -> None:
        bytes_ = np.frombuffer(data, np.uint8)
        self.data, self.bytes, self.lt, self.gt, self.root = data, bytes_, lt, gt, root
        # Each byte a character, so that text is found where its bytes are; a text with a byte
        # over 127 (UTF-8 beyond ASCII) is decoded again as what it is.
        self.text = data.decode("latin-1")
        self.closing = bytes_[lt + 1] == ord("/")
        self.empty = bytes_[gt - 1] == ord("/")
        step = 1 - 2 * self.closing.astype(np.int32) - self.empty
        step[:root] = 0  # the XML declaration
        # an element's depth (the root's is 1), on the tag that opens it and the one that closes it
        self.depth = np.cumsum(step, dtype=np.int32) + (self.closing | self.empty)
        self.opening = ~self.closing

    @classmethod
    def of(cls, data: bytes, root: int) -> _Tags | None:
        bytes_ = np.frombuffer(data, np.uint8)
        lt = np.flatnonzero(bytes_ == ord("<"))
        gt = np.flatnonzero(bytes_ == ord(">"))
        if lt.size != gt.size or lt.size <= root:
            return None  # a ">" in some text
        if not ((lt < gt).all() and (gt[:-1] < lt[1:]).all()):
            return None
        if data[lt[root] : gt[root] + 1] != ROOT:
            return None  # another root, or one with more attributes: lxml's tree will say
        second = bytes_[lt[root:] + 1]
        if (second == ord("!")).any() or (second == ord("?")).any():
            return None  # a DOCTYPE, comment, CDATA or processing instruction
        tags = cls(data, lt, gt, root)
        after = slice(root + 1, None)
        last = gt[after] - 1 - tags.empty[after]
        if _BEFORE_END[bytes_[last]].any():
            return None  # an attribute or a space in a tag
        if lt.size > 1 and int((lt[1:] - gt[:-1]).max()) > _TEXT_LIMIT:
            return None
        return tags

    def end_of(self, tag: int) -> int:
        """The tag that closes the element ``tag`` opens (itself for ``<x/>``)."""
        if self.empty[tag]:
            return tag
        closes = np.flatnonzero(self.closing[tag:] & (self.depth[tag:] == self.depth[tag]))
        return tag + int(closes[0])

    def inside(self, tag: int, depth: int) -> np.ndarray:
        """The tags that open (or are) elements ``depth`` deep inside the element ``tag``."""
        stop = self.end_of(tag)
        part = slice(tag + 1, stop)
        return tag + 1 + np.flatnonzero(self.opening[part] & (self.depth[part] == depth))

    def names(self, tags: np.ndarray, wanted: tuple[str, ...]) -> np.ndarray:
        """Each tag's name as its place in ``wanted``, or -1."""
        found = np.full(tags.size, -1, dtype=np.int64)
        encoded = [name.encode() for name in wanted]
        width = max(len(name) for name in encoded)
        lengths = self.gt[tags] - self.lt[tags] - 1 - self.empty[tags]
        fits = np.zeros(width + 1, dtype=bool)
        fits[[len(name) for name in encoded]] = True
        maybe = np.flatnonzero(fits[np.minimum(lengths, width)] & (lengths <= width))
        if not maybe.size:
            return found
        start = np.minimum(self.lt[tags[maybe]] + 1, self.bytes.size - width)
        window = sliding_window_view(self.bytes, width)[start]  # a copy: the names' bytes
        window[np.arange(width) >= lengths[maybe, None]] = 0
        keys = window.view(f"S{width}").ravel()
        table = np.array(encoded, dtype=f"S{width}")
        order = np.argsort(table)
        at = np.minimum(np.searchsorted(table[order], keys), len(encoded) - 1)
        hit = table[order][at] == keys
        found[maybe[hit]] = order[at[hit]]
        return found

    def texts(self, tags: np.ndarray) -> list[str | None]:
        """Each element's ``text`` as lxml gives it (blank before a child element: none)."""
        text = self.text
        starts = (self.gt[tags] + 1).tolist()
        ends = self.lt[tags + 1].tolist()
        found: list[str | None] = [text[s:e] or None for s, e in zip(starts, ends, strict=True)]
        for k, value in enumerate(found):
            if value is not None and not value.isascii():
                found[k] = value = value.encode("latin-1").decode()
            if value is not None and "&" in value:
                found[k] = _unescape(value)
        nested = np.flatnonzero(self.opening[tags + 1] & ~self.empty[tags])
        for k in nested.tolist():
            if text[starts[k] : ends[k]].strip(" \t\n") == "":
                found[k] = None
        for k in np.flatnonzero(self.empty[tags]).tolist():
            found[k] = None
        return found

    def children(
        self, parent: int, fields: tuple[str, ...], places: tuple[str, ...]
    ) -> tuple[Fields, dict[str, int]]:
        """The text of ``parent``'s first child of each name in ``fields``, and where its first
        child of each name in ``places`` is."""
        children = self.inside(parent, int(self.depth[parent]) + 1)
        wanted = (*fields, *places)
        ids = self.names(children, wanted)
        first: dict[str, int] = {}
        for tag, at in zip(children.tolist(), ids.tolist(), strict=True):
            if at >= 0:
                first.setdefault(wanted[at], tag)
        named = [name for name in fields if name in first]
        values = self.texts(np.array([first[name] for name in named], dtype=np.int64))
        located = {name: first[name] for name in places if name in first}
        return dict(zip(named, values, strict=True)), located

    def first_fields(
        self, owners: np.ndarray, tags: np.ndarray, ids: np.ndarray, names: tuple[str, ...]
    ) -> list[list[str | None]]:
        """For each name, the text of each owner element's first child of that name (None if it
        has none); ``tags`` are the owners' children (in order), ``ids`` their names' places in
        ``names`` (-1 for others)."""
        keep = ids >= 0
        tags, ids = tags[keep], ids[keep]
        owner = np.searchsorted(owners, tags, side="right") - 1
        _, first = np.unique(owner * len(names) + ids, return_index=True)
        table = np.full((len(names), owners.size), None, dtype=object)
        table[ids[first], owner[first]] = self.texts(tags[first])
        return table.tolist()

    def tasks(self, tasks_tag: int) -> tuple[Columns, list[list[Fields]]]:
        """Each child of ``<Tasks>`` (whatever its name, as lxml's reader takes them): its
        fields as columns, and the fields of each of its ``PredecessorLink`` children."""
        depth = int(self.depth[tasks_tag])
        tasks = self.inside(tasks_tag, depth + 1)
        fields = self.inside(tasks_tag, depth + 2)
        ids = self.names(fields, (*TASK_FIELDS, LINK))
        is_link = ids == len(TASK_FIELDS)
        columns = self.first_fields(tasks, fields, np.where(is_link, -1, ids), TASK_FIELDS)
        links = fields[is_link]
        grouped: list[list[Fields]] = [[] for _ in range(tasks.size)]
        if links.size:
            inner = self.inside(tasks_tag, depth + 3)
            inner = inner[self._within(links, inner)]
            by_name = self.first_fields(links, inner, self.names(inner, LINK_FIELDS), LINK_FIELDS)
            owner = (np.searchsorted(tasks, links, side="right") - 1).tolist()
            for task, *values in zip(owner, *by_name, strict=True):
                grouped[task].append(dict(zip(LINK_FIELDS, values, strict=True)))
        return dict(zip(TASK_FIELDS, columns, strict=True)), grouped

    def _within(self, owners: np.ndarray, tags: np.ndarray) -> np.ndarray:
        """Which ``tags`` lie inside one of the ``owners`` elements (all of one depth)."""
        closing = np.flatnonzero(self.closing & (self.depth == self.depth[owners[0]]))
        ends = np.where(self.empty[owners], owners, closing[np.searchsorted(closing, owners)])
        owner = np.searchsorted(owners, tags, side="right") - 1
        return (owner >= 0) & (tags < ends[np.maximum(owner, 0)])
