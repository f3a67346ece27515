"""Start the test identity provider: migrate, make a signing key and the client, serve."""

from __future__ import annotations

import json
import os

os.environ["DJANGO_SETTINGS_MODULE"] = "hansei.accounts.tests.identity_provider.settings"


def prepare() -> None:
    from django.core.management import call_command
    from oidc_provider.models import Client, ResponseType, RSAKey

    call_command("migrate", interactive=False, verbosity=0)
    if not RSAKey.objects.exists():
        call_command("creatersakey", verbosity=0)
    wanted = json.loads(os.environ["OP_CLIENT"])
    client, _created = Client.objects.update_or_create(
        client_id=wanted["client_id"],
        defaults={
            "name": "Hansei",
            "client_type": "confidential",
            "client_secret": wanted["client_secret"],
            "require_consent": False,
            "reuse_consent": True,
            "jwt_alg": "RS256",
        },
    )
    client.redirect_uris = wanted["redirect_uris"]
    client.post_logout_redirect_uris = wanted["post_logout_redirect_uris"]
    client.save()
    client.response_types.set(ResponseType.objects.filter(value="code"))


def main() -> None:
    import django
    import uvicorn

    django.setup()
    prepare()
    from django.core.asgi import get_asgi_application

    port = int(os.environ["OP_PORT"])
    uvicorn.run(get_asgi_application(), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
