"""The web UI (Gradio, imported only when it starts): ``app.py`` the handlers, ``layout.py`` the
page and its event wiring, ``render.py`` every string and bit of HTML shown, ``forms.py`` the form's
fields read as filters and dates, ``login.py`` who may reach it, ``uploads.py`` uploaded files."""
