"""Errors meant for users. Each message says what to do next.

    BotError
    ├── ConfigError          a bad setting (env var, bot.toml, flag)
    ├── CorpusError          the corpus folder is missing, empty or unusable
    │   └── ArticleError     one article cannot be read (skipped with a warning)
    ├── IndexError_          base of index problems
    │   ├── IndexMissingError    no index yet
    │   ├── IndexCorruptError    an index that cannot be read
    │   ├── IndexMismatchError   built with other settings than the reader's
    │   ├── IndexUnavailableError  intact, but out of reach: Chroma server down, token refused, disk full
    │   ├── IndexLockedError     another build holds the lock
    │   └── IndexBuildError      a build failed (the previous index keeps answering)
    ├── QuestionError        an empty, oversized or otherwise unusable question
    │   └── FilterMatchError     filters (source, dates, articles) that no indexed article matches
    ├── RetrievalError       retrieval failed underneath
    └── LLMError             an LLM backend failed or gave an unverifiable answer

Front ends catch ``BotError`` once and print its message as one line.
"""


class BotError(Exception):
    """Base of every error a user may see. ``str(err)`` is the one line to show."""

    exit_code = 1


class ConfigError(BotError):
    pass


class CorpusError(BotError):
    pass


class ArticleError(CorpusError):
    pass


class IndexError_(BotError):  # trailing underscore: do not shadow the builtin
    pass


class IndexMissingError(IndexError_):
    pass


class IndexCorruptError(IndexError_):
    pass


class IndexMismatchError(IndexError_):
    pass


class IndexUnavailableError(IndexError_):
    pass


class IndexLockedError(IndexError_):
    pass


class IndexBuildError(IndexError_):
    pass


class QuestionError(BotError):
    pass


class FilterMatchError(QuestionError):
    pass


class RetrievalError(BotError):
    pass


class LLMError(BotError):
    pass
