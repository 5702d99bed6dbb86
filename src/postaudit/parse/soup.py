"""The page's BeautifulSoup tree: `make_soup(html)`, the tree `BeautifulSoup(html,
"lxml")` builds, built in about half the time.

bs4's lxml builder hands every parser event (start tag, text, end tag) to the
`BeautifulSoup` object's generic handlers, and each `Tag` to its generic constructor:
more than nine tenths of the tree's cost is that Python, not lxml. `LeanBuilder` is
bs4's own `LXMLTreeBuilder` (same lxml parser, same options, same events) whose event
handlers do only what those handlers do for an HTML document: the same objects, the
same fields, the same links between them, the same parser state at the end. Anything
they are not written for (a namespace map, an end tag that closes more than the
innermost element, an attribute in a namespace) goes to bs4's own handler for that
event, so the tree is still bs4's.

Each tag's fields come from a template bs4's own constructor made for that tag name
(a field bs4 makes anew for every tag is copied); the builder serves bs4's default
options only and refuses others.

`same_tree(a, b)` compares two trees field by field (every node's class, text and
fields, attributes with their key and value classes, every link, which nodes share an
object, the builder's namespace state). The first `make_soup` of a process checks the
lean tree against bs4's own on a probe document holding every construct the handlers
treat (`_PROBE`); if they differ, or the lean builder fails on this bs4 version, every
page of the process is parsed by bs4's own builder, and so is any page the lean
builder fails on. tests/test_soup.py compares the two on the corpus, the rule
fixtures, generated pages and random documents.
"""

from __future__ import annotations

import re
from copy import copy
from functools import cache
from typing import Any

from bs4 import BeautifulSoup
from bs4.builder._lxml import LXMLTreeBuilder
from bs4.element import Comment, Doctype, NavigableString, PageElement, Tag

#: The characters bs4 treats as whitespace when it collapses a whitespace-only string
#: (`BeautifulSoup.ASCII_SPACES`).
_SPACES = "\x20\x0a\x09\x0c\x0d"
#: bs4's split of a multi-valued attribute ("class", "rel", ...): its `nonwhitespace_re`.
_split = re.compile(r"\S+").findall
_new = object.__new__
_set = dict.__setitem__
#: Fields of a `Tag` that differ between two tags of one name: not in the templates.
_OWN = frozenset(
    {
        "parent",
        "previous_element",
        "next_element",
        "previous_sibling",
        "next_sibling",
        "attrs",
        "contents",
        "_namespaces",
    }
)
#: tag name -> the fields bs4's constructor gives every tag of that name, and those of
#: them it makes anew for each tag (`LeanBuilder._template`); dropped past the limit
#: (junk markup can name any number of tags).
_TEMPLATES: dict[str, tuple[dict[str, Any], tuple[str, ...]]] = {}
_TEMPLATES_LIMIT = 2_000
_MUTABLE = (set, dict, list)


