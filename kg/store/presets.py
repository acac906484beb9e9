"""Ready-made SPARQL queries with parameters (``kg query --preset NAME --param key=value``).

Each preset is one file of the package, ``kg/schemas/queries/presets/NAME.rq``: a
comment header names the preset, says what it returns and declares its parameters;
the query follows, with placeholders filled here (``schemas/README.md`` describes both).
The files are read once, on first use.

Parameter values are never pasted into query text as the user wrote them: each
becomes an RDF term object (a pyoxigraph ``Literal`` or ``NamedNode``) whose
N-Triples serialisation, escaped by pyoxigraph, fills a ``VALUES`` clause, and
integers are parsed as ``int`` first. A value such as ``" } ; DROP ALL ; #`` is
therefore just a string that matches nothing, and a query can never change the
store (the store is opened read-only and only queries, not updates, are run).
"""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from types import MappingProxyType
from typing import Any

import pyoxigraph as ox

from kg.errors import InputError, QueryError

KINDS = ("str", "int", "type")
# the namespaces every preset query declares, from kg.rdf.vocab.PREFIXES
QUERY_PREFIXES = ("kg", "skos", "dcterms", "schema")

_HEADER_LINE = re.compile(r"# (?P<key>[a-z]+): (?P<value>\S.*)")
_PARAM = re.compile(r"(?P<name>[a-z][a-z0-9_]*) \((?P<attrs>[^()]*)\): (?P<description>\S.*)")
_BINDS = re.compile(r"binds \?(?P<variable>[A-Za-z_][A-Za-z0-9_]*)")
# {values}, {entity_types}, {limit}, {if_x}, {end_x}, {include name}; SPARQL's own braces
# never hold a bare lower-case word, so they are never taken for one
_PLACEHOLDER = re.compile(r"\{(include [a-z0-9-]+|[a-z][a-z0-9_]*)\}")
_FILLED = ("values", "entity_types")


@dataclass(frozen=True)
class Param:
    name: str
    description: str
    kind: str = "str"  # "str" | "int" | "type"
    default: str | None = None  # None: required (unless optional)
    optional: bool = False
    variable: str | None = None  # str and type: the SPARQL variable the value binds


@dataclass(frozen=True)
class Preset:
    name: str
    description: str
    params: tuple[Param, ...]
    template: str  # fragments included; the other placeholders are filled by :func:`preset_query`
    source: str = ""  # the file it was read from
    includes: tuple[str, ...] = ()  # the fragments it includes, in order

    def usage(self) -> str:
        parts = []
        for p in self.params:
            s = f"{p.name}={p.kind.upper()}"
            parts.append(f"[{s}]" if p.optional or p.default is not None else s)
        return " ".join(f"--param {s}" for s in parts)


# ------------------------------------------------------------------ reading the .rq files

def _split(text: str, source: str, keys: tuple[str, ...]) -> tuple[list[tuple[int, str, str]], str, int]:
    """The header as (line number, key, value) and the query body with the number of its first line."""
    lines = text.split("\n")
    header: list[tuple[int, str, str]] = []
    n = 0
    while n < len(lines) and lines[n].startswith("#"):
        m = _HEADER_LINE.fullmatch(lines[n].rstrip())
        if not m or m["key"] not in keys:
            raise InputError(source, f"bad header line {lines[n]!r}; expected "
                             + ", ".join(f"'# {k}: ...'" for k in keys), n + 1)
        header.append((n + 1, m["key"], m["value"]))
        n += 1
    body = "\n".join(lines[n:]).removesuffix("\n")
    if not body.strip():
        raise InputError(source, "no query after the header", n + 1)
    if not header or header[0][1] != keys[0]:
        raise InputError(source, f"the header must start with '# {keys[0]}: NAME'", 1)
    for key in keys[:2]:
        found = [line for line, k, _ in header if k == key]
        if len(found) != 1:
            raise InputError(source, f"expected one '# {key}:' line, found {len(found)}",
                             found[1] if found else 1)
    return header, body, n + 1


def _param(value: str, source: str, line: int) -> Param:
    m = _PARAM.fullmatch(value)
    if not m:
        raise InputError(source, f"bad parameter {value!r}; expected "
                         "'NAME (KIND[, optional | default VALUE][, binds ?VAR]): DESCRIPTION'", line)
    name, kind, *attrs = [m["name"]] + [a.strip() for a in m["attrs"].split(",")]
    if kind not in KINDS:
        raise InputError(source, f"parameter {name!r}: unknown kind {kind!r}; expected one of: "
                         + ", ".join(KINDS), line)
    optional, default, variable = False, None, None
    for attr in attrs:
        if attr == "optional":
            optional = True
        elif attr.startswith("default "):
            default = attr.removeprefix("default ").strip()
        elif b := _BINDS.fullmatch(attr):
            variable = b["variable"]
        else:
            raise InputError(source, f"parameter {name!r}: unknown attribute {attr!r}; expected "
                             "optional, default VALUE or binds ?VAR", line)
    if optional and default is not None:
        raise InputError(source, f"parameter {name!r} is both optional and has a default", line)
    if kind == "int":
        if variable is not None:
            raise InputError(source, f"parameter {name!r}: an int fills {{{name}}}, it binds no variable", line)
        if default is None or not default.isdigit():
            raise InputError(source, f"parameter {name!r}: an int needs a default (a number >= 0)", line)
    if name in _FILLED or name.startswith(("if_", "end_")):
        raise InputError(source, f"parameter name {name!r} is reserved", line)
    return Param(name, m["description"], kind, default, optional,
                 None if kind == "int" else variable or name)


