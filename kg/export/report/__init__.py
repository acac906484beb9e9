"""The corpus report (``report.html``), the figures behind it, and the card of one name.

>>> from kg.export.report import render_report  # doctest: +SKIP
>>> page = render_report(corpus)  # doctest: +SKIP

Modules: :mod:`.digest` (what is read of a corpus) and :mod:`.stored` (the same,
read from a build's store), :mod:`.dates` (a paper's month), :mod:`.figures` and
:mod:`.communities` (the figures as plain tables, :mod:`.tables`), :mod:`.plots`
(the charts as SVG), :mod:`.page` (the document), :mod:`.cards` (``kg show``'s card)
and :mod:`.cardview` (the card as text and HTML).
"""

from kg.export.report.digest import Digest, digest_of
from kg.export.report.tables import Figures, Table
from kg.records import CorpusRecords
from kg.settings import Settings

__all__ = ["Digest", "Figures", "Table", "digest_of", "render_report", "report_page"]


def report_page(digest: Digest, settings: Settings | None = None) -> str:
    """The report of a digest, as one self-contained HTML page (a string)."""
    from kg.export.report.figures import corpus_figures
    from kg.export.report.page import render_page

    return render_page(corpus_figures(digest, settings))


def render_report(corpus: CorpusRecords, settings: Settings | None = None) -> str:
    """The report of a resolved corpus (``report.html``; nothing is written)."""
    return report_page(digest_of(corpus), settings or corpus.settings)
