"""Safe YAML loading that keeps every value's line and column, and refuses hostile documents."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypedDict

import yaml

from composer.core.errors import Location, SpecError

from composer.core.limits import MAX_DEPTH, MAX_DOCUMENT_BYTES, MAX_NODES, MAX_SPEC_CHARS, MAX_STRING_CHARS  # noqa: E402

PathKey = tuple[Any, ...]
_COLLECTION_TAGS = {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
# Characters XML 1.0 cannot carry: C0 controls but tab/newline/return, surrogates, U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser: same marks, ~10x faster


class _Where(TypedDict):
    """Where a string sits, for SpecError's keyword arguments."""

    location: Location
    path: str


@dataclass
class Positions:
    """Maps a value's path inside the document, e.g. ("elements", 2, "font"), to its location."""

    file: str
    marks: dict[PathKey, tuple[str, int, int]] = field(default_factory=dict)
    key_marks: dict[PathKey, tuple[str, int, int]] = field(default_factory=dict)
    slot_of: dict[str, tuple[str, Any, set]] = field(default_factory=dict)  # 'elements[i]' (or a stack child's path) a slot filled -> (name, Location, keys given)

    def locate(self, path: PathKey, *, key: bool = False) -> Location:
        """The location of the value (or, with key=True, of its key) at `path`, or its nearest parent."""
        table = self.key_marks if key else self.marks
        p = tuple(path)
        while p:
            if p in table:
                f, line, col = table[p]
                return Location(f, line, col)
            if not key and p in self.key_marks:
                f, line, col = self.key_marks[p]
                return Location(f, line, col)
            p = p[:-1]
        f, line, col = self.marks.get((), (self.file, 1, 1))
        return Location(f, line, col)

    def graft(self, other: Positions, src: PathKey, dst: PathKey) -> None:
        """Copy `other`'s marks under `src` to sit under `dst` here (used when merging layouts)."""
        n = len(src)
        for table, mine in ((other.marks, self.marks), (other.key_marks, self.key_marks)):
            for p, mark in table.items():
                if p[:n] == src:
                    mine[dst + p[n:]] = mark


def format_path(path: PathKey) -> str:
    """('elements', 2, 'font', 'size') -> 'elements[2].font.size'."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "(document)"


# Keys whose value is always words: a bare number or YAML 1.1 boolean there is kept as it was written.
TEXT_KEYS = frozenset({"text", "title", "alt", "label", "center_label", "delta_label", "prompt", "negative_prompt",
                       "caption"})


def _is_text_field(path: PathKey) -> bool:
    """A text key, or a slot's plain content (`slots: {price: 1.10}`)."""
    if len(path) == 2 and path[0] == "slots":
        return True
    return bool(path) and path[-1] in TEXT_KEYS


class _Converter:
    """Turns a composed YAML node graph into plain Python, recording positions and limits."""

    def __init__(self, file: str):
        self.positions = Positions(file)
        self.file = file
        self.count = 0
        self.chars = 0  # characters of every string, each alias counted again
        self.constructor = yaml.constructor.SafeConstructor()

    def _mark(self, node: yaml.Node) -> tuple[str, int, int]:
        return (self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def convert(self, node: yaml.Node, path: PathKey, depth: int) -> Any:
        self.count += 1
        if self.count > MAX_NODES:
            raise SpecError(
                f"the document expands to more than {MAX_NODES:,} values "
                "(an alias/anchor bomb?); refused",
                location=Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1),
            )
        if depth > MAX_DEPTH:
            raise SpecError(
                f"the document nests deeper than {MAX_DEPTH} levels; refused",
                location=Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1),
            )
        self.positions.marks[path] = self._mark(node)
        if not isinstance(node, yaml.ScalarNode) and node.tag not in _COLLECTION_TAGS:
            raise SpecError(
                f"the YAML tag {node.tag!r} is not allowed; only plain mappings, lists and scalars are",
                location=Location(self.file, *self._mark(node)[1:]), path=format_path(path),
            )
        if isinstance(node, yaml.MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    raise SpecError(
                        "YAML merge keys (<<) are not supported; write the keys out",
                        location=Location(self.file, *self._mark(key_node)[1:]),
                    )
                key = self._scalar(key_node)
                if isinstance(key, (dict, list)) or key is None:
                    raise SpecError(
                        "mapping keys must be plain strings",
                        location=Location(self.file, *self._mark(key_node)[1:]),
                        path=format_path(path),
                    )
                if key in out:
                    first = self.positions.key_marks.get(path + (key,))
                    where = f" (first at line {first[1]})" if first else ""
                    raise SpecError(
                        f"duplicate key {key!r}{where}; each key may appear once",
                        location=Location(self.file, *self._mark(key_node)[1:]),
                        path=format_path(path + (key,)),
                    )
                self.positions.key_marks[path + (key,)] = self._mark(key_node)
                out[key] = self.convert(value_node, path + (key,), depth + 1)
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self.convert(v, path + (i,), depth + 1) for i, v in enumerate(node.value)]
        value = self._scalar(node)
        if isinstance(value, (bool, int, float)) and not node.style and _is_text_field(path):
            value = node.value  # `text: 1.10` is the words "1.10", not 1.1; `text: NO` is "NO", not false
        if isinstance(value, str):
            self._check_string(value, node, path)
        return value

    def _check_string(self, value: str, node: yaml.Node, path: PathKey) -> None:
        where = _Where(location=Location(self.file, *self._mark(node)[1:]), path=format_path(path))
        self.chars += len(value)
        if len(value) > MAX_STRING_CHARS:
            raise SpecError(f"a string of {len(value):,} characters; at most {MAX_STRING_CHARS} characters are allowed", **where)
        if self.chars > MAX_SPEC_CHARS:
            raise SpecError(
                f"the document's strings add up to more than {MAX_SPEC_CHARS:,} characters once aliases "
                "expand; refused", **where,
            )
        bad = _NOT_XML.search(value)
        if bad:
            raise SpecError(f"the character U+{ord(bad.group(0)):04X} cannot appear in a poster's text or SVG; "
                            "remove it", **where)

    def _scalar(self, node: yaml.Node) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            return {} if isinstance(node, yaml.MappingNode) else []
        if node.tag == "tag:yaml.org,2002:timestamp":
            return node.value  # dates stay as written: "2026-01-01" is a label, not a datetime
        try:
            return self.constructor.construct_object(node, deep=True)
        except yaml.constructor.ConstructorError as e:
            raise SpecError(f"unsupported YAML value: {e.problem}", location=Location(self.file, *self._mark(node)[1:])) from None


