"""The fast path of the YAML reader: libyaml's C composer on one small `---` span, go-yaml v2's rules
applied to its node tree, the tree dropped as soon as the span's objects are built.

The event walker (k8syaml._build) is the reader's definition; this path must give the same objects,
positions and duplicate keys, and gives up (returns None) wherever they could differ or the text is
wrong: any YAML, tag, merge or alias error, a duplicate anchor (libyaml's composer refuses what
go-yaml accepts), an alias used as a key, nesting past DEPTH, an alias bomb, positions asked of
a document with aliases (a node tree places an alias where its anchor is). Then the event walker
reads the span again and its answer, errors included, is the one given; tests/test_yaml_reader.py
pins the two paths to the same answers on generated documents.

Why it is bounded: spans longer than MAX_CHARS go to the event walker (a node tree costs ~100x its
text in memory; nothing of it outlives the span); libyaml stops nesting at 1,000 levels, so the C
composer's recursion is bounded, and the walk below (Python recursion, two frames a level) stops at
DEPTH, well inside the interpreter's recursion limit.
"""
from __future__ import annotations

from array import array

import yaml
from yaml.cyaml import CParser
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from ..errors import WinkubeError
from .k8syaml import (_MERGE_TAG, _NUMERIC_START, _WORDS, MAX_ALIAS_EXPANSION, Duplicates, RawDocument,
                      YAMLInputError, _key, _size, _tagged, iter_documents, resolve_plain)

MAX_CHARS = 64 << 10  # a Kubernetes object is a few KiB; a span past this is read by the event walker
DEPTH = 100  # Kubernetes objects nest a few dozen levels; deeper text is the event walker's (MAX_DEPTH 512)

_PLAIN = "!winkube/plain"  # the tag an untagged plain scalar gets here (go-yaml's resolution applies)
_QUOTED = "!winkube/quoted"  # untagged and not plain: the text as it is
_MISSING = object()


class _Composer(CParser):
    """libyaml's composer, asking only 'plain or not' of an untagged scalar (the node's tag says
    which)."""

    def resolve(self, kind, value, implicit):
        return _PLAIN if kind is ScalarNode and implicit[0] else _QUOTED

    # path resolvers are PyYAML's; Kubernetes YAML has none (C no-ops measured no faster)
    def descend_resolver(self, parent, index):
        pass

    def ascend_resolver(self):
        pass


class _GiveUp(WinkubeError):
    """The event walker must read this span: its answer (an error, an alias's own position) is the one.
    Never leaves this module."""


def read_documents(text: str, positions: bool = False):
    """The documents of a YAML text, as k8syaml.iter_documents gives them (RawDocuments, or a
    YAMLInputError at the first that cannot be read): this fast path where it applies and answers."""
    spans = read_span(text, positions) if len(text) <= MAX_CHARS else None
    if spans is not None:
        return [raw for raw, _ in spans]
    return iter_documents(text, positions=positions)


def read_span(text: str, want_positions: bool = False) -> list[tuple[RawDocument, object]] | None:
    """(document, its root node) of each document of a span of at most MAX_CHARS, as
    k8syaml.iter_documents gives them, or None where the event walker must read it. A caller may
    keep a root node for a while to locate findings without composing again (positions())."""
    composer = _Composer(text)
    out = []
    aliases = may_alias(text)
    try:
        while composer.check_node():
            root = composer.get_node()
            out.append((_document(root, want_positions, aliases), root))
    except (_GiveUp, yaml.YAMLError, YAMLInputError, RecursionError):
        return None
    finally:
        composer.dispose()
    return out


def may_alias(text: str) -> bool:
    """Can a node of this text be shared? Only through an alias (`*a`) of an anchor (`&a`): without
    both characters none is, and an alias of no anchor is an error the event walker reports. (RBAC
    rules' `'*'` alone keeps the plain-shape walk.)"""
    return "*" in text and "&" in text


def positions(root, aliases: bool = True) -> RawDocument | None:
    """The document of a root node read_span gave, with positions; None where the event walker
    must re-read its text (an alias)."""
    try:
        return _document(root, True, aliases)
    except (_GiveUp, YAMLInputError, RecursionError):
        return None


def locate_plain(root, path) -> tuple[int, int]:
    """(line, column) of path in a document _plain_tree read (RawDocument.plain), found in its node
    tree: what the position table of a re-read gives (a key where it was last written, an item where
    it starts; the nearest existing parent), without reading the document again."""
    mark = mark_plain(root, path)
    if mark is None:  # as the table locator: the document's first line, column 1
        return root.start_mark.line + 1, 1
    return mark.line + 1, mark.column + 1


