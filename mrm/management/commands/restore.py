"""``manage.py restore`` (``make restore``): a backup folder back into a database and MEDIA_ROOT."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mrm.backups import BackupError, backups_in, restore


class Command(BaseCommand):
    help = (
        "Restore a backup folder written by `manage.py backup` into a database (the configured one by "
        "default) and MEDIA_ROOT, then check rows and money sums against its manifest (docs/OPERATIONS.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "folder", nargs="?", type=Path, help="The backup folder, e.g. data/backups/mrm-20270301-020000."
        )
        parser.add_argument(
            "--database-name",
            help="PostgreSQL: the database to restore into, created if missing (default: the one DATABASE_URL names). "
            "SQLite: the file to restore into.",
        )
        parser.add_argument(
            "--media-root", type=Path, help=f"Where the media files go (default MEDIA_ROOT: {settings.MEDIA_ROOT})."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace a database that holds tables (dropped and created anew) and a media folder that holds files (kept, renamed).",
        )

    def handle(self, *args, folder=None, database_name=None, media_root=None, force=False, **options):
        if folder is None:
            available = backups_in(settings.MRM_BACKUP_DIR)
            listing = "\n  ".join(str(path) for path in reversed(available)) or "(none)"
            raise CommandError(
                f"Name the backup folder to restore. Backups in {settings.MRM_BACKUP_DIR}, newest first:\n  {listing}"
            )
        try:
            result = restore(
                folder, database_name=database_name, media_root=media_root or settings.MEDIA_ROOT, force=force
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(result.inventory.rows.values())
        self.stdout.write(
            self.style.SUCCESS(f"Restored {folder} into database {result.database}")
            + f"\n  {len(result.inventory.rows)} tables and {rows} rows, every money column's sum equal to the backup's"
            + f"\n  media: {result.media_files} files into {result.media_root}"
        )
        if result.replaced_media:
            self.stdout.write(f"  the media files there before were kept in {result.replaced_media}")
        self.stdout.write(
            "Next: `manage.py migrate` (the code may be newer than the backup), point DATABASE_URL at this "
            "database if it is not the configured one, then start the web, worker and beat processes."
        )
