import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supervision.settings")
application = get_wsgi_application()

# Public pages (pre-rendered at publish) are replayed ahead of the Django stack; see public/fastpath.py.
from public.fastpath import PublicPages  # noqa: E402  (after Django is set up)

application = PublicPages(application)
