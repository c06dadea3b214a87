"""Sending e-mail: every message goes through the task queue, never inline in a request.

`queue_mail` is the one path every e-mail takes; there each message also becomes an in-app
notification for every recipient who is a person of the site, and a recipient who turned
e-mail off for that kind (where the kind allows it) is left off the e-mail
(core/notifications/actions.py `deliver`).
"""

from __future__ import annotations

from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.template.loader import render_to_string

from interlocal.core.notifications.kinds import OTHER, SECURITY, kind_for_template

__all__ = ["queue_mail", "queue_templated_mail", "render_and_queue"]


def queue_mail(
    to: list[str],
    subject: str,
    body: str,
    *,
    html: str | None = None,
    reply_to: list[str] | None = None,
    kind: str = OTHER,
    link: str = "",
) -> None:
    """Queue one e-mail for the worker, and notify its recipients in the app (see `deliver`)."""
    from interlocal.core.notifications.actions import deliver
    from interlocal.core.tasks import send_email

    to = deliver(list(to), kind=kind, subject=subject, body=body, link=link)
    if not to:
        return
    send_email.enqueue(subject=subject, body=body, to=to, html=html, reply_to=reply_to)


def queue_templated_mail(to: list[str], template: str, context: dict[str, object]) -> None:
    """Queue an e-mail from templates `<template>_subject.txt`, `<template>.txt` and optional `.html`.

    Its notification kind is the one registered for `template`, and its in-app link the
    context's `url`, when there is one.
    """
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    body = render_to_string(f"{template}.txt", context)
    try:
        html: str | None = render_to_string(f"{template}.html", context)
    except Exception:  # noqa: BLE001 - the HTML part is optional
        html = None
    link = context.get("url")
    queue_mail(
        to,
        subject,
        body,
        html=html,
        kind=kind_for_template(template),
        link=link if isinstance(link, str) else "",
    )


def render_and_queue(message: EmailMessage) -> None:
    """Queue a message that a library (django-allauth: account security mail) has already rendered."""
    html = None
    if isinstance(message, EmailMultiAlternatives):
        for content, mimetype in message.alternatives:
            if mimetype == "text/html":
                html = str(content)
    queue_mail(list(message.to), str(message.subject), str(message.body), html=html, kind=SECURITY)
