"""Backups of a whole installation: the database and the uploaded files, and their restore.

A backup is one folder, ``<BACKUP_DIR>/mrm-<UTC time>/``:

- ``database.dump``: PostgreSQL's custom format (``pg_dump --format=custom``), or
  ``database.sqlite3`` for the embedded default, copied with SQLite's online
  backup API (consistent while the app writes);
- ``media.tar``: every file under ``MEDIA_ROOT`` (material versions, PO and
  invoice attachments, report files), uncompressed since they mostly are already;
- ``manifest.json``: when and from what it was taken, the applied migrations, the
  SHA-256 of both files, and an :class:`Inventory` (rows of every table, sum of
  every money column) read from the very snapshot the dump was taken from.

The folder is written under a temporary name and renamed when complete, so a
half-written backup never looks like one. A restore checks the files against
the manifest before touching anything, refuses a non-empty target unless
forced, and afterwards compares the restored database's inventory with the
manifest: a restore that lost a row or a kopeck fails loudly. The management
commands ``backup`` and ``restore`` (``make backup``, ``make restore``) call
these functions; docs/OPERATIONS.md says when and how to use them.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import tarfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import django
from django.apps import apps
from django.db import connections, models
from django.db.backends.postgresql.client import DatabaseClient
from django.db.utils import load_backend

from mrm import env

MANIFEST = "manifest.json"
POSTGRES_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_ARCHIVE = "media.tar"
FOLDER_PREFIX = "mrm-"
FORMAT_VERSION = 1
POSTGRESQL = "postgresql"
SQLITE = "sqlite"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do."""


# --- what a database holds --------------------------------------------------------


@dataclass
class Inventory:
    """Rows per table and the sum of every money column: what a restore must give back.

    ``money`` is keyed ``"table.column"`` and holds every ``DecimalField`` of every
    model (budgets allocations, funding requests, commitments, expenses, accounting
    lines, approval amounts, and their history tables), summed in the database.
    """

    rows: dict[str, int] = field(default_factory=dict)
    money: dict[str, str] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"rows": self.rows, "money": self.money}

    @classmethod
    def from_json(cls, data: dict) -> Inventory:
        return cls(rows=dict(data["rows"]), money=dict(data["money"]))

    def differences(self, restored: Inventory) -> list[str]:
        """What ``restored`` lacks or has otherwise than this one, one line each."""
        lines = []
        for table in sorted(set(self.rows) | set(restored.rows)):
            expected, got = self.rows.get(table), restored.rows.get(table)
            if expected != got:
                lines.append(f"table {table}: {expected} rows expected, {got} found")
        for column in sorted(set(self.money) | set(restored.money)):
            expected, got = self.money.get(column), restored.money.get(column)
            if expected != got:
                lines.append(f"money {column}: sum {expected} expected, {got} found")
        return lines


def money_columns() -> list[tuple[str, str, int]]:
    """``(table, column, decimal places)`` of every decimal field stored by a model.

    Each column once: a child of a multi-table parent reports only its own fields.
    """
    columns = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        for model_field in meta.local_concrete_fields:
            if isinstance(model_field, models.DecimalField):
                columns.append((meta.db_table, model_field.column, model_field.decimal_places))
    return sorted(columns)


def take_inventory(connection) -> Inventory:
    """Count every table and sum every money column over ``connection`` (a Django connection)."""
    quote = connection.ops.quote_name
    inventory = Inventory()
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {quote(table)}")  # noqa: S608 - a table name from the schema, quoted
            inventory.rows[table] = cursor.fetchone()[0]
        for table, column, places in money_columns():
            if table not in inventory.rows:
                continue  # a table the backup's migrations had not created yet: counted as absent
            cursor.execute(f"SELECT SUM({quote(column)}) FROM {quote(table)}")  # noqa: S608 - quoted schema names
            total = cursor.fetchone()[0]
            # SQLite sums in floating point; both sides of a comparison round alike.
            exact = Decimal(str(total if total is not None else 0)).quantize(Decimal(1).scaleb(-places))
            inventory.money[f"{table}.{column}"] = str(exact)
    return inventory


