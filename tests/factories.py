"""factory_boy factories for accounts; each app's tests add their own beside it."""

import factory
from django.contrib.auth.models import Group

from accounts.models import Membership, Team, User

PASSWORD = "correct-horse-battery"  # test users only


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Team {n}")
    slug = factory.Sequence(lambda n: f"team-{n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A user; ``roles=[...]`` and ``teams=[...]`` set groups and memberships."""

    class Meta:
        model = User
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            for role in extracted:
                self.groups.add(Group.objects.get(name=role))
            if "admin" in extracted:
                self.is_staff = True
        if create:
            self.save()

    @factory.post_generation
    def teams(self, create, extracted, **kwargs):
        if create and extracted:
            for team in extracted:
                Membership.objects.get_or_create(user=self, team=team)
