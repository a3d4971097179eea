"""The JSON API under ``/api/v1/`` on each tenant's host.

Views are thin: they parse, call the same selectors, access functions and services as the
pages, and serialize. Tokens come from ``accounts.api_auth``; the schema is OpenAPI 3.
"""
