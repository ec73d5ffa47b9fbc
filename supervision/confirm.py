"""Ask before a destructive or public action on the web (cancel, publish, withdraw, send invitations).

A view calls `ask_first(...)` at the top of its POST: unless the form carries `confirm=1` it answers with a page
that says what will happen and posts the same fields back with `confirm=1`, so a button anywhere (or a form
posted straight at the view) never acts on one tap. Approve and return keep their own page (visits), which
also collects the return comment.
"""

from django.shortcuts import render

CONFIRM_FIELD = "confirm"


def confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get(CONFIRM_FIELD) == "1"


def ask_first(request, *, title: str, subject: str, consequences: list[str], button: str, back: str, danger=False):
    """None when the user already confirmed; else the confirmation page (HTTP 200) to return."""
    if confirmed(request):
        return None
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in ("csrfmiddlewaretoken", CONFIRM_FIELD)
        for value in values
    ]
    context = {
        "title": title,
        "subject": subject,
        "consequences": consequences,
        "button": button,
        "danger": danger,
        "back": back,
        "action": request.get_full_path(),
        "fields": fields,
    }
    return render(request, "confirm.html", context)
