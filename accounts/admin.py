from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from lib.throttling import LoginSlowDownFormMixin

from .models import User
from .services import account_sign_out_everywhere


class AdminLoginForm(LoginSlowDownFormMixin, OTPAdminAuthenticationForm):
    """The admin's sign-in: the password with the dashboard's failed-login slow-down, then
    the code of the account's second factor (django-otp)."""


# The admin shows every patient's data: a second factor always (issue 23). Staff without
# a verified device are treated as not staff. (django-otp's documented way to switch the
# default site, so every app's admin.register keeps working.)
admin.site.__class__ = OTPAdminSite
admin.site.login_form = AdminLoginForm


# django-otp's own device admins show the TOTP key and the recovery codes: replaced by
# ones that show which devices an account has, never their secrets.
for model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(TOTPDevice, StaticDevice)
class SecondFactorAdmin(admin.ModelAdmin):
    list_display = ("user", "name", "confirmed")
    fields = ("user", "name", "confirmed")
    readonly_fields = ("user", "name")
    search_fields = ("user__email",)

    def has_add_permission(self, request):
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active", "is_staff")
    search_fields = ("email", "first_name", "last_name")
    fieldsets = (
        (None, {"fields": ("email", "password", "role")}),
        ("Personal info", {"fields": ("first_name", "last_name")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        ("Important dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "role", "password1", "password2")}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # Deactivating an account (or a new password set here) ends its sessions and refresh
        # tokens; its access tokens are refused on their next request.
        if change and {"is_active", "password"} & set(form.changed_data):
            account_sign_out_everywhere(user=obj, keep_session_key=_own_session(request, obj))

    def user_change_password(self, request, id, form_url=""):
        before = User.objects.filter(pk=id).values_list("password", flat=True).first()
        response = super().user_change_password(request, id, form_url)
        user = User.objects.filter(pk=id).first()
        if user is not None and user.password != before:
            account_sign_out_everywhere(user=user, keep_session_key=_own_session(request, user))
        return response


def _own_session(request, user: User) -> str | None:
    """The admin's own session when they change their own account (Django keeps it signed in
    after a change of one's own password)."""
    return request.session.session_key if request.user.pk == user.pk else None
