"""Permission matrix rows of reports and dashboards."""

from tests.support.matrix import SIGNED_IN, Resource

RESOURCES = [
    Resource("dashboard", {"dashboard": SIGNED_IN}),
]
