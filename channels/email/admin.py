"""Admin for the e-mail channel: mailboxes (secret write-only), the mail we took, replies, labelled examples."""

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from channels.email.mailbox_secret import secret_encrypt
from channels.email.label_templates import LabelTemplateError, label_rules_check, label_template_save
from channels.email.models import (
    EmailOrder,
    InboundMessage,
    LabelledExample,
    Mailbox,
    OutgoingReply,
    PartnerLabelTemplate,
)
from channels.email.rendering import mail_text


class MailboxForm(forms.ModelForm):
    password = forms.CharField(
        required=False, widget=forms.PasswordInput(render_value=False),
        help_text="Stored encrypted (key derived from SECRET_KEY). Leave empty to keep the current one. "
                  "Prefer 'password env': the name of an environment variable holding the password.")

    class Meta:
        model = Mailbox
        fields = ["name", "host", "port", "security", "username", "password_env", "password", "folder",
                  "processed_folder", "poll_seconds", "active"]

    def clean(self):
        data = super().clean()
        has_secret = data.get("password") or data.get("password_env") or (self.instance and self.instance.password_encrypted)
        if not has_secret:
            raise forms.ValidationError("Give a password or the name of an environment variable holding it.")
        return data

    def save(self, commit=True):
        mailbox = super().save(commit=False)
        if self.cleaned_data.get("password"):
            mailbox.password_encrypted = secret_encrypt(self.cleaned_data["password"])
        if commit:
            mailbox.save()
        return mailbox


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = ["name", "username", "host", "port", "security", "folder", "active", "last_uid", "last_polled_at",
                    "last_error"]
    readonly_fields = ["uidvalidity", "last_uid", "last_polled_at", "last_error", "secret_stored"]
    actions = ["fetch_now"]

    @admin.display(description="encrypted password stored", boolean=True)
    def secret_stored(self, obj):
        return bool(obj.password_encrypted)

    @admin.action(description="Fetch new mail now")
    def fetch_now(self, request, queryset):
        from channels.email.ingest import mailbox_fetch
        from channels.email.management.commands.fetch_mail import processing_hook

        for mailbox in queryset:
            try:
                stats = mailbox_fetch(mailbox=mailbox, on_stored=processing_hook("queue"))
                self.message_user(request, f"{mailbox.name}: {stats.stored} new, {stats.duplicates} duplicates")
            except Exception as exc:
                self.message_user(request, f"{mailbox.name}: {exc}", level=messages.ERROR)


class EmailOrderInline(admin.TabularInline):
    model = EmailOrder
    extra = 0
    can_delete = False
    readonly_fields = ["position", "order"]


@admin.register(InboundMessage)
class InboundMessageAdmin(admin.ModelAdmin):
    list_display = ["id", "received_at", "sender", "subject", "status", "kind", "mailbox"]
    list_filter = ["status", "kind", "mailbox"]
    search_fields = ["sender", "subject", "message_id"]
    inlines = [EmailOrderInline]
    actions = ["reprocess"]
    readonly_fields = ["mailbox", "raw_source", "message_id", "content_sha256", "raw_sha256", "sender", "subject",
                       "folder", "uidvalidity", "uid", "duplicate_of", "status", "kind", "error", "received_at",
                       "processed_at", "rendered_mail", "interpretation"]
    fields = readonly_fields

    def has_add_permission(self, request):
        return False

    @admin.display(description="the mail")
    def rendered_mail(self, obj):
        raw = obj.raw_source or (obj.duplicate_of.raw_source if obj.duplicate_of else None)
        if raw is None:
            return "-"
        return format_html('<pre style="white-space: pre-wrap; max-width: 80em">{}</pre>', mail_text(bytes(raw.body)))

    @admin.action(description="Process failed messages again")
    def reprocess(self, request, queryset):
        from channels.email.processing import message_reprocess

        for message in queryset.filter(status=InboundMessage.Status.FAILED):
            message_reprocess(message_id=message.pk)
        self.message_user(request, "done")


@admin.register(OutgoingReply)
class OutgoingReplyAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "to_address", "purpose", "language", "status", "attempts", "sent_at"]
    list_filter = ["status", "purpose", "language"]
    search_fields = ["to_address"]
    readonly_fields = [f.name for f in OutgoingReply._meta.fields] + ["text"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="text")
    def text(self, obj):
        from channels.email.replies.send import reply_render

        return format_html('<pre style="white-space: pre-wrap">{}</pre>', reply_render(obj))


@admin.register(LabelledExample)
class LabelledExampleAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "order", "corrected_by"]
    readonly_fields = ["raw_source", "order", "machine_draft", "corrected_draft", "corrected_by", "created_at",
                       "differences"]

    def has_add_permission(self, request):
        return False

    @admin.display(description="what the dispatcher changed")
    def differences(self, obj):
        keys = sorted(set(obj.machine_draft) | set(obj.corrected_draft))
        rows = [(k, obj.machine_draft.get(k), obj.corrected_draft.get(k)) for k in keys
                if obj.machine_draft.get(k) != obj.corrected_draft.get(k) and k not in ("raw_source_id",)]
        return format_html_join("\n", "<div><b>{}</b>: {} → {}</div>", rows) or "-"


class LabelTemplateForm(forms.ModelForm):
    class Meta:
        model = PartnerLabelTemplate
        fields = ["partner", "rules", "note"]

    def clean_rules(self):
        try:
            return label_rules_check(self.cleaned_data["rules"])
        except LabelTemplateError as exc:
            raise forms.ValidationError(str(exc))


@admin.register(PartnerLabelTemplate)
class PartnerLabelTemplateAdmin(admin.ModelAdmin):
    """Saving never edits a version: it adds the next one and makes it the active one."""

    form = LabelTemplateForm
    list_display = ("partner", "version", "active", "note", "created_by", "created_at")
    list_filter = ("active", "partner")
    readonly_fields = ("version", "active", "created_by", "created_at")

    def has_delete_permission(self, request, obj=None):
        return False  # older versions explain mail read under them

    def save_model(self, request, obj, form, change):
        saved = label_template_save(partner_id=form.cleaned_data["partner"].pk, rules=form.cleaned_data["rules"],
                                    note=form.cleaned_data.get("note", ""), user=request.user.get_username())
        obj.pk, obj.version = saved.pk, saved.version
