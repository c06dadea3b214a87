"""Sending e-mail: every message goes through the task queue, never inline in a request."""

from __future__ import annotations

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string

__all__ = ["queue_mail", "render_and_queue"]


def queue_mail(
    to: list[str], subject: str, body: str, *, html: str | None = None, reply_to: list[str] | None = None
) -> None:
    """Queue one e-mail for the worker."""
    from interlocal.core.tasks import send_email

    send_email.enqueue(subject=subject, body=body, to=to, html=html, reply_to=reply_to)


def queue_templated_mail(to: list[str], template: str, context: dict[str, object]) -> None:
    """Queue an e-mail from templates `<template>_subject.txt`, `<template>.txt` and optional `.html`."""
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context)
    try:
        html: str | None = render_to_string(f"{template}.html", context)
    except Exception:  # noqa: BLE001 - the HTML part is optional
        html = None
    queue_mail(to, subject, body, html=html)


def render_and_queue(message: EmailMessage) -> None:
    """Queue a message that a library (django-allauth) has already rendered."""
    html = None
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                html = str(content)
    queue_mail(list(message.to), str(message.subject), str(message.body), html=html)
