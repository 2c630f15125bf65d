"""The JSON API v1, over HTTP, with every response checked against its OpenAPI document."""
