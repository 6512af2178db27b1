"""Permission matrix rows of the platform: API root, schema, docs, health."""

from tests.support.matrix import OK, PUBLIC, UNAUTHORIZED, Resource, expect

RESOURCES = [
    Resource(
        "platform",
        {
            "api:api-root": expect(OK, anonymous=UNAUTHORIZED),
            "api-schema": PUBLIC,  # the integration contract is public; it holds no data
            "api-docs": PUBLIC,  # the Swagger UI shell of that public schema
            "javascript-catalog": PUBLIC,  # translations of the scripts' messages, the same for everyone
            "health": PUBLIC,  # load balancers and `make start` ask it anonymously
            "health_ready": PUBLIC,  # orchestrators ask readiness anonymously too
        },
    ),
]