def _check_depth(text: str, file: str) -> None:
    """Refuse nesting past MAX_DEPTH, found on the pure-Python event stream (it has no nesting limit of its own)."""
    depth = 0
    try:
        for ev in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(ev, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH + 1:  # the events count the document's own top level too
                    raise SpecError(f"the document nests deeper than {MAX_DEPTH} levels; refused",
                                    location=Location(file, ev.start_mark.line + 1, ev.start_mark.column + 1))
            elif isinstance(ev, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        return  # composing reports syntax errors with their own message


def _tab_indented(text: str, line: int) -> bool:
    """Whether the (0-based) line's leading whitespace holds a tab."""
    lines = text.splitlines()
    if not 0 <= line < len(lines):
        return False
    row = lines[line]
    return "\t" in row[: len(row) - len(row.lstrip(" \t"))]


def load_yaml_text(text: str, file: str) -> tuple[Any, Positions]:
    """Parse YAML text into plain Python plus positions; SpecError on any problem."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_DOCUMENT_BYTES:
        raise SpecError(
            f"the document is larger than {MAX_DOCUMENT_BYTES // (1024 * 1024)} MB; refused",
            location=Location(file),
        )
    try:
        node = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as e:
        if "nesting depth" in str(e.problem):  # libyaml's own limit (newer versions): ours is lower, find it
            _check_depth(text, file)
        mark = e.problem_mark or e.context_mark
        loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file)
        problem = e.problem or e.context or "invalid YAML"
        if e.problem and e.context and e.context_mark is not None:
            problem += f" ({e.context} that starts at line {e.context_mark.line + 1})"
        if mark and _tab_indented(text, mark.line):
            problem += "; this line is indented with a tab: YAML indentation must use spaces"
        raise SpecError(f"YAML syntax error: {problem}", location=loc) from None
    except yaml.YAMLError as e:
        raise SpecError(f"YAML error: {e}", location=Location(file)) from None
    except RecursionError:
        raise SpecError("the document nests too deeply; refused", location=Location(file)) from None
    conv = _Converter(file)
    if node is None:
        return None, conv.positions
    try:
        data = conv.convert(node, (), 0)
    except RecursionError:
        raise SpecError("the document nests too deeply; refused", location=Location(file)) from None
    for p, mark in list(conv.positions.marks.items()):
        if mark[0] == "":
            conv.positions.marks[p] = (file, mark[1], mark[2])
    return data, conv.positions


def load_yaml_file(path: Path, display: str | None = None) -> tuple[Any, Positions]:
    """Read and parse a YAML file; a missing, oversized or non-UTF-8 file gives a SpecError."""
    name = display or str(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise SpecError("file not found", location=Location(name)) from None
    except OSError as e:
        raise SpecError(f"cannot read the file: {e.strerror}", location=Location(name)) from None
    if not path.is_file():
        raise SpecError("not a file", location=Location(name))
    if size > MAX_DOCUMENT_BYTES:
        raise SpecError(
            f"the document is {size / 1e6:.1f} MB, larger than the "
            f"{MAX_DOCUMENT_BYTES // (1024 * 1024)} MB limit; refused",
            location=Location(name),
        )
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        before = raw[: e.start]
        line = before.count(b"\n") + 1
        col = e.start - (before.rfind(b"\n") + 1) + 1
        raise SpecError(
            f"the file is not valid UTF-8 (byte 0x{raw[e.start]:02x}); save it as UTF-8",
            location=Location(name, line, col),
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return load_yaml_text(text, name)
