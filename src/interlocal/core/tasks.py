"""Background tasks of the platform (django-tasks; `interlocal worker` runs them)."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives
from django_tasks import task


@task(queue_name="email")
def send_email(
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None = None,
    html: str | None = None,
    reply_to: list[str] | None = None,
) -> int:
    """Send one e-mail through the configured backend; returns the number of messages sent."""
    message = EmailMultiAlternatives(subject, body, from_email, to, reply_to=reply_to)
    if html:
        message.attach_alternative(html, "text/html")
    return message.send()
