"""Long-running work (OCR, signing, export) as jobs with visible status and progress."""

from .models import Job, JobStatus
from .runner import JobNotFound, JobRunner, JobView

__all__ = ["Job", "JobNotFound", "JobRunner", "JobStatus", "JobView"]
