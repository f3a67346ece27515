"""A real OpenID Connect provider for the single sign-on tests: django-oidc-provider in a
Django project of its own, run as a separate process (``python -m`` this package).

It signs ID tokens with its own RSA key, serves discovery, JWKS, authorization (behind its
own sign-in page), token, UserInfo and end-session endpoints. Its people and the claims they
carry come from a JSON state file the test writes and may change at any time:

    {"people": {"emma": {"password": "...", "email": "...", "email_verified": true,
                         "name": "...", "groups": ["sre"]}},
     "id_token": "valid" | "tampered" | "wrong-audience" | "expired"}

``id_token`` other than "valid" makes the provider issue bad ID tokens: "wrong-audience" and
"expired" are signed by its real key with a wrong ``aud`` or a past ``exp``; "tampered"
changes a claim after signing, as an attacker on the way would.

Environment: OP_PORT, OP_DATA_DIR, OP_STATE (the state file), OP_CLIENT (JSON: client_id,
client_secret, redirect_uris, post_logout_redirect_uris).
"""
