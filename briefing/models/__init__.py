"""SQLAlchemy models. Models never commit; services do."""

from briefing.models.briefing import Briefing, BriefingStatus
from briefing.models.change import Change, ChangeKind
from briefing.models.login import LoginFailure
from briefing.models.media import Media, UpdateMedia
from briefing.models.series import Series
from briefing.models.source import Source
from briefing.models.update import Revision, Update, UpdateSource, UpdateStatus
from briefing.models.user import ApiToken, IdempotencyKey, Role, User

__all__ = [
    "ApiToken",
    "Briefing",
    "BriefingStatus",
    "Change",
    "ChangeKind",
    "IdempotencyKey",
    "LoginFailure",
    "Media",
    "Revision",
    "Role",
    "Series",
    "Source",
    "Update",
    "UpdateMedia",
    "UpdateSource",
    "UpdateStatus",
    "User",
]
