"""The permission matrix: one module per app, each a list ``RESOURCES`` (see docs/TESTING.md)."""