def mark_plain(root, path):
    """The libyaml mark locate_plain reads the position from (its index is the character offset in the
    span: the reported line's text is then found without counting lines), or None for the root."""
    node, mark, known = root, None, _KNOWN_KEYS
    for seg in path:
        if node.__class__ is MappingNode and not isinstance(seg, int):
            found = None
            for knode, vnode in reversed(node.value):  # the last of duplicate keys is the one kept
                key = knode.value
                # a plain key seen to read as its own text needs no resolution step (_KNOWN_KEYS)
                if (key if knode.tag is not _PLAIN or key in known else _plain_key(knode)) == seg:
                    found = knode, vnode
                    break
            if found is None:
                break
            mark, node = found[0].start_mark, found[1]
        elif node.__class__ is SequenceNode and isinstance(seg, int) and 0 <= seg < len(node.value):
            node = node.value[seg]
            mark = node.start_mark
        else:
            break
    return mark


def _plain_key(knode) -> str:
    key = knode.value
    if knode.tag is _PLAIN:
        word = _WORDS.get(key, _WORDS)
        if word is not _WORDS:
            return _key(word)
        if key[:1] in _NUMERIC_START:
            return _key(resolve_plain(key))
    return key


class _NotPlain(WinkubeError):
    """A tag, a merge key or a key that is not a scalar: _document's general walk reads it. Never leaves
    this module."""


# plain keys seen to read as their own text (apiVersion, metadata, ...): one set lookup instead of
# go-yaml's resolution steps; a bounded cache (at most _KNOWN_MAX keys of up to 64 characters)
_KNOWN_KEYS: set[str] = set()
_KNOWN_MAX = 4096


def _plain_tree(node, depth: int, duplicates: Duplicates):
    """The shape nearly every manifest has, read without the general walk's bookkeeping: mappings
    and sequences of untagged scalars, no merge key, no alias (the caller saw no `*`), no positions.
    Anything else raises _NotPlain. Same rules and order as _document (tests pin both)."""
    if depth >= DEPTH:
        raise _GiveUp
    words, numeric, known = _WORDS, _NUMERIC_START, _KNOWN_KEYS
    if node.__class__ is MappingNode:
        out: dict = {}
        for knode, vnode in node.value:
            if knode.__class__ is not ScalarNode:
                raise _NotPlain
            tag = knode.tag
            key = knode.value
            if tag is _PLAIN:
                if key not in known:
                    word = words.get(key, words)
                    if word is not words:
                        key = _key(word)
                    elif key[0] in numeric:
                        key = _key(resolve_plain(key))
                    elif key == "<<":
                        raise _NotPlain
                    elif len(known) < _KNOWN_MAX and len(key) <= 64:
                        known.add(key)
            elif tag is not _QUOTED:
                raise _NotPlain
            if key in out:
                mark = knode.start_mark
                duplicates.append((key, mark.line + 1, mark.column + 1))
            if vnode.__class__ is ScalarNode:
                tag = vnode.tag
                text = vnode.value
                if tag is _PLAIN:
                    item = words.get(text, words)
                    if item is words:
                        item = resolve_plain(text) if text[0] in numeric else text
                elif tag is _QUOTED:
                    item = text
                else:
                    raise _NotPlain
                out[key] = item
            else:
                out[key] = _plain_tree(vnode, depth + 1, duplicates)
        return out
    if node.__class__ is SequenceNode:
        out_list: list = []
        append = out_list.append
        for item in node.value:
            if item.__class__ is ScalarNode:
                tag = item.tag
                text = item.value
                if tag is _PLAIN:
                    word = words.get(text, words)
                    append((resolve_plain(text) if text[0] in numeric else text) if word is words else word)
                elif tag is _QUOTED:
                    append(text)
                else:
                    raise _NotPlain
            else:
                append(_plain_tree(item, depth + 1, duplicates))
        return out_list
    raise _NotPlain  # a scalar document


