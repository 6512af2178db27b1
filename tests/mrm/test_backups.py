"""The restore drill: back up, restore into a fresh database, and find every row, kopeck and file again.

It runs on whichever database the suite runs on: SQLite (the embedded
default's backup API) and, in CI, PostgreSQL (pg_dump / pg_restore into a
database of its own). docs/OPERATIONS.md describes the same drill by hand.
"""

from __future__ import annotations

import hashlib
import io
import json
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.db.models import Sum

from approvals.models import ApprovalRequest, Decision
from budgets.models import ActualLine, BudgetAllocation, Commitment, Expense, FundingRequest
from mrm import backups
from mrm.backups import BackupError, Inventory, open_connection, take_inventory

pytestmark = pytest.mark.django_db(transaction=True)

# The money the drill must find again, as (model, field): every amount a budget holds.
MONEY = [
    (BudgetAllocation, "amount"),
    (FundingRequest, "amount"),
    (FundingRequest, "approved_amount"),
    (Commitment, "amount"),
    (Expense, "amount"),
    (ActualLine, "amount"),
    (ApprovalRequest, "amount"),
    (Decision, "approved_amount"),
]


def media_files(root: Path) -> dict[str, str]:
    """Every file under ``root``: relative path -> SHA-256."""
    return {
        path.relative_to(root).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def database_url(name: str) -> str:
    """``DATABASE_URL`` for database ``name`` on the server the suite uses."""
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(name).resolve()}"
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    return (
        f"postgres://{database['USER']}{password}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{name}"
    )


def database_exists(name: str) -> bool:
    if connection.vendor == "sqlite":
        return Path(name).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def fresh_database(tmp_path):
    """A name no database holds yet: a file on SQLite, a database of the suite's server on PostgreSQL."""
    if connection.vendor == "sqlite":
        yield str(tmp_path / "restored.sqlite3")
        return
    name = f"{connection.settings_dict['NAME']}_restore_drill"[:63]
    maintenance = open_connection(connection.settings_dict, "postgres")

    def drop():
        with maintenance.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {maintenance.ops.quote_name(name)} WITH (FORCE)")

    drop()
    try:
        yield name
    finally:
        drop()
        maintenance.close()


@pytest.fixture
def demo_installation(media_root):
    """The demo: teams, campaigns, budgets, funding, spend, accounting lines, approvals, material files."""
    call_command("seed_demo", stdout=io.StringIO())
    return media_root


def restored_inventory(name: str) -> Inventory:
    restored = open_connection(connection.settings_dict, name)
    try:
        return take_inventory(restored)
    finally:
        restored.close()


def test_the_drill_restores_every_row_every_sum_of_money_and_every_file(demo_installation, fresh_database, tmp_path):
    # given a working installation with money in every money table, and its files
    source = take_inventory(connection)
    for model, field in MONEY:
        column = f"{model._meta.db_table}.{model._meta.get_field(field).column}"
        total = model.objects.aggregate(total=Sum(field))["total"]
        assert total, f"the demo holds money in {column}"
        assert Decimal(source.money[column]) == total.quantize(Decimal("0.01")), column
    source_files = media_files(demo_installation)
    assert source_files, "the demo has material files"
    # when it is backed up
    output = tmp_path / "backups"
    call_command("backup", output_dir=output, stdout=io.StringIO())
    (folder,) = backups.backups_in(output)
    # and restored into a fresh database and media folder
    restored_media = tmp_path / "restored-media"
    call_command("restore", folder, database_name=fresh_database, media_root=restored_media, stdout=io.StringIO())
    # then every table holds as many rows and every money column the same sum
    restored = restored_inventory(fresh_database)
    assert restored.rows == source.rows
    assert restored.money == source.money
    assert sum(restored.rows.values()) > 500
    # and every file came back, byte for byte
    assert media_files(restored_media) == source_files


def test_the_manifest_records_the_inventory_the_dump_was_taken_with(marketer, media_root, tmp_path):
    # given an installation with a user, a team and a file
    (media_root / "reports").mkdir(parents=True)
    (media_root / "reports" / "spend.xlsx").write_bytes(b"PK spend")
    source = take_inventory(connection)
    # when it is backed up
    result = backups.backup(backup_dir=tmp_path / "backups", media_root=media_root)
    # then the manifest says what a restore must give back, and how to check the files
    manifest = json.loads((result.folder / "manifest.json").read_text())
    assert manifest["inventory"] == source.as_json()
    assert manifest["engine"] == ("sqlite" if connection.vendor == "sqlite" else "postgresql")
    last_applied: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        last_applied[app] = max(last_applied.get(app, ""), name)
    assert manifest["migrations"] == last_applied
    assert manifest["media"] == {"files": 1, "bytes": len(b"PK spend")}
    assert set(manifest["files"]) == {
        "database.sqlite3" if connection.vendor == "sqlite" else "database.dump",
        "media.tar",
    }


