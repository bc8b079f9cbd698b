"""Hardship file pages (R8, R9): list, open, re-check, close, spot check, living lines."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
