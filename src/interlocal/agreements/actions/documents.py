"""Generated documents: a consortium's editable templates (Django template syntax rendered in a
sandbox: only the plain data given, no template loading, no tags beyond the built-ins), filled
from the agreement and its services, as PDF (WeasyPrint) and DOCX (python-docx). Every file is
kept as a StoredFile and numbered per agreement and kind."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.db.models import Max
from django.template import Context, Engine, TemplateSyntaxError
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.agreements.actions.lifecycle import require_council
from interlocal.agreements.models import Agreement, DocumentKind, DocumentTemplate, GeneratedDocument
from interlocal.agreements.queries import deadlines_of, document_template_for, parties_of

if TYPE_CHECKING:
    from interlocal.accounts.models import User

__all__ = [
    "default_template",
    "do_generate_document",
    "do_save_document_template",
    "document_context",
    "render_document_html",
    "template_body",
]

_DEFAULTS = Path(__file__).resolve().parent.parent / "templates" / "agreements" / "defaults"

# No loaders (so no {% include %} / {% extends %} of files), no extra libraries, autoescaping on:
# a template sees only the plain dictionaries document_context() builds.
_SANDBOX = Engine(dirs=[], app_dirs=False, libraries={}, autoescape=True, debug=False, string_if_invalid="")


def default_template(kind: str) -> str:
    """The template shipped for `kind`."""
    if kind not in DocumentKind.values:
        raise ValidationError(_("Unknown document kind."))
    return (_DEFAULTS / f"{kind}.html").read_text(encoding="utf-8")


def template_body(consortium_id: int, kind: str) -> str:
    """The consortium's template of `kind`, or the shipped default."""
    own = document_template_for(consortium_id, kind)
    return own.body if own is not None else default_template(kind)


def _check_template(body: str) -> None:
    try:
        _SANDBOX.from_string(body)
    except TemplateSyntaxError as exc:
        raise ValidationError({"body": _("The template has an error: %(e)s") % {"e": exc}}) from None


@transaction.atomic
def do_save_document_template(
    consortium: Any, kind: str, body: str, *, acting_user: User
) -> DocumentTemplate:
    """Save the consortium's own template of `kind` (the council); the syntax is checked first."""
    require_council(acting_user, consortium.pk)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Unknown document kind.")})
    _check_template(body)
    row, _created = DocumentTemplate.objects.update_or_create(
        consortium=consortium,
        kind=kind,
        defaults={"body": body, "updated_by": acting_user, "updated_at": timezone.now()},
    )
    audit.record(acting_user, "agreements.template.saved", row, after={"kind": kind, "length": len(body)})
    return row


def document_context(agreement: Agreement) -> dict[str, Any]:
    """The plain data a document template may use (nothing else reaches it)."""
    d = deadlines_of(agreement)
    services = []
    for s in agreement.services.all().prefetch_related("levels"):
        services.append(
            {
                "name": s.name,
                "description": getattr(s, "description", ""),
                "status": str(getattr(s, "status", "")),
                "availability_target": str(getattr(s, "availability_target", "") or ""),
                "pricing_rule": str(getattr(s, "pricing_rule", "") or ""),
                "levels": [
                    {
                        "priority": str(level.priority),
                        "first_response_minutes": level.first_response_minutes,
                        "resolution_minutes": level.resolution_minutes,
                    }
                    for level in s.levels.all()
                ],
            }
        )
    parties = [
        {
            "name": p.member.name if p.member else agreement.consortium.name,
            "role": p.get_role_display(),
            "joined_on": p.joined_on,
            "withdrawn_on": p.withdrawn_on,
            "signatories": [s.user.get_full_name() or s.user.email for s in p.signatories.all()],
        }
        for p in parties_of(agreement)
    ]
    return {
        "consortium": {"name": agreement.consortium.name},
        "agreement": {
            "title": agreement.title,
            "reference": agreement.reference,
            "status": agreement.get_status_display(),
            "version": agreement.version,
            "effective_date": agreement.effective_date,
            "term_months": agreement.term_months,
            "renewal": agreement.get_renewal_display(),
            "notice_days": agreement.notice_days,
            "renewal_date": d.renewal,
            "notice_deadline": d.notice,
            "termination_terms": agreement.termination_terms,
            "withdrawal_terms": agreement.withdrawal_terms,
            "allocation_rule": agreement.allocation_rule,
            "sla": agreement.sla,
            "governing_body": agreement.governing_body,
        },
        "parties": parties,
        "services": services,
        "generated_on": timezone.localdate(),
    }


