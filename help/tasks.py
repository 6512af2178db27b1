"""Help's background jobs: thin wrappers around services, safe to run twice."""

from celery import shared_task

from help import services


@shared_task(name="help.tasks.escalate_unanswered_questions_task", ignore_result=True, time_limit=300)
def escalate_unanswered_questions_task() -> int:
    """Escalate questions nobody answered in time (each once, however often this runs)."""
    return services.questions_escalate_overdue()
