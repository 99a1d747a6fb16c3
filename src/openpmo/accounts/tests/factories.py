from __future__ import annotations

import factory
from django.contrib.auth.models import Group

from openpmo.accounts.models import User
from openpmo.accounts.roles import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    password = factory.django.Password("correct horse battery staple")

    @factory.post_generation
    def roles(self, create: bool, extracted: list[Role] | None, **kwargs: object) -> None:
        if create and extracted:
            self.groups.set([Group.objects.get_or_create(name=role.value)[0] for role in extracted])


def oidc_people() -> list[object]:
    """People the test identity provider knows, with the groups their organisation gives them."""
    from oidc_provider_mock import User as ProviderUser

    return [
        ProviderUser(
            sub="alice",
            claims={
                "email": "alice.smith@council.gov.uk",
                "given_name": "Alice",
                "family_name": "Smith",
                "groups": ["grp-openpmo-sponsors", "grp-data-pillar", "grp-all-staff"],
            },
        ),
        ProviderUser(
            sub="mallory",
            claims={"email": "mallory@contractor.example", "groups": ["grp-all-staff"]},
        ),
    ]


def configure_oidc(settings: object, port: int) -> None:
    """Point OpenPMO's single sign-on at a provider on ``localhost:port`` (as env.py would)."""
    base = f"http://localhost:{port}"
    settings.OIDC_ENABLED = True  # type: ignore[attr-defined]
    settings.AUTHENTICATION_BACKENDS = [  # type: ignore[attr-defined]
        *settings.AUTHENTICATION_BACKENDS,  # type: ignore[attr-defined]
        "openpmo.accounts.oidc.GroupMappingBackend",
    ]
    settings.OIDC_RP_CLIENT_ID = "openpmo"  # type: ignore[attr-defined]
    settings.OIDC_RP_CLIENT_SECRET = "not-a-real-secret"  # type: ignore[attr-defined]
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{base}/oauth2/authorize"  # type: ignore[attr-defined]
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{base}/oauth2/token"  # type: ignore[attr-defined]
    settings.OIDC_OP_USER_ENDPOINT = f"{base}/userinfo"  # type: ignore[attr-defined]
    settings.OIDC_OP_JWKS_ENDPOINT = f"{base}/jwks"  # type: ignore[attr-defined]
    settings.OIDC_RP_SIGN_ALGO = "RS256"  # type: ignore[attr-defined]
    # The test provider signs with its one key and names no key id; Entra ID names one.
    settings.OIDC_VERIFY_KID = False  # type: ignore[attr-defined]
    settings.OIDC_RP_SCOPES = "openid email profile"  # type: ignore[attr-defined]
    settings.OIDC_GROUP_ROLES = {  # type: ignore[attr-defined]
        "grp-openpmo-pmo": "PMO",
        "grp-openpmo-sponsors": "Pillar sponsor",
    }
    settings.OIDC_GROUP_PILLARS = {"grp-data-pillar": "Platforms for Data"}  # type: ignore[attr-defined]
    settings.OIDC_LABEL = "Microsoft Entra ID"  # type: ignore[attr-defined]
