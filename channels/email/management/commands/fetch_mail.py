"""One ingest pass over every active mailbox (or --mailbox NAME), then processing."""

from django.core.management.base import BaseCommand, CommandError

from channels.email.ingest import mailboxes_fetch
from channels.email.models import Mailbox
from channels.email.processing import raw_source_process


def processing_hook(mode: str):
    """What to do with freshly stored messages: enqueue a task each, process here, or nothing."""
    if mode == "queue":
        from django_q.tasks import async_task

        return lambda ids: [async_task("channels.email.tasks.email_process_task", i) for i in ids]
    if mode == "inline":
        return lambda ids: [raw_source_process(raw_source_id=i) for i in ids]
    return None


class Command(BaseCommand):
    help = "Fetch new mail from the configured IMAP mailboxes once (store first, then move), and process it."

    def add_arguments(self, parser):
        parser.add_argument("--mailbox", help="only this mailbox (its name)")
        parser.add_argument("--process", choices=["queue", "inline", "none"], default="queue",
                            help="queue: a django-q2 task per message (default); inline: here; none: store only")

    def handle(self, *args, mailbox=None, process="queue", **options):
        if mailbox and not Mailbox.objects.filter(name=mailbox).exists():
            raise CommandError(f"no mailbox {mailbox!r}")
        results = mailboxes_fetch(name=mailbox, on_stored=processing_hook(process))
        if not results:
            self.stdout.write("no active mailbox configured")
        failed = False
        for stats in results:
            line = (f"{stats.mailbox}: fetched {stats.seen}, stored {stats.stored}, duplicates {stats.duplicates}, "
                    f"already stored {stats.refetched}, moved {stats.moved}")
            if stats.error:
                failed = True
                line += f"; error: {stats.error}"
            self.stdout.write(line)
        if failed:
            raise CommandError("some mailboxes could not be read (see above); nothing fetched was lost")
