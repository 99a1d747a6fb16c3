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

Steps 2 and 3 look only at the file up to the first ``</Tasks>`` when the project's fields and
calendars come before it, as Project writes them (resources and assignments, a quarter of the
shared file, are never read); libxml2 still checks all of it.

Anything else returns ``None`` and the file is read through lxml's tree (:mod:`._mspdi`), which
is also what explains any error: both ways hand the same fields to the same code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from lxml import etree
from numpy.lib.stride_tricks import sliding_window_view

from openpmo.core.schedule._mspdi_tasks import LINK, LINK_FIELDS, TASK_FIELDS, Tasks
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
_PLACES = ("Tasks", "Calendars")
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
    tasks: Tasks


def scan(data: bytes) -> Scanned | None:
    """The fields of a plain MSPDI file, or ``None`` if it is not plain (see the module)."""
    root = _plain_prolog(data)
    if root is None:
        return None
    # Project writes the project's fields and calendars before its tasks and what follows them
    # (resources, assignments) is never read: only the file up to ``</Tasks>`` is looked at, if
    # that is where the first <Tasks> ends and all the project's fields came before it.
    found = _up_to_tasks(data, root) or _everything(data, root)
    if found is None or not _well_formed(data):
        return None
    tags, header, places = found
    tasks: Tasks = ({name: [] for name in TASK_FIELDS}, {name: [] for name in LINK_FIELDS}, [])
    if "Tasks" in places:
        tasks = tags.tasks(places["Tasks"])
    calendars = b""
    if "Calendars" in places:
        first = places["Calendars"]
        calendars = data[tags.lt[first] : tags.gt[tags.end_of(first)] + 1]
    return Scanned(header, calendars, tasks)


_Found = tuple["_Tags", Fields, dict[str, int]]


def _up_to_tasks(data: bytes, root: int) -> _Found | None:
    opened = data.find(b"<Tasks>")
    closed = data.rfind(b"</Tasks>")  # what follows is shorter than what comes before
    if opened < 0 or closed < 0:
        return None
    tags = _Tags.of(data, root, closed + len(b"</Tasks>"))
    if tags is None:
        return None
    header, places = tags.children(tags.root, HEADER_FIELDS, _PLACES)
    tasks = places.get("Tasks")
    if len(header) < len(HEADER_FIELDS) or len(places) < len(_PLACES) or tasks is None:
        return None
    if tags.lt[tasks] != opened or tags.end_of(tasks) != tags.lt.size - 1:
        return None
    return tags, header, places


def _everything(data: bytes, root: int) -> _Found | None:
    tags = _Tags.of(data, root, len(data))
    if tags is None:
        return None
    return tags, *tags.children(tags.root, HEADER_FIELDS, _PLACES)


def _plain_prolog(data: bytes) -> int | None:
    """The number of the root's tag (1 after an XML declaration, else 0) if the file is UTF-8."""
    declared = _DECLARATION.match(data)
    if declared is not None:
        encoding = _ENCODING.search(declared[0])
        if encoding is not None and encoding[1].lower() not in (b"utf-8", b"utf8"):
            return None
        return 1
    return 0 if data.startswith(b"<") else None


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


