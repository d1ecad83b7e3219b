"""Follow-up questions made standalone by the model ("When did he die?" -> "When did Kim Jong Il die?").

The model sees the last few turns and the question and replies with one line.
A reply that is not a usable question (empty, far longer than the question, an
answer instead of a question) is ignored: the caller then falls back to the
rule-based rewriter (``bot.chat.rewrite``).
"""

from __future__ import annotations

import re

from bot.answer.llm.prompt import condense_messages

RECENT_TURNS = 3  # earlier turns shown to the model
_PRONOUNS = frozenset("he she it they him her them his its their there that this these those".split())
_WH = frozenset("who whom whose what which when where why how".split())
_PREFIX = re.compile(r"^\s*(?:rewritten|standalone|stand-alone)?\s*(?:question)?\s*:\s*", re.I)


def condense_follow_up(chat_model, question: str, history: list[tuple[str, str | None]], max_chars: int) -> str | None:
    """The standalone question, or None when the model's reply is not one."""
    if not history:
        return None
    reply = chat_model.invoke(condense_messages(question, history[-RECENT_TURNS:]), stop=["\n"])
    return usable_question(reply.content if isinstance(reply.content, str) else "", question, max_chars)


def usable_question(reply: str, question: str, max_chars: int) -> str | None:
    text = reply.strip().splitlines()[0] if reply.strip() else ""
    text = _PREFIX.sub("", text).strip().strip("\"'\u201c\u201d`").strip()
    if not re.search(r"[^\W\d_]", text) or len(text) > min(max_chars, 3 * len(question) + 100):
        return None
    if question.rstrip().endswith("?") and not text.endswith("?"):
        return None  # an answer, or a statement, rather than the question rewritten
    asked, got = _words(question), _words(text)
    if asked and asked[0] in _WH and (not got or got[0] != asked[0]):
        return None  # "Who ...?" must stay a "who" question
    if (_PRONOUNS & set(asked)) and (_PRONOUNS & set(got)) >= (_PRONOUNS & set(asked)):
        return None  # nothing was resolved: the rules may do better
    return " ".join(text.split())


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z']+", text.lower())
