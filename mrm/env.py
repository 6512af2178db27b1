"""The one place MRM reads its environment.

Settings modules import from here; nothing else in the project touches
``os.environ``. Every variable is documented in ``.env.example``.
"""

from __future__ import annotations

import ipaddress
import json
import os
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def get_str(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def require_str(name: str) -> str:
    """A value production cannot start without."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set.")
    return value


def get_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def get_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}.") from exc
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {raw!r}.")
    return value


def get_decimal(name: str, default: str) -> Decimal:
    """A decimal setting (money, percentages): never a float."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        raw = default
    try:
        value = Decimal(raw.strip().replace(",", "."))
    except InvalidOperation as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}.") from exc
    if not value.is_finite():
        raise ImproperlyConfigured(f"{name} must be a finite number, not {raw!r}.")
    return value


def get_list(name: str, default: list[str] | None = None) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return list(default or [])
    return [item.strip() for item in raw.split(",") if item.strip()]


def get_networks(name: str) -> list[str]:
    """A comma-separated list of IP addresses or CIDR networks (``10.0.0.0/8, 192.0.2.7, fd00::/8``).

    Returned normalised (``192.0.2.7`` becomes ``192.0.2.7/32``); anything that
    is not an address or a network refuses to start, so a typo cannot silently
    trust nobody (or everybody).
    """
    networks = []
    for item in get_list(name):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{name} takes IP addresses or CIDR networks separated by commas, not {item!r}."
            ) from exc
    return networks


def get_path(name: str, default: Path) -> Path:
    raw = os.environ.get(name)
    return Path(raw).resolve() if raw else default


def child_environment(**extra: str) -> dict[str, str]:
    """The environment for a tool MRM runs (``pg_dump``, ``pg_restore``): ours, plus ``extra``.

    The tool needs ``PATH`` and the locale; its connection settings (``PGPASSWORD``...)
    come in ``extra``, never on the command line, where any user could read them.
    """
    return {**os.environ, **extra}


_CSP_KEYWORDS = {"'self'", "'none'"}


def get_csp_sources(name: str, default: list[str] | None = None) -> list[str]:
    """A comma-separated list of CSP source expressions: origins such as
    ``https://www.example.com`` (wildcard subdomains allowed) or ``self``/``none``
    (quoted or not: env files often lose the quotes).

    Anything else (a ``;``, a space, ``'unsafe-inline'``) would let the value
    rewrite the policy, so it refuses to start instead.
    """
    sources = [f"'{s}'" if s in {"self", "none"} else s for s in get_list(name, default)]
    for source in sources:
        if source in _CSP_KEYWORDS:
            continue
        scheme, sep, host = source.partition("://")
        valid_host = host and all(c.isalnum() or c in "-.*:[]/" for c in host)
        if scheme not in {"http", "https"} or not sep or not valid_host:
            raise ImproperlyConfigured(
                f"{name} takes origins like https://www.example.com or 'self', separated by commas; not {source!r}."
            )
    return sources


def get_group_map(name: str) -> dict[str, list[str]]:
    """Identity-provider groups mapped to MRM names (roles or teams), for single sign-on.

    Two spellings: ``group=name`` pairs separated by commas (a group named twice
    maps to both: ``mrm-cmo=approver,mrm-cmo=leadership``), or a JSON object whose
    values are a name or a list of names (``{"mrm-cmo": ["approver", "leadership"]}``),
    for group names holding a comma or an ``=``. Whitespace around names is dropped;
    anything else refuses to start, so a typo cannot silently grant nothing.
    """
    raw = (os.environ.get(name) or "").strip()
    if not raw:
        return {}
    mapping: dict[str, list[str]] = {}
    if raw.startswith("{"):
        try:
            parsed = json.loads(raw)
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name} is not valid JSON: {exc}.") from exc
        if not isinstance(parsed, dict):
            raise ImproperlyConfigured(f"{name} must be a JSON object of group names.")
        for group, value in parsed.items():
            names = [value] if isinstance(value, str) else value
            if not isinstance(names, list) or not all(isinstance(item, str) and item.strip() for item in names):
                raise ImproperlyConfigured(f"{name}: the group {group!r} must map to a name or a list of names.")
            if not group.strip():
                raise ImproperlyConfigured(f"{name}: a group name is empty.")
            mapping.setdefault(group.strip(), []).extend(item.strip() for item in names)
    else:
        for item in raw.split(","):
            if not item.strip():
                continue
            group, sep, target = item.partition("=")
            if not sep or not group.strip() or not target.strip():
                raise ImproperlyConfigured(f"{name} takes group=name pairs separated by commas, not {item.strip()!r}.")
            mapping.setdefault(group.strip(), []).append(target.strip())
    return {group: list(dict.fromkeys(names)) for group, names in mapping.items()}


def get_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    """One of a few words (``MRM_LOCAL_LOGIN=admins``); anything else refuses to start."""
    value = (os.environ.get(name) or default).strip().lower()
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {', '.join(choices)}, not {value!r}.")
    return value
