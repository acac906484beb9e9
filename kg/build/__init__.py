"""``kg build``: plan what changed, run the stages in a staging directory, swap it into place.

:mod:`kg.build.state` reads and writes the state files, :mod:`kg.build.plan` decides
what a build has to do, :mod:`kg.build.run` runs the stages and
:mod:`kg.build.swap` keeps builds apart and moves a finished one into place.
"""

from kg.build.run import BuildSummary, build
from kg.build.state import load_corpus

__all__ = ["BuildSummary", "build", "load_corpus"]
