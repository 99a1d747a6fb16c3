"""Reads of the programme register. Every list does a fixed number of queries, whatever its length."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from openpmo.common.db import filter_given, search_text
from openpmo.portfolio.choices import RagStatus
from openpmo.portfolio.models import Pillar, Programme, Strand, WorkPackage


def programme_list() -> QuerySet[Programme]:
    return Programme.objects.all()


PROGRAMME_IN_SCOPE = "openpmo.programme_in_scope"


def programme_in_scope(
    request: Any, *, remember: bool = True, among: Sequence[Programme] | None = None
) -> Programme | None:
    """The programme a page or API call is about: one rule for every app.

    ``?programme=<id>`` names it, and a page remembers it in the session; otherwise the one
    remembered; otherwise the first programme by name. None when there is no programme yet; an
    id naming no programme is a 404 (a wrong link, never silently another programme). API
    calls pass ``remember=False``: they are stateless. ``among``: the programmes already
    fetched (the page header has them), to choose from without another query.
    """

    def find(pk: int) -> Programme | None:
        if among is not None:
            return next((p for p in among if p.pk == pk), None)
        return Programme.objects.filter(pk=pk).first()

    session = getattr(request, "session", None)
    wanted = str(request.GET.get("programme", "") or "").strip()
    if wanted:
        programme = find(int(wanted)) if wanted.isdecimal() else None
        if programme is None:
            raise Http404(f"There is no programme {wanted}.")
        if remember and session is not None:
            session[PROGRAMME_IN_SCOPE] = programme.pk
        return programme
    remembered = session.get(PROGRAMME_IN_SCOPE) if session is not None else None
    programme = find(remembered) if isinstance(remembered, int) else None
    if programme is not None:
        return programme
    if among is not None:
        return min(among, key=lambda p: (p.name, p.pk), default=None)
    return Programme.objects.order_by("name", "pk").first()


def programme_in_scope_or_404(request: Any, *, remember: bool = True) -> Programme:
    programme = programme_in_scope(request, remember=remember)
    if programme is None:
        raise Http404("There is no programme yet.")
    return programme


@dataclass(frozen=True)
class RagMix:
    green: int = 0
    amber: int = 0
    red: int = 0
    not_set: int = 0

    @property
    def total(self) -> int:
        return self.green + self.amber + self.red + self.not_set

    def parts(self) -> list[tuple[str, str, int]]:
        """(css class, label, count) for each part, in board order."""
        return [
            ("green", "Green", self.green),
            ("amber", "Amber", self.amber),
            ("red", "Red", self.red),
            ("none", "Not set", self.not_set),
        ]


def _rag_annotations(path: str) -> dict[str, Count]:
    status = f"{path}rag_status"
    return {
        "wp_total": Count(f"{path}id", distinct=True),
        "wp_green": Count(f"{path}id", filter=Q(**{status: RagStatus.GREEN}), distinct=True),
        "wp_amber": Count(f"{path}id", filter=Q(**{status: RagStatus.AMBER}), distinct=True),
        "wp_red": Count(f"{path}id", filter=Q(**{status: RagStatus.RED}), distinct=True),
    }


def _mix(row: object) -> RagMix:
    green, amber, red, total = (
        getattr(row, f"wp_{name}") for name in ("green", "amber", "red", "total")
    )
    return RagMix(green=green, amber=amber, red=red, not_set=total - green - amber - red)


@dataclass
class PillarSummary:
    pillar: Pillar
    strand_count: int
    rag: RagMix


@dataclass
class ProgrammeDashboard:
    programme: Programme
    pillars: list[PillarSummary] = field(default_factory=list)

    @property
    def rag(self) -> RagMix:
        return RagMix(
            *(
                sum(getattr(p.rag, n) for p in self.pillars)
                for n in ("green", "amber", "red", "not_set")
            )
        )

    @property
    def work_package_count(self) -> int:
        return sum(p.rag.total for p in self.pillars)

    @property
    def strand_count(self) -> int:
        return sum(p.strand_count for p in self.pillars)


def programme_dashboard(programme: Programme) -> ProgrammeDashboard:
    """Pillars with their strand and work package counts and RAG mix, in three queries."""
    pillars = (
        Pillar.objects.filter(programme=programme)
        .select_related("sponsor")
        .annotate(
            strand_total=Count("strands", distinct=True),
            **_rag_annotations("strands__work_packages__"),
        )
    )
    return ProgrammeDashboard(
        programme=programme,
        pillars=[
            PillarSummary(pillar=p, strand_count=p.strand_total, rag=_mix(p)) for p in pillars
        ],
    )


def pillar_list() -> QuerySet[Pillar]:
    return Pillar.objects.select_related("programme", "sponsor").annotate(
        strand_total=Count("strands", distinct=True), **_rag_annotations("strands__work_packages__")
    )


def strand_list(*, pillar: Pillar | None = None) -> QuerySet[Strand]:
    strands = Strand.objects.select_related("pillar", "lead").annotate(
        **_rag_annotations("work_packages__")
    )
    return strands.filter(pillar=pillar) if pillar is not None else strands


def rag_mix_of(row: object) -> RagMix:
    return _mix(row)


# How the register can be sorted: column key -> the fields to order by.
WORK_PACKAGE_SORTS = {
    "reference": ("reference",),
    "name": ("name", "reference"),
    "pillar": ("strand__pillar__order", "strand__name", "reference"),
    "stage": ("stage_order", "reference"),
    "rag": ("rag_order", "reference"),
    "owner": ("owner__last_name", "owner__first_name", "reference"),
    "budget": ("budget_envelope", "reference"),
    "finish": ("forecast_end", "reference"),
}


def _stage_and_rag_order(packages: QuerySet[WorkPackage]) -> QuerySet[WorkPackage]:
    """Stages sort in gate order, RAG from red to green (not alphabetically)."""
    from django.db.models import Case, IntegerField, Value, When

    from openpmo.portfolio.choices import Stage

    stages = [When(stage=value, then=Value(index)) for index, value in enumerate(Stage.values)]
    rags = [
        When(rag_status=value, then=Value(index))
        for index, value in enumerate(["red", "amber", "green", ""])
    ]
    return packages.annotate(
        stage_order=Case(*stages, output_field=IntegerField()),
        rag_order=Case(*rags, output_field=IntegerField()),
    )


def work_package_sorted(
    packages: QuerySet[WorkPackage], sort: str, descending: bool = False
) -> QuerySet[WorkPackage]:
    """``packages`` in the order of one of ``WORK_PACKAGE_SORTS`` (by reference if unknown)."""
    fields = WORK_PACKAGE_SORTS.get(sort, WORK_PACKAGE_SORTS["reference"])
    if fields[0] in ("stage_order", "rag_order"):
        packages = _stage_and_rag_order(packages)
    if descending:
        fields = tuple(f"-{name}" for name in fields[:1]) + fields[1:]
    return packages.order_by(*fields)


def work_package_list(
    *,
    programme: Programme | int | None = None,
    pillar: Pillar | int | None = None,
    strand: Strand | int | None = None,
    stage: str = "",
    rag_status: str = "",
    owner: int | None = None,
    search: str = "",
) -> QuerySet[WorkPackage]:
    """Work packages with what a list shows fetched up front (no query per row)."""
    packages = WorkPackage.objects.select_related(
        "strand__pillar__programme", "owner"
    ).prefetch_related("strategic_priorities")
    packages = filter_given(
        packages,
        strand__pillar__programme=programme,
        strand__pillar=pillar,
        strand=strand,
        stage=stage,
    )
    if rag_status == "none":
        packages = packages.filter(rag_status="")
    elif rag_status:
        packages = packages.filter(rag_status=rag_status)
    packages = filter_given(packages, owner_id=owner)
    return search_text(packages, search, ("name", "reference", "description"))


def work_package_or_404(pk: int) -> WorkPackage:
    """The work package a page is about, with its programme and owner (404 if there is none)."""
    return get_object_or_404(
        WorkPackage.objects.select_related("strand__pillar__programme", "owner"), pk=pk
    )


def work_package_get(pk: int) -> WorkPackage:
    return (
        WorkPackage.objects.select_related(
            "strand__pillar__programme", "owner", "strand__pillar__sponsor"
        )
        .prefetch_related("strategic_priorities")
        .get(pk=pk)
    )
