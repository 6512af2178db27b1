"""Measuring tools (issue 16): scale data (``seed_scale``) and the benchmark's arithmetic.

A reader of everything on the top floor: it imports every app, and no app imports it.
"""
