"""The permission matrix: who may call which route, declared once per resource.

Every app keeps its expectations in ``tests/gates/matrix/<app>.py`` as a list
``RESOURCES`` of :class:`Resource` rows. The gate (``tests/gates/test_permission_matrix.py``)

* discovers every app URL (Django's URL resolver) and every API operation
  (method + path of drf-spectacular's OpenAPI schema) and fails, naming the
  module to edit, when one has no row;
* calls every route as each role of :data:`ROLES` and compares the outcome
  with the row;
* where a resource names a confidential object, checks that another team's
  user gets a 404 on its detail routes and does not find it in the lists.

See ``docs/TESTING.md`` for the format with examples.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.exceptions import NoReverseMatch, Resolver404
from django.utils.functional import SimpleLazyObject

# --- outcomes -----------------------------------------------------------------
OK = "allowed"  # got past the permission gates: 2xx, a redirect elsewhere than the login, 400 or 409
UNAUTHORIZED = "401"  # anonymous API call
FORBIDDEN = "403"
NOT_FOUND = "404"
NOT_ALLOWED = "405"
LOGIN = "login"  # anonymous page: 302 to the login page
OUTCOMES = (OK, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, NOT_ALLOWED, LOGIN)
_REFUSED = "refused"  # placeholder: the anonymous default, LOGIN for a page and 401 for the API

# --- roles ----------------------------------------------------------------------
#: Who calls every route. ``marketer`` belongs to team A (the team of the row's
#: object); ``other_team`` is a marketer of team B; approver, finance,
#: leadership (reads everything, changes nothing) and admin belong to no team.
ROLES = ("anonymous", "marketer", "approver", "finance", "leadership", "admin", "other_team")
SIGNED_IN_ROLES = ROLES[1:]

HTTP_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
OBJECT_PARAMS = ("pk", "id")


@dataclass(frozen=True)
class Expect:
    """The outcome per role of one route."""

    outcomes: Mapping[str, str]

    def for_role(self, role: str, *, api: bool) -> str:
        outcome = self.outcomes[role]
        if outcome == _REFUSED:
            return UNAUTHORIZED if api else LOGIN
        return outcome

    def __or__(self, overrides: Mapping[str, str]) -> Expect:
        """``SIGNED_IN | {"other_team": NOT_FOUND}``: the same, with some roles changed."""
        unknown = set(overrides) - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles {sorted(unknown)}; roles are {ROLES}")
        return Expect({**self.outcomes, **overrides})


def expect(default: str = OK, *, anonymous: str = _REFUSED, **roles: str) -> Expect:
    """Outcomes per role: ``default`` for every signed-in role not named.

    ``anonymous`` defaults to a refusal: 401 on the API, a redirect to the
    login page for a page.
    """
    unknown = set(roles) - set(SIGNED_IN_ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}; roles are {ROLES}")
    for outcome in (default, anonymous, *roles.values()):
        if outcome not in OUTCOMES and outcome != _REFUSED:
            raise ValueError(f"unknown outcome {outcome!r}; outcomes are {OUTCOMES}")
    return Expect({"anonymous": anonymous, **dict.fromkeys(SIGNED_IN_ROLES, default), **roles})


def only(*roles: str, refused: str = FORBIDDEN) -> Expect:
    """Allowed for the named signed-in roles, ``refused`` for the others."""
    return expect(refused, **dict.fromkeys(roles, OK))


#: Any signed-in user; anonymous refused.
SIGNED_IN = expect(OK)
#: Everyone, anonymous included (login page, public embeds).
PUBLIC = expect(OK, anonymous=OK)


@dataclass(frozen=True)
class Route:
    """A route's expectation plus what calling it needs.

    ``kwargs``: URL parameters other than the object's ``pk``/``id``, a dict
    or ``callable(world, obj) -> dict``. ``data``: the request body of a write
    (JSON for the API, form fields for a page), a dict or
    ``callable(world, obj) -> dict``; without it writes send an empty body,
    so "allowed" then means "refused by validation, not by permission".
    ``query``: query-string parameters (dict).
    """

    expect: Expect
    kwargs: Mapping[str, Any] | Callable[..., Mapping[str, Any]] | None = None
    data: Mapping[str, Any] | Callable[..., Mapping[str, Any]] | None = None
    query: Mapping[str, Any] | None = None


ObjectFactory = Callable[["World"], Any] | str


@dataclass(frozen=True)
class Resource:
    """One table: the routes of one resource and their expectations.

    ``routes`` maps a route key to an :class:`Expect` (or a :class:`Route`):

    * ``"GET /api/v1/teams/{id}/"`` - an API operation, exactly as the OpenAPI
      schema spells its path;
    * ``"accounts:profile"`` - a page by URL name, called with GET;
      ``"POST campaigns:transition"`` calls it with POST.

    ``obj`` makes the object of team A whose id fills ``{id}``/``{pk}``/``<pk>``
    (``callable(world)`` or the name of a fixture visible from tests/gates).
    ``confidential`` makes a confidential object of team A: the ``other_team``
    user must get 404 on every route that takes an object and must not find it
    in any list route of the resource, while team A's marketer sees it as the
    row says.
    """

    name: str
    routes: Mapping[str, Expect | Route]
    obj: ObjectFactory | None = None
    confidential: ObjectFactory | None = None

    def rows(self) -> Iterator[tuple[str, Route]]:
        for key, row in self.routes.items():
            yield key, row if isinstance(row, Route) else Route(expect=row)


@dataclass(frozen=True)
class RouteKey:
    method: str
    target: str  # an API path template ("/api/v1/teams/{id}/") or a URL name ("accounts:profile")

    @property
    def is_api(self) -> bool:
        return self.target.startswith("/")

    @classmethod
    def parse(cls, key: str) -> RouteKey:
        method, _, rest = key.strip().partition(" ")
        if rest and method.upper() in HTTP_METHODS:
            return cls(method.upper(), rest.strip())
        return cls("GET", key.strip())

    def __str__(self) -> str:
        return f"{self.method} {self.target}"


# --- the world: teams, users per role, tokens -----------------------------------


@dataclass
class World:
    """Who calls, and the teams the row's objects belong to."""

    team: Any
    other_team: Any
    users: dict[str, Any]
    request: Any = None  # pytest's FixtureRequest, to resolve fixture names
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def marketer(self):
        return self.users["marketer"]

    @property
    def approver(self):
        return self.users["approver"]

    @property
    def finance(self):
        return self.users["finance"]

    @property
    def leadership(self):
        return self.users["leadership"]

    @property
    def admin(self):
        return self.users["admin"]

    @property
    def other_team_user(self):
        return self.users["other_team"]

    def make(self, factory: ObjectFactory):
        if isinstance(factory, str):
            return self.request.getfixturevalue(factory)
        return factory(self)

    def token(self, role: str) -> str:
        from accounts.tokens import token_issue

        if role not in self.tokens:
            self.tokens[role] = token_issue(user=self.users[role], name="matrix").key
        return self.tokens[role]


