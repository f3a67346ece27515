"""Store every username normalized (NFKC, no surrounding whitespace, case-folded), as
``hansei.accounts.models.normalize_username`` does from now on at creation and sign-in.

Names that would collide ("Emma" and "emma") are not merged: the migration refuses, names
them, and changes nothing, so an admin can rename one and run ``hansei migrate`` again.
"""

import unicodedata
from collections import defaultdict

from django.core.management.base import CommandError
from django.db import migrations


def normalized(username):
    # A copy of models.normalize_username as of this migration: migrations must not change
    # behaviour when the model module changes later.
    folded = unicodedata.normalize("NFKC", username).strip().casefold()
    return unicodedata.normalize("NFKC", folded)


def normalize_usernames(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    spellings = defaultdict(list)
    for pk, username in User.objects.order_by("pk").values_list("pk", "username"):
        spellings[normalized(username)].append((pk, username))
    collisions = {name: rows for name, rows in spellings.items() if len(rows) > 1}
    if collisions:
        listed = "; ".join(
            " and ".join(repr(username) for _pk, username in rows) + f" would all be {name!r}"
            for name, rows in sorted(collisions.items())
        )
        raise CommandError(
            "cannot normalize user names (sign-in now ignores case, width and surrounding "
            f"spaces): {listed}. Rename all but one of each (admin site, or `hansei shell`), "
            "then run `hansei migrate` again."
        )
    for name, [(pk, username)] in spellings.items():
        if name != username:
            User.objects.filter(pk=pk).update(username=name)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_alter_user_managers"),
    ]

    operations = [
        migrations.RunPython(normalize_usernames, migrations.RunPython.noop, elidable=True),
    ]
