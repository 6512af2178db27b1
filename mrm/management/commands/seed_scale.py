"""``manage.py seed_scale``: a large department's data for measuring MRM (docs/PERFORMANCE.md).

Sizes default to issue 16's (20 teams, 500 users, 10k campaigns, 50k activities,
20k funding requests, 30k approval requests, 100k expenses, 1M history rows);
``--scale 0.01`` shrinks them all, a size option sets one. Safe to run again:
it tops up to the asked sizes and never duplicates (see ``perf.seed``).
"""

from django.core.management.base import BaseCommand

from perf.seed import Sizes, seed_scale


class Command(BaseCommand):
    help = "Create or top up scale data for benchmarks (idempotent, bulk inserts)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="Multiply every default size (e.g. 0.01).")
        for name in ("teams", "users", "campaigns", "activities", "funding-requests", "approval-requests",
                     "expenses", "history"):  # fmt: skip
            parser.add_argument(f"--{name}", type=int, default=None, help=f"Number of {name.replace('-', ' ')}.")
        parser.add_argument("--batch-size", type=int, default=2000, help="Rows per INSERT.")

    def handle(self, *args, **options):
        names = ("teams", "users", "campaigns", "activities", "funding_requests", "approval_requests", "expenses",
                 "history")  # fmt: skip
        sizes = Sizes.scaled(options["scale"], **{name: options[name] for name in names})
        self.stdout.write(f"Seeding scale data up to {sizes}")
        seed_scale(sizes, batch_size=options["batch_size"], stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Scale data is ready."))
