from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Learners"

    def ready(self) -> None:
        from allauth.account.signals import password_reset

        from .security import unlock_after_password_reset

        password_reset.connect(unlock_after_password_reset, dispatch_uid="axes-unlock-on-reset")
