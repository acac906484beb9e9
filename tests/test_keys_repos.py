"""Repository keys: one repository whatever the case of a GitHub link, GitLab groups kept."""

import pytest
from rdflib.namespace import RDF

from kg.corpus import Corpus
from kg.keys import canonical_repo, display_spellings, repo_key, repo_match_key, unify_spellings
from kg.rdf.vocab import KG
from kg.records import Paper, PaperEntities, Repo


@pytest.mark.parametrize("a, b", [
    ("https://github.com/x/y", "https://github.com/X/Y"),
    ("github.com/OpenNLPLab/LASP/tree/main", "https://www.github.com/opennlplab/lasp.git"),
])
def test_github_owner_and_name_ignore_case(a, b):
    ra, rb = canonical_repo(a).repository, canonical_repo(b).repository
    assert ra != rb and repo_key(ra) == repo_key(rb)


def test_other_hosts_keep_case():
    assert repo_key("https://gitlab.com/A/B") != repo_key("https://gitlab.com/a/b")
    assert repo_key("https://proj.io/Page") != repo_key("https://proj.io/page")


@pytest.mark.parametrize("url, repository", [
    ("https://gitlab.com/group/sub/project", "https://gitlab.com/group/sub/project"),
    ("https://gitlab.com/group/sub/project/-/tree/main/src", "https://gitlab.com/group/sub/project"),
    ("gitlab.com/group/sub/deeper/project/-/blob/main/README.md", "https://gitlab.com/group/sub/deeper/project"),
    ("https://gitlab.com/group/project/tree/master", "https://gitlab.com/group/project"),
    ("https://gitlab.com/group/sub/project.git", "https://gitlab.com/group/sub/project"),
    ("https://gitlab.com/owner/name", "https://gitlab.com/owner/name"),
])
def test_gitlab_subgroups_keep_their_full_path(url, repository):
    r = canonical_repo(url)
    assert (r.repository, r.kind) == (repository, "code")


def test_the_scorer_key_is_unchanged():
    # repo_match_key mirrors the reference scorer, which cuts every code host at owner/name
    assert repo_match_key("https://gitlab.com/group/sub/project") == "gitlab.com/group/sub"
    assert repo_match_key("https://huggingface.co/datasets/o/d/tree/main") == "huggingface.co/datasets/o/d"


def test_display_spelling_is_the_most_common_then_the_first():
    assert display_spellings(["https://github.com/a/B", "https://github.com/A/b"]) == {
        "https://github.com/a/B": "https://github.com/a/B", "https://github.com/A/b": "https://github.com/a/B"}
    many = ["https://github.com/a/B", "https://github.com/A/b", "https://github.com/A/b"]
    assert set(display_spellings(many).values()) == {"https://github.com/A/b"}


def _pe(pid, *repositories):
    links = tuple(Repo(url=r, repository=r, kind="code", host="github.com", official=i == 0)
                  for i, r in enumerate(repositories))
    return PaperEntities(id=pid, title=pid, links=links)


def test_a_corpus_has_one_repository_node_for_both_spellings():
    found = [_pe("p1", "https://github.com/Me/Tool"), _pe("p2", "https://github.com/me/tool"),
             _pe("p3", "https://github.com/Me/Tool"), _pe("p4", "https://github.com/other/Tool")]
    unified = unify_spellings(found)
    assert [pe.repos for pe in unified] == [["https://github.com/Me/Tool"]] * 3 + [["https://github.com/other/Tool"]]
    assert unified[0] is found[0]  # untouched records are kept as they are
    papers = [Paper(id=pe.id, title=pe.id, abstract="A.") for pe in found]
    corpus = Corpus.from_extractions(papers, found)
    assert sorted(corpus.repos_df().repository.unique()) == ["https://github.com/Me/Tool",
                                                            "https://github.com/other/Tool"]
    g = corpus.to_rdf()
    assert len(set(g.subjects(RDF.type, KG.Repository))) == 2
