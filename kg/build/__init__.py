"""``kg build``: plan what changed, run the stages in a staging directory, swap it into place."""

from kg.build.run import BuildSummary, build, load_corpus

__all__ = ["BuildSummary", "build", "load_corpus"]