def _indent(text: str, at: int, lines: Sequence[str]) -> str:
    """``lines`` joined so that each continues at the indentation of the line holding ``at``."""
    before = text[text.rfind("\n", 0, at) + 1:at]
    indent = before[:len(before) - len(before.lstrip(" "))]
    return "\n".join([*lines[:1], *(indent + line if line else line for line in lines[1:])])


def parse_fragment(text: str, source: str = "<string>") -> tuple[str, str]:
    """The name and the text of a fragment file (``# fragment: NAME``, ``# description: ...``)."""
    header, body, first = _split(text, source, ("fragment", "description"))
    if m := _PLACEHOLDER.search(body):
        raise InputError(source, f"a fragment may hold no placeholder; found {m[0]}",
                         first + body.count("\n", 0, m.start()))
    return header[0][2], body


def parse_preset(text: str, source: str = "<string>",
                 fragments: Mapping[str, str] | None = None) -> Preset:
    """The preset of one ``.rq`` file; a bad header or placeholder is an InputError naming the line.

    >>> p = parse_preset("# preset: n\\n# description: d\\n# param: k (int, default 3): how many\\n"
    ...                  "SELECT * {} LIMIT {k}\\n")
    >>> p.params[0].kind, p.params[0].default, p.template
    ('int', '3', 'SELECT * {} LIMIT {k}')
    >>> parse_preset("# preset: n\\n# description: d\\nSELECT * { {valeus} }\\n", "n.rq")
    Traceback (most recent call last):
    kg.errors.InputError: n.rq:3: unknown placeholder {valeus}
    """
    fragments = fragments or {}
    header, body, first = _split(text, source, ("preset", "description", "param"))
    params: list[Param] = []
    for line, key, value in header:
        if key == "param":
            p = _param(value, source, line)
            if p.name in {q.name for q in params}:
                raise InputError(source, f"parameter {p.name!r} is declared twice", line)
            params.append(p)
    names = {p.name for p in params}
    numbers = {p.name for p in params if p.kind == "int"}
    seen: set[str] = set()
    open_part: str | None = None
    for m in _PLACEHOLDER.finditer(body):
        token, line = m[1], first + body.count("\n", 0, m.start())
        part = token.removeprefix("if_").removeprefix("end_")
        if token.startswith("include "):
            if token[8:] not in fragments:
                raise InputError(source, f"unknown fragment {token[8:]!r}; expected one of: "
                                 + ", ".join(sorted(fragments)), line)
        elif token.startswith("if_") and part in names:
            if open_part is not None:
                raise InputError(source, f"{m[0]} inside {{if_{open_part}}}: optional parts do not nest", line)
            open_part = part
        elif token.startswith("end_") and part in names:
            if open_part != part:
                raise InputError(source, f"{m[0]} without {{if_{part}}} before it", line)
            open_part = None
        elif token not in _FILLED and token not in numbers:
            raise InputError(source, f"unknown placeholder {m[0]}", line)
        seen.add(token)
    if open_part is not None:
        raise InputError(source, f"{{if_{open_part}}} has no {{end_{open_part}}}", first)
    for p in params:
        needed = p.name if p.kind == "int" else "values"
        if needed not in seen:
            raise InputError(source, f"parameter {p.name!r} is unused: the query has no {{{needed}}}",
                             first)
    template = _PLACEHOLDER.sub(
        lambda m: _indent(body, m.start(), fragments[m[1][8:]].split("\n"))
        if m[1].startswith("include ") else m[0], body)
    includes = tuple(sorted(t[8:] for t in seen if t.startswith("include ")))
    return Preset(header[0][2], header[1][2], tuple(params), template, source, includes)


@cache
def fragments() -> Mapping[str, str]:
    """The text of every fragment by name, read from the package's ``fragments/*.rq`` once."""
    folder = files("kg.schemas") / "queries" / "presets" / "fragments"
    out: dict[str, str] = {}
    for f in sorted(folder.iterdir(), key=lambda f: f.name):
        if f.name.endswith(".rq"):
            name, text = parse_fragment(f.read_text("utf-8"), str(f))
            if name != f.name.removesuffix(".rq"):
                raise InputError(f, f"fragment {name!r} must be in a file named {name}.rq", 1)
            out[name] = text
    return MappingProxyType(out)