def applied_migrations(connection) -> dict[str, str]:
    """The last applied migration per app: which code version the data belongs to."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, MAX(name) FROM django_migrations GROUP BY app ORDER BY app")
        return dict(cursor.fetchall())


# --- connections and tools ----------------------------------------------------------


def engine_of(settings_dict: dict) -> str:
    vendor = settings_dict["ENGINE"].rsplit(".", 1)[-1]
    if vendor == "sqlite3":
        return SQLITE
    if vendor == POSTGRESQL:
        return POSTGRESQL
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {settings_dict['ENGINE']}.")


def open_connection(settings_dict: dict, name: str | None = None):
    """A new Django connection with ``settings_dict``, to database ``name`` if given.

    Never the shared connection of this thread: a backup holds a snapshot
    transaction, a restore talks to another database, and neither may disturb it.
    """
    settings_dict = {**settings_dict, "NAME": name or settings_dict["NAME"], "CONN_MAX_AGE": 0}
    return load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, alias=f"mrm-backup-{id(settings_dict)}")


def _postgres_tool(tool: str, settings_dict: dict, args: list[str]) -> None:
    """Run ``pg_dump``/``pg_restore`` against the server of ``settings_dict``; its errors become ours."""
    if shutil.which(tool) is None:
        raise BackupError(
            f"{tool} was not found. Install PostgreSQL's client tools of the server's version "
            "(Debian: apt-get install postgresql-client)."
        )
    connection = []
    if settings_dict.get("USER"):
        connection += ["--username", settings_dict["USER"]]
    if settings_dict.get("HOST"):
        connection += ["--host", settings_dict["HOST"]]
    if settings_dict.get("PORT"):
        connection += ["--port", str(settings_dict["PORT"])]
    # Password, SSL mode and certificates travel as PG* variables, as `manage.py dbshell` passes them.
    _, secrets = DatabaseClient.settings_to_cmd_args_env(settings_dict, [])
    result = subprocess.run(  # noqa: S603 - a fixed tool, arguments from our settings
        [tool, "--no-password", *connection, *args],
        env=env.child_environment(**(secrets or {})),
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"{tool} failed (exit {result.returncode}): {result.stderr.strip()}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


# --- backup -------------------------------------------------------------------------


@dataclass
class BackupResult:
    folder: Path
    manifest: dict
    deleted: list[Path]


def backup(
    *, backup_dir: Path, media_root: Path, keep: int = 0, using: str = "default", now: datetime | None = None
) -> BackupResult:
    """Write a new backup folder of database ``using`` and ``media_root`` into ``backup_dir``.

    With ``keep`` above 0, afterwards deletes all but the ``keep`` newest backups
    of ``backup_dir`` (only folders this function wrote: ``mrm-*`` with a manifest).
    """
    backup_dir, media_root = Path(backup_dir).resolve(), Path(media_root).resolve()
    if backup_dir.is_relative_to(media_root):
        raise BackupError(
            f"BACKUP_DIR ({backup_dir}) lies inside MEDIA_ROOT ({media_root}): each backup would contain the previous ones."
        )
    settings_dict = connections[using].settings_dict
    engine = engine_of(settings_dict)
    now = now or datetime.now(UTC)
    backup_dir.mkdir(parents=True, exist_ok=True)
    name = f"{FOLDER_PREFIX}{now:%Y%m%d-%H%M%S}"
    folder = backup_dir / name
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = backup_dir / f"{name}-{suffix}"
    partial = backup_dir / f".{folder.name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    partial.mkdir()
    try:
        if engine == POSTGRESQL:
            database_file, inventory, migrations = _dump_postgres(settings_dict, partial)
        else:
            database_file, inventory, migrations = _copy_sqlite(settings_dict, partial)
        media = _archive_media(media_root, partial / MEDIA_ARCHIVE)
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": now.isoformat(),
            "engine": engine,
            "database": Path(settings_dict["NAME"]).name if engine == SQLITE else settings_dict["NAME"],
            "django": django.get_version(),
            "migrations": migrations,
            "files": {
                database_file.name: _sha256(database_file),
                MEDIA_ARCHIVE: _sha256(partial / MEDIA_ARCHIVE),
            },
            "media": media,
            "inventory": inventory.as_json(),
        }
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
        partial.rename(folder)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    deleted = prune(backup_dir, keep) if keep > 0 else []
    return BackupResult(folder=folder, manifest=manifest, deleted=deleted)


def _dump_postgres(settings_dict: dict, folder: Path) -> tuple[Path, Inventory, dict]:
    """``pg_dump`` inside a snapshot exported by a read-only transaction that also counts.

    The inventory and the dump then see exactly the same data, even while users work.
    """
    target = folder / POSTGRES_DUMP
    snapshot_connection = open_connection(settings_dict)
    try:
        snapshot_connection.set_autocommit(False)
        with snapshot_connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
        inventory = take_inventory(snapshot_connection)
        migrations = applied_migrations(snapshot_connection)
        _postgres_tool(
            "pg_dump",
            settings_dict,
            ["--format=custom", f"--snapshot={snapshot}", f"--file={target}", f"--dbname={settings_dict['NAME']}"],
        )
        snapshot_connection.rollback()
    finally:
        snapshot_connection.close()
    return target, inventory, migrations


def _copy_sqlite(settings_dict: dict, folder: Path) -> tuple[Path, Inventory, dict]:
    """SQLite's online backup API: a consistent copy even while the web process writes."""
    target = folder / SQLITE_COPY
    source = open_connection(settings_dict)
    try:
        source.ensure_connection()
        destination = sqlite3.connect(target)
        try:
            source.connection.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
    copy = open_connection(settings_dict, str(target))
    try:
        return target, take_inventory(copy), applied_migrations(copy)
    finally:
        copy.close()


