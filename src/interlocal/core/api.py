"""What every router of the one API shares: authentication, pagination, errors, input types.

- Authentication: a personal API token (`Authorization: Bearer il_...`) or the browser session
  (with CSRF for unsafe methods). Either way `request.user` is the person for the rest of the
  operation, so the same scoping applies (`Model.objects.visible_to(request.user)`).
- Errors: every 4xx has one body, `{"detail": "...", "errors": [{"loc": [...], "msg": "..."}]}`
  (see `ErrorOut`); this includes Django-level answers inside /api/ (unknown path, wrong method,
  oversized body), which `InterlocalAPI` turns into the same shape.
- Pagination: `?limit=&offset=`, answered as `{"items": [...], "count": N}`.
- Input: `SafeStr` rejects NUL bytes (give each field a max_length); `InputSchema` bodies must be
  JSON objects with known fields; ids are bounded to what the database can store; `optional()`
  marks filters that may be left out.
- Throttling: `UserThrottle`, per person, at settings.API_THROTTLE_RATE (default 1200/m).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.urls import URLPattern, URLResolver, re_path
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, Throttled, ValidationError
from ninja.pagination import PaginationBase
from ninja.security import HttpBearer, SessionAuth
from ninja.throttling import UserRateThrottle
from pydantic import AfterValidator, ConfigDict, StringConstraints, model_validator

from interlocal.tenancy.roles import MFA_REQUIRED_ROLES
from interlocal.tenancy.scoping import REQUEST_SCOPED_FLAG, holds_any_role

if TYPE_CHECKING:
    from interlocal.accounts.models import User

__all__ = [
    "API_AUTH",
    "MAX_ID",
    "ErrorItem",
    "ErrorOut",
    "IdFilter",
    "IdParam",
    "InputSchema",
    "InterlocalAPI",
    "CappedLimitOffset",
    "LimitOffset",
    "SafeStr",
    "TokenAuth",
    "UserThrottle",
    "WebSessionAuth",
    "error_body",
    "error_response",
    "error_responses",
    "optional",
    "request_user",
]

# Largest primary key the database accepts (signed 64-bit); bigger ids would overflow in SQL.
MAX_ID = 2**63 - 1
# Deep offsets are a denial-of-service tool, not a use case; filter instead.
MAX_OFFSET = 1_000_000
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


# --- Errors --------------------------------------------------------------------------------------


class ErrorItem(Schema):
    """One problem with the request: where (`loc`) and what (`msg`)."""

    loc: list[str | int] = Field(
        ..., description="Where the problem is: source, then field path.", examples=[["body", "population"]]
    )
    msg: str = Field(
        ..., description="What is wrong, for people.", examples=["Input should be a valid integer"]
    )


class ErrorOut(Schema):
    """The body of every 4xx answer."""

    detail: str = Field(..., description="A one-line summary of the error.", examples=["Not found."])
    errors: list[ErrorItem] = Field(
        default_factory=list, description="Per-field problems (empty unless the input was invalid)."
    )


def error_body(detail: str, errors: Iterable[dict[str, Any]] = ()) -> dict[str, Any]:
    """The error body: `detail` plus a list of `{"loc": [...], "msg": ...}`."""
    return {"detail": str(detail), "errors": [{"loc": list(e["loc"]), "msg": str(e["msg"])} for e in errors]}


def error_response(status: int, detail: str, errors: Iterable[dict[str, Any]] = ()) -> JsonResponse:
    """A JSON error answer in the one shape, outside a ninja operation (URL-level errors)."""
    return JsonResponse(error_body(detail, errors), status=status)


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The `response=` entries documenting error answers of an operation (429 applies to all)."""
    return dict.fromkeys(sorted({*statuses, 429}), ErrorOut)


def _ninja_loc(loc: Sequence[Any]) -> list[str | int]:
    return [part if isinstance(part, int) else str(part) for part in loc]