def render_document_html(agreement: Agreement, kind: str) -> str:
    """The document's HTML body from the consortium's template (or the default) and the agreement."""
    body = template_body(agreement.consortium_id, kind)
    try:
        template = _SANDBOX.from_string(body)
    except TemplateSyntaxError as exc:
        raise ValidationError(_("The template has an error: %(e)s") % {"e": exc}) from None
    return template.render(Context(document_context(agreement)))


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """WeasyPrint fetches nothing for a generated document: no images, styles or files by URL."""
    raise ValueError(f"external resources are not loaded: {url[:60]}")


_PDF_CSS = (
    "body{font-family:serif;font-size:11pt;line-height:1.4}h1{font-size:18pt}h2{font-size:14pt}"
    "table{border-collapse:collapse}td,th{border:1px solid #999;padding:2pt 4pt}"
)


def _pdf(html: str, title: str) -> bytes:
    from weasyprint import HTML

    page = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title>"
        f"<style>{_PDF_CSS}</style></head><body>{html}</body></html>"
    )
    return bytes(HTML(string=page, url_fetcher=_refuse_fetch).write_pdf())


class _Blocks(HTMLParser):
    """Headings, paragraphs and list items of simple HTML, as (style, text) blocks for python-docx."""

    _STYLES = {"h1": "Heading 1", "h2": "Heading 2", "h3": "Heading 3", "li": "List Bullet", "p": "Normal"}

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[tuple[str, str]] = []
        self._style = "Normal"
        self._text: list[str] = []

    def _flush(self) -> None:
        text = " ".join("".join(self._text).split())
        if text:
            self.blocks.append((self._style, text))
        self._text = []

    def handle_starttag(self, tag: str, attrs: Any) -> None:
        if tag in self._STYLES or tag in ("tr", "br", "div"):
            self._flush()
            self._style = self._STYLES.get(tag, "Normal")
        elif tag in ("td", "th"):
            self._text.append(" | ")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._STYLES or tag in ("tr", "div", "table", "ul", "ol"):
            self._flush()
            self._style = "Normal"

    def handle_data(self, data: str) -> None:
        self._text.append(data)


def _docx(html: str, title: str) -> bytes:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    parser = _Blocks()
    parser.feed(html)
    parser.close()
    parser._flush()
    for style, text in parser.blocks:
        document.add_paragraph(text.strip(" |"), style=style)
    buffer = io.BytesIO()
    document.save(buffer)  # a Word document, not a spreadsheet
    return buffer.getvalue()


@transaction.atomic
def do_generate_document(agreement: Agreement, kind: str, *, acting_user: User) -> list[GeneratedDocument]:
    """Generate the agreement's document of `kind` as PDF and DOCX; both are kept under the next
    number for that agreement and kind (earlier files are never replaced)."""
    agreement = Agreement.objects.select_for_update().select_related("consortium").get(pk=agreement.pk)
    require_council(acting_user, agreement.consortium_id)
    if kind not in DocumentKind.values:
        raise ValidationError({"kind": _("Unknown document kind.")})
    from interlocal.core.files import do_store_file

    html = render_document_html(agreement, kind)
    label = str(DocumentKind(kind).label)
    number = (
        GeneratedDocument.objects.filter(agreement=agreement, kind=kind).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    base = slugify(f"{agreement.reference or agreement.title}-{kind}")[:80] or "agreement"
    rows = []
    for fmt, content, mime in (
        (GeneratedDocument.Format.PDF, _pdf(html, label), "application/pdf"),
        (
            GeneratedDocument.Format.DOCX,
            _docx(html, label),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ):
        upload = SimpleUploadedFile(f"{base}-{number}.{fmt}", content, content_type=mime)
        stored = do_store_file(upload, consortium=agreement.consortium, member=None, acting_user=acting_user)
        rows.append(
            GeneratedDocument.objects.create(
                agreement=agreement,
                kind=kind,
                number=number,
                format=fmt,
                agreement_version=agreement.version,
                file=stored,
                created_by=acting_user,
            )
        )
    audit.record(
        acting_user,
        "agreements.document.generated",
        agreement,
        after={"kind": kind, "number": number, "files": [r.file_id for r in rows]},
    )
    return rows
