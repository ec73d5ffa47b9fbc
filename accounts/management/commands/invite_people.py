"""`manage.py invite_people`: send invitations (a link to choose a password) to the people the filters pick.

    manage.py invite_people --role supervisor --all-without-login
    manage.py invite_people --school 1034000101 --dry-run
    manage.py invite_people --committee 3 --email somchai@school.example

Every filter given applies. `--dry-run` lists whom it would invite and sends nothing.
"""

from django.core.management.base import BaseCommand, CommandError

from accounts import invitations
from supervision.errors import DomainError
from supervision.models import AreaOffice, Committee, School
from supervision.roles import Role


class Command(BaseCommand):
    help = "Invite people to choose a password (e-mail, and LINE when linked), through the notification ledger."

    def add_arguments(self, parser):
        parser.add_argument("--office", help="area office code; needed only when there is more than one office")
        parser.add_argument("--role", choices=Role.values, help="people whose login has this role")
        parser.add_argument(
            "--all-without-login", action="store_true", help="people who have no login yet, or never set a password"
        )
        parser.add_argument("--school", help="school code: the school's staff")
        parser.add_argument("--committee", type=int, help="committee id: its members")
        parser.add_argument("--email", action="append", default=[], help="this person (repeatable)")
        parser.add_argument("--dry-run", action="store_true", help="list whom it would invite; send nothing")

    def handle(self, *args, **opts):
        office = self._office(opts["office"])
        if not any([opts["role"], opts["all_without_login"], opts["school"], opts["committee"], opts["email"]]):
            raise CommandError(
                "เลือกผู้รับด้วยตัวกรองอย่างน้อยหนึ่งตัว / pick people with at least one filter "
                "(--role, --all-without-login, --school, --committee, --email)"
            )
        school = committee = None
        if opts["school"]:
            school = School.objects.filter(office=office, code=opts["school"]).first()
            if school is None:
                raise CommandError(f"ไม่พบโรงเรียนรหัส {opts['school']} / no school {opts['school']} in {office.code}")
        if opts["committee"] is not None:
            committee = Committee.objects.filter(office=office, pk=opts["committee"]).first()
            if committee is None:
                number = opts["committee"]
                raise CommandError(f"ไม่พบคณะกรรมการ {number} / no committee {number} in {office.code}")
        people = invitations.people_to_invite(
            office,
            role=opts["role"],
            without_login=opts["all_without_login"],
            school=school,
            committee=committee,
        )
        if opts["email"]:
            wanted = {e.strip().lower() for e in opts["email"]}
            people = [p for p in people if p.email.lower() in wanted]
            unknown = wanted - {p.email.lower() for p in people}
            if unknown:
                raise CommandError(f"ไม่พบบุคลากรที่มีอีเมล {', '.join(sorted(unknown))} / no such person")
        people = list(people)
        reachable = [p for p in people if invitations.reachable(p)]
        skipped = [p for p in people if not invitations.reachable(p)]
        for person in reachable:
            verb = "would invite" if opts["dry_run"] else "inviting"
            self.stdout.write(f"{verb}: {person.full_name} <{person.email}>")
        for person in skipped:
            self.stderr.write(f"skipped (no e-mail or LINE): {person.full_name}")
        if opts["dry_run"]:
            self.stdout.write(f"dry run: {len(reachable)} would be invited, {len(skipped)} skipped; nothing sent")
            return
        try:
            sent = invitations.invite(reachable)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"{len(sent)} invited, {len(skipped)} skipped"))

    def _office(self, code):
        offices = AreaOffice.objects.all()
        if code:
            office = offices.filter(code=code).first()
            if office is None:
                raise CommandError(f"ไม่พบสำนักงานเขตรหัส {code} / no office with code {code}")
            return office
        if offices.count() != 1:
            raise CommandError("มีหลายสำนักงานเขต ระบุ --office / several offices: give --office")
        return offices.get()
