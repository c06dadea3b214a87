"""Write paths for costing: do_* functions, each audited, each in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from interlocal import audit
from interlocal.costing.models import CostModel, Rule, Scenario, ScenarioParticipant
from interlocal.costing.queries import is_council_of
from interlocal.tenancy.models import Consortium, ConsortiumMember, Member
from interlocal.tenancy.roles import MEMBER_WRITE_ROLES
from interlocal.tenancy.scoping import grants_for

if TYPE_CHECKING:
    from interlocal.accounts.models import User

__all__ = [
    "PARTICIPANT_FIELDS",
    "SCENARIO_FIELDS",
    "can_consent_for",
    "can_enter_for",
    "do_set_charge_consent",
    "participant_to_enter",
    "do_choose_rule",
    "do_copy_scenario",
    "do_create_cost_model",
    "do_create_scenario",
    "do_delete_scenario",
    "do_import_participants",
    "do_remove_participant",
    "do_save_participant",
    "do_update_cost_model",
    "do_update_scenario",
]

SCENARIO_FIELDS = (
    "name",
    "status",
    "notes",
    "platform_low",
    "platform_likely",
    "platform_high",
    "capex",
    "capex_life_years",
    "capex_rate",
    "price_low",
    "price_likely",
    "price_high",
    "exponent_low",
    "exponent_likely",
    "exponent_high",
    "price_tiers",
    "coordination_low",
    "coordination_likely",
    "coordination_high",
    "coordination_exponent",
    "term_years",
)
PARTICIPANT_FIELDS = (
    "units_low",
    "units_likely",
    "units_high",
    "own_cost_low",
    "own_cost_likely",
    "own_cost_high",
    "service_level_low",
    "service_level_likely",
    "service_level_high",
    "standalone_low",
    "standalone_likely",
    "standalone_high",
    "population",
    "grand_list",
    "road_miles",
    "extra_weights",
    "visibility",
)


def _require_council(user: Any, consortium_id: int) -> None:
    if not is_council_of(user, consortium_id):
        raise PermissionDenied(_("Only the consortium's admins and staff may change cost models."))


def can_enter_for(user: Any, scenario: Scenario, member: Member) -> bool:
    """Council for every member; a member's admins and staff for their own member."""
    consortium_id = scenario.cost_model.consortium_id
    if is_council_of(user, consortium_id):
        return True
    return (consortium_id, member.pk) in grants_for(user).pairs(MEMBER_WRITE_ROLES)


def can_consent_for(user: Any, scenario: Scenario, member: Member) -> bool:
    """A member's own admins and staff: consent to its charges being seen is the member's, not the council's."""
    return (scenario.cost_model.consortium_id, member.pk) in grants_for(user).pairs(MEMBER_WRITE_ROLES)


def participant_to_enter(user: Any, scenario: Scenario, member: Member) -> ScenarioParticipant | None:
    """`member`'s inputs in `scenario` (None before its first figures) when `user` may enter them.

    Otherwise PermissionDenied, or Http404 when the inputs exist and `user` may not even read
    them (another member's, asked by a member's people).
    """
    rows = ScenarioParticipant.objects.filter(scenario=scenario, member=member)
    if can_enter_for(user, scenario, member):
        # Whoever may enter a member's figures may change its row (Tenancy council_writes).
        return rows.writable_by(user).first()  # type: ignore[no-any-return]
    if rows.exists() and not rows.visible_to(user).exists():
        raise Http404
    raise PermissionDenied(_("You may only enter your own member's figures."))


def _require_draft(scenario: Scenario) -> None:
    """A final scenario is the basis of a decision: its inputs no longer change."""
    if scenario.status == Scenario.Status.FINAL:
        raise ValidationError(
            _("%(s)s is final: copy it as a new version to change its figures.") % {"s": scenario}
        )


def _touch(scenario: Scenario) -> None:
    """Results are cached against updated_at: any change to inputs bumps it."""
    scenario.updated_at = timezone.now()
    Scenario.objects.filter(pk=scenario.pk).update(updated_at=scenario.updated_at)


@transaction.atomic
def do_create_cost_model(
    consortium: Consortium, *, name: str, acting_user: User, description: str = "", **fields: Any
) -> CostModel:
    """Create a cost model with an empty first scenario ("Baseline", version 1)."""
    _require_council(acting_user, consortium.pk)
    model = CostModel(
        consortium=consortium, name=name, description=description, created_by=acting_user, **fields
    )
    model.full_clean()
    model.save()
    audit.record(acting_user, "costing.cost_model.created", model, after=audit.snapshot(model))
    do_create_scenario(model, name=_("Baseline"), acting_user=acting_user)
    return model


@transaction.atomic
def do_update_cost_model(model: CostModel, *, acting_user: User, **changes: Any) -> CostModel:
    """Change a cost model's name, area or description."""
    _require_council(acting_user, model.consortium_id)
    before = audit.snapshot(model)
    for name, value in changes.items():
        setattr(model, name, value)
    model.updated_at = timezone.now()
    model.full_clean()
    model.save()
    audit.record(acting_user, "costing.cost_model.updated", model, before=before, after=audit.snapshot(model))
    return model


