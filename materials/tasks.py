"""Materials' background jobs: thin wrappers around services, ids in, safe to run twice."""

from celery import shared_task

from materials import services


@shared_task(
    name="materials.tasks.generate_material_previews_task", ignore_result=True, time_limit=300, soft_time_limit=240
)
def generate_material_previews_task(version_id: int) -> str | None:
    """Make a version's preview images after its upload is committed (a version with previews is left alone)."""
    return services.version_previews_generate(version_id=version_id)
