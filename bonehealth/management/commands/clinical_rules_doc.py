from django.core.management.base import BaseCommand, CommandError

from bonehealth.rules_doc import DOC_PATH, generate


class Command(BaseCommand):
    help = "Write docs/clinical-rules.md from the rule, plan and pathway tables."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check", action="store_true", help="Exit 1 when the file is out of date."
        )

    def handle(self, *args, check=False, **options):
        text = generate()
        if check:
            current = DOC_PATH.read_text(encoding="utf-8") if DOC_PATH.exists() else ""
            if current != text:
                raise CommandError(f"{DOC_PATH} is out of date: run manage.py clinical_rules_doc")
            self.stdout.write(f"{DOC_PATH} is up to date")
            return
        DOC_PATH.write_text(text, encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"wrote {DOC_PATH}"))
