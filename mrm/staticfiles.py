"""How production stores and serves the static files.

WhiteNoise's compressed manifest storage gives every file a hashed name, so
browsers cache them for a year and an upgrade never serves stale scripts.
The vendored front-end packages (``static/vendor/``) ship minified files that
name source maps we do not vendor; Django's default patterns would follow
those ``sourceMappingURL`` comments and fail ``collectstatic``. Only the
references a page really loads (CSS ``url()`` and ``@import``) are rewritten.
"""

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage


def _css_patterns_without_source_maps() -> tuple:
    css_patterns = dict(ManifestStaticFilesStorage.patterns)["*.css"]
    return (("*.css", tuple(p for p in css_patterns if "sourceMappingURL" not in str(p))),)


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """Hashed, compressed static files; source-map comments left as they are."""

    patterns = _css_patterns_without_source_maps()
