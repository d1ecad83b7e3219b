"""The ``bot`` command (typer): ``app.py`` the commands, ``render.py`` answers as text, ``progress.py`` bars."""

from bot.cli.app import app, main

__all__ = ["app", "main"]
