"""Business cases and gate requests: drafting, versions, submitting, quality assurance."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from openpmo.accounts.roles import Role
from openpmo.audit.models import AuditRecord
from openpmo.common.services import SYSTEM, ConflictError
from openpmo.gates import services
from openpmo.gates.choices import BusinessCaseStatus, RequestStatus
from openpmo.gates.models import BusinessCaseOption, GateRequest
from openpmo.gates.selectors import next_gate_for
from openpmo.gates.tests.conftest import YEAR_1, YEAR_2, all_met, gate_of, ready_case
from openpmo.gates.tests.helpers import state


def test_default_gates_follow_the_five_case_sequence_and_are_idempotent(gated):
    programme = gated.strand.pillar.programme
    names = list(programme.gates.values_list("name", flat=True))
    assert names == [
        "Discovery",
        "Strategic Outline Case",
        "Outline Business Case",
        "Full Business Case",
        "Delivery",
        "Closure and benefits review",
    ]
    assert all(gate.checklist.filter(mandatory=True).exists() for gate in programme.gates.all())
    before = state()
    services.gates_create_defaults(actor=SYSTEM, programme=programme)
    assert state() == before


def test_a_first_business_case_keeps_a_do_nothing_option_and_later_versions_copy_it(gated):
    sponsor = gated.strand.pillar.sponsor
    first = ready_case(gated, actor=sponsor)
    assert first.number == 1 and first.gate == gate_of(gated, "discovery")
    assert list(first.options.values_list("name", "is_do_nothing")) == [("Do nothing", True)]
    services.business_case_option_save(
        actor=sponsor,
        business_case=first,
        name="Hybrid team",
        costs={"Staff": {YEAR_1: "100000", YEAR_2: "120000"}},
        benefits={"Savings": {YEAR_2: "300000"}},
        is_recommended=True,
    )
    second = services.business_case_create(actor=sponsor, work_package=gated)
    assert second.number == 2
    assert list(second.options.values_list("name", flat=True)) == ["Do nothing", "Hybrid team"]
    assert second.requested_funding == first.requested_funding
    with pytest.raises(ValidationError):
        services.business_case_option_remove(
            actor=sponsor, option=second.options.get(is_do_nothing=True)
        )
    assert second.options.filter(is_do_nothing=True).exists()
    assert AuditRecord.objects.filter(action="business_case.created").count() == 2
    assert AuditRecord.objects.filter(action="business_case.option_created").count() == 1


def test_option_lines_are_checked_by_the_appraisal_engine(gated):
    case = ready_case(gated)
    with pytest.raises(ValidationError) as error:
        services.business_case_option_save(
            actor=SYSTEM, business_case=case, name="Bad", costs={"Staff": {"next year": "10"}}
        )
    assert "costs" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.business_case_option_save(
            actor=SYSTEM,
            business_case=case,
            name="Early",
            costs={"Staff": {"2001/02": "10"}},  # before the base year
        )
    assert list(case.options.values_list("name", flat=True)) == ["Do nothing"]


def test_submitting_freezes_the_case_with_its_appraisal_and_is_audited(gated):
    sponsor = gated.strand.pillar.sponsor
    case = ready_case(gated, actor=sponsor)
    services.business_case_option_save(
        actor=sponsor,
        business_case=case,
        name="Build",
        costs={"Build": {YEAR_1: "100000"}},
        benefits={"Savings": {YEAR_2: "207000"}},
    )
    request = services.gate_request_submit(
        actor=sponsor, work_package=gated, gate=case.gate, business_case=case
    )
    case.refresh_from_db()
    assert request.status == RequestStatus.SUBMITTED
    assert (
        request.requested == {YEAR_1: "150000.00"} and str(request.requested_total) == "150000.00"
    )
    assert case.status == BusinessCaseStatus.SUBMITTED
    build = next(o for o in case.appraisal["options"] if o["name"] == "Build")
    # 207,000 a year later, discounted at 3.5%: exactly 200,000; less 100,000 of cost.
    assert (build["pv_benefits"], build["npsv"], build["bcr"]) == ("200000.00", "100000.00", "2.00")
    assert case.appraisal["preferred"] == "Build"
    actions = list(AuditRecord.objects.order_by("id").values_list("action", "actor"))[-2:]
    assert actions == [
        ("business_case.submitted", sponsor.pk),
        ("gate_request.submitted", sponsor.pk),
    ]
    with pytest.raises(ConflictError, match="frozen"):
        services.business_case_update(actor=sponsor, business_case=case, title="Changed")


def test_a_request_cannot_skip_a_gate(gated):
    case = ready_case(gated)
    before = state(gated)
    with pytest.raises(ValidationError) as error:
        services.gate_request_submit(
            actor=SYSTEM,
            work_package=gated,
            gate=gate_of(gated, "obc"),
            business_case=case,
        )
    assert "cannot be skipped" in str(error.value.message_dict["gate"])
    assert state(gated) == before


def test_an_unmet_mandatory_item_is_refused_and_named(gated):
    case = ready_case(gated)
    gate = case.gate
    mandatory = gate.checklist.filter(mandatory=True).first()
    answers = all_met(gate)
    answers[str(mandatory.pk)] = {"met": False, "evidence": ""}
    before = state(gated)
    with pytest.raises(ValidationError) as error:
        services.gate_request_submit(
            actor=SYSTEM,
            work_package=gated,
            gate=gate,
            business_case=case,
            checklist_answers=answers,
        )
    assert mandatory.text in str(error.value.message_dict["checklist_answers"])
    assert state(gated) == before
    case.refresh_from_db()
    assert case.status == BusinessCaseStatus.DRAFT


def test_an_unmet_optional_item_does_not_stop_a_request(gated):
    case = ready_case(gated)
    optional = case.gate.checklist.filter(mandatory=False).first()
    request = services.gate_request_submit(
        actor=SYSTEM,
        work_package=gated,
        gate=case.gate,
        business_case=case,
        checklist_answers={str(optional.pk): {"met": False}},
    )
    assert request.checklist_answers[str(optional.pk)]["met"] is False


def test_a_gate_that_needs_an_equality_assessment_refuses_a_case_without_one(gated):
    services.gate_request_submit(
        actor=SYSTEM,
        work_package=gated,
        gate=gate_of(gated, "discovery"),
        business_case=ready_case(gated),
    )
    # Discovery needs none; pass it, then the SOC gate does.
    from openpmo.gates.tests.conftest import decision_maker  # noqa: F401 (fixture module)

    request = GateRequest.objects.get()
    services.gate_request_quality_assure(actor=SYSTEM, gate_request=request, forward=True)
    board = _board(gated)
    services.decision_record(actor=board, gate_request=request, outcome="approved")
    case = ready_case(gated)
    services.business_case_update(actor=SYSTEM, business_case=case, equality_assessment=None)
    before = state(gated)
    with pytest.raises(ValidationError) as error:
        services.gate_request_submit(
            actor=SYSTEM, work_package=gated, gate=case.gate, business_case=case
        )
    assert "equality impact assessment" in str(error.value.message_dict["business_case"])
    assert state(gated) == before


def _board(work_package):
    from openpmo.accounts.tests.factories import UserFactory

    return UserFactory(roles=[Role.BOARD_MEMBER])


def test_one_open_request_per_work_package(gated):
    case = ready_case(gated)
    services.gate_request_submit(
        actor=SYSTEM, work_package=gated, gate=case.gate, business_case=case
    )
    before = state(gated)
    with pytest.raises(ConflictError, match="already has a gate request waiting"):
        services.gate_request_submit(
            actor=SYSTEM, work_package=gated, gate=case.gate, business_case=case
        )
    assert state(gated) == before


def test_past_years_and_bad_amounts_are_refused(gated):
    case = ready_case(gated)
    for requested in ({"2001/02": "100.00"}, {YEAR_1: "-5"}, {YEAR_1: "12.345"}, {"soon": "1"}):
        with pytest.raises(ValidationError) as error:
            services.gate_request_submit(
                actor=SYSTEM,
                work_package=gated,
                gate=case.gate,
                business_case=case,
                requested=requested,
            )
        assert "requested" in error.value.message_dict, requested
    assert not GateRequest.objects.exists()


def test_a_business_case_of_another_work_package_is_refused(gated):
    from openpmo.portfolio.tests.factories import WorkPackageFactory

    other = WorkPackageFactory(strand=gated.strand)
    case = ready_case(other)
    with pytest.raises(ValidationError) as error:
        services.gate_request_submit(
            actor=SYSTEM, work_package=gated, gate=case.gate, business_case=case
        )
    assert "business_case" in error.value.message_dict


@pytest.mark.parametrize(
    ("role", "relation", "allowed"),
    [
        (Role.PMO, "unrelated", True),
        (Role.PILLAR_SPONSOR, "sponsor", True),
        (Role.PILLAR_SPONSOR, "unrelated", False),
        (Role.WORK_PACKAGE_MANAGER, "owner", True),
        (Role.WORK_PACKAGE_MANAGER, "unrelated", False),
        (Role.FINANCE, "unrelated", False),
        (Role.BOARD_MEMBER, "unrelated", False),
        (Role.DECISION_MAKER, "unrelated", False),
        (Role.VIEWER, "unrelated", False),
    ],
)
def test_who_may_draft_and_submit(gated, role_user, role, relation, allowed):
    actor = {
        "sponsor": gated.strand.pillar.sponsor,
        "owner": gated.owner,
    }.get(relation) or role_user(role)
    if allowed:
        case = ready_case(gated, actor=actor)
        request = services.gate_request_submit(
            actor=actor, work_package=gated, gate=case.gate, business_case=case
        )
        assert AuditRecord.objects.for_object(request).get().actor == actor
    else:
        case = ready_case(gated)
        before = state(gated)
        with pytest.raises(PermissionDenied):
            services.business_case_create(actor=actor, work_package=gated)
        with pytest.raises(PermissionDenied):
            services.business_case_update(actor=actor, business_case=case, title="Mine")
        with pytest.raises(PermissionDenied):
            services.gate_request_submit(
                actor=actor, work_package=gated, gate=case.gate, business_case=case
            )
        assert state(gated) == before


def test_pmo_forwards_or_returns_with_comments(gated, pmo, role_user):
    case = ready_case(gated)
    request = services.gate_request_submit(
        actor=SYSTEM, work_package=gated, gate=case.gate, business_case=case
    )
    before = state(gated)
    with pytest.raises(PermissionDenied):
        services.gate_request_quality_assure(
            actor=gated.strand.pillar.sponsor, gate_request=request, forward=True
        )
    with pytest.raises(ValidationError) as error:
        services.gate_request_quality_assure(actor=pmo, gate_request=request, forward=False)
    assert "comments" in error.value.message_dict
    assert state(gated) == before
    returned = services.gate_request_quality_assure(
        actor=pmo, gate_request=request, forward=False, comments="Cost the run phase."
    )
    assert (returned.status, returned.quality_assured_by) == (RequestStatus.RETURNED, pmo)
    record = AuditRecord.objects.for_object(returned).first()
    assert (record.action, record.actor) == ("gate_request.returned", pmo)
    with pytest.raises(ConflictError):
        services.gate_request_quality_assure(actor=pmo, gate_request=request, forward=True)
    # A returned request is closed: a new one may be submitted with the same case.
    again = services.gate_request_submit(
        actor=SYSTEM, work_package=gated, gate=case.gate, business_case=case
    )
    forwarded = services.gate_request_quality_assure(actor=pmo, gate_request=again, forward=True)
    assert forwarded.status == RequestStatus.FORWARDED
    assert AuditRecord.objects.for_object(forwarded).first().action == "gate_request.forwarded"


def test_equality_assessment_records_the_nine_characteristics_only(gated):
    programme = gated.strand.pillar.programme
    with pytest.raises(ValidationError):
        services.equality_assessment_create(
            actor=SYSTEM,
            programme=programme,
            reference="E-1",
            title="x",
            assessed_on="2023-01-01",
            characteristics=["height"],
            outcome="no_disproportionate_impact",
        )
    with pytest.raises(ValidationError):
        services.equality_assessment_create(
            actor=SYSTEM,
            programme=programme,
            reference="E-1",
            title="x",
            assessed_on="2023-01-01",
            characteristics=[],
            outcome="no_disproportionate_impact",
        )
    made = services.equality_assessment_create(
        actor=SYSTEM,
        programme=programme,
        reference="E-1",
        title="x",
        assessed_on="2023-01-01",
        characteristics=["sex", "age"],
        outcome="no_disproportionate_impact",
    )
    assert made.characteristics == ["age", "sex"]  # in the order of §8.2


def test_options_must_be_unique_and_do_nothing_is_one_per_case(gated):
    case = ready_case(gated)
    with pytest.raises(ValidationError):
        services.business_case_option_save(actor=SYSTEM, business_case=case, name="Do nothing")
    assert BusinessCaseOption.objects.filter(business_case=case).count() == 1
    assert next_gate_for(gated) == case.gate


def test_a_programme_configures_its_own_gate_sequence(gated, pmo, board_member):
    from openpmo.gates.models import Gate

    programme = gated.strand.pillar.programme
    obc = gate_of(gated, "obc")
    with pytest.raises(PermissionDenied):
        services.gate_remove(actor=gated.strand.pillar.sponsor, gate=obc)
    # Given a programme that leaves out the Outline Business Case gate
    services.gate_remove(actor=pmo, gate=obc)
    assert AuditRecord.objects.filter(action="gate.removed", actor=pmo).count() == 1
    # when a work package passes Discovery and the Strategic Outline Case
    from openpmo.gates.tests.conftest import forwarded_request

    for _ in range(2):
        request = forwarded_request(gated, requested={})
        services.decision_record(actor=board_member, gate_request=request, outcome="approved")
    # then it goes from SOC straight to the Full Business Case stage, whose gate is next
    gated.refresh_from_db()
    assert gated.stage == "fbc" and next_gate_for(gated).stage == "fbc"
    # A gate that has been used stays; a gate out of stage order is refused
    with pytest.raises(ConflictError):
        services.gate_remove(actor=pmo, gate=gate_of(gated, "soc"))
    with pytest.raises(ValidationError):
        services.gate_create(actor=pmo, programme=programme, stage="obc", name="OBC", order=99)
    assert not Gate.objects.filter(programme=programme, stage="obc").exists()
    # and the PMO can change a gate's wording
    services.gate_update(actor=pmo, gate=gate_of(gated, "closure"), purpose="Benefits review")
    assert gate_of(gated, "closure").purpose == "Benefits review"
