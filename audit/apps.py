from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from recovery.signals import admin_patients_read

        from .services import access_record

        def record_admin_read(sender, *, actor, patient_ids, action, request, **kwargs):
            access_record(actor=actor, patient_ids=patient_ids, action=action, request=request)

        # weak=False: the receiver is a local function, kept alive by the signal.
        admin_patients_read.connect(record_admin_read, weak=False, dispatch_uid="audit-admin")