def test_a_restore_refuses_to_overwrite_data_unless_forced(marketer, media_root, fresh_database, tmp_path):
    # given a backup, restored once into the fresh database
    (media_root / "materials").mkdir(parents=True)
    (media_root / "materials" / "brief.pdf").write_bytes(b"%PDF-1.4 brief")
    folder = backups.backup(backup_dir=tmp_path / "backups", media_root=media_root).folder
    backups.restore(folder, database_name=fresh_database, media_root=tmp_path / "restored-media")
    # when it is restored there again
    with pytest.raises(CommandError, match="already hold"):
        call_command("restore", folder, database_name=fresh_database, media_root=tmp_path / "restored-media")
    # then nothing changed
    assert not list(tmp_path.glob("restored-media.replaced-*"))
    assert restored_inventory(fresh_database).rows["accounts_user"] == 1
    # and forced, it replaces them and keeps the old media folder beside
    result = backups.restore(folder, database_name=fresh_database, media_root=tmp_path / "restored-media", force=True)
    assert result.replaced_media is not None
    assert media_files(result.replaced_media) == media_files(media_root)
    assert media_files(tmp_path / "restored-media") == media_files(media_root)
    assert restored_inventory(fresh_database).rows["accounts_user"] == 1


def test_a_damaged_backup_is_refused_before_anything_changes(marketer, media_root, fresh_database, tmp_path):
    # given a backup whose database file was damaged in storage
    folder = backups.backup(backup_dir=tmp_path, media_root=media_root).folder
    database_file = next(path for path in folder.iterdir() if path.name.startswith("database."))
    data = bytearray(database_file.read_bytes())
    data[len(data) // 2] ^= 0xFF
    database_file.write_bytes(bytes(data))
    # when it is restored, then it is refused, naming the file
    with pytest.raises(BackupError, match=f"{database_file.name} is damaged"):
        backups.restore(folder, database_name=fresh_database, media_root=tmp_path / "restored-media")
    # and the targets were never created
    assert not (tmp_path / "restored-media").exists()
    assert not database_exists(fresh_database)


def test_a_restore_that_does_not_give_back_what_the_manifest_lists_fails(
    marketer, media_root, fresh_database, tmp_path
):
    # given a backup whose manifest counts one user more than its dump holds
    folder = backups.backup(backup_dir=tmp_path, media_root=media_root).folder
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["inventory"]["rows"]["accounts_user"] += 1
    manifest["inventory"]["money"]["budgets_expense.amount"] = "10.00"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    # when it is restored, then the difference is reported, line by line
    with pytest.raises(BackupError) as failure:
        backups.restore(folder, database_name=fresh_database, media_root=tmp_path / "restored-media")
    assert "table accounts_user: 2 rows expected, 1 found" in str(failure.value)
    assert "money budgets_expense.amount: sum 10.00 expected, 0.00 found" in str(failure.value)


def test_old_backups_beyond_the_kept_number_are_deleted(marketer, media_root, tmp_path):
    # given backups kept to the two newest
    from datetime import UTC, datetime

    made = [
        backups.backup(backup_dir=tmp_path, media_root=media_root, keep=2, now=datetime(2027, 3, day, 2, 0, tzinfo=UTC))
        for day in (1, 2, 3)
    ]
    # then the oldest went, and only it
    assert [path.name for path in backups.backups_in(tmp_path)] == ["mrm-20270302-020000", "mrm-20270303-020000"]
    assert made[2].deleted == [made[0].folder]
    # and a folder that is not a backup is never touched
    (tmp_path / "notes").mkdir()
    backups.prune(tmp_path, 1)
    assert (tmp_path / "notes").is_dir()


def test_a_backup_folder_inside_the_media_folder_is_refused(media_root):
    with pytest.raises(BackupError, match="inside MEDIA_ROOT"):
        backups.backup(backup_dir=media_root / "backups", media_root=media_root)


def test_make_backup_and_make_restore_run_the_commands(marketer, media_root, fresh_database, tmp_path):
    # given a restored copy of this installation, which a separate process can open
    folder = backups.backup(backup_dir=tmp_path / "first", media_root=media_root).folder
    backups.restore(folder, database_name=fresh_database, media_root=tmp_path / "media-copy")
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "mrm.settings.local",
        "MRM_DATA_DIR": str(tmp_path / "data"),
        "MRM_MEDIA_ROOT": str(tmp_path / "media-copy"),
        "DATABASE_URL": database_url(fresh_database),
        "BACKUP_DIR": str(tmp_path / "made-by-make"),
    }
    # when an operator runs `make backup`
    made = subprocess.run(
        ["make", "backup"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )
    # then a backup of that database is in BACKUP_DIR, with the same inventory
    assert made.returncode == 0, made.stderr
    (copy,) = backups.backups_in(tmp_path / "made-by-make")
    assert f"Backup written to {copy}" in made.stdout
    first = json.loads((folder / "manifest.json").read_text())["inventory"]
    assert json.loads((copy / "manifest.json").read_text())["inventory"] == first
    # and `make restore` without a backup named lists the backups instead of guessing
    listing = subprocess.run(
        ["make", "restore"], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=300
    )
    assert listing.returncode != 0
    assert str(copy) in listing.stderr
    # and into the database it came from, without FORCE=1, it refuses
    refused = subprocess.run(
        ["make", "restore", f"BACKUP={copy}"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert refused.returncode != 0
    assert "already hold" in refused.stderr
