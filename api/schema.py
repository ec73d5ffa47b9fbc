"""The OpenAPI schema says what every operation can answer besides its success: 400 (bad input, a malformed
id) and 404 (not found — or not visible to you: the two look the same) always in the one error shape
(`ErrorOut`: code, detail, errors), because the exception handler (`api/exceptions.py`) and the API's 404
view answer every /api/ request that way. Operations that declare these answers themselves keep their own
description; the hook adds only what is missing."""

ERROR_REF = {"$ref": "#/components/schemas/ErrorOut"}
ALWAYS = {
    "400": "คำขอไม่ถูกต้อง: ข้อมูลหรือรหัสในที่อยู่ไม่ถูกต้อง (errors บอกรายช่อง) / bad input or a malformed id "
    "(errors names each field)",
    "404": "ไม่พบ หรือท่านไม่มีสิทธิ์เห็นรายการนี้ / not found, or not visible to you",
}
ERRORS_DESCRIPTION = (
    "ข้อความรายช่อง ตามเส้นทางของช่องในคำขอ / the messages for each field, keyed by the field's path in the request: "
    "`.name` for a named field and `[i]` for a list's index (or a map's numeric key), as JavaScript reads it — "
    "`answers[3].value`, `answers[0].note`, `findings.recommendations[2]`, `visits[0]` — never `answers.0.note`; "
    "`non_field_errors` for the request as a whole."
)
FREE_FORM = {"type": "object", "additionalProperties": {}}
METHODS = {"get", "put", "post", "patch", "delete"}


def document_error_answers(result, generator, request, public):
    """drf-spectacular postprocessing hook: add the 400 and 404 answers with the error shape everywhere."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components.setdefault(
        "ErrorOut",
        {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "detail": {"type": "string"},
                "errors": {
                    "type": "object",
                    "description": ERRORS_DESCRIPTION,
                    "additionalProperties": {"type": "array", "items": {"type": "string"}},
                },
            },
            "required": ["code", "detail", "errors"],
        },
    )
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in METHODS:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ALWAYS.items():
                responses.setdefault(
                    status, {"description": description, "content": {"application/json": {"schema": ERROR_REF}}}
                )
            for status, answer in responses.items():
                json_content = answer.get("content", {}).get("application/json")
                # an error declared as a bare object (a view that only named its description) has the one shape
                if str(status)[0] in "45" and json_content and json_content.get("schema") in (FREE_FORM, {}):
                    json_content["schema"] = ERROR_REF
    return result


# OpenAPI links: which answer feeds which next request (a client — and schemathesis' stateful run — follows a
# created visit to its page, its transitions, its evidence and its report; a list to its first record).
FIRST = "$response.body#/results/0/id"
LINKS: dict[tuple[str, str], dict[str, tuple[str, dict]]] = {
    ("visits_put", "201"): {
        "GetVisit": ("visits_retrieve", {"visit_id": "$request.path.visit_id"}),
        "EditVisit": ("visits_put", {"visit_id": "$request.path.visit_id"}),
        "MoveVisit": ("visits_transition", {"visit_id": "$request.path.visit_id"}),
        "VisitReport": ("visit_report_pdf", {"visit_id": "$request.path.visit_id"}),
        "PutEvidence": ("visits_evidence_put", {"visit_id": "$request.path.visit_id"}),
        "PutSignature": ("visits_signature_put", {"visit_id": "$request.path.visit_id"}),
    },
    ("visits_list", "200"): {
        "GetVisit": ("visits_retrieve", {"visit_id": FIRST}),
        "EditVisit": ("visits_put", {"visit_id": FIRST}),
        "MoveVisit": ("visits_transition", {"visit_id": FIRST}),
    },
    ("visits_transition", "200"): {"GetVisit": ("visits_retrieve", {"visit_id": "$request.path.visit_id"})},
    ("v1_followups_list", "200"): {
        "GetFollowUp": ("v1_followups_retrieve", {"id": FIRST}),
        "EditFollowUp": ("v1_followups_partial_update", {"id": FIRST}),
        "AskDueDate": ("v1_followups_due_date_requests_create", {"id": FIRST}),
    },
    ("v1_meetings_list", "200"): {
        "GetMeeting": ("v1_meetings_retrieve", {"id": FIRST}),
        "MoveMeeting": ("v1_meetings_transitions_create", {"id": FIRST}),
    },
    ("v1_notifications_list", "200"): {"ReadNotification": ("v1_notifications_read_create", {"id": FIRST})},
    ("v1_opinions_create", "201"): {
        "GetOpinion": ("v1_opinions_retrieve", {"id": "$response.body#/id"}),
        "AnswerOpinion": ("v1_opinions_answer_create", {"id": "$response.body#/id"}),
    },
    ("v1_rounds_list", "200"): {"GetRound": ("v1_rounds_retrieve", {"id": FIRST})},
    ("v1_schools_list", "200"): {"GetSchool": ("v1_schools_retrieve", {"id": FIRST})},
    ("v1_committees_list", "200"): {
        "GetCommittee": ("v1_committees_retrieve", {"id": FIRST}),
        "CommitteeOrder": ("committee_order_pdf", {"id": FIRST}),
    },
    ("v1_surveys_list", "200"): {"SurveyResults": ("v1_surveys_results_retrieve", {"id": FIRST})},
    ("v1_invitations_list", "200"): {"AnswerInvitation": ("v1_invitations_answer_create", {"id": FIRST})},
}


def add_links(result, generator, request, public):
    """drf-spectacular postprocessing hook: the LINKS above, on the answers they start from (only links whose
    target operation exists)."""
    operations = {
        op.get("operationId"): op
        for item in result.get("paths", {}).values()
        for method, op in item.items()
        if method in METHODS
    }
    for (source, status), links in LINKS.items():
        answer = operations.get(source, {}).get("responses", {}).get(status)
        if answer is None:
            continue
        for name, (target, parameters) in links.items():
            if target in operations:
                answer.setdefault("links", {})[name] = {"operationId": target, "parameters": parameters}
    return result
