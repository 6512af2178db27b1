"""Budgets' background jobs: thin wrappers around services, safe to run twice.

Imports run as the import engine's jobs (``imports.tasks``).
"""
