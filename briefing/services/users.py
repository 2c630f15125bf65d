"""Verbs for accounts and API tokens. Passwords and tokens are stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import func, select
from werkzeug.security import check_password_hash, generate_password_hash

from briefing.extensions import db
from briefing.models import ApiToken, Role, User
from briefing.models.base import utcnow
from briefing.services import checks
from briefing.services.errors import NotFound

PASSWORD_MIN = 10
TOKEN_PREFIX = "brf_"
# Recording every use of a busy bot's token would make each request a write.
LAST_USE_RESOLUTION = timedelta(minutes=1)
# Verified when the email is unknown, so a miss costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("timing-equaliser")


def normalize_email(email: str) -> str:
    return email.strip().lower()


def create_user(*, email: str, display_name: str, role: Role, password: str) -> User:
    """Create an account. Used by the CLI and the admin console (which checks its actor)."""
    errors = checks.Collector()
    email = normalize_email(email)
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        errors.add("email", "Enter a valid email address.")
    elif user_by_email(email) is not None:
        errors.add("email", "An account with this email already exists.")
    display_name = checks.line(errors, "display_name", display_name, max_length=120, required=True)
    if len(password) < PASSWORD_MIN:
        errors.add("password", f"Use at least {PASSWORD_MIN} characters.")
    errors.raise_if_any()
    user = User(
        email=email,
        display_name=display_name,
        role=role,
        password_hash=generate_password_hash(
            password, method=current_app.config["PASSWORD_HASH_METHOD"]
        ),
        active=True,
    )
    db.session.add(user)
    db.session.commit()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (without saying which failed)."""
    user = user_by_email(normalize_email(email))
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user.password_hash, password) or not user.active:
        return None
    return user


def user_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def user_by_email_or_404(email: str) -> User:
    user = user_by_email(email)
    if user is None:
        raise NotFound(f"No user with email {email!r}.")
    return user


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_token(user: User, *, name: str) -> tuple[ApiToken, str]:
    """A new bearer token for `user`; the plain token is returned once and never stored."""
    errors = checks.Collector()
    name = checks.line(errors, "name", name, max_length=120, required=True)
    errors.raise_if_any()
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_token(plain), prefix=plain[:10])
    db.session.add(token)
    db.session.commit()
    return token, plain


def user_for_token(plain: str) -> User | None:
    """The active owner of a live token, recording (coarsely) that it was used."""
    token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(plain)))
    if token is None or token.revoked_at is not None or not token.user.active:
        return None
    now = utcnow()
    if token.last_used_at is None or now - token.last_used_at > LAST_USE_RESOLUTION:
        token.last_used_at = now
        db.session.commit()
    return token.user


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
