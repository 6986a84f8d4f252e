"""Pydantic models of the API: they validate requests and generate the OpenAPI document."""
