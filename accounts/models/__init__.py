"""Tenants, organizations, people, invitations and the audit log."""

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

__all__ = [
    "CUSTOMER_ROLES",
    "MANAGER_ROLES",
    "STAFF_ROLES",
    "TIME_ZONE_CHOICES",
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
