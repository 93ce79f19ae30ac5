from cairn.catalog.models import MicroCredential, Pathway, Stack
from cairn.catalog.progress import pathway_progress, stack_complete
from cairn.catalog.selectors import pathway_with_steps


def ids(*slugs):
    return set(MicroCredential.objects.filter(slug__in=slugs).values_list("id", flat=True))


def progress(*slugs):
    return pathway_progress(pathway_with_steps(Pathway.objects.get(slug="pa-leader")), ids(*slugs))


def test_a_stack_is_complete_only_when_every_member_is_earned(mini_catalog):
    stack = Stack.objects.get(slug="basic-pa")
    assert not stack_complete(stack, ids("pa-design", "rubric-design"))
    assert stack_complete(stack, ids("pa-design", "rubric-design", "pa-validation"))


def test_an_empty_planned_stack_is_never_complete(mini_catalog):
    assert not stack_complete(Stack.objects.get(slug="visionary"), set())


def test_later_steps_stay_closed_until_the_prerequisite_badge_is_earned(mini_catalog):
    before = progress("rubric-design")
    assert [s.is_open for s in before.steps] == [True, False, False]
    assert before.steps[1].done  # counted, but the step is not open yet
    after = progress("pa-design", "rubric-design")
    assert [s.is_open for s in after.steps] == [True, True, True]


def test_n_of_m_steps_need_only_n_and_the_minimum_count_spans_the_pathway(mini_catalog):
    result = progress("pa-design", "pa-validation")
    assert result.steps[1].done and result.steps[1].required == 1
    assert not result.steps[2].done  # the stack needs all three
    assert result.distinct_earned == 2 and not result.count_met


def test_a_pathway_with_committee_review_is_ready_for_the_committee_not_complete(mini_catalog):
    result = progress("pa-design", "rubric-design", "pa-validation")
    assert result.steps_done and result.count_met
    assert result.ready_for_committee and not result.complete
