"""Single sign-on with OpenID Connect, through mozilla-django-oidc.

* ``config``: the ``HANSEI_OIDC_*`` settings, read and checked in one place;
* ``provider``: the provider's endpoints (configured, or discovered from the issuer);
* ``claims``: what a verified set of claims says about a person (name, email, teams, role);
* ``people``: who that person is in Hansei (by ``sub``, then by verified email, else a new
  user) and the role and teams their claims give them, through ``accounts.services``;
* ``backend``: the authentication backend (code flow, strict ID token checks);
* ``views``: the start and callback endpoints.

Off unless ``HANSEI_OIDC_CLIENT_ID`` is set: the sign-in page then looks as without it.
"""