class _Names:
    """Names to find among tags, each as whole 8-byte words (zero after the name) and a hash."""

    def __init__(self, names: tuple[str, ...]) -> None:
        encoded = [name.encode() for name in names]
        self.width = -(-max(len(name) for name in encoded) // 8) * 8
        self.lengths = np.zeros(self.width + 2, dtype=bool)  # past the widest: none
        self.lengths[[len(name) for name in encoded]] = True
        table = np.zeros((len(names), self.width), dtype=np.uint8)
        for row, name in enumerate(encoded):
            table[row, : len(name)] = list(name)
        self.words = table.view(np.uint64)
        # for each length, the words that keep that many bytes of a name and zero the rest
        keep = np.arange(self.width) < np.arange(self.width + 2)[:, None]
        self.masks = np.where(keep, 0xFF, 0).astype(np.uint8).view(np.uint64)
        hashes = _hash(self.words)
        self.order = np.argsort(hashes)
        self.hashes = hashes[self.order]
        # sorted, so equal hashes are neighbours (np.unique would import numpy.ma: ~10 ms a run)
        assert (np.diff(self.hashes) != 0).all(), "two names share a hash"  # noqa: S101


def _hash(words: np.ndarray) -> np.ndarray:
    found = words[:, 0].copy()
    for k in range(1, words.shape[1]):
        found ^= words[:, k] * np.uint64(0x9E3779B97F4A7C15 + 2 * k)  # wraps around: a hash
    return found


_WANTED: dict[tuple[str, ...], _Names] = {
    names: _Names(names)
    for names in ((*HEADER_FIELDS, *_PLACES), (*TASK_FIELDS, LINK), LINK_FIELDS)
}


class _Tags:
    """Every tag of a plain file (up to ``stop``): where it starts (``lt``) and ends (``gt``),
    whether it closes an element or is one (``<x/>``), and the depth of the element it opens or
    closes (the root's is 1)."""

    def __init__(
        self, data: bytes, lt: np.ndarray, gt: np.ndarray, closing: np.ndarray, empty: np.ndarray
    ) -> None:
        self.data, self.lt, self.gt, self.closing, self.empty = data, lt, gt, closing, empty
        self.bytes = np.frombuffer(data, np.uint8)
        self.opening = ~closing
        step = (~empty).view(np.int8) - 2 * closing.view(np.int8)  # open 1, <x/> 0, close -1
        self.depth = np.cumsum(step, dtype=np.int32) + (closing | empty)
        self.ends: dict[int, int] = {}  # end_of's answers

    @classmethod
    def of(cls, data: bytes, root: int, stop: int) -> _Tags | None:
        """The tags of ``data[:stop]``, if that part is plain (see the module); the XML
        declaration, if any, is left out, so that the root is tag 0."""
        bytes_ = np.frombuffer(data, np.uint8, count=stop)
        # Every "<" and ">" at once: they differ in one bit (0x3C, 0x3E) that no other byte
        # sets to either; in a plain file they take turns, "<" first.
        marks = np.flatnonzero((bytes_ | 2) == ord(">"))[2 * root :]
        if marks.size % 2 or not marks.size or data.find(b"\r", 0, stop) >= 0:
            return None  # a ">" in some text, or a line end that XML would change
        lt, gt = marks[0::2].copy(), marks[1::2].copy()
        if not ((bytes_[lt] == ord("<")).all() and (bytes_[gt] == ord(">")).all()):
            return None
        if data[lt[0] : gt[0] + 1] != ROOT:
            return None  # another root, or one with more attributes: lxml's tree will say
        second = bytes_[lt + 1]
        if (second == ord("!")).any() or (second == ord("?")).any():
            return None  # a DOCTYPE, comment, CDATA or processing instruction
        before = bytes_[gt - 1]
        empty = before == ord("/")
        if _BEFORE_END[before[1:]].any() or _BEFORE_END[bytes_[gt[empty] - 2]].any():
            return None  # an attribute or a space in a tag (the root's are known)
        tags = cls(data, lt, gt, second == ord("/"), empty)
        if lt.size > 1 and int((lt[1:] - gt[:-1]).max()) > _TEXT_LIMIT:
            return None
        return tags

    @property
    def root(self) -> int:
        return 0

    def end_of(self, tag: int) -> int:
        """The tag that closes the element ``tag`` opens (itself for ``<x/>``; -1 if none)."""
        if self.empty[tag]:
            return tag
        if tag not in self.ends:
            closes = np.flatnonzero(self.closing[tag:] & (self.depth[tag:] == self.depth[tag]))
            self.ends[tag] = tag + int(closes[0]) if closes.size else -1
        return self.ends[tag]

    def inside(self, tag: int, depth: int) -> np.ndarray:
        """The tags that open (or are) elements ``depth`` deep inside the element ``tag``."""
        stop = self.end_of(tag)
        part = slice(tag + 1, stop if stop >= 0 else self.lt.size)
        return tag + 1 + np.flatnonzero(self.opening[part] & (self.depth[part] == depth))

    def names(self, tags: np.ndarray, wanted: tuple[str, ...]) -> np.ndarray:
        """Each tag's name as its place in ``wanted``, or -1."""
        names = _WANTED[wanted]
        width = names.width
        found = np.full(tags.size, -1, dtype=np.int64)
        lengths = self.gt[tags] - self.lt[tags] - 1 - self.empty[tags]
        maybe = np.flatnonzero(names.lengths[np.minimum(lengths, width + 1)])
        start = self.lt[tags[maybe]] + 1
        if not maybe.size or start[-1] + width > self.bytes.size:
            return self._names_one_by_one(tags, wanted)  # a name within a word of the end
        words = sliding_window_view(self.bytes, width)[start].view(np.uint64)  # the names' bytes
        words &= names.masks[lengths[maybe]]
        at = np.minimum(np.searchsorted(names.hashes, _hash(words)), len(wanted) - 1)
        candidate = names.order[at]
        hit = np.ones(maybe.size, dtype=bool)
        for k in range(words.shape[1]):
            hit &= names.words[candidate, k] == words[:, k]
        found[maybe[hit]] = candidate[hit]
        return found

    def _names_one_by_one(self, tags: np.ndarray, wanted: tuple[str, ...]) -> np.ndarray:
        places = {name.encode(): k for k, name in enumerate(wanted)}
        data = self.data
        return np.array(
            [
                places.get(data[start + 1 : end - (data[end - 1] == ord("/"))], -1)
                for start, end in zip(self.lt[tags].tolist(), self.gt[tags].tolist(), strict=True)
            ],
            dtype=np.int64,
        )

    def texts(self, tags: np.ndarray) -> list[str | None]:
        """Each element's ``text`` as lxml gives it (none if empty, or blank before a child)."""
        starts = (self.gt[tags] + 1).astype(np.int32)  # a file is far under 2 GB
        lengths = np.where(self.empty[tags], 0, self.lt[tags + 1] - starts).astype(np.int32)
        # All the texts, each ended by a NUL (which XML text cannot hold), decoded and split at
        # once: far quicker than slicing them out one by one.
        sizes = lengths + 1
        ends = np.cumsum(sizes, dtype=np.int32)
        where = np.repeat(starts - (ends - sizes), sizes)
        where += np.arange(where.size, dtype=np.int32)
        joined = self.bytes[where]
        joined[ends - 1] = 0
        raw = joined.tobytes()
        found: list[str | None] = raw.decode().split("\0")
        found.pop()  # after the last NUL
        for k in np.flatnonzero(lengths == 0).tolist():
            found[k] = None
        if b"&" in raw:
            found = [_unescape(v) if v is not None and "&" in v else v for v in found]
        for k in np.flatnonzero(self.opening[tags + 1] & (lengths > 0)).tolist():
            if not self.data[starts[k] : starts[k] + lengths[k]].strip(b" \t\n"):
                found[k] = None  # blank before a child element: lxml drops it
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
        keys = owner * len(names) + ids
        if np.bincount(keys, minlength=1).max(initial=0) > 1:  # a name twice in one element
            _, first = np.unique(keys, return_index=True)
            owner, ids, tags = owner[first], ids[first], tags[first]
        by_name = np.argsort(ids, kind="stable")  # each name's, in file order
        texts = self.texts(tags[by_name])
        owner = owner[by_name].tolist()
        ends = np.cumsum(np.bincount(ids, minlength=len(names))).tolist()
        columns = []
        for start, end in zip([0, *ends], ends, strict=False):
            if end - start == owners.size:  # every owner has one
                columns.append(texts[start:end])
                continue
            column: list[str | None] = [None] * owners.size
            for at in range(start, end):
                column[owner[at]] = texts[at]
            columns.append(column)
        return columns

    def tasks(self, tasks_tag: int) -> Tasks:
        """Each child of ``<Tasks>`` (whatever its name, as lxml's reader takes them) and each
        of their ``PredecessorLink`` children: their fields as columns, and each link's task."""
        depth = int(self.depth[tasks_tag])
        tasks = self.inside(tasks_tag, depth + 1)
        fields = self.inside(tasks_tag, depth + 2)
        ids = self.names(fields, (*TASK_FIELDS, LINK))
        is_link = ids == len(TASK_FIELDS)
        columns = self.first_fields(tasks, fields, np.where(is_link, -1, ids), TASK_FIELDS)
        links = fields[is_link]
        by_name: list[list[str | None]] = [[] for _ in LINK_FIELDS]
        if links.size:
            inner = self.inside(tasks_tag, depth + 3)
            inner = inner[self._within(links, inner)]
            by_name = self.first_fields(links, inner, self.names(inner, LINK_FIELDS), LINK_FIELDS)
        owners = (np.searchsorted(tasks, links, side="right") - 1).tolist()
        return (
            dict(zip(TASK_FIELDS, columns, strict=True)),
            dict(zip(LINK_FIELDS, by_name, strict=True)),
            owners,
        )

    def _within(self, owners: np.ndarray, tags: np.ndarray) -> np.ndarray:
        """Which ``tags`` lie inside one of the ``owners`` elements (all of one depth)."""
        closing = np.flatnonzero(self.closing & (self.depth == self.depth[owners[0]]))
        ends = owners.copy()  # an empty <x/> ends where it starts
        open_ = ~self.empty[owners]
        ends[open_] = closing[np.searchsorted(closing, owners[open_])]
        owner = np.searchsorted(owners, tags, side="right") - 1
        return (owner >= 0) & (tags < ends[np.maximum(owner, 0)])
