"""Retention (thời hạn bảo quản): schedules, due dates, holds, disposal records.

Not built yet: see issue 6. Nothing here may bypass a hold.
"""
