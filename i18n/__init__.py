"""Languages: the message catalogue and locale formats, shared by the app and the CLI.

An adapter between the domain and its readers: ``planner`` reports codes with parameters
and never imports this package; the pages and the CLI turn those codes into English or
Arabic text here. Source strings are English; translations live in ``locales/`` as gettext
catalogues managed with babel (``make messages``).
"""
