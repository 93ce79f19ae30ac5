"""The assessor's pages: dashboard, queue, and the scoring page of one review.

Every page is blind: nothing here loads or shows the educator (name, email, school, district);
submissions are known by their anonymous code. Every view starts with an access_* helper
(404 for anybody who may not see the page), writes only through review.services, and answers
htmx requests with partials."""

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap

from cairn.catalog.models import RequirementKind
from cairn.core.errors import DomainError
from cairn.core.http import SignedInRequest
from cairn.earning.models import Artifact, Decision, Submission
from cairn.review import selectors, services
from cairn.review.access import access_assessor, access_review
from cairn.review.forms import CriterionRow, ScoringForm, read_only_rows
from cairn.review.models import CriterionScore, Review, ReviewStatus

SCORE_ORDER = ("criterion__requirement__position", "criterion__position", "criterion__id")


# ------------------------------------------------------------------ what the pages show


def _scores(review: Review) -> list[CriterionScore]:
    return list(review.scores.select_related("criterion").order_by(*SCORE_ORDER))


@dataclass
class EvidenceItem:
    """One evidence requirement as it was frozen in the submission, with the criteria scored on it."""

    number: int
    title: str
    kind: str
    text: str
    link_url: str
    link_title: str
    artifacts: list[Artifact]
    rows: list[CriterionRow] = field(default_factory=list)


def _safe_link(url: str) -> str:
    # Only web links become clickable; anything else (javascript:, data:) is dropped.
    return url if url.lower().startswith(("https://", "http://")) else ""


def _evidence(submission: Submission, rows: list[CriterionRow]) -> list[EvidenceItem]:
    kinds = dict(RequirementKind.choices)
    files = {a.pk: a for a in submission.artifacts.all()}
    items: list[EvidenceItem] = []
    by_requirement: dict[int, EvidenceItem] = {}
    for number, req in enumerate(submission.snapshot.get("requirements", []), 1):
        item = EvidenceItem(
            number=number,
            title=str(req.get("title", "")),
            kind=kinds.get(req.get("kind", ""), str(req.get("kind", ""))),
            text=str(req.get("text", "")),
            link_url=_safe_link(str(req.get("link_url", ""))),
            link_title=str(req.get("link_title", "")),
            artifacts=[files[i] for i in req.get("artifact_ids", []) if i in files],
        )
        items.append(item)
        if req.get("requirement_id") is not None:
            by_requirement[int(req["requirement_id"])] = item
    loose: list[CriterionRow] = []
    for row in rows:
        target = by_requirement.get(row.criterion.requirement_id)
        (target.rows if target else loose).append(row)
    if loose:  # criteria whose requirement the snapshot does not name (should not happen)
        items.append(EvidenceItem(len(items) + 1, "Other criteria", "", "", "", "", [], loose))
    return items


@dataclass
class EarlierAttempt:
    submission: Submission
    review: Review | None
    rows: list[CriterionRow]


def _earlier_attempts(submission: Submission) -> list[EarlierAttempt]:
    earlier = list(
        Submission.objects.filter(pursuit_id=submission.pursuit_id, attempt__lt=submission.attempt).order_by("attempt")
    )
    reviews = {
        r.submission_id: r
        for r in Review.objects.filter(submission__in=earlier, status=ReviewStatus.FINALIZED).prefetch_related(
            Prefetch("scores", queryset=CriterionScore.objects.select_related("criterion").order_by(*SCORE_ORDER))
        )
    }
    return [
        EarlierAttempt(
            s, reviews.get(s.pk), read_only_rows(list(reviews[s.pk].scores.all())) if s.pk in reviews else []
        )
        for s in earlier
    ]


def _decision_context(review: Review) -> dict[str, Any]:
    decision = services.review_decision(review)
    return {
        "review": review,
        "decision": decision,
        "decision_label": Decision(decision).label,
        "problems": services.review_problems(review),
    }


def _is_open(review: Review) -> bool:
    return review.status == ReviewStatus.CLAIMED and review.expires_at > timezone.now()


def _review_url(review: Review, anchor: str = "") -> str:
    return reverse("review:review", args=[review.pk]) + (f"#{anchor}" if anchor else "")


# ------------------------------------------------------------------ dashboard and queue


@login_required
@require_GET
def dashboard(request: SignedInRequest) -> HttpResponse:
    assessor = access_assessor(request.user)
    claimed = selectors.my_reviews(assessor).filter(status=ReviewStatus.CLAIMED).order_by("expires_at", "id")
    queue_size, queue_size_capped = selectors.queue_size(assessor)
    finished = selectors.finalized_reviews(assessor).order_by("-finalized_at", "-id")
    size = settings.CAIRN_PAGE_SIZE
    context = {
        "queue_size": queue_size,
        "queue_size_capped": queue_size_capped,
        "claimed_page": Paginator(claimed, size).get_page(request.GET.get("claimed")),
        "finished_page": Paginator(finished, size).get_page(request.GET.get("page")),
        "claim_to_decision": selectors.turnaround(selectors.finalized_reviews(assessor), "claimed_at"),
        "submission_to_decision": selectors.turnaround(
            selectors.finalized_reviews(assessor), "submission__submitted_at"
        ),
        "now": timezone.now(),
    }
    return render(request, "review/dashboard.html", context)


