"""``python -m planner``: the command line over the planner and its adapters.

An entry point like the pages: it reads files and the plan store, calls the domain, and
words problems through ``i18n``. ``planner/__main__.py`` only hands over to ``cli.main``.
"""
