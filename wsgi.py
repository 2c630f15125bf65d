"""WSGI entry point for production servers: `gunicorn wsgi:app`."""

from briefing import create_app

app = create_app()