@login_required
@require_GET
def queue(request: SignedInRequest) -> HttpResponse:
    assessor = access_assessor(request.user)
    rows = selectors.queue_page_rows(assessor)
    page = selectors.CappedPaginator(rows, settings.CAIRN_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "now": timezone.now()}
    if request.htmx and request.htmx.target == "queue-results":
        return render(request, "review/_queue_results.html", context)
    return render(request, "review/queue.html", context)


@login_required
@require_POST
def claim(request: SignedInRequest) -> HttpResponse:
    assessor = access_assessor(request.user)
    try:
        review = services.review_claim(assessor=assessor)
    except DomainError as exc:
        messages.info(request, exc.message)
        return redirect("review:dashboard" if request.POST.get("from") == "dashboard" else "review:queue")
    messages.success(request, f"You claimed {review.submission.code}. Your drafts save as you go.")
    return redirect("review:review", review_id=review.pk)


# ------------------------------------------------------------------ one review


def _render_review(
    request: SignedInRequest, review: Review, form: ScoringForm | None, status: int = 200
) -> HttpResponse:
    scores = _scores(review) if form is None else form.score_rows
    editable = _is_open(review)
    if form is None and editable:
        form = ScoringForm(scores=scores)
    rows = form.rows() if form is not None else read_only_rows(scores)
    submission = review.submission
    pursuit = submission.pursuit
    context = {
        **_decision_context(review),
        "submission": submission,
        "version": pursuit.version,
        "micro_credential": pursuit.version.micro_credential,
        "attempt_limit": pursuit.attempt_limit,
        "evidence": _evidence(submission, rows),
        "earlier": _earlier_attempts(submission),
        "form": form,
        "editable": editable,
        "expired": review.status == ReviewStatus.CLAIMED and not editable,
        "rows": rows,
    }
    return render(request, "review/review.html", context, status=status)


@login_required
@require_GET
def review_detail(request: SignedInRequest, review_id: int) -> HttpResponse:
    review = access_review(request.user, review_id)
    return _render_review(request, review, None)


def _saved_partial(request: SignedInRequest, review: Review, *, note: str = "", error: str = "") -> HttpResponse:
    context = {**_decision_context(review), "rows": read_only_rows(_scores(review)), "note": note, "error": error}
    response = render(request, "review/_saved.html", context)
    return reswap(response, "none") if error else response


@login_required
@require_POST
def review_save(request: SignedInRequest, review_id: int) -> HttpResponse:
    """Save the draft: autosave (htmx, on every change) or the Save button without JavaScript."""
    review = access_review(request.user, review_id)
    form = ScoringForm(request.POST, scores=_scores(review))
    if not form.is_valid():
        if request.htmx:
            errors = " ".join(str(e) for errors in form.errors.values() for e in errors)
            return _saved_partial(request, review, error=f"Not saved: {errors}")
        return _render_review(request, review, form, status=400)
    try:
        services.review_save(
            assessor=request.user,
            review=review,
            scores=form.posted_scores(),
            overall_comment=form.posted_overall_comment(review.overall_comment),
        )
    except DomainError as exc:
        if request.htmx:
            return _saved_partial(request, review, error=f"Not saved: {exc.message}")
        messages.error(request, exc.message)
        return redirect(_review_url(review))
    if request.htmx:
        return _saved_partial(request, review, note=f"Saved at {timezone.localtime():%H:%M}.")
    messages.success(request, "Draft saved.")
    return redirect(_review_url(review, "decision"))


@login_required
@require_POST
def review_finalize(request: SignedInRequest, review_id: int) -> HttpResponse:
    """Submit the computed decision. The button sits in the scoring form, so it also carries the
    scores on the page: if they differ from the saved ones (no JavaScript, or an autosave still
    on its way) they are saved instead and the assessor confirms the decision they give."""
    review = access_review(request.user, review_id)
    form = ScoringForm(request.POST, scores=_scores(review))
    if not form.is_valid():
        return _render_review(request, review, form, status=400)
    try:
        if form.differs_from_saved(review.overall_comment):
            services.review_save(
                assessor=request.user,
                review=review,
                scores=form.posted_scores(),
                overall_comment=form.posted_overall_comment(review.overall_comment),
            )
            label = Decision(services.review_decision(review)).label
            messages.info(
                request,
                f"Your latest changes are saved. These scores give: {label}. Check the decision and submit it again.",
            )
            return redirect(_review_url(review, "decision"))
        review = services.review_finalize(
            assessor=request.user, review=review, confirmed_decision=request.POST.get("confirmed_decision", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_review_url(review, "decision"))
    messages.success(request, f"Decision submitted: {review.get_decision_display()}. The educator has been told.")
    return redirect(_review_url(review))


@login_required
@require_POST
def review_release(request: SignedInRequest, review_id: int) -> HttpResponse:
    review = access_review(request.user, review_id)
    try:
        services.review_release(assessor=request.user, review=review)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_review_url(review))
    messages.success(request, f"{review.submission.code} went back to the queue for another assessor.")
    return redirect("review:dashboard")
