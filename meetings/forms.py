"""Forms of the participation pages. Dates a person types are Buddhist Era (24/07/2563)."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from meetings.models import Invitation, Opinion
from supervision.models import Committee, Person


class BEDateField(forms.DateField):
    """A date typed as dd/mm/BBBB (Buddhist Era); shown back the same way."""

    widget = forms.TextInput(attrs={"placeholder": "24/07/2563", "inputmode": "numeric", "autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, dt.date):
            return value
        try:
            day, month, year = (int(x) for x in str(value).strip().split("/"))
            if year < 2400:
                raise ValueError
            return dt.date(year - 543, month, day)
        except (TypeError, ValueError):
            raise forms.ValidationError(_("วันที่ไม่ถูกต้อง ให้พิมพ์ วัน/เดือน/ปี พ.ศ. เช่น 24/07/2563")) from None

    def prepare_value(self, value):
        if isinstance(value, dt.date):
            return f"{value.day:02d}/{value.month:02d}/{value.year + 543}"
        return value


class MeetingForm(forms.Form):
    committee = forms.ModelChoiceField(queryset=Committee.objects.none(), label=_("คณะ"))
    title = forms.CharField(label=_("ชื่อการประชุม"), max_length=300, required=False)
    date = BEDateField(label=_("วันที่ประชุม"))
    start_time = forms.TimeField(label=_("เวลาเริ่ม"), widget=forms.TimeInput(attrs={"type": "time"}))
    place = forms.CharField(label=_("สถานที่"), max_length=300, required=False)
    online_link = forms.URLField(label=_("ลิงก์ประชุมออนไลน์"), required=False, assume_scheme="https")
    letter_no = forms.CharField(label=_("ที่ (เลขที่หนังสือ)"), max_length=60, required=False)
    subject = forms.CharField(label=_("เรื่อง"), max_length=300)
    salutation = forms.CharField(label=_("เรียน"), max_length=300, required=False)

    def __init__(self, *args, committees=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["committee"].queryset = committees if committees is not None else Committee.objects.none()


class AgendaItemForm(forms.Form):
    parent_number = forms.TypedChoiceField(
        label=_("ระเบียบวาระที่"), coerce=int, choices=[(n, str(n)) for n in range(1, 6)], initial=4
    )
    title = forms.CharField(label=_("เรื่อง"), max_length=500)
    presenter = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("ผู้นำเสนอ"), required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            self.fields["presenter"].queryset = people


class AnswerForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("การเข้าร่วมประชุม"),
        choices=[c for c in Invitation.Answer.choices if c[0] != Invitation.Answer.PENDING],
        widget=forms.RadioSelect,
    )
    substitute_name = forms.CharField(label=_("ชื่อผู้แทน"), max_length=200, required=False)
    substitute_position = forms.CharField(label=_("ตำแหน่งผู้แทน"), max_length=200, required=False)
    reason = forms.CharField(label=_("เหตุผลที่ไม่เข้าร่วม"), max_length=300, required=False)


class OpinionForm(forms.Form):
    kind = forms.ChoiceField(label=_("ประเภท"), choices=Opinion.Kind.choices)
    text = forms.CharField(label=_("ความคิดเห็น"), widget=forms.Textarea(attrs={"rows": 3}))


class MeetingEditForm(forms.Form):
    """Everything the secretary sets before the letters go out and before the minutes are signed."""

    title = forms.CharField(label=_("ชื่อการประชุม"), max_length=300, widget=forms.TextInput(attrs={"class": "wide"}))
    date = BEDateField(label=_("วันที่ประชุม"))
    start_time = forms.TimeField(label=_("เวลาเริ่ม"), widget=forms.TimeInput(attrs={"type": "time"}))
    end_time = forms.TimeField(
        label=_("เวลาสิ้นสุด (กำหนดการ)"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=_("สถานที่"), max_length=300, required=False)
    online_link = forms.URLField(label=_("ลิงก์ประชุมออนไลน์"), required=False, assume_scheme="https")
    letter_no = forms.CharField(label=_("ที่ (เลขที่หนังสือ)"), max_length=60, required=False)
    letter_date = BEDateField(label=_("ลงวันที่"), required=False)
    subject = forms.CharField(label=_("เรื่อง"), max_length=300, widget=forms.TextInput(attrs={"class": "wide"}))
    salutation = forms.CharField(
        label=_("เรียน"), max_length=300, required=False, widget=forms.TextInput(attrs={"class": "wide"})
    )
    enclosures = forms.CharField(
        label=_("สิ่งที่ส่งมาด้วย (บรรทัดละรายการ)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    body = forms.CharField(label=_("ข้อความ"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    signer = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("ผู้ลงนาม"), required=False)
    note_taker = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("ผู้จดรายงานการประชุม"), required=False)
    checker = forms.ModelChoiceField(queryset=Person.objects.none(), label=_("ผู้ตรวจรายงานการประชุม"), required=False)

    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("signer", "note_taker", "checker"):
            self.fields[name].queryset = people if people is not None else Person.objects.none()
