"""The claims the test provider gives: like a company directory (Keycloak with a groups mapper)."""

from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    oidc_claim_scope = {**OAuth2Validator.oidc_claim_scope, "groups": "groups"}

    def get_additional_claims(self, request):
        user = request.user
        claims = {
            "preferred_username": user.username,
            "given_name": user.first_name,
            "family_name": user.last_name,
            "name": f"{user.first_name} {user.last_name}".strip(),
            "groups": sorted(group.name for group in user.groups.all()),
        }
        if user.email:  # a directory entry without an address sends no e-mail claim at all
            claims["email"] = user.email
            claims["email_verified"] = True
        return claims
