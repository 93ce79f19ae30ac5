"""A person's progress through stacks and pathways, computed from the set of
micro-credentials they have earned. Pure functions: the caller supplies the earned set."""

from dataclasses import dataclass, field

from cairn.catalog.models import Pathway, Stack


@dataclass
class OptionProgress:
    title: str
    slug: str
    kind: str  # "micro_credential" or "stack"
    done: bool


@dataclass
class StepProgress:
    title: str
    description: str
    is_prerequisite: bool
    required: int
    completed: int
    is_open: bool
    options: list[OptionProgress] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.completed >= self.required


@dataclass
class PathwayProgress:
    steps: list[StepProgress]
    distinct_earned: int
    min_count: int | None
    committee_review: bool

    @property
    def steps_done(self) -> bool:
        return all(s.done for s in self.steps)

    @property
    def count_met(self) -> bool:
        return self.min_count is None or self.distinct_earned >= self.min_count

    @property
    def ready_for_committee(self) -> bool:
        return self.committee_review and self.steps_done and self.count_met

    @property
    def complete(self) -> bool:
        # With a committee review the pathway completes only when the committee approves,
        # which the programs app records; here it is at most "ready for committee".
        return self.steps_done and self.count_met and not self.committee_review


def stack_member_ids(stack: Stack) -> list[int]:
    return [item.micro_credential_id for item in stack.items.all()]


def stack_complete(stack: Stack, earned: set[int]) -> bool:
    members = stack_member_ids(stack)
    return bool(members) and all(mc_id in earned for mc_id in members)


def pathway_progress(pathway: Pathway, earned: set[int]) -> PathwayProgress:
    """Expects ``pathway`` with steps → options → micro_credential/stack(items) prefetched."""
    steps: list[StepProgress] = []
    in_pathway: set[int] = set()
    prerequisites_done = True
    for step in pathway.steps.all():
        options: list[OptionProgress] = []
        for option in step.options.all():
            if option.micro_credential is not None:
                mc = option.micro_credential
                in_pathway.add(mc.pk)
                title = mc.current_version.title if mc.current_version else mc.slug
                options.append(OptionProgress(title, mc.slug, "micro_credential", mc.pk in earned))
            elif option.stack is not None:
                members = stack_member_ids(option.stack)
                in_pathway.update(members)
                options.append(
                    OptionProgress(option.stack.title, option.stack.slug, "stack", stack_complete(option.stack, earned))
                )
        required = step.required_count if step.required_count is not None else len(options)
        completed = sum(1 for o in options if o.done)
        steps.append(
            StepProgress(
                title=step.title,
                description=step.description,
                is_prerequisite=step.is_prerequisite,
                required=required,
                completed=completed,
                is_open=step.is_prerequisite or prerequisites_done,
                options=options,
            )
        )
        if step.is_prerequisite and completed < required:
            prerequisites_done = False
    return PathwayProgress(
        steps=steps,
        distinct_earned=len(in_pathway & earned),
        min_count=pathway.min_count,
        committee_review=pathway.committee_review,
    )