def _document(root, want_positions: bool, aliases: bool) -> RawDocument:
    if not want_positions and not aliases:
        duplicates = Duplicates()
        try:
            obj = _plain_tree(root, 0, duplicates)
            return RawDocument(obj, root.start_mark.line + 1, root.end_mark.line + 1, duplicates, False, None, True)
        except _NotPlain:
            pass
    duplicates = Duplicates()
    table: dict[int, object] | None = {} if want_positions else None
    seen: dict[int, object] | None = {} if aliases else None  # id(node) -> its value, for aliases
    open_nodes: set[int] = set()  # containers being read: an alias to one is a cycle
    sizes: dict[int, int] = {}
    expanded = [0]
    words, numeric, resolve = _WORDS, _NUMERIC_START, resolve_plain

    def alias(value) -> object:
        if table is not None:  # the alias's own position is not in the tree
            raise _GiveUp
        expanded[0] += _size(value, sizes)
        if expanded[0] > MAX_ALIAS_EXPANSION:
            raise _GiveUp
        return value

    def scalar(node):
        tag = node.tag
        if tag is _PLAIN:
            text = node.value
            value = words.get(text, words)  # resolve_plain, its first steps inline (as k8syaml._build)
            if value is words:
                value = resolve(text) if text[0] in numeric else text
        elif tag is _QUOTED or tag == _MERGE_TAG:
            value = node.value
        else:
            value = _tagged(tag, node.value, node.start_mark.line + 1)
        if seen is not None:
            seen[id(node)] = value
        return value

    def mapping(node, depth: int) -> dict:
        out: dict = {}
        if seen is not None:
            seen[id(node)] = out
            open_nodes.add(id(node))
        positions = None
        if table is not None:
            positions = table[id(out)] = {}
        explicit = None  # once a merge set keys: the keys written here (only they can be duplicates)
        for knode, vnode in node.value:
            ktag = knode.tag
            if seen is None and ktag is _PLAIN:  # the common key, inline (scalar() for the rest)
                key = knode.value
                word = words.get(key, words)
                if word is not words:
                    key = word
                elif key[0] in numeric:
                    key = resolve(key)
                elif key == "<<":
                    explicit = _merge(out, explicit, vnode, depth + 1)
                    continue
            else:
                if knode.__class__ is not ScalarNode or (seen is not None and id(knode) in seen):
                    raise _GiveUp  # a container as a key is an error; an alias as a key is placed at its anchor
                key = scalar(knode)
                if (ktag is _PLAIN and key == "<<") or ktag == _MERGE_TAG:
                    explicit = _merge(out, explicit, vnode, depth + 1)
                    continue
            if key.__class__ is not str:
                key = _key(key)
            if explicit is not None:
                duplicate = key in explicit
                explicit.add(key)
            else:
                duplicate = key in out
            if duplicate or positions is not None:
                mark = knode.start_mark
                if duplicate:
                    duplicates.append((key, mark.line + 1, mark.column + 1))
                if positions is not None:
                    positions[key] = mark.line + 1 << 32 | mark.column + 1  # k8syaml.pack, inline
            # the duplicate was noted before the value is read (k8syaml._build attaches a container
            # when it starts), so duplicates inside the value come after it, as there
            if seen is None and vnode.__class__ is ScalarNode and vnode.tag is _PLAIN:  # inline, as the key
                text = vnode.value
                item = words.get(text, words)
                if item is words:
                    item = resolve(text) if text[0] in numeric else text
                out[key] = item
            else:
                out[key] = value(vnode, depth + 1)
        if seen is not None:
            open_nodes.discard(id(node))
        return out

    def _merge(out: dict, explicit: set | None, vnode, depth: int) -> set:
        # go-yaml v2 (as k8syaml._merge): a mapping, an alias to one, or a list of mappings written
        # here; the merged keys are set now, over the keys before. Returns the keys written in out
        # (only they can be duplicates from now on).
        if explicit is None:
            explicit = set(out)
        written = vnode.__class__ is SequenceNode and (seen is None or id(vnode) not in seen)
        source = value(vnode, depth)
        if isinstance(source, dict):
            out.update(source)
            return explicit
        if not written or not all(isinstance(s, dict) for s in source):
            raise _GiveUp
        for s in reversed(source):  # of a list, earlier sources win
            out.update(s)
        return explicit

    def sequence(node, depth: int) -> list:
        out: list = []
        if seen is not None:
            seen[id(node)] = out
            open_nodes.add(id(node))
        if table is None:
            append = out.append
            for item in node.value:
                if seen is None and item.__class__ is ScalarNode and item.tag is _PLAIN:  # inline, as in mapping()
                    text = item.value
                    word = words.get(text, words)
                    append((resolve(text) if text[0] in numeric else text) if word is words else word)
                else:
                    append(value(item, depth + 1))
        else:
            positions = table[id(out)] = array("Q")
            for item in node.value:
                out.append(value(item, depth + 1))
                mark = item.start_mark
                positions.append(mark.line + 1 << 32 | mark.column + 1)
        if seen is not None:
            open_nodes.discard(id(node))
        return out

    def value(node, depth: int):
        if seen is not None:
            known = seen.get(id(node), _MISSING)
            if known is not _MISSING:
                if id(node) in open_nodes:
                    raise _GiveUp  # an anchor used inside itself
                return alias(known)
        cls = node.__class__
        if cls is ScalarNode:
            return scalar(node)
        if depth >= DEPTH:
            raise _GiveUp
        if cls is MappingNode:
            return mapping(node, depth)
        return sequence(node, depth)

    try:
        obj = value(root, 0)
    finally:  # the functions above refer to each other: a cycle the garbage collector would have to find
        value = mapping = sequence = scalar = _merge = alias = None  # noqa: F841
    return RawDocument(obj, root.start_mark.line + 1, root.end_mark.line + 1, duplicates, expanded[0] > 0, table)
