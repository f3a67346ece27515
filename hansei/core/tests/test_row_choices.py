"""A form's choice of rows takes only row ids: "²" (a digit to str.isdigit, not to int) or a
number past 64 bits (SQLite's OverflowError, PostgreSQL's out-of-range) is an invalid choice,
never a query and never a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django import forms
from django.contrib import admin
from django.test import RequestFactory
from django.urls import get_resolver

from hansei.accounts.forms import ChangeUserForm
from hansei.accounts.models import User
from hansei.core.forms import RowChoiceField, RowsChoiceField, row_id

ODD = ["²", "１", "99999999999999999999", "9223372036854775808", "0", "-1", "1.0", " 1", "1\n"]


def _forms() -> list[type[forms.BaseForm]]:
    assert get_resolver().url_patterns  # every view, so every form, is imported
    found, todo = [], list(forms.BaseForm.__subclasses__())
    while todo:
        form = todo.pop()
        todo.extend(form.__subclasses__())
        if form.__module__.startswith("hansei.") and ".tests" not in form.__module__:
            found.append(form)
    return found


def _loose(form: type[forms.BaseForm]) -> list[str]:
    return [
        f"{form.__module__}.{form.__name__}.{name}"
        for name, field in getattr(form, "base_fields", {}).items()
        if isinstance(field, forms.ModelChoiceField)
        and not isinstance(field, RowChoiceField | RowsChoiceField)
    ]


def _admin_forms() -> list[type[forms.BaseForm]]:
    """The forms the admin site builds (its own fields for a model's relations)."""
    request = RequestFactory().get("/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    found = []
    for model, model_admin in admin.site._registry.items():
        for obj in (None, model()):
            found.append(model_admin.get_form(request, obj))
        for inline in model_admin.get_inline_instances(request):
            found.append(inline.get_formset(request).form)
    return found


def test_every_choice_of_rows_in_a_form_takes_only_row_ids() -> None:
    forms_found = _forms()
    assert len(forms_found) > 40  # the walk found the product's forms
    # The admin site's model forms get their relations' fields from the admin: checked below.
    admin_built = {form for form in forms_found if form.__module__.endswith(".admin")}
    admin_built.add(ChangeUserForm)
    assert [name for form in forms_found if form not in admin_built for name in _loose(form)] == []


def test_every_choice_of_rows_on_the_admin_site_takes_only_row_ids() -> None:
    admin_forms = _admin_forms()
    assert len(admin_forms) > 15
    assert [name for form in admin_forms for name in _loose(form)] == []


@pytest.mark.parametrize("value", ODD)
def test_an_odd_value_is_no_row_id(value: str) -> None:
    assert row_id(value) is None


def test_a_row_id_is_one() -> None:
    assert [row_id(v) for v in ("1", "42", "9223372036854775807")] == [1, 42, 2**63 - 1]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ODD)
def test_odd_choices_are_invalid_not_queries(value: str, alice: Any) -> None:
    one = RowChoiceField(User.objects.all())
    many = RowsChoiceField(User.objects.all())
    with pytest.raises(forms.ValidationError, match="valid choice"):
        one.clean(value)
    with pytest.raises(forms.ValidationError, match="valid choice"):
        many.clean([str(alice.pk), value])
    assert many.clean([str(alice.pk)]).get() == alice
