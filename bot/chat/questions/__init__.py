"""English questions read without trusting the parser: ``anatomy.py`` finds a question's shape from
word order (``shape`` -> ``Shape``), ``clauses.py`` turns it back into the clause it asks about,
filled with an answer (``clause`` -> ``Clause``).

``shape`` and ``clause`` are re-exported here for ``bot.chat.antecedents``, which imports them from
``bot.chat.questions``.
"""

from bot.chat.questions.anatomy import shape
from bot.chat.questions.clauses import clause

__all__ = ["clause", "shape"]
