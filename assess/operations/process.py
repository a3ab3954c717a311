"""What the assessments' processes mean, asked of every loaded workflow at once.

A page that lists assessments of several workflows (a reviewer's queue, the follow-up
tasks) filters by what a state means, never by state ids: each workflow names its states
as it likes.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, and_, false, or_

from ..models import Assessment
from ..workflow import WorkflowDefinition
from .context import workflows

Meaning = Callable[[WorkflowDefinition, str], bool]


def state_means(meaning: Meaning) -> ColumnElement[bool]:
    """A filter: the assessment's state has ``meaning`` in its own workflow and version
    (``WorkflowDefinition.awaits_review``, ``WorkflowDefinition.is_in_follow_up``...)."""
    loaded = workflows()
    by_workflow = loaded.states_where(meaning)
    every = frozenset().union(*by_workflow.values())
    if not every:
        return false()
    # One list of states is enough (and what the state index serves) unless a workflow has
    # a state of the same id that means something else.
    if all(
        set(loaded.get(*ident).definition.states) & every <= states
        for ident, states in by_workflow.items()
    ):
        return Assessment.state.in_(sorted(every))
    return or_(
        *(
            and_(
                Assessment.workflow_key == key,
                Assessment.workflow_version == version,
                Assessment.state.in_(sorted(states)),
            )
            for (key, version), states in sorted(by_workflow.items())
            if states
        )
    )
