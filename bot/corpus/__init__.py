"""The corpus: the articles in the corpus folder, as the rest of the bot reads them.

Data flows ``folder.py`` (which files are articles; the folder is their boundary: a file or link
that resolves outside it, or a name that is not UTF-8, is skipped) -> ``front_matter.py`` (YAML
metadata, refused when it is not plain ``key: value`` lines) -> ``parse.py`` (one file's bytes to
an ``Article``: title, source, authors, the publication date via ``bot.dates.article_date``) ->
``load.py`` (every article, byte-identical copies once) -> ``citations.py`` (a cited passage found
again on disk). Unreadable files are skipped with a reason naming the file.

The names below are the ones the rest of the bot, its tests and scripts import from ``bot.corpus``.
"""

from bot.corpus.citations import cited_article, cited_passage, paragraph_bounds
from bot.corpus.folder import SUFFIXES, check_corpus_folder, in_corpus
from bot.corpus.load import CorpusScan, load_corpus, read_article
from bot.corpus.parse import parse_article

__all__ = [
    "SUFFIXES", "CorpusScan", "check_corpus_folder", "cited_article", "cited_passage", "in_corpus", "load_corpus",
    "paragraph_bounds", "parse_article", "read_article",
]
