"""Blueprints by audience: public (readers), api (bots), editor (newsroom), feeds, live."""
