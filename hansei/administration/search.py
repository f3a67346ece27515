"""Search synonyms: the built-in list, and the lines admins add ("PSP, payment service
provider"), which every search uses from the next query on. Admins only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hansei import access
from hansei.core.forms import apply_service_error
from hansei.core.http import AuthedRequest
from hansei.search.models import Synonym
from hansei.search.query import built_in_synonyms
from hansei.search.services import add_synonym, delete_synonym


class SynonymForm(forms.Form):
    words = forms.CharField(
        label=gettext_lazy("Words and phrases searched as one"),
        max_length=300,
        help_text=gettext_lazy(
            "Separate them with commas: “PSP, payment service provider, 決済代行”."
        ),
    )


@login_required
def synonyms(request: AuthedRequest) -> HttpResponse:
    access.require(access.can_administer(request.user))
    form = SynonymForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            added = add_synonym(actor=request.user, words=form.cleaned_data["words"])
        except ValidationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Searches now treat %(words)s as one.") % {"words": added})
            return redirect("administration:synonyms")
    context = {
        "form": form,
        "synonyms": Synonym.objects.select_related("created_by"),
        "built_in": built_in_synonyms(),
    }
    return render(
        request, "administration/synonyms.html", context, status=400 if form.errors else 200
    )


@login_required
@require_POST
def synonym_delete(request: AuthedRequest, pk: int) -> HttpResponse:
    access.require(access.can_administer(request.user))
    synonym = get_object_or_404(Synonym, pk=pk)
    delete_synonym(actor=request.user, synonym=synonym)
    messages.success(request, _("Removed %(words)s.") % {"words": synonym.words})
    return redirect("administration:synonyms")