def _archive_media(media_root: Path, archive: Path) -> dict:
    """Every file under ``media_root``, paths relative to it; what went in, counted."""
    files = size = 0
    with tarfile.open(archive, "w") as tar:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file() and not path.is_symlink():
                    tar.add(path, arcname=path.relative_to(media_root).as_posix(), recursive=False)
                    files += 1
                    size += path.stat().st_size
    return {"files": files, "bytes": size}


def backups_in(backup_dir: Path) -> list[Path]:
    """Complete backups in ``backup_dir``, oldest first."""
    if not Path(backup_dir).is_dir():
        return []
    found = [
        path
        for path in Path(backup_dir).iterdir()
        if path.is_dir() and path.name.startswith(FOLDER_PREFIX) and (path / MANIFEST).is_file()
    ]
    return sorted(found, key=lambda path: (_read_manifest(path).get("created_at", ""), path.name))


def prune(backup_dir: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest backups of ``backup_dir``; returns what went."""
    if keep < 1:
        raise BackupError("Keep at least one backup.")
    doomed = backups_in(backup_dir)[:-keep]
    for path in doomed:
        shutil.rmtree(path)
    return doomed


# --- restore ------------------------------------------------------------------------


def _read_manifest(folder: Path) -> dict:
    try:
        return json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BackupError(f"{folder} is not a complete MRM backup: its {MANIFEST} cannot be read ({exc}).") from exc


def verify(folder: Path) -> dict:
    """The manifest of backup ``folder``, once every file in it matches its recorded SHA-256."""
    folder = Path(folder)
    manifest = _read_manifest(folder)
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"{folder} has backup format {manifest.get('format')}; this version reads {FORMAT_VERSION}.")
    for name, expected in manifest["files"].items():
        path = folder / name
        if not path.is_file():
            raise BackupError(f"{path} is missing.")
        if _sha256(path) != expected:
            raise BackupError(f"{path} is damaged: its SHA-256 differs from the manifest's.")
    return manifest


@dataclass
class RestoreResult:
    database: str
    inventory: Inventory
    media_root: Path
    media_files: int
    replaced_media: Path | None


def restore(
    folder: Path, *, database_name: str | None = None, media_root: Path, force: bool = False, using: str = "default"
) -> RestoreResult:
    """Restore backup ``folder`` into database ``database_name`` (on the server of ``using``) and ``media_root``.

    PostgreSQL: ``database_name`` defaults to the configured database; it is
    created when missing. SQLite: it is a file path, the configured file by default.
    A target holding tables, or a media folder holding files, is refused unless
    ``force``: then the database is dropped and created anew (its connections
    ended) and the old media folder is kept beside the new one, renamed.
    Everything is checked before anything changes; afterwards the restored
    inventory must equal the manifest's, else :class:`BackupError`.
    """
    folder = Path(folder).resolve()
    manifest = verify(folder)
    settings_dict = connections[using].settings_dict
    engine = engine_of(settings_dict)
    if manifest["engine"] != engine:
        raise BackupError(
            f"This backup holds a {manifest['engine']} database; the configured database is {engine}. "
            "Set DATABASE_URL to the kind of database the backup was taken from."
        )
    target = database_name or settings_dict["NAME"]
    media_root = Path(media_root).resolve()
    media_busy = media_root.is_dir() and any(media_root.iterdir())
    database_busy = _database_has_tables(settings_dict, target, engine)
    if not force and (database_busy or media_busy):
        busy = [
            what
            for what, full in ((f"database {target}", database_busy), (f"media folder {media_root}", media_busy))
            if full
        ]
        verb = "hold" if len(busy) > 1 else "holds"
        raise BackupError(
            f"The {' and the '.join(busy)} already {verb} data, which restoring would replace. "
            "Restore elsewhere (--database-name, --media-root) or add --force (FORCE=1)."
        )
    if engine == POSTGRESQL:
        _restore_postgres(settings_dict, folder / POSTGRES_DUMP, target, recreate=database_busy)
    else:
        _restore_sqlite(folder / SQLITE_COPY, Path(target))
    restored = open_connection(settings_dict, target)
    try:
        inventory = take_inventory(restored)
    finally:
        restored.close()
    missing = Inventory.from_json(manifest["inventory"]).differences(inventory)
    if missing:
        raise BackupError("The restored database differs from the backup:\n  " + "\n  ".join(missing))
    replaced = _restore_media(folder / MEDIA_ARCHIVE, media_root)
    files = sum(1 for path in media_root.rglob("*") if path.is_file())
    if files != manifest["media"]["files"]:
        raise BackupError(
            f"{files} media files restored into {media_root}; the backup holds {manifest['media']['files']}."
        )
    return RestoreResult(
        database=target, inventory=inventory, media_root=media_root, media_files=files, replaced_media=replaced
    )


def _database_has_tables(settings_dict: dict, name: str, engine: str) -> bool:
    if engine == SQLITE:
        path = Path(name)
        if not path.exists() or path.stat().st_size == 0:
            return False
    elif not _postgres_database_exists(settings_dict, name):
        return False
    connection = open_connection(settings_dict, name)
    try:
        with connection.cursor() as cursor:
            return bool(connection.introspection.table_names(cursor))
    finally:
        connection.close()


def _maintenance_connection(settings_dict: dict):
    """A connection to the server's ``postgres`` database, to create and drop others."""
    return open_connection(settings_dict, "postgres")


def _postgres_database_exists(settings_dict: dict, name: str) -> bool:
    connection = _maintenance_connection(settings_dict)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return cursor.fetchone() is not None
    finally:
        connection.close()


def _restore_postgres(settings_dict: dict, dump: Path, name: str, *, recreate: bool) -> None:
    """Into a missing or empty database as it is; into a full one (forced) after dropping it.

    ``pg_restore`` runs in one transaction and stops at the first error, so a
    failed restore leaves the database empty rather than half-filled. Owners
    and grants are not restored: the restoring user owns everything, as the
    app's own user does in a fresh install.
    """
    connection = _maintenance_connection(settings_dict)
    quoted = connection.ops.quote_name(name)
    try:
        with connection.cursor() as cursor:
            if recreate:
                cursor.execute(f"DROP DATABASE {quoted} WITH (FORCE)")
            if recreate or not _postgres_database_exists(settings_dict, name):
                cursor.execute(f"CREATE DATABASE {quoted} TEMPLATE template0")
    finally:
        connection.close()
    _postgres_tool(
        "pg_restore",
        settings_dict,
        ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", f"--dbname={name}", str(dump)],
    )


def _restore_sqlite(copy: Path, target: Path) -> None:
    """Page by page with SQLite's backup API: the target file is replaced whole, never half-written."""
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    destination = sqlite3.connect(target)
    try:
        source.backup(destination)
    finally:
        destination.close()
        source.close()


def _restore_media(archive: Path, media_root: Path) -> Path | None:
    """Unpack into a new folder beside ``media_root``, then swap it in; an old one is kept, renamed.

    The archive is unpacked with tarfile's ``data`` filter: no absolute paths,
    no ``..``, no links out of the folder, no device files.
    """
    media_root.parent.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    incoming = media_root.parent / f".{media_root.name}.restoring-{stamp}"
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir()
    try:
        with tarfile.open(archive, "r") as tar:
            tar.extractall(incoming, filter="data")
    except BaseException:
        shutil.rmtree(incoming, ignore_errors=True)
        raise
    replaced = None
    if media_root.exists():
        if any(media_root.iterdir()):
            replaced = media_root.parent / f"{media_root.name}.replaced-{stamp}"
            media_root.rename(replaced)
        else:
            media_root.rmdir()
    incoming.rename(media_root)
    return replaced
