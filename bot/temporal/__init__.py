"""Time in questions and in article text, without a model.

``questions.py`` reads what a question says about time (``question_time`` -> ``TimeIntent``)
and resolves relative dates in an article's words against its date (``relative_references``);
``periods.py`` parses the time phrases (``builders.py`` turns each form into its window);
``windows.py`` is the calendar arithmetic (``DateWindow``).
"""

from bot.temporal.questions import RelativeDate, TimeIntent, question_time, relative_references, resolve_relative
from bot.temporal.windows import DateWindow

__all__ = ["DateWindow", "RelativeDate", "TimeIntent", "question_time", "relative_references", "resolve_relative"]
