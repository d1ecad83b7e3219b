"""The ``bot`` command (typer). ``app.py`` holds the app and ``main``; ``answering.py`` ask and chat;
``library.py`` add and rm; ``render.py`` answers as text; ``progress.py`` bars; ``options.py`` shared flags."""