class LeanBuilder(LXMLTreeBuilder):
    """bs4's lxml HTML builder with event handlers that build the tree directly."""

    def feed(self, markup: Any) -> None:
        soup = self.soup
        if not (
            type(soup) is BeautifulSoup
            and soup.parse_only is None
            and not soup.element_classes
            and self.cdata_list_attributes is self.DEFAULT_CDATA_LIST_ATTRIBUTES
            and self.preserve_whitespace_tags is self.DEFAULT_PRESERVE_WHITESPACE_TAGS
            and self.string_containers is self.DEFAULT_STRING_CONTAINERS
        ):
            # the templates and handlers are written for bs4's defaults only
            raise ValueError("LeanBuilder builds the default BeautifulSoup(html, 'lxml') tree only")
        self._ns = self.active_namespace_prefixes[-1]
        cdata = self.cdata_list_attributes or {}
        self._universal = cdata.get("*", ())
        self._specific = cdata
        super().feed(markup)

    def _template(self, name: str) -> tuple[dict[str, Any], tuple[str, ...]]:
        """The fields bs4's `Tag` constructor gives a tag `name` in this builder, less
        those of `_OWN`, and the names of those it makes anew for every tag (a
        container's `interesting_string_types` set): two tags made by the constructor
        hold different objects there, and each lean tag gets its own copy."""
        one, two = (
            vars(Tag(self.soup, self, name, None, None, None, None, None, namespaces=self._ns))
            for _ in range(2)
        )
        fields = {k: v for k, v in one.items() if k not in _OWN}
        fresh = tuple(k for k, v in fields.items() if v is not two[k] and isinstance(v, _MUTABLE))
        if len(_TEMPLATES) >= _TEMPLATES_LIMIT:
            _TEMPLATES.clear()
        _TEMPLATES[name] = found = (fields, fresh)
        return found

    def _flush(self, container: type[NavigableString] | None = None) -> None:
        """`BeautifulSoup.endData(container)` for a document being parsed."""
        soup = self.soup
        assert soup is not None
        data = soup.current_data
        if not data:
            return
        s = "".join(data)
        if not soup.preserve_whitespace_tag_stack and not s.strip(_SPACES):
            s = "\n" if "\n" in s else " "
        soup.current_data = []
        if container is None:
            container = NavigableString
            stack = soup.string_container_stack
            if stack:
                container = self.string_containers.get(stack[-1].name, container)
        self._attach(str.__new__(container, s), {"hidden": False})

    def _attach(self, node: PageElement, fields: dict[str, Any]) -> None:
        """Give a new `node` its `fields` and bs4's links (`PageElement.setup` then
        `contents.append`, as `BeautifulSoup.object_was_parsed` and `pushTag` do): the
        last child of the current tag, parsed just after the most recent element."""
        soup = self.soup
        assert soup is not None
        parent = soup.currentTag
        assert parent is not None
        prev = soup._most_recent_element
        siblings = parent.contents
        prev_sib = siblings[-1] if siblings else None
        fields["parent"] = parent
        fields["previous_element"] = prev
        fields["next_element"] = None
        fields["next_sibling"] = None
        fields["previous_sibling"] = prev_sib
        node.__dict__ = fields
        if prev is not None:
            prev.next_element = node
        if prev_sib is not None:
            prev_sib.next_sibling = node
        soup._most_recent_element = node
        siblings.append(node)

    def start(self, tag: Any, attrib: Any, nsmap: Any = {}) -> None:  # noqa: B006 (bs4's signature)
        if nsmap or len(self.nsmaps) > 1 or tag[:1] == "{":
            return super().start(tag, attrib, nsmap)
        soup = self.soup
        assert soup is not None
        if soup.current_data:
            self._flush()
        attrs = self.attribute_dict_class(attrib)
        if attrs:
            universal = self._universal
            specific = self._specific.get(tag.lower(), ())
            for k in attrs:
                if k in universal or k in specific:
                    # a list: what bs4's attribute dicts store as given
                    _set(attrs, k, self.attribute_value_list_class(_split(attrs[k])))
                elif k[:1] == "{":
                    return super().start(tag, attrib, nsmap)
        template, fresh = _TEMPLATES.get(tag) or self._template(tag)
        t = _new(Tag)
        fields = {**template, "_namespaces": self._ns, "attrs": attrs, "contents": []}
        for k in fresh:
            fields[k] = copy(fields[k])
        self._attach(t, fields)
        if tag == "meta":
            self.set_up_substitutions(t)
        soup.tagStack.append(t)
        soup.currentTag = t
        soup.open_tag_counter[tag] += 1
        if tag in self.preserve_whitespace_tags:
            soup.preserve_whitespace_tag_stack.append(t)
        if tag in self.string_containers:
            soup.string_container_stack.append(t)

    def end(self, tag: Any) -> None:
        soup = self.soup
        assert soup is not None
        current = soup.currentTag
        assert current is not None
        stack = soup.tagStack
        if (
            current.name != tag
            or current.prefix is not None
            or len(stack) < 2
            or len(self.nsmaps) > 1
        ):
            return super().end(tag)
        if soup.current_data:
            self._flush()
        stack.pop()
        soup.open_tag_counter[tag] -= 1
        preserved = soup.preserve_whitespace_tag_stack
        if preserved and preserved[-1] is current:
            preserved.pop()
        containers = soup.string_container_stack
        if containers and containers[-1] is current:
            containers.pop()
        soup.currentTag = stack[-1]

    def data(self, data: Any) -> None:
        soup = self.soup
        assert soup is not None
        soup.current_data.append(data)

    def _whole(self, text: str, container: type[NavigableString]) -> None:
        soup = self.soup
        assert soup is not None
        self._flush()
        soup.current_data.append(text)
        self._flush(container)

    def comment(self, text: Any) -> None:
        self._whole(text, Comment)

    def doctype(self, name: Any, pubid: Any, system: Any) -> None:
        self._whole(Doctype._string_for_name_and_ids(name, pubid, system), Doctype)

    def pi(self, target: Any, data: Any) -> None:
        self._whole(target + " " + data, self.processing_instruction_class)


# ------------------------------------------------------------------------ comparison

_LINKS = ("parent", "previous_element", "next_element", "previous_sibling", "next_sibling")
_STATE_LINKS = ("currentTag", "_most_recent_element")
_STATE_LISTS = ("contents", "tagStack", "preserve_whitespace_tag_stack", "string_container_stack")


def _nodes(soup: BeautifulSoup) -> list[PageElement]:
    return [soup, *soup.descendants]


def _attribute_shape(attrs: dict[Any, Any]) -> list[tuple[Any, ...]]:
    """What `same_tree` compares of a tag's attributes beyond their equality: each key's
    class and namespace, each value's class, its own fields (a meta charset's original
    value) and the classes of its items (a multi-valued attribute's)."""
    return [
        (
            type(k),
            getattr(k, "prefix", None),
            getattr(k, "namespace", None),
            type(v),
            dict(vars(v)) if hasattr(v, "__dict__") else None,
            [type(item) for item in v] if isinstance(v, list) else None,
        )
        for k, v in attrs.items()
    ]


