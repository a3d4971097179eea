"""Select menus written in Python are exactly what Django's templates write."""

from django import forms
from django.forms.renderers import DjangoTemplates

from helpdesk.form_renderer import FormRenderer


class Sample(forms.Form):
    grouped = forms.ChoiceField(
        choices=[
            ("", "Choose…"),
            ("x&y", 'A "quoted" <b>name</b>'),
            ("Group <1>", [("1", "One"), ("2", "Two")]),
        ]
    )
    many = forms.MultipleChoiceField(choices=[(1, "uno"), (2, "dos")], required=False)
    flags = forms.TypedChoiceField(
        choices=[(1, "P1")],
        widget=forms.Select(attrs={"data-x": "1<2", "disabled": True, "hidden": False}),
    )


class CustomOption(forms.Select):
    option_template_name = "django/forms/widgets/radio_option.html"


def both(form, name):
    widget = form[name].field.widget
    context = widget.get_context(name, form[name].value(), {"id": f"id_{name}"})
    return (
        DjangoTemplates().render(widget.template_name, context),
        FormRenderer().render(widget.template_name, context),
    )


def test_menus_match_the_stock_templates_byte_for_byte():
    form = Sample(initial={"grouped": "2", "many": [1, 2]})
    for name in ("grouped", "many", "flags"):
        stock, fast = both(form, name)
        assert fast == stock
    stock, _ = both(form, "grouped")
    assert "A &quot;quoted&quot; &lt;b&gt;name&lt;/b&gt;" in stock
    assert '<optgroup label="Group &lt;1&gt;">' in stock
    assert '<option value="2" selected>Two</option>' in stock


def test_a_menu_with_its_own_option_template_is_left_to_the_templates():
    class Form(forms.Form):
        pick = forms.ChoiceField(choices=[("a", "A")], widget=CustomOption)

    stock, fast = both(Form(), "pick")
    assert fast == stock
    assert '<label><input type="select" name="pick" value="a">' in fast


class Fields(forms.Form):
    title = forms.CharField(
        max_length=20, widget=forms.TextInput(attrs={"placeholder": 'a "b" <c>'})
    )
    email = forms.EmailField(required=False)
    count = forms.IntegerField(min_value=1)
    secret = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    flag = forms.BooleanField(required=False)
    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    upload = forms.FileField(required=False)
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))


def test_inputs_and_text_areas_match_the_stock_templates_byte_for_byte():
    values = {
        "title": "Fish & <chips>",
        "email": "a@b.example",
        "count": 3,
        "secret": 'p"w',
        "hidden": "1,2",
        "flag": True,
        "text": "line one\n<script>alert(1)</script> & more",
        "day": "2026-12-02",
    }
    for form in (Fields(), Fields(initial=values), Fields(data=values)):
        for name in form.fields:
            stock, fast = both(form, name)
            assert fast == stock, name
    stock, _ = both(Fields(data=values), "text")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</textarea>" in stock
    stock, _ = both(Fields(data=values), "title")
    assert 'value="Fish &amp; &lt;chips&gt;"' in stock
    assert 'placeholder="a &quot;b&quot; &lt;c&gt;"' in stock


def test_a_file_input_showing_its_current_file_is_left_to_the_templates():
    class Current:
        url = "/files/report.pdf"

        def __str__(self):
            return "report.pdf"

    form = Fields(initial={"upload": Current()})
    stock, fast = both(form, "upload")
    assert fast == stock
    assert '<a href="/files/report.pdf">report.pdf</a>' in fast
