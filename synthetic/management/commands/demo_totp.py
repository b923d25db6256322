"""`manage.py demo_totp <username>`: the current two-factor code of a demo user, so a newcomer can sign in to the
demo without a phone. Refuses in production, and for any device not made by `create_demo_users`."""

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP

from accounts.models import AuthenticatorDevice
from synthetic.demo import demo_totp_key
from synthetic.management.commands.generate_synthetic import refuse_in_production


class Command(BaseCommand):
    help = "Print a demo user's current two-factor code (synthetic demo only; refused in production)"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="A demo user, such as demo.coordinator")

    def handle(self, *args, username: str, **options) -> None:
        refuse_in_production("print two-factor codes")
        device = AuthenticatorDevice.objects.filter(user__username=username, confirmed=True).order_by("pk").first()
        if device is None or device.key != demo_totp_key(username):  # the key is encrypted: compared once read
            raise CommandError(
                f"{username} has no demo authenticator: this command only works for users `create_demo_users` made."
            )
        generator = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        left = device.step - int(generator.time - device.t0) % device.step
        self.stdout.write(f"{generator.token():0{device.digits}d}")
        self.stderr.write(f"(the code for {username}; it changes in {left} seconds)")
