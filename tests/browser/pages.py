"""The pages whose English must show no Thai labels (tests/browser/test_languages.py). Extend the list when
you build or convert a page: `path` is opened after signing in as `user` (a demo login, or None for a page
seen signed out). Data (names, school names, addresses) is not a label: mark it with class="data" (or
lang="th") in the template and the check skips it."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    path: str
    user: str | None = "coordinator"  # a demo login (supervision.demo.LOGINS); None: signed out


ENGLISH_PAGES = [
    Page("/accounts/login/", user=None),
    Page("/accounts/password-reset/", user=None),
    Page("/accounts/password-reset/sent/", user=None),
    Page("/accounts/invitation/no-such-token/", user=None),
    Page("/accounts/"),
    Page("/accounts/", user="supervisor"),
]

# Text in these is data or deliberately in its own language (the language switch says "ภาษาไทย").
DATA_SELECTOR = ".data, [lang='th'], script, style, svg, noscript"
