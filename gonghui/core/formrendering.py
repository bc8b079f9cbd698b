"""Every form on the site renders in Bootstrap's style with its errors beside the field:
one renderer (settings.FORM_RENDERER) instead of per-form markup."""

from __future__ import annotations

from typing import Any

from django.forms import BoundField, CheckboxInput, RadioSelect, Select, SelectMultiple
from django.forms.renderers import TemplatesSetting


class GonghuiBoundField(BoundField):
    def build_widget_attrs(self, attrs: dict[str, Any], widget: Any = None) -> dict[str, Any]:
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        if isinstance(widget, CheckboxInput | RadioSelect):
            css = "form-check-input"
        elif isinstance(widget, Select | SelectMultiple):
            css = "form-select"
        else:
            css = "form-control"
        if self.errors:
            css += " is-invalid"
        attrs["class"] = f"{attrs.get('class', '')} {css}".strip()
        return attrs


class GonghuiFormRenderer(TemplatesSetting):
    form_template_name = "core/forms/form.html"
    field_template_name = "core/forms/field.html"
    bound_field_class = GonghuiBoundField