@cache
def presets() -> Mapping[str, Preset]:
    """Every preset by name, in name order, read from the package's ``.rq`` files once."""
    folder = files("kg.schemas") / "queries" / "presets"
    out: dict[str, Preset] = {}
    for f in sorted(folder.iterdir(), key=lambda f: f.name):
        if f.name.endswith(".rq"):
            preset = parse_preset(f.read_text("utf-8"), str(f), fragments())
            if preset.name != f.name.removesuffix(".rq"):
                raise InputError(f, f"preset {preset.name!r} must be in a file named {preset.name}.rq", 1)
            out[preset.name] = preset
    return MappingProxyType(out)


def preset_names() -> tuple[str, ...]:
    """The names of the presets, sorted."""
    return tuple(presets())


# ------------------------------------------------------------------ filling a preset

def parse_params(items: Sequence[str]) -> dict[str, str]:
    """``["key=value", ...]`` as a dict; a malformed item is a :class:`QueryError`."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise QueryError(f"bad --param {item!r}; expected key=value")
        out[key.strip()] = value
    return out


def get_preset(name: str) -> Preset:
    try:
        return presets()[name]
    except KeyError:
        raise QueryError(f"unknown preset {name!r}; expected one of: {', '.join(sorted(presets()))}") from None


def _term(param: Param, value: str) -> Any:
    from kg.rdf.vocab import ENTITY_CLASS_NAMES, KG_NS

    if param.kind == "type":
        key = value.strip().lower()
        if key not in ENTITY_CLASS_NAMES:
            raise QueryError(f"bad value {value!r} for {param.name}; expected one of: "
                             f"{', '.join(ENTITY_CLASS_NAMES)}")
        return ox.NamedNode(KG_NS + ENTITY_CLASS_NAMES[key])
    return ox.Literal(value)


def _whole_number(param: Param, value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise QueryError(f"bad value {value!r} for {param.name}; expected a whole number") from None
    if n < 0:
        raise QueryError(f"bad value {value!r} for {param.name}; expected a number >= 0")
    return n


def preset_query(name: str, params: dict[str, str] | None = None) -> str:
    """The SPARQL text of preset ``name`` with ``params`` bound as escaped RDF terms."""
    # kg.rdf.vocab loads rdflib: only building a query needs it, not listing the presets
    from kg.rdf.vocab import ENTITY_CLASS_NAMES, PREFIXES

    preset = get_preset(name)
    params = dict(params or {})
    known = {p.name for p in preset.params}
    unknown = sorted(set(params) - known)
    if unknown:
        raise QueryError(f"preset {name!r} has no parameter {unknown[0]!r}; "
                         f"expected: {', '.join(sorted(known)) or 'none'}")
    values: list[str] = []
    fills = {"entity_types": "VALUES (?cls ?type) { "
             + " ".join(f'(kg:{c} "{t}")' for t, c in ENTITY_CLASS_NAMES.items()) + " }"}
    text = preset.template
    for p in preset.params:
        value = params.get(p.name, p.default)
        present = value is not None and value != ""
        if not present and not p.optional:
            raise QueryError(f"preset {name!r} needs --param {p.name}=... ({p.description})")
        text = _optional_part(text, p.name, present)
        if not present:
            continue
        assert value is not None
        if p.kind == "int":
            fills[p.name] = str(_whole_number(p, value))
        else:
            values.append(f"VALUES ?{p.variable} {{ {_term(p, value)} }}")

    def fill(m: re.Match[str]) -> str:
        return _indent(text, m.start(), values) if m[1] == "values" else fills[m[1]]

    # one pass, so that text a value brings in is never read as a placeholder
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in QUERY_PREFIXES) + _PLACEHOLDER.sub(fill, text)


def _optional_part(text: str, name: str, keep: bool) -> str:
    start, end = "{if_" + name + "}", "{end_" + name + "}"
    while start in text:
        i, j = text.index(start), text.index(end)
        text = text[:i] + (text[i + len(start):j] if keep else "") + text[j + len(end):]
    return text


def run_preset(store: ox.Store, name: str, params: dict[str, str] | None = None) -> Any:
    """Run preset ``name`` on an open store; a :class:`kg.store.embedded.QueryResult`."""
    from kg.store.embedded import query_store

    return query_store(store, preset_query(name, params))


def presets_help() -> str:
    """The presets as readable text."""
    out = []
    for p in presets().values():
        out.append(f"{p.name}  {p.usage()}".rstrip())
        out.append(f"    {p.description}")
        for x in p.params:
            default = f" (default {x.default})" if x.default else ""
            out.append(f"    {x.name}: {x.description}{default}")
    return "\n".join(out) + "\n"


def describe_presets() -> list[dict[str, str]]:
    """One row per preset: name, parameters, description (``kg query --list-presets``)."""
    rows = []
    for p in presets().values():
        params = "; ".join(f"{x.name}: {x.description}" + (f" (default {x.default})" if x.default else "")
                           for x in p.params)
        rows.append({"preset": p.name, "usage": p.usage(), "description": p.description,
                     "parameters": params})
    return rows