# --- loading the tables -----------------------------------------------------------

MATRIX_PACKAGE = "tests.gates.matrix"
MATRIX_DIR = Path(settings.BASE_DIR) / "tests" / "gates" / "matrix"


def load_matrix(package: str = MATRIX_PACKAGE, directory: Path = MATRIX_DIR) -> dict[str, list[Resource]]:
    """``{module name: RESOURCES}`` of every module of the matrix package."""
    tables = {}
    for path in sorted(directory.glob("*.py")):
        if path.stem.startswith("_"):
            continue
        module = import_module(f"{package}.{path.stem}")
        tables[path.stem] = list(module.RESOURCES)
    return tables


def all_rows(tables: Mapping[str, Iterable[Resource]]) -> Iterator[tuple[str, Resource, RouteKey, Route]]:
    for module, resources in tables.items():
        for resource in resources:
            for key, row in resource.rows():
                yield module, resource, RouteKey.parse(key), row


# --- discovery ----------------------------------------------------------------------

#: Routes the matrix does not cover, and why. Everything else needs a row.
EXCLUDED_NAMESPACES = {
    "admin": "Django admin: guarded by Django's is_staff and model permissions",
}
#: DRF's format-suffix duplicates (``/teams.json``) of routes that have rows.
FORMAT_SUFFIX = re.compile(r"\(\?P<format>|<drf_format_suffix:format>")
EXCLUDED_PREFIXES = {
    "static/": "static files (whitenoise / runserver)",
    "media/": "uploaded files served in development",
}


