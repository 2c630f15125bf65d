"""The domain layer: verbs that change things (one transaction each) and read functions.

Doors (web views, API, CLI) parse input into plain values and call these; services never
look at the request, the session or the logged-in user: the actor is always an argument.
"""
