"""``manage.py signin_throttle <address> [--reset]``: how many sign-in failures an address has, and lift its pause.

The per-address throttle (``accounts.throttling``) pauses sign-in from an
address for the rest of its window. When that address is an office behind
one NAT and the cause is known, an administrator lifts the pause here instead
of waiting; the per-user lockout has django-axes' ``axes_reset_*`` commands.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts import throttling
from mrm.client_ip import parse_address


class Command(BaseCommand):
    help = "Show the sign-in failures counted for a client address; --reset forgets them (lifts the pause)."

    def add_arguments(self, parser):
        parser.add_argument("address", help="The client address, as the lockout admin and the logs show it.")
        parser.add_argument("--reset", action="store_true", help="Forget the address's failures.")

    def handle(self, *args, address, reset, **options):
        parsed = parse_address(address)
        if parsed is None:
            raise CommandError(f"{address!r} is not an IP address.")
        address = str(parsed)
        count, limit = throttling.failures(address), throttling.failure_limit()
        state = "paused" if count >= limit else "not paused"
        self.stdout.write(f"{address}: {count} failed sign-in attempts counted (limit {limit}), {state}.")
        if reset:
            throttling.reset(address)
            self.stdout.write(self.style.SUCCESS(f"{address}: failures forgotten; sign-in from it is open again."))