@dataclass(frozen=True)
class DiscoveredPage:
    name: str  # "accounts:profile" (or the route itself when unnamed)
    route: str
    params: tuple[str, ...]
    view_module: str
    namespace: str | None


def _pattern_params(pattern) -> tuple[str, ...]:
    converters = getattr(pattern, "converters", None)
    if converters:
        return tuple(converters)
    regex = getattr(pattern, "regex", None)
    return tuple(regex.groupindex) if regex is not None else ()


def _walk(patterns, prefix="", namespace=None, params=()) -> Iterator[DiscoveredPage]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = namespace
            if entry.namespace:
                ns = f"{namespace}:{entry.namespace}" if namespace else entry.namespace
            yield from _walk(
                entry.url_patterns, prefix + str(entry.pattern), ns, params + _pattern_params(entry.pattern)
            )
        elif isinstance(entry, URLPattern):
            route = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or route)
            callback = entry.callback
            module = getattr(callback, "__module__", "") or ""
            view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
            if view_class is not None:
                module = view_class.__module__
            yield DiscoveredPage(name, route, params + _pattern_params(entry.pattern), module, namespace)


def discover_pages(urlconf: str | None = None) -> list[DiscoveredPage]:
    """Every URL pattern of the project, less the documented exclusions."""
    pages = []
    for page in _walk(get_resolver(urlconf).url_patterns):
        if page.namespace and page.namespace.split(":")[0] in EXCLUDED_NAMESPACES:
            continue
        if FORMAT_SUFFIX.search(page.route) or page.route.startswith(tuple(EXCLUDED_PREFIXES)):
            continue
        pages.append(page)
    return pages


