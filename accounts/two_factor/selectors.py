"""Reads for two-factor authentication. Queries about people start from the tenant."""

import base64
import io
from base64 import b32encode
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.qr import write_qrcode_image

from ..models import CUSTOMER_ROLES, STAFF_ROLES, Tenant, User
from .policy import BACKUP_DEVICE_NAME


@dataclass(frozen=True)
class Enrolment:
    """What the setup page shows: the QR code and the same key for typing in by hand."""

    config_url: str
    qr_data_uri: str
    key: str  # base32, in groups of four

    @property
    def key_compact(self) -> str:
        return self.key.replace(" ", "")


def _issuer(tenant: Tenant | None) -> str:
    # Authenticator apps show the issuer above the code; a colon would break the label.
    return (tenant.portal_title if tenant else "Help desk").replace(":", "")


def totp_enrolment(*, device: TOTPDevice, user: User, tenant: Tenant | None) -> Enrolment:
    secret = b32encode(device.bin_key).decode()
    issuer = _issuer(tenant)
    params = {
        "secret": secret,
        "issuer": issuer,
        "algorithm": "SHA1",
        "digits": device.digits,
        "period": device.step,
    }
    url = f"otpauth://totp/{quote(f'{issuer}:{user.email}')}?{urlencode(params, quote_via=quote)}"
    svg = io.BytesIO()
    write_qrcode_image(url, svg)
    data_uri = "data:image/svg+xml;base64," + base64.b64encode(svg.getvalue()).decode()
    key = " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
    return Enrolment(config_url=url, qr_data_uri=data_uri, key=key)


def backup_codes_remaining(*, user: User) -> int:
    return StaticToken.objects.filter(
        device__user=user, device__confirmed=True, device__name=BACKUP_DEVICE_NAME
    ).count()


PEOPLE_GROUPS = {
    "staff": (_("Staff"), STAFF_ROLES),
    "customers": (_("Customers"), CUSTOMER_ROLES),
}


def people_security_list(
    *, tenant: Tenant, group: str = "", without_two_factor: bool = False
) -> QuerySet[User]:
    """The tenant's active people with their two-factor state, for the tenant admin."""
    people = (
        User.objects.for_tenant(tenant)
        .filter(is_active=True)
        .select_related("organization")
        .order_by("full_name", "email")
    )
    if group in PEOPLE_GROUPS:
        people = people.filter(role__in=PEOPLE_GROUPS[group][1])
    if without_two_factor:
        people = people.filter(two_factor_enabled=False)
    return people


def person_for_tenant_admin(*, actor: User, tenant: Tenant, user_id: int) -> User:
    """A person of the admin's own help desk; the same 404 for people who do not exist,
    belong elsewhere, or are asked for by someone who is not its tenant admin."""
    person = None
    if actor.is_tenant_admin and actor.tenant_id == tenant.pk:
        person = User.objects.for_tenant(tenant).filter(pk=user_id).first()
    if person is None:
        raise Http404("No such person.")
    return person
