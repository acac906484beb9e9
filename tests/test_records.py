"""kg.records: the closed vocabularies match the published contracts; Corpus is a CorpusRecords."""

import json
import re
import subprocess
import sys
from importlib.resources import files
from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH

from kg.rdf.vocab import KG
from kg.records import ENTITY_TYPES, REPO_KINDS, ROLES

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = files("kg.schemas")


def test_vocabularies_are_the_extraction_schema_enums() -> None:
    defs = json.loads(SCHEMAS.joinpath("extraction.schema.json").read_text(encoding="utf-8"))["$defs"]
    assert set(ENTITY_TYPES) == set(defs["mention"]["properties"]["type"]["enum"])
    assert set(ROLES) == set(defs["mention"]["properties"]["role"]["enum"])
    assert set(REPO_KINDS) == set(defs["link"]["properties"]["kind"]["enum"])
    assert len(set(ENTITY_TYPES)) == len(ENTITY_TYPES) == 3
    assert len(set(REPO_KINDS)) == len(REPO_KINDS) == 5


def test_repository_kinds_are_the_ones_the_shapes_accept() -> None:
    shapes = Graph().parse(data=SCHEMAS.joinpath("kg.shapes.ttl").read_text(encoding="utf-8"),
                           format="turtle")
    prop = next(shapes.subjects(SH.path, URIRef(KG.repositoryKind)))
    allowed = next(shapes.objects(prop, SH["in"]))
    assert {str(v) for v in Collection(shapes, allowed)} == set(REPO_KINDS)


# Each probe line either type-checks or must be an error; the bad ones show that the check bites.
PROBE = '''\
from collections.abc import Mapping, Sequence

from kg.corpus import Corpus
from kg.records import CorpusRecords, Entity, Link, Occurrence, Paper, PaperEntities
from kg.settings import Settings


class NoLinks:
    papers: dict[str, Paper] = {}
    extractions: dict[str, PaperEntities] = {}
    entities: dict[str, Entity] = {}
    occurrences: list[Occurrence] = []
    settings: Settings = Settings()


class LinksOfStrings(NoLinks):
    links: Sequence[str] = ()


def corpus(c: Corpus) -> CorpusRecords:
    return c  # ok


def no_links(c: NoLinks) -> CorpusRecords:
    return c  # error


def links_of_strings(c: LinksOfStrings) -> CorpusRecords:
    return c  # error


def entities(c: CorpusRecords) -> Mapping[str, Entity]:
    return c.entities  # ok


def read_only(c: CorpusRecords) -> None:
    c.links = []  # error
'''


@pytest.mark.slow  # a mypy run, like the lint test
def test_mypy_sees_corpus_as_corpus_records(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    probe = tmp_path / "probe.py"
    probe.write_text(PROBE, encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml"),
                           "--strict", "--follow-imports=silent", "--cache-dir", str(tmp_path / "cache"),
                           str(probe)], cwd=REPO, capture_output=True, text=True, timeout=600)
    errors = {int(n) for n in re.findall(r"^.*probe\.py:(\d+): error", proc.stdout, re.MULTILINE)}
    lines = PROBE.splitlines()
    expected = {i for i, line in enumerate(lines, 1) if line.endswith("# error")}
    assert len(expected) == 3 and any(line.endswith("# ok") for line in lines)
    assert errors == expected, proc.stdout + proc.stderr


def test_mentions_read_back_share_the_sentence_they_were_found_in() -> None:
    from kg.records import Evidence, Mention, PaperEntities

    sentence = "We compare FooNet with BarNet on Baz."
    pe = PaperEntities(id="p", title="T", entities=(
        Mention(type="model", name="FooNet", evidence=(Evidence(sentence, 11, 17, "FooNet"),)),
        Mention(type="model", name="BarNet", evidence=(Evidence(sentence, 23, 29, "BarNet"),
                                                        Evidence("BarNet again.", 40, 46, "BarNet"))),
    ))
    import json

    back = PaperEntities.from_dict(json.loads(json.dumps(pe.to_dict())))  # as a state file is read
    assert back == pe
    a, b = back.entities[0].evidence[0], back.entities[1].evidence[0]
    assert a.text is b.text and back.entities[1].evidence[1].text == "BarNet again."