def discover_api_operations(urlconf: str | None = None) -> list[RouteKey]:
    """Every operation (method + path) of the OpenAPI schema drf-spectacular generates."""
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator(urlconf=urlconf).get_schema(request=None, public=True)
    return [
        RouteKey(method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if method.upper() in HTTP_METHODS
    ]


def api_example_path(template: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", template)


def _project_apps() -> set[str]:
    base = Path(settings.BASE_DIR).resolve()
    return {
        config.label
        for config in apps.get_app_configs()
        if Path(config.path).resolve().is_relative_to(base) and ".venv" not in Path(config.path).parts
    }


def owning_module(view_module: str, namespace: str | None = None) -> str:
    """Which ``tests/gates/matrix/<app>.py`` holds a route's row: the app of its view."""
    project = _project_apps()
    top = view_module.split(".")[0]
    if top in project:
        return top
    if namespace and namespace.split(":")[0] in project:
        return namespace.split(":")[0]
    return "mrm"


@dataclass(frozen=True)
class Missing:
    key: str
    module: str

    def __str__(self) -> str:
        return f"{self.key}  ->  add a row in tests/gates/matrix/{self.module}.py"


def missing_rows(
    tables: Mapping[str, Iterable[Resource]], *, urlconf: str | None = None, operations: list[RouteKey] | None = None
) -> list[Missing]:
    """Routes and operations the tables do not mention."""
    if operations is None:
        operations = discover_api_operations(urlconf)
    declared = {(key.method, key.target) for _module, _resource, key, _row in all_rows(tables)}
    declared_targets = {target for _method, target in declared}
    missing = []
    covered_names = set()
    for op in operations:
        match = resolve(api_example_path(op.target), urlconf=urlconf)
        covered_names.add(match.view_name)
        if (op.method, op.target) not in declared:
            module = match.func.__module__
            view_class = getattr(match.func, "cls", None) or getattr(match.func, "view_class", None)
            if view_class is not None:
                module = view_class.__module__
            missing.append(Missing(str(op), owning_module(module, match.namespace)))
    for page in discover_pages(urlconf):
        if page.name in covered_names or page.name in declared_targets:
            continue
        missing.append(Missing(f"page {page.name} ({page.route})", owning_module(page.view_module, page.namespace)))
    return missing


def stale_rows(tables: Mapping[str, Iterable[Resource]], *, urlconf: str | None = None, operations=None) -> list[str]:
    """Rows naming a route or operation that does not exist (a renamed URL, a typo)."""
    if operations is None:
        operations = discover_api_operations(urlconf)
    api = {(op.method, op.target) for op in operations}
    names = {page.name for page in discover_pages(urlconf)}
    stale = []
    for module, resource, key, _row in all_rows(tables):
        exists = (key.method, key.target) in api if key.is_api else key.target in names
        if not exists:
            stale.append(f"{key} (resource {resource.name!r} in tests/gates/matrix/{module}.py)")
    return stale


# --- calling a route as a role ---------------------------------------------------------


def resolve_args(value, world, obj):
    if value is None:
        return {}
    return dict(value(world, obj) if callable(value) else value)


def build_url(key: RouteKey, row: Route, world: World, obj, *, urlconf: str | None = None) -> str:
    from django.urls import reverse

    kwargs = resolve_args(row.kwargs, world, obj)
    if key.is_api:

        def fill(match):
            name = match.group(1)
            if name in kwargs:
                return str(kwargs[name])
            if name in OBJECT_PARAMS and obj is not None:
                return str(obj.pk)
            raise LookupError(f"{key}: no value for {{{name}}}; give the resource an obj or the row kwargs")

        url = re.sub(r"\{([^}]+)\}", fill, key.target)
    else:
        params = needs_params(key, urlconf=urlconf)
        for name in params:
            if name not in kwargs and name in OBJECT_PARAMS:
                if obj is None:
                    raise LookupError(f"{key}: <{name}> needs the resource's obj")
                kwargs[name] = obj.pk
        url = reverse(key.target, kwargs=kwargs or None, urlconf=urlconf)
    if row.query:
        from urllib.parse import urlencode

        url += "?" + urlencode(row.query)
    return url


def needs_params(key: RouteKey, *, urlconf: str | None = None) -> tuple[str, ...]:
    if key.is_api:
        return tuple(re.findall(r"\{([^}]+)\}", key.target))
    for page in discover_pages(urlconf):
        if page.name == key.target:
            return page.params
    return ()


def needs_object(key: RouteKey, *, urlconf: str | None = None) -> bool:
    return any(name in OBJECT_PARAMS for name in needs_params(key, urlconf=urlconf))


def lazy_object(world: World, factory: ObjectFactory | None):
    """The row's object, made only if the URL, ``kwargs`` or ``data`` use it."""
    if factory is None:
        return None
    return SimpleLazyObject(lambda: world.make(factory))


def takes_object(key: RouteKey, row: Route, *, urlconf: str | None = None) -> bool:
    """The route addresses one object: an ``{id}``/``<pk>``, or URL parameters derived from the object."""
    return needs_object(key, urlconf=urlconf) or callable(row.kwargs)


def classify(response, *, api: bool) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response.get("Location", "")
        if location.split("?")[0] == resolve_url(settings.LOGIN_URL):
            return LOGIN
        return OK
    return {401: UNAUTHORIZED, 403: FORBIDDEN, 404: NOT_FOUND, 405: NOT_ALLOWED}.get(
        status, OK if status < 500 else f"server error {status}"
    )


def call(client, key: RouteKey, url: str, role: str, world: World, body: Mapping[str, Any] | None):
    """One request as ``role``, rolled back afterwards so the next role sees the same data."""
    headers = {}
    if key.is_api and role != "anonymous":
        headers["HTTP_AUTHORIZATION"] = f"Token {world.token(role)}"
    with transaction.atomic():
        if not key.is_api and role != "anonymous":
            client.force_login(world.users[role])
        method = getattr(client, key.method.lower())
        if key.method in ("GET", "HEAD", "OPTIONS", "DELETE"):
            response = method(url, **headers)
        elif key.is_api:
            response = method(url, data=dict(body or {}), format="json", **headers)
        else:
            response = method(url, data=dict(body or {}), **headers)
        transaction.set_rollback(True)
    client.logout()
    return response


def call_safely(client, key, url, role, world, body):
    try:
        return call(client, key, url, role, world, body), None
    except Exception as exc:  # a 500 in the making: report it as such
        client.logout()
        return None, f"server error {type(exc).__name__}: {exc}"


@dataclass
class Result:
    role: str
    expected: str
    actual: str
    url: str
    status: int | None

    def __str__(self) -> str:
        return f"{self.role:<11} expected {self.expected:<8} got {self.actual:<8} {self.url}"


def check_route(client, world: World, resource: Resource, key: RouteKey, row: Route, *, urlconf=None) -> list[str]:
    """Every role against one route; the mismatches, as readable lines (empty = as declared)."""
    problems = []
    obj = lazy_object(world, resource.obj)
    url = build_url(key, row, world, obj, urlconf=urlconf)
    body = resolve_args(row.data, world, obj)
    for role in ROLES:
        expected = row.expect.for_role(role, api=key.is_api)
        response, error = call_safely(client, key, url, role, world, body)
        actual = error or classify(response, api=key.is_api)
        if actual != expected:
            problems.append(str(Result(role, expected, actual, url, getattr(response, "status_code", None))))
    if resource.confidential is not None:
        problems += check_confidential(client, world, resource, key, row, urlconf=urlconf)
    return problems


def _listed_ids(response) -> set:
    try:
        payload = response.json()
    except (ValueError, TypeError):
        return set()
    items = payload.get("results", []) if isinstance(payload, dict) else payload
    return {item.get("id") for item in items if isinstance(item, dict)}


def secret_markers(secret) -> list[tuple[str, re.Pattern]]:
    """What shows a confidential object in a list, besides its id: its own URL, or an id like ``"activity-7"``.

    Each is matched as a whole quoted value (an ``href``, a JSON string), so
    ``/campaigns/5/`` does not match ``/campaigns/55/``.
    """
    values = [f"{secret._meta.model_name}-{secret.pk}"]
    get_url = getattr(secret, "get_absolute_url", None)
    if get_url is not None:
        values.append(get_url())
    return [(value, re.compile(rf"[\"']{re.escape(value)}[\"']")) for value in values]


def detail_pages(resource: Resource, *, urlconf=None) -> list[RouteKey]:
    keys = [RouteKey.parse(key) for key, _row in resource.rows()]
    return [k for k in keys if not k.is_api and k.method == "GET" and needs_object(k, urlconf=urlconf)]


def check_confidential(client, world, resource, key, row, *, urlconf=None) -> list[str]:
    """Another team's confidential object: 404 on detail routes, absent from lists."""
    problems = []
    secret = world.make(resource.confidential)
    if takes_object(key, row, urlconf=urlconf):
        url = build_url(key, row, world, secret, urlconf=urlconf)
        expected = row.expect.for_role("other_team", api=key.is_api)
        if expected != NOT_ALLOWED:
            expected = NOT_FOUND
        response, error = call_safely(client, key, url, "other_team", world, resolve_args(row.data, world, secret))
        actual = error or classify(response, api=key.is_api)
        if actual != expected:
            problems.append(f"confidential: {Result('other_team', expected, actual, url, None)}")
        if key.method == "GET":
            # the team's own marketer does see it, so the 404 above is not an accident of the set-up
            expected_own = row.expect.for_role("marketer", api=key.is_api)
            response, error = call_safely(client, key, url, "marketer", world, None)
            actual = error or classify(response, api=key.is_api)
            if actual != expected_own:
                problems.append(f"confidential: {Result('marketer', expected_own, actual, url, None)}")
    elif key.method == "GET":
        url = build_url(key, Route(expect=row.expect, kwargs=row.kwargs, query=row.query), world, None, urlconf=urlconf)
        response, error = call_safely(client, key, url, "other_team", world, None)
        if error:
            return [f"confidential list: other_team got {error} on {url}"]
        raw = b"".join(response.streaming_content) if response.streaming else response.content
        content = raw.decode(errors="replace")
        for value, marker in secret_markers(secret):
            if marker.search(content):
                problems.append(f"confidential: other_team finds {value!r} in {url}")
        if key.is_api:
            if secret.pk in _listed_ids(response):
                problems.append(f"confidential: other_team finds object id={secret.pk} in {url}")
        else:
            for page in detail_pages(resource, urlconf=urlconf):
                try:
                    link = build_url(page, Route(expect=row.expect), world, secret, urlconf=urlconf)
                except (LookupError, NoReverseMatch, Resolver404):  # a page that needs more than the object
                    continue
                if link in content:
                    problems.append(f"confidential: other_team finds a link to {link} on {url}")
    return problems
