"""``manage.py backup`` (``make backup``): the database and the media files into a new backup folder."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from mrm.backups import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump custom format, or a SQLite copy) and MEDIA_ROOT into a new "
        "timestamped folder of BACKUP_DIR, with a manifest of row counts and money sums (docs/OPERATIONS.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            help=f"Where to write the backup folder (default BACKUP_DIR: {settings.MRM_BACKUP_DIR}).",
        )
        parser.add_argument(
            "--keep",
            type=int,
            default=settings.MRM_BACKUP_KEEP,
            help="Afterwards delete all but this many newest backups there (default BACKUP_KEEP; 0 keeps all).",
        )

    def handle(self, *args, output_dir=None, keep=0, **options):
        if keep < 0:
            raise CommandError("--keep takes 0 (keep every backup) or more.")
        try:
            result = backup(backup_dir=output_dir or settings.MRM_BACKUP_DIR, media_root=settings.MEDIA_ROOT, keep=keep)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        inventory = result.manifest["inventory"]
        media = result.manifest["media"]
        self.stdout.write(
            self.style.SUCCESS(f"Backup written to {result.folder}")
            + f"\n  {result.manifest['engine']} database {result.manifest['database']}: "
            f"{len(inventory['rows'])} tables, {sum(inventory['rows'].values())} rows, "
            f"{len(inventory['money'])} money columns summed"
            + f"\n  media: {media['files']} files, {media['bytes']} bytes from {settings.MEDIA_ROOT}"
        )
        for folder in result.deleted:
            self.stdout.write(f"  deleted the older backup {folder} (keeping {keep})")
