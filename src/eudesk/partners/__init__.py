"""Organisations across projects and sources, notes, partner search, consortium suggestions and merges."""
