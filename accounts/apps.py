from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Learners"

    def ready(self) -> None:
        from allauth.account.signals import password_reset
        from django.db.models.signals import post_delete, post_save

        from .cached_user import on_user_change
        from .models import User
        from .security import unlock_after_password_reset

        password_reset.connect(unlock_after_password_reset, dispatch_uid="axes-unlock-on-reset")
        # The cached signed-in user (accounts.cached_user) is dropped on every write.
        post_save.connect(on_user_change, sender=User, dispatch_uid="accounts.user-forget")
        post_delete.connect(on_user_change, sender=User, dispatch_uid="accounts.user-forget-del")