def _install_error_handlers(api: NinjaAPI) -> None:
    def respond(
        request: HttpRequest, status: int, detail: str, errors: Iterable[dict[str, Any]] = ()
    ) -> HttpResponse:
        return api.create_response(request, error_body(detail, errors), status=status)

    @api.exception_handler(ValidationError)
    def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"loc": _ninja_loc(e.get("loc", ())), "msg": e.get("msg", "Invalid value")} for e in exc.errors
        ]
        return respond(request, 422, "The request is not valid.", errors)

    @api.exception_handler(DjangoValidationError)
    def _model_validation(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        if hasattr(exc, "error_dict"):
            errors = [
                {"loc": ["body", field], "msg": msg}
                for field, msgs in exc.message_dict.items()
                for msg in msgs
            ]
        else:
            errors = [{"loc": ["body"], "msg": msg} for msg in exc.messages]
        return respond(request, 422, "The request is not valid.", errors)

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = respond(request, 401, "Authentication required: send a valid API token or sign in.")
        response["WWW-Authenticate"] = 'Bearer realm="api"'
        return response

    @api.exception_handler(Throttled)
    def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        return respond(request, 429, "Too many requests; slow down and retry later.")

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return respond(request, exc.status_code, exc.message)

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # Never echo the message: "missing" and "not yours" must look the same.
        return respond(request, 404, "Not found.")

    @api.exception_handler(PermissionDenied)
    def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return respond(request, 403, str(exc) or "You may not do this.")

    @api.exception_handler(RequestDataTooBig)
    def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return respond(request, 413, "The request body is too large.")

    @api.exception_handler(SuspiciousOperation)
    def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        return respond(request, 400, "Bad request.")


# --- URL-level guard -----------------------------------------------------------------------------


def _guard(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Give Django-level answers inside /api/ the error shape: 404, 405 and oversized bodies."""

    @functools.wraps(view)
    def guarded(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Reading the body enforces DATA_UPLOAD_MAX_MEMORY_SIZE here, before ninja would turn the
        # error into "cannot parse". Multipart is left to Django's parser, which streams files to
        # disk and applies the limit to the non-file fields only.
        if request.method in _BODY_METHODS and not (request.content_type or "").startswith("multipart/"):
            try:
                request.body  # noqa: B018
            except RequestDataTooBig:
                return error_response(413, "The request body is too large.")
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return error_response(404, "Not found.")
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            response = error_response(405, f"Method {request.method} is not allowed here.")
            if allowed:
                response["Allow"] = allowed
        return response

    guarded.csrf_exempt = getattr(view, "csrf_exempt", False)  # type: ignore[attr-defined]
    return guarded


def api_index(request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
    """GET /api/v1/: what this API is and where its documents are (no data, so no sign-in)."""
    if request.method not in ("GET", "HEAD"):
        response = error_response(405, f"Method {request.method} is not allowed here.")
        response["Allow"] = "GET, HEAD"
        return response
    root = request.path if request.path.endswith("/") else request.path + "/"
    return JsonResponse(
        {
            "name": api.title,
            "version": api.version,
            "description": "Shared municipal services. See the documentation for authentication and every operation.",
            "links": {
                "docs": request.build_absolute_uri(root + str(api.docs_url or "").lstrip("/")),
                "openapi": request.build_absolute_uri(root + str(api.openapi_url or "").lstrip("/")),
            },
        },
        json_dumps_params={"indent": 2},
    )


api_index.csrf_exempt = True  # type: ignore[attr-defined]


def api_not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any path under the API that matches no operation."""
    return error_response(404, "Not found.")


api_not_found.csrf_exempt = True  # type: ignore[attr-defined]


class InterlocalAPI(NinjaAPI):
    """NinjaAPI with the one error shape everywhere under its URL prefix and readable operation ids."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _install_error_handlers(self)

    def get_openapi_operation_id(self, operation: Any) -> str:
        # Stable and readable: the view function's name (operations also set it explicitly).
        return str(operation.view_func.__name__)

    def _get_urls(self) -> list[URLResolver | URLPattern]:
        # NinjaAPI._get_urls is private API (django-ninja is pinned <2); the drift and error-shape
        # tests fail loudly if an upgrade changes it.
        patterns = super()._get_urls()
        for pattern in patterns:
            if isinstance(pattern, URLPattern):
                if pattern.name == "api-root":
                    # ninja's root answers a bare 404; ours says where the documents are.
                    index = functools.partial(api_index, api=self)
                    index.csrf_exempt = True  # type: ignore[attr-defined]
                    pattern.callback = index
                pattern.callback = _guard(pattern.callback)
        # Last: everything else under the prefix answers a JSON 404 instead of the HTML page.
        patterns.append(re_path(r"^.*$", api_not_found, name="not-found"))
        return patterns


# --- Authentication ------------------------------------------------------------------------------


def _lookup_token(raw: str) -> User | None:
    """The active token's owner, or None (accounts.tokens keeps the rules: prefix, hash, expiry)."""
    from interlocal.accounts.tokens import authenticate_token

    if "\x00" in raw:
        return None
    return authenticate_token(raw)


class TokenAuth(HttpBearer):
    """`Authorization: Bearer il_...`: a personal API token. A token that is sent but not valid is a 401."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        user = _lookup_token(token.strip())
        if user is None or not user.is_active:
            # Presented but wrong: refuse outright rather than fall back to the session.
            raise AuthenticationError()
        # This user object was loaded for this request only, so its grants may be cached on it
        # (as TenantContextMiddleware does for the session's user).
        setattr(user, REQUEST_SCOPED_FLAG, True)
        if _needs_mfa_enrolment(user):
            raise AuthorizationError(message="Enrol in two-factor authentication before using the API.")
        request.user = user
        return user


def _needs_mfa_enrolment(user: User) -> bool:
    """The rule of accounts.middleware.RequireMfaMiddleware, for people who come with a token:
    admins and vendors must have an authenticator app. Reads the cached grants (no extra query for
    everybody else)."""
    if not holds_any_role(user, MFA_REQUIRED_ROLES):
        return False
    from allauth.mfa.models import Authenticator

    return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class WebSessionAuth(SessionAuth):
    """The browser session; unsafe methods need the CSRF token, as in the rest of the site."""

    def __call__(self, request: HttpRequest) -> Any:
        # Only check CSRF for a signed-in session: an anonymous request is a 401, not a CSRF 403.
        if not request.user.is_authenticated:
            return None
        return super().__call__(request)


API_AUTH = [TokenAuth(), WebSessionAuth()]


def request_user(request: HttpRequest) -> User:
    """The authenticated person of an API operation (every operation requires API_AUTH)."""
    user = request.user
    if not user.is_authenticated:  # pragma: no cover - the auth classes refuse these first
        raise AuthenticationError()
    return user


class UserThrottle(UserRateThrottle):
    """Requests per person (or per address when anonymous); the rate is settings.API_THROTTLE_RATE."""

    def __init__(self) -> None:
        super().__init__(rate=self._configured_rate())

    @staticmethod
    def _configured_rate() -> str:
        return str(settings.API_THROTTLE_RATE)

    def allow_request(self, request: HttpRequest) -> bool:
        rate = self._configured_rate()
        if rate != self.rate:  # settings can change at run time (tests); re-read cheaply
            self.rate = rate
            self.num_requests, self.duration = self.parse_rate(rate)
        return bool(super().allow_request(request))


# --- Input types ---------------------------------------------------------------------------------


class InputSchema(Schema):
    """A request body: a JSON object with known fields only (a typo is an error, not a no-op)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _must_be_an_object(cls, data: Any) -> Any:
        # ninja hands validators its DjangoGetter wrapper; the parsed JSON is inside.
        if not isinstance(getattr(data, "_obj", data), dict):
            raise ValueError("must be a JSON object")
        return data


def _reject_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL bytes")
    return value


# A string without NUL bytes (which PostgreSQL cannot store and no person types). Give every use a
# max_length: `name: SafeStr = Field(..., max_length=200)`. The pattern documents the rule in the
# OpenAPI document; the validator gives the readable message.
SafeStr = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$"), AfterValidator(_reject_nul)]

IdParam = Annotated[int, Field(ge=1, le=MAX_ID, description="The object's id.")]
# An id in a filter: `consortium: IdFilter | None = optional(description=...)`.
IdFilter = Annotated[int, Field(ge=1, le=MAX_ID)]


def _drop_null(schema: dict[str, Any]) -> None:
    branches = schema.get("anyOf")
    if not branches:
        return
    kept = [b for b in branches if b.get("type") != "null"]
    if len(kept) == 1:
        del schema["anyOf"]
        schema.update({k: v for k, v in kept[0].items() if k not in schema})


def optional(**kwargs: Any) -> Any:
    """A field that may be left out (its default is None) but, when given, may not be null.

    Python sees `X | None`; the OpenAPI document shows only X, so clients and generated tests do
    not send null, which query strings cannot express anyway.
    """
    return Field(None, json_schema_extra=_drop_null, **kwargs)


def aware_utc(value: dt.datetime | None) -> dt.datetime | None:
    """A timezone-aware datetime in UTC; ValueError when it cannot be represented."""
    if value is None:
        return None
    try:
        return value.astimezone(dt.UTC)
    except (OverflowError, ValueError) as exc:
        raise ValueError("date-time out of range") from exc


# --- Pagination ----------------------------------------------------------------------------------


class LimitOffset(PaginationBase):
    """`?limit=&offset=`; answers `{"items": [...], "count": N}` with at most API_MAX_PAGE_SIZE items."""

    class Input(Schema):
        limit: int = Field(
            settings.API_PAGE_SIZE,
            ge=1,
            le=settings.API_MAX_PAGE_SIZE,
            description=f"How many items to return (at most {settings.API_MAX_PAGE_SIZE}).",
        )
        offset: int = Field(0, ge=0, le=MAX_OFFSET, description="How many items to skip.")

    class Output(Schema):
        items: list[Any] = Field(..., description="This page of results.")
        count: int = Field(..., description="How many results there are in all.", examples=[42])

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Input, request: HttpRequest, **params: Any
    ) -> Any:
        limit = min(pagination.limit, settings.API_MAX_PAGE_SIZE)
        offset = pagination.offset
        return {"items": list(queryset[offset : offset + limit]), "count": queryset.count()}


class CappedPage(Schema):
    """A page of a very large list: the count stops at 10,000."""

    items: list[Any] = Field(..., description="This page of results.")
    count: int = Field(..., description="How many results there are, counted up to 10,000.", examples=[42])
    count_is_capped: bool = Field(
        ..., description="True when more than `count` results match (narrow the filters)."
    )


class CappedLimitOffset(LimitOffset):
    """LimitOffset for very large lists (the audit trail): `count` stops at COUNT_LIMIT, and
    `count_is_capped` says more match. An exact count of a million rows costs more than the page."""

    COUNT_LIMIT = 10_000
    Output = CappedPage  # type: ignore[assignment]

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: LimitOffset.Input, request: HttpRequest, **params: Any
    ) -> Any:
        limit = min(pagination.limit, settings.API_MAX_PAGE_SIZE)
        offset = pagination.offset
        seen = queryset.order_by()[: self.COUNT_LIMIT + 1].count()
        return {
            "items": list(queryset[offset : offset + limit]),
            "count": min(seen, self.COUNT_LIMIT),
            "count_is_capped": seen > self.COUNT_LIMIT,
        }