@transaction.atomic
def do_create_scenario(model: CostModel, *, name: str, acting_user: User, **fields: Any) -> Scenario:
    """Create a scenario of a cost model (no participants yet)."""
    _require_council(acting_user, model.consortium_id)
    scenario = Scenario(cost_model=model, name=name, created_by=acting_user, **fields)
    scenario.full_clean()
    scenario.save()
    audit.record(
        acting_user,
        "costing.scenario.created",
        scenario,
        consortium_id=model.consortium_id,
        after=audit.snapshot(scenario),
    )
    return scenario


@transaction.atomic
def do_update_scenario(scenario: Scenario, *, acting_user: User, **changes: Any) -> Scenario:
    """Change a scenario's shared parameters (platform, variable cost, coordination, term…)."""
    _require_council(acting_user, scenario.cost_model.consortium_id)
    unknown = set(changes) - set(SCENARIO_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if set(changes) - {"status", "notes", "name"}:
        _require_draft(scenario)
    before = audit.snapshot(scenario)
    for name, value in changes.items():
        setattr(scenario, name, value)
    scenario.updated_at = timezone.now()
    scenario.full_clean()
    scenario.save()
    audit.record(
        acting_user,
        "costing.scenario.updated",
        scenario,
        consortium_id=scenario.cost_model.consortium_id,
        before=before,
        after=audit.snapshot(scenario),
    )
    return scenario


@transaction.atomic
def do_delete_scenario(scenario: Scenario, *, acting_user: User) -> None:
    """Delete a scenario and its inputs (a cost model keeps at least one scenario)."""
    _require_council(acting_user, scenario.cost_model.consortium_id)
    if scenario.cost_model.scenarios.count() <= 1:
        raise ValidationError(_("A cost model keeps at least one scenario."))
    before = audit.snapshot(scenario)
    audit.record(
        acting_user,
        "costing.scenario.deleted",
        scenario,
        consortium_id=scenario.cost_model.consortium_id,
        before=before,
    )
    scenario.delete()


@transaction.atomic
def do_copy_scenario(
    scenario: Scenario,
    *,
    acting_user: User,
    name: str | None = None,
    as_version: bool = False,
    drop_members: Iterable[int] = (),
    changes: dict[str, Any] | None = None,
) -> Scenario:
    """A new version (same name, next number) or a what-if copy, with the participants copied.

    `drop_members` leaves members out (a member drops out); `changes` alters shared parameters
    (β, price, platform…) of the copy.
    """
    _require_council(acting_user, scenario.cost_model.consortium_id)
    dropped = set(drop_members)
    values = {f: getattr(scenario, f) for f in SCENARIO_FIELDS}
    values.update(changes or {})
    values["status"] = Scenario.Status.DRAFT
    if as_version:
        values["name"] = scenario.name
        top = Scenario.objects.filter(cost_model=scenario.cost_model, name=scenario.name).aggregate(
            v=Max("version")
        )
        version = (top["v"] or scenario.version) + 1
    else:
        values["name"] = name or _("What-if of %(name)s") % {"name": scenario.name}
        version = 1
    copy = Scenario(
        cost_model=scenario.cost_model,
        parent=scenario,
        version=version,
        created_by=acting_user,
        rule=scenario.rule,
        rule_params=scenario.rule_params,
        **values,
    )
    copy.full_clean()
    copy.save()
    rows = []
    for p in ScenarioParticipant.objects.filter(scenario=scenario).exclude(member_id__in=dropped):
        rows.append(
            ScenarioParticipant(
                scenario=copy,
                member_id=p.member_id,
                updated_by=acting_user,
                **{f: getattr(p, f) for f in PARTICIPANT_FIELDS},
            )
        )
    ScenarioParticipant.objects.bulk_create(rows)
    audit.record(
        acting_user,
        "costing.scenario.copied",
        copy,
        consortium_id=scenario.cost_model.consortium_id,
        after={
            **audit.snapshot(copy),
            "copied_from": scenario.pk,
            "dropped_members": sorted(dropped),
            "participants": len(rows),
        },
    )
    return copy


@transaction.atomic
def do_save_participant(
    scenario: Scenario, member: Member, *, acting_user: User, **fields: Any
) -> ScenarioParticipant:
    """Create or change one member's inputs (the council for anyone, members for themselves)."""
    if not can_enter_for(acting_user, scenario, member):
        raise PermissionDenied(_("You may only enter your own member's figures."))
    if not ConsortiumMember.objects.filter(
        consortium_id=scenario.cost_model.consortium_id, member=member, is_active=True
    ).exists():
        raise ValidationError(_("%(m)s does not take part in this consortium.") % {"m": member.name})
    unknown = set(fields) - set(PARTICIPANT_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    _require_draft(scenario)
    row = ScenarioParticipant.objects.filter(scenario=scenario, member=member).first()
    created = row is None
    if row is None:
        row = ScenarioParticipant(scenario=scenario, member=member)
        before = None
    else:
        before = audit.snapshot(row)
    for name, value in fields.items():
        setattr(row, name, value)
    row.updated_by = acting_user
    row.updated_at = timezone.now()
    row.full_clean(exclude=["scenario", "member"])
    row.save()
    _touch(scenario)
    audit.record(
        acting_user,
        "costing.participant.created" if created else "costing.participant.updated",
        row,
        consortium_id=scenario.cost_model.consortium_id,
        member_id=member.pk,
        before=before,
        after=audit.snapshot(row),
    )
    return row


@transaction.atomic
def do_set_charge_consent(
    row: ScenarioParticipant, *, consent: bool, acting_user: User
) -> ScenarioParticipant:
    """Give or withdraw a member's consent to other participants seeing its charges (its own people only).

    Allowed on final scenarios too: it changes who sees the figures, not the figures.
    """
    if not can_consent_for(acting_user, row.scenario, row.member):
        raise PermissionDenied(_("Only the member's own admins and staff may decide who sees its charges."))
    row = (
        ScenarioParticipant.objects.select_for_update()
        .select_related("member", "scenario__cost_model")
        .get(pk=row.pk)
    )
    if row.charge_consent == consent:
        return row
    before = audit.snapshot(row)
    row.charge_consent = consent
    row.charge_consent_at = timezone.now() if consent else None
    row.charge_consent_by = acting_user if consent else None
    row.save(update_fields=["charge_consent", "charge_consent_at", "charge_consent_by"])
    audit.record(
        acting_user,
        "costing.charge_consent.given" if consent else "costing.charge_consent.withdrawn",
        row,
        consortium_id=row.scenario.cost_model.consortium_id,
        member_id=row.member_id,
        before=before,
        after=audit.snapshot(row),
    )
    return row


@transaction.atomic
def do_remove_participant(row: ScenarioParticipant, *, acting_user: User) -> None:
    """Take a member out of a scenario (its inputs there are deleted)."""
    scenario = row.scenario
    if not can_enter_for(acting_user, scenario, row.member):
        raise PermissionDenied(_("You may only remove your own member."))
    _require_draft(scenario)
    audit.record(
        acting_user,
        "costing.participant.removed",
        row,
        consortium_id=scenario.cost_model.consortium_id,
        member_id=row.member_id,
        before=audit.snapshot(row),
    )
    row.delete()
    _touch(scenario)


@transaction.atomic
def do_import_participants(
    scenario: Scenario, rows: list[tuple[Member, dict[str, Any]]], *, acting_user: User, source: str = ""
) -> int:
    """Store a whole validated upload at once (every row, or nothing); returns rows stored."""
    _require_draft(scenario)
    for member, _fields in rows:
        if not can_enter_for(acting_user, scenario, member):
            raise PermissionDenied(
                _("You may not enter figures for %(m)s; upload only your own member's row.")
                % {"m": member.name}
            )
    for member, fields in rows:
        do_save_participant(scenario, member, acting_user=acting_user, **fields)
    audit.record(
        acting_user,
        "costing.participant.imported",
        scenario,
        consortium_id=scenario.cost_model.consortium_id,
        after={"rows": len(rows), "source": source[:200]},
    )
    return len(rows)


@transaction.atomic
def do_choose_rule(
    scenario: Scenario, *, rule: str, acting_user: User, params: dict[str, Any] | None = None
) -> Scenario:
    """Choose the scenario's allocation rule (the rates an agreement or billing would use)."""
    _require_council(acting_user, scenario.cost_model.consortium_id)
    if rule not in Rule.values:
        raise ValidationError({"rule": _("Unknown rule %(r)s.") % {"r": rule}})
    from interlocal.costing.analysis import analyse

    before = audit.snapshot(scenario, ["rule", "rule_params", "rule_chosen_at", "rule_chosen_by"])
    if params is not None:
        scenario.rule_params = params
    scenario.rule = rule
    scenario.rule_chosen_at = timezone.now()
    scenario.rule_chosen_by = acting_user
    # Blend weights change the results: a new updated_at keys freshly computed results.
    scenario.updated_at = scenario.rule_chosen_at
    result = analyse(scenario).rule(rule)
    if result is None or result.amounts is None:
        raise ValidationError(
            {"rule": (result.error if result else "") or _("This rule cannot be computed for this scenario.")}
        )
    scenario.save(update_fields=["rule", "rule_params", "rule_chosen_at", "rule_chosen_by", "updated_at"])
    audit.record(
        acting_user,
        "costing.rule.chosen",
        scenario,
        consortium_id=scenario.cost_model.consortium_id,
        before=before,
        after={
            **audit.snapshot(scenario, ["rule", "rule_params", "rule_chosen_at", "rule_chosen_by"]),
            "stable": result.stable,
            "rates": {k: str(v) for k, v in result.amounts.items()},
        },
    )
    return scenario