#: The builder's own state after a parse (the parser object and the soup aside).
_BUILDER_STATE = ("nsmaps", "active_namespace_prefixes")


def same_tree(a: BeautifulSoup, b: BeautifulSoup) -> str | None:
    """None when the trees are the same, field for field: each node's class and text;
    every field of its `vars()` with its value's class (dicts, a Counter among them,
    compared entry for entry); attributes in order, with `_attribute_shape`; every link
    between nodes, by position in document order; which nodes share one set, dict or
    list object (a copy where bs4 shares, or sharing where bs4 copies, is a
    difference); and the builder's namespace state. Else the first difference, in
    words."""
    na, nb = _nodes(a), _nodes(b)
    if len(na) != len(nb):
        return f"{len(na)} nodes, not {len(nb)}"
    pa = {id(x): i for i, x in enumerate(na)}
    pb = {id(x): i for i, x in enumerate(nb)}
    # object id -> (node, field) where it was first seen, per tree
    seen_a: dict[int, tuple[int, str]] = {}
    seen_b: dict[int, tuple[int, str]] = {}

    def at(pos: dict[int, int], x: object) -> int | None:
        return None if x is None else pos.get(id(x), -1)

    for i, (x, y) in enumerate(zip(na, nb, strict=True)):
        if type(x) is not type(y):
            return f"node {i}: {type(x).__name__}, not {type(y).__name__}"
        if isinstance(x, str) and str(x) != str(y):
            return f"node {i}: text {str(x)!r}, not {str(y)!r}"
        vx, vy = vars(x), vars(y)
        if set(vx) != set(vy):
            return f"node {i}: fields {sorted(set(vx) ^ set(vy))}"
        for k, p in vx.items():
            q = vy[k]
            if k == "builder":
                continue
            if k in _LINKS or k in _STATE_LINKS:
                if at(pa, p) != at(pb, q):
                    return f"node {i}: {k}"
                continue
            if k in _STATE_LISTS:
                if [at(pa, c) for c in p] != [at(pb, c) for c in q]:
                    return f"node {i}: {k}"
                continue
            if k == "attrs":
                if type(p) is not type(q) or list(p.items()) != list(q.items()):
                    return f"node {i}: attributes {dict(p)!r}, not {dict(q)!r}"
                if _attribute_shape(p) != _attribute_shape(q):
                    return f"node {i}: attribute classes or fields"
            elif type(p) is not type(q) or p != q or (isinstance(p, dict) and dict(p) != dict(q)):
                return f"node {i}: {k} {p!r}, not {q!r}"
            first = (i, k)
            if isinstance(p, (set, dict, list)) and (
                seen_a.setdefault(id(p), first) != seen_b.setdefault(id(q), first)
            ):
                return f"node {i}: {k} is shared differently"
    for k in _BUILDER_STATE:
        if getattr(a.builder, k, None) != getattr(b.builder, k, None):
            return f"builder: {k}"
    return None


# ------------------------------------------------------------------------ entry point

#: A document with every construct `LeanBuilder` handles itself, and some it hands on.
_PROBE = (
    "\ufeff<!DOCTYPE html PUBLIC '-//W3C//DTD XHTML 1.0 Strict//EN' 'http://x/y.dtd'>"
    "<html lang=en><head><meta charset=utf-8>"
    "<meta http-equiv=Content-Type content='text/html; charset=ISO-8859-1'>"
    "<title>T &amp; t</title><style>p{}</style><link rel='stylesheet  alt' href=s.css>"
    "<script>if (a < b) {}</script></head><body class=' x  y '>\n  \n<!-- note -->"
    "<?php echo 1 ?><p>One <b>two</b> three<p>Four<br>five <a rel='next nofollow' "
    "href=/n>next</a><pre>\n  kept  \n</pre><textarea> t </textarea><template><p>in "
    "<i>it</i></p></template><ruby>a<rp>(</rp><rt>b</rt></ruby><table><tr><td "
    "headers='h1 h2'>c<th>d</table><svg xmlns='http://www.w3.org/2000/svg'><rect/></svg>"
    "<fb:like href=x></fb:like><ul><li>e<li>f</ul><div id=a id=b> \t </div>\x0c"
    "<form accept-charset='a b'></form><img src=i.png alt=''></body></html>"
)


@cache
def lean_works() -> bool:
    """Whether `LeanBuilder` builds bs4's own tree in this process (checked once)."""
    try:
        lean = BeautifulSoup(_PROBE, builder=LeanBuilder)
        return same_tree(BeautifulSoup(_PROBE, "lxml"), lean) is None
    except Exception:  # any failure on this bs4 version: use bs4's own builder
        return False


def make_soup(html: str) -> BeautifulSoup:
    """`BeautifulSoup(html, "lxml")`, built by `LeanBuilder` when it works here. A page
    the lean builder fails on is parsed again by bs4's own builder, whose error (if
    any) is the one raised."""
    if lean_works():
        try:
            return BeautifulSoup(html, builder=LeanBuilder)
        except Exception:  # never this builder's failure: bs4's own answers
            pass
    return BeautifulSoup(html, "lxml")
