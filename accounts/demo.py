"""Demo teams and one user per role (PRODUCT.md §2), some names in Russian."""

from accounts.choices import Role
from accounts.models import User
from accounts.services import membership_set, team_get_or_create, user_set_roles

DEMO_PASSWORD = "mrm-demo"  # noqa: S105 - printed in the README and by `make start`

TEAMS = {
    "Brand": "Brand and communications",
    "Digital": "Performance and digital marketing",
    "Events": "Events and exhibitions",
    "Регион Север": "Региональный маркетинг, Северо-Запад",
}

# username, display name, roles, {team: champion?}
USERS = [
    ("marketer", "Мария Иванова", [Role.MARKETER], {"Brand": True, "Digital": False}),
    ("events", "Paul Smith", [Role.MARKETER], {"Events": True}),
    ("north", "Илья Северов", [Role.MARKETER], {"Регион Север": False}),
    # The CMO decides where assigned (approver) and reads every team's campaigns and money (leadership).
    ("cmo", "Олег Петров", [Role.APPROVER, Role.LEADERSHIP], {"Brand": False}),
    ("legal", "Lena Ortiz", [Role.APPROVER], {}),
    ("finance", "Анна Кузнецова", [Role.FINANCE], {}),
    ("admin", "Admin", [Role.ADMIN], {}),
]


# A former employee (PRODUCT.md §7): campaigns' demo gives them a campaign and then deactivates
# them the way a directory sync would, around MRM, so the orphans report has something to show.
FORMER_EMPLOYEE = ("former", "Фёдор Уволенный", "Brand")


def demo_logins() -> list[tuple[str, str, str]]:
    """(username, password, what they are) for the README and the start banner."""
    return [(username, DEMO_PASSWORD, ", ".join(roles)) for username, _name, roles, _teams in USERS]


def seed(stdout) -> None:
    teams = {name: team_get_or_create(name=name, description=text) for name, text in TEAMS.items()}
    for username, display_name, roles, memberships in USERS:
        user, _created = User.objects.get_or_create(username=username)
        user.display_name = display_name
        user.email = f"{username}@example.com"
        user.language = ""  # follow the browser / the language switch
        user.is_active = True
        user.is_superuser = Role.ADMIN in roles
        user.set_password(DEMO_PASSWORD)
        user.save()
        user_set_roles(user=user, roles=list(roles))
        for team_name, champion in memberships.items():
            membership_set(user=user, team=teams[team_name], is_champion=champion)
    username, display_name, team_name = FORMER_EMPLOYEE
    former, created = User.objects.get_or_create(
        username=username, defaults={"display_name": display_name, "email": f"{username}@example.com"}
    )
    if created:
        former.set_unusable_password()
        former.save()
        user_set_roles(user=former, roles=[Role.MARKETER])
        membership_set(user=former, team=teams[team_name])
    stdout.write(f"  accounts: {len(teams)} teams, {len(USERS)} users and a former employee")
