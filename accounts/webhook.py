"""The LINE Messaging API webhook: verifies X-Line-Signature, then links accounts from the codes people send."""

import logging

from django.http import HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accounts import line_link

log = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def line_webhook(request):
    body = request.body
    if not line_link.signature_valid(body, request.headers.get("X-Line-Signature", "")):
        log.warning("LINE webhook refused: bad or missing X-Line-Signature")
        return HttpResponseForbidden("bad signature")
    line_link.handle_events(body)
    return HttpResponse("ok")  # LINE only needs a 200
