"""Tenants, organizations, people, invitations, API tokens and the audit log."""

from .audit import AuditEvent
from .invitations import EmailChangeRequest, Invitation
from .people import (
    CUSTOMER_ROLES,
    MANAGER_ROLES,
    STAFF_ROLES,
    Role,
    Tier,
    User,
    UserManager,
    UserQuerySet,
)
from .tenants import (
    TIME_ZONE_CHOICES,
    Domain,
    Organization,
    OrganizationEmailDomain,
    Tenant,
    UnknownSenders,
    validate_time_zone,
)
from .tokens import ApiToken

__all__ = [
    "CUSTOMER_ROLES",
    "MANAGER_ROLES",
    "STAFF_ROLES",
    "TIME_ZONE_CHOICES",
    "ApiToken",
    "AuditEvent",
    "Domain",
    "EmailChangeRequest",
    "Invitation",
    "Organization",
    "OrganizationEmailDomain",
    "Role",
    "Tenant",
    "Tier",
    "UnknownSenders",
    "User",
    "UserManager",
    "UserQuerySet",
    "validate_time_zone",
]
