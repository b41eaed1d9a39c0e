"""The web workbench: server-rendered pages over the analysis layers, with Vega-Lite charts.

:func:`accord.web.routes.web_router` builds the FastAPI router; every script it serves is
vendored under ``static/vendor`` so the pages work with no network.
"""
