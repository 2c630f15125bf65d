"""Verbs for accounts and API tokens. Passwords and tokens are stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash

from briefing.extensions import db
from briefing.models import ApiToken, Role, User
from briefing.models.base import INTEGER_MAX, utcnow
from briefing.rendering import languages
from briefing.services import checks
from briefing.services.errors import Forbidden, Invalid, NotFound
from briefing.services.permissions import Actor, require_role
from briefing.services.transactions import verb

PASSWORD_MIN = 10
# Hashing is deliberately slow; a megabyte "password" would make it slower still.
PASSWORD_MAX = 1000
TOKEN_PREFIX = "brf_"
# Recording every use of a busy bot's token would make each request a write.
LAST_USE_RESOLUTION = timedelta(minutes=1)
# Verified when the email is unknown, so a miss costs as much time as a wrong password.
_DUMMY_HASH = generate_password_hash("timing-equaliser")


def normalize_email(email: str) -> str:
    return email.strip().lower()


@verb
def create_user(
    *,
    actor: Actor,
    email: str,
    display_name: str,
    role: Role,
    password: str,
    password_hash_method: str,
) -> User:
    """Create an account (admins only). `password_hash_method` is the app's
    PASSWORD_HASH_METHOD, as werkzeug names it."""
    require_role(actor, Role.ADMIN, _l("create accounts"))
    errors = checks.Collector()
    email = normalize_email(email)
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        errors.add("email", _("Enter a valid email address."))
    elif user_by_email(email) is not None:
        errors.add("email", _("An account with this email already exists."))
    display_name = checks.line(errors, "display_name", display_name, max_length=120, required=True)
    _check_password(errors, "password", password)
    errors.raise_if_any()
    user = User(
        email=email,
        display_name=display_name,
        role=role,
        password_hash=generate_password_hash(password, method=password_hash_method),
        active=True,
    )
    db.session.add(user)
    db.session.commit()
    return user


def _check_password(errors: checks.Collector, field: str, password: str) -> None:
    if len(password) < PASSWORD_MIN:
        errors.add(field, _("Use at least %(count)s characters.", count=PASSWORD_MIN))
    elif len(password) > PASSWORD_MAX:
        errors.add(field, _("Use at most %(count)s characters.", count=PASSWORD_MAX))


@verb
def change_own_password(
    user: User,
    *,
    actor: Actor,
    current_password: str,
    new_password: str,
    password_hash_method: str,
) -> User:
    """A user replaces their own password, proving they know the current one. Sessions
    carry a digest of the password hash (web/editor/auth.py), so every other session of
    the user ends; the door re-signs the one that asked."""
    if not isinstance(actor, User) or actor.id != user.id:
        raise Forbidden(_("Only the account's owner may change its password this way."))
    errors = checks.Collector()
    if not check_password_hash(user.password_hash, current_password):
        errors.add("current_password", _("This is not your current password."))
    _check_password(errors, "password", new_password)
    if not errors.errors and new_password == current_password:
        errors.add("password", _("Choose a password other than the current one."))
    errors.raise_if_any()
    user.password_hash = generate_password_hash(new_password, method=password_hash_method)
    db.session.commit()
    return user


@verb
def set_password(user: User, *, actor: Actor, password: str, password_hash_method: str) -> User:
    """An admin (or the operator at the command line) gives `user` a new password, for
    instance when they forgot theirs; every session of the user ends."""
    require_role(actor, Role.ADMIN, _l("set other people's passwords"))
    errors = checks.Collector()
    _check_password(errors, "password", password)
    errors.raise_if_any()
    user.password_hash = generate_password_hash(password, method=password_hash_method)
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
        raise NotFound(_("No user with email %(email)s.", email=repr(email)))
    return user


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@verb
def create_token(user: User, *, actor: Actor, name: str) -> tuple[ApiToken, str]:
    """A new bearer token for `user` (admins only); the plain token is returned once and
    never stored."""
    require_role(actor, Role.ADMIN, _l("create API tokens"))
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


@verb
def revoke_token(token: ApiToken, *, actor: Actor) -> None:
    require_role(actor, Role.ADMIN, _l("revoke API tokens"))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()


@verb
def change_user_role(user: User, *, actor: User, role: Role) -> User:
    require_role(actor, Role.ADMIN, _l("change roles"))
    if user.role == role:
        return user
    if user.role == Role.ADMIN:
        _keep_an_admin(user, actor, _l("change your own role"))
    user.role = role
    db.session.commit()
    return user


@verb
def set_user_active(user: User, *, actor: User, active: bool) -> User:
    """Deactivate (the account can no longer sign in or use its tokens) or reactivate."""
    require_role(actor, Role.ADMIN, _l("deactivate accounts"))
    if user.active == active:
        return user
    if not active:
        _keep_an_admin(user, actor, _l("deactivate your own account"))
    user.active = active
    db.session.commit()
    return user


@verb
def set_user_language(user: User, *, actor: User, language: str | None) -> User:
    """The console's language for `user`: a shipped one, or None to follow the browser."""
    if actor.id != user.id:
        require_role(actor, Role.ADMIN, _l("change another user's language"))
    if language is not None and language not in languages.SHIPPED:
        raise Invalid.field(
            "language", _("Choose one of %(choices)s.", choices=", ".join(languages.SHIPPED))
        )
    user.language = language
    db.session.commit()
    return user


def _keep_an_admin(user: User, actor: User, action: LazyString) -> None:
    """Nobody may lock themselves out, and the last active admin stays an admin."""
    if user.id == actor.id:
        raise Invalid.field("user", _("You cannot %(action)s; ask another admin.", action=action))
    admins = db.session.scalar(
        select(func.count(User.id)).where(User.role == Role.ADMIN, User.active.is_(True))
    )
    if user.active and user.role == Role.ADMIN and (admins or 0) <= 1:
        raise Invalid.field("user", _("This is the last active admin."))


def all_users() -> list[User]:
    return list(db.session.scalars(select(User).order_by(func.lower(User.display_name))))


def user_by_id(user_id: int) -> User:
    user = db.session.get(User, user_id) if 0 < user_id <= INTEGER_MAX else None
    if user is None:
        raise NotFound(_("No user %(id)s.", id=user_id))
    return user


def all_tokens() -> list[ApiToken]:
    """Every token, live ones first, newest first, with their users."""
    return list(
        db.session.scalars(
            select(ApiToken)
            .options(joinedload(ApiToken.user))
            .order_by(ApiToken.revoked_at.is_not(None), ApiToken.id.desc())
        )
    )


def token_by_id(token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id) if 0 < token_id <= INTEGER_MAX else None
    if token is None:
        raise NotFound(_("No API token %(id)s.", id=token_id))
    return token
