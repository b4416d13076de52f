from django.apps import AppConfig


class BonehealthConfig(AppConfig):
    name = "bonehealth"
    verbose_name = "Bone health"

    def ready(self) -> None:
        # The pathway's due windows are team settings like the rule parameters: CareTeam.clean
        # validates them through recovery.rules.SETTING_SPECS, which this app extends rather
        # than recovery importing the pathway (recovery is the lower layer).
        from recovery import rules

        from .pathway import WINDOW_DEFAULTS, WINDOW_SPECS

        rules.register_settings(WINDOW_SPECS, WINDOW_DEFAULTS)
