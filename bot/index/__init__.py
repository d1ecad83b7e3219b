"""The index: crash-safe Chroma generations plus BM25, built incrementally from the corpus.

``build`` brings it in step with the corpus (``build.py``, one writer at a time:
``lock.py``; the records and vectors written by ``write.py``; what it did: ``report.py``),
``plan_build`` says what that would change (``plan.py``), ``verify`` compares it with the
corpus (``verify.py``); ``store.py`` owns the generation folders and Chroma clients,
``manifest.py`` what each generation holds and was built with,
``records.py`` the mapping between chunks and Chroma records, ``bm25.py`` BM25.
"""

from bot.index.build import build
from bot.index.lock import build_lock
from bot.index.report import BuildReport
from bot.index.plan import FullBuild, Plan, describe_plan, plan_build
from bot.index.verify import VerifyReport, verify

__all__ = ["BuildReport", "FullBuild", "Plan", "VerifyReport", "build", "build_lock", "describe_plan", "plan_build", "verify"]
