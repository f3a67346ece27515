from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hansei import access
from hansei.core.forms import apply_service_error
from hansei.core.http import AuthedRequest
from hansei.postmortems.template_library.models import SectionKind, Template
from hansei.postmortems.template_library.services import SectionSpec, save_template

EXTRA_ROWS = 3


class TemplateForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    language = forms.ChoiceField(label=gettext_lazy("Language"), choices=settings.LANGUAGES)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=300, required=False)
    is_default = forms.BooleanField(
        label=gettext_lazy("Default for new postmortems in this language"), required=False
    )


@login_required
def template_list(request: AuthedRequest) -> HttpResponse:
    access.require(access.can_administer(request.user))
    templates = Template.objects.prefetch_related("sections")
    return render(request, "postmortems/template_library/templates.html", {"templates": templates})


def _rows_from_post(request: AuthedRequest) -> list[dict[str, object]] | None:
    """The section rows as sent; None when their hidden count did not arrive as a number."""
    rows: list[dict[str, object]] = []
    sent = request.POST.get("rows", "0") or "0"
    if not (sent.isascii() and sent.isdigit()):
        return None
    count = min(int(sent[:4]), 100)
    for i in range(count):
        if request.POST.get(f"s{i}-delete"):
            continue
        title = request.POST.get(f"s{i}-title", "")
        if not title.strip() and not request.POST.get(f"s{i}-key", "").strip():
            continue
        rows.append(
            {
                "key": request.POST.get(f"s{i}-key", ""),
                "title": title,
                "kind": request.POST.get(f"s{i}-kind", SectionKind.MARKDOWN),
                "help_text": request.POST.get(f"s{i}-help_text", ""),
                "required": bool(request.POST.get(f"s{i}-required")),
                "public": bool(request.POST.get(f"s{i}-public")),
            }
        )
    return rows


@login_required
def template_edit(request: AuthedRequest, template_id: int | None = None) -> HttpResponse:
    access.require(access.can_administer(request.user))
    template = get_object_or_404(Template, pk=template_id) if template_id else None
    initial = {}
    rows: list[dict[str, object]] = []
    if template:
        initial = {
            "name": template.name,
            "language": template.language,
            "description": template.description,
            "is_default": template.is_default,
        }
        rows = [
            {
                "key": s.key,
                "title": s.title,
                "kind": s.kind,
                "help_text": s.help_text,
                "required": s.required,
                "public": s.public,
            }
            for s in template.sections.all()
        ]
    form = TemplateForm(request.POST or None, initial=initial)
    if request.method == "POST":
        posted = _rows_from_post(request)
        if posted is None:
            form.is_valid()
            form.add_error(None, _("The sections did not arrive whole: reload the page."))
        else:
            rows = posted
        if posted is not None and form.is_valid():
            try:
                saved = save_template(
                    actor=request.user,
                    template=template,
                    sections=[SectionSpec(**row) for row in rows],  # type: ignore[arg-type]
                    **form.cleaned_data,
                )
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("Template “%s” saved.") % saved.name)
                return redirect("postmortems:templates")
    blank = {
        "key": "",
        "title": "",
        "kind": SectionKind.MARKDOWN,
        "help_text": "",
        "required": False,
        "public": False,
    }
    rows = rows + [dict(blank) for _i in range(EXTRA_ROWS)]
    return render(
        request,
        "postmortems/template_library/template_form.html",
        {
            "form": form,
            "template": template,
            "rows": rows,
            "kinds": SectionKind.choices,
            "section_errors": form.errors.get("__all__", []),
        },
        status=400 if form.errors else 200,
    )
