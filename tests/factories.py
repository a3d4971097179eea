import factory
from django.contrib.auth.hashers import make_password
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Domain, Organization, Role, Tenant, User
from sla.models import SupportPlan

PASSWORD = "correct-horse-battery"
_PASSWORD_HASH = None


def password_hash():
    global _PASSWORD_HASH
    if _PASSWORD_HASH is None:
        _PASSWORD_HASH = make_password(PASSWORD)
    return _PASSWORD_HASH


class TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tenant
        django_get_or_create = ("slug",)
        skip_postgeneration_save = True

    slug = factory.Sequence(lambda n: f"tenant{n}")
    name = factory.LazyAttribute(lambda o: o.slug.title())
    portal_title = factory.LazyAttribute(lambda o: f"{o.name} Support")
    ticket_prefix = factory.Sequence(lambda n: "T" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[n % 26] * 2)
    time_zone = "America/Los_Angeles"
    brand_color = "#0b5cab"
    logo_text = factory.LazyAttribute(lambda o: o.name[:2].upper())
    support_email = factory.LazyAttribute(lambda o: f"support@{o.slug}.example")
    # Tenants require two-factor for staff by default; tests sign staff in with force_login,
    # so test tenants start without the requirement and two-factor tests turn it on.
    require_2fa_for_staff = False

    @factory.post_generation
    def domain(obj, create, extracted, **kwargs):
        if create:
            Domain.objects.get_or_create(
                domain=extracted or f"{obj.slug}.localhost",
                defaults={"tenant": obj, "is_primary": True},
            )


class SupportPlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportPlan

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Plan {n}")
    slug = factory.Sequence(lambda n: f"plan-{n}")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Customer Org {n}")
    slug = factory.Sequence(lambda n: f"customer-org-{n}")
    plan = None


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Sequence(lambda n: f"Person {n}")
    tenant = factory.SubFactory(TenantFactory)
    role = Role.CUSTOMER
    organization = factory.LazyAttribute(
        lambda o: (
            OrganizationFactory(tenant=o.tenant)
            if o.role in (Role.CUSTOMER, Role.ORG_ADMIN)
            else None
        )
    )
    tier = factory.LazyAttribute(lambda o: "L1" if o.role == Role.ENGINEER else "")
    is_staff = factory.LazyAttribute(lambda o: o.role == Role.TENANT_ADMIN)
    password = factory.LazyFunction(password_hash)


class CustomerFactory(UserFactory):
    role = Role.CUSTOMER


class OrgAdminFactory(UserFactory):
    role = Role.ORG_ADMIN


class EngineerFactory(UserFactory):
    role = Role.ENGINEER


class ManagerFactory(UserFactory):
    role = Role.MANAGER


class TenantAdminFactory(UserFactory):
    role = Role.TENANT_ADMIN


class SuperuserFactory(UserFactory):
    role = Role.PLATFORM
    tenant = None
    is_superuser = True
    is_staff = True


def totp_device_for(user) -> TOTPDevice:
    """A confirmed authenticator app for ``user`` (the person has two-factor on)."""
    device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    user.two_factor_enabled = True
    user.save(update_fields=["two_factor_enabled"])
    return device


def login_with_verified_device(client, user, device=None) -> TOTPDevice:
    """``client.force_login(user)`` for a session that also entered a two-factor code, for
    tests where a tenant requires two-factor authentication."""
    device = device or totp_device_for(user)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
