"""Long-running work (OCR, signing, export) as jobs with visible status and progress.

Jobs are rows that outlive their process; a runner dispatches them to threads of
this process (`ThreadJobRunner`) or to Celery workers (`celery_backend`).
"""

from .models import Job, JobStatus
from .runner import Handler, JobContext, JobPolicy, JobRunner, Outcome, Ran, ThreadJobRunner
from .store import JobNotFound, JobStore, JobView

__all__ = ["Handler", "Job", "JobContext", "JobNotFound", "JobPolicy", "JobRunner", "JobStatus",
           "JobStore", "JobView", "Outcome", "Ran", "ThreadJobRunner"]
