"""The mediation service: rooms, private preferences, channels and drafts, votes, audit.

Build the application with :func:`accord.service.app.create_app` and a
:class:`accord.service.settings.Settings`; ``accord serve`` runs it with uvicorn.
"""
