"""Make a serving process ready before its first reader: compile every template and render
the pages readers ask for first.

A page's first render in a process costs what a hundred later ones do (Jinja compiles its
templates, SQLAlchemy its statements, Babel loads the language): about 300 ms on the
reference machine. Under gevent nothing else on the worker runs meanwhile, so after each
deploy every worker's first reader would hold up all its other connections. gunicorn calls
this from `post_worker_init` (briefing/gunicorn_conf.py), before the worker accepts: the
index and the first pages of the briefings on it are then in the worker's page cache.
"""

from __future__ import annotations

import logging
import time

from flask import Flask, url_for

from briefing.models.base import utcnow
from briefing.services import timeline
from briefing.web.observability import WARM_UP

log = logging.getLogger(__name__)

# The briefings at the top of the index, whose pages are rendered: the ones a spike of
# readers arrives at.
WARM_BRIEFINGS = 3
TEMPLATE_EXTENSIONS = ("html", "xml", "txt")


def warm_up(app: Flask) -> None:
    """Never stops a worker from starting: a database that is away is logged, and the
    pages are then rendered by their first readers as usual."""
    began = time.perf_counter()
    for name in app.jinja_env.list_templates(extensions=TEMPLATE_EXTENSIONS):
        app.jinja_env.get_template(name)
    try:
        with app.test_request_context():
            # As the index lists them: an edition's series shows once, by its current one.
            entries = timeline.current_editions(timeline.public_briefings(utcnow()))
            paths = [url_for("public.index")] + [
                url_for("public.briefing_page", slug=entry.briefing.slug)
                for entry in entries[:WARM_BRIEFINGS]
            ]
        client = app.test_client()
        for path in paths:
            client.get(path, environ_base={WARM_UP: True})
    except Exception:
        log.warning("warm-up skipped: the pages will be rendered on first request", exc_info=True)
        return
    log.info("warmed up %d pages in %.0f ms", len(paths), (time.perf_counter() - began) * 1000)
