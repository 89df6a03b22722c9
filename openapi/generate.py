#!/usr/bin/env python3
"""Writes Gatehouse's OpenAPI 3.1 document: Sources/GatehouseServer/Web/OpenAPI/openapi.json.

The document is the API contract. This script is how it is written (the route table below is shorter to read
and review than 3,000 lines of JSON); the JSON it writes is what the server serves at /openapi.json, what
`OpenAPIRouteTests` holds the router to, and what schemathesis tests the live server against.

    python3 openapi/generate.py           # rewrite the document
    python3 openapi/generate.py --check   # exit 1 if the committed document differs (CI runs this)
"""
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "Sources/GatehouseServer/Web/OpenAPI/openapi.json"


def ref(name):
    return {"$ref": f"#/components/schemas/{name}"}


def nullable(t):
    return {"type": [t, "null"]}


S, I, B = {"type": "string"}, {"type": "integer", "format": "int64"}, {"type": "boolean"}
# Input text: the server refuses NUL everywhere (PostgreSQL cannot store it).
T = {"type": "string", "pattern": "^[^\\x00]*$"}
NT = {"type": ["string", "null"], "pattern": "^[^\\x00]*$"}


def name(max_length):
    """A required name: some visible character, at most `max_length` characters, no NUL."""
    return {"type": "string", "pattern": "^[^\\x00]*[^\\s\\x00][^\\x00]*$", "maxLength": max_length}
NS, NI = nullable("string"), nullable("integer")
LEVEL = {"type": "string", "description": "A permission level: none, readonly, standard or admin (each tool allows some of them)."}
TOOLS = {"type": "object", "additionalProperties": LEVEL, "description": "Tool name to level, e.g. {\"directory\": \"standard\"}."}


def obj(props, required=None, **extra):
    schema = {"type": "object", "properties": props}
    schema["required"] = list(props) if required is None else required
    schema.update(extra)
    return schema


def arr(items):
    return {"type": "array", "items": items}


SCHEMAS = {
    "Error": obj({"error": obj({
        "code": {"type": "string", "description": "Stable, machine-readable: validation_failed, not_found, conflict, unauthorized, forbidden, rate_limited, …"},
        "message": S,
        "fields": {"type": "object", "additionalProperties": S, "description": "Per-field problems, when the input was at fault."},
    }, required=["code", "message"])}),
    "OAuthError": obj({"error": {"type": "string", "enum": ["invalid_request", "invalid_client", "invalid_grant", "unauthorized_client",
                                                             "unsupported_grant_type", "invalid_scope", "temporarily_unavailable", "slow_down"]},
                       "error_description": S}, required=["error"]),
    "Token": obj({"access_token": S, "token_type": {"type": "string", "const": "bearer"}, "expires_in": {"type": "integer"},
                  "created_at": {"type": "integer"}, "scope": S}, required=["access_token", "token_type", "expires_in", "created_at"]),
    "TokenRequest": obj({
        "grant_type": {"type": "string", "const": "client_credentials"}, "client_id": S, "client_secret": S, "scope": S,
        "client_assertion_type": S, "client_assertion": S,
    }, required=["grant_type"]),
    "TokenParameter": obj({"token": S, "token_type_hint": S}, required=["token"]),
    "Introspection": obj({"active": B, "client_id": S, "scope": S, "exp": {"type": "integer"}, "iat": {"type": "integer"},
                          "sub": S, "aud": {}, "iss": S, "jti": S, "token_type": S}, required=["active"]),
    "TokenInfo": obj({"resource_owner_id": NI, "scopes": arr(S), "expires_in_seconds": {"type": "integer", "minimum": 0},
                      "application": obj({"uid": S}), "created_at": {"type": "integer"}},
                     description="Procore's token info shape. `resource_owner_id` is the contact's id; null for an app token, whose contact depends on the company."),
    "JWKS": obj({"keys": arr({"type": "object"})}),
    "ServerMetadata": obj({"issuer": S, "token_endpoint": S, "jwks_uri": S}, required=["issuer", "token_endpoint", "jwks_uri"]),
    "Health": obj({"status": {"type": "string", "const": "ok"}}, required=["status"]),
    "Readiness": obj({"status": {"type": "string", "enum": ["ready", "draining", "database_unavailable", "migrating"],
                                 "description": "ready; or why not: draining for shutdown, the database does not answer, or a migration runs or is pending."}},
                     required=["status"]),
    # Admin shapes
    "Company": obj({"id": I, "name": S, "is_active": B}),
    "CompanyInput": obj({"name": name(200)}, required=["name"]),
    "CompanyPatch": obj({"name": {**name(200), "type": ["string", "null"]}, "is_active": {"type": ["boolean", "null"]}}, required=[],
                        description="Absent or null keys keep their value. `is_active` is for operators only."),
    "Person": obj({"id": I, "kind": {"type": "string", "enum": ["user", "service_account"]}, "first_name": S, "last_name": S, "name": S,
                   "email": S, "job_title": NS, "is_active": B}, required=["id", "kind", "first_name", "last_name", "name", "email", "is_active"]),
    "UserInput": obj({"email": {"type": "string", "format": "email", "maxLength": 254}, "first_name": T, "last_name": T, "job_title": NT,
                      "password": {"type": "string", "minLength": 8, "maxLength": 72, "pattern": "^[^\\x00]*$"}, "is_admin": B}, required=["email"]),
    "PersonPatch": obj({"first_name": NT, "last_name": NT, "job_title": NT, "email": NT,
                         "password": {"type": ["string", "null"], "minLength": 8, "maxLength": 72, "pattern": "^[^\\x00]*$"},
                         "is_active": {"type": ["boolean", "null"], "description": "False deactivates a user and ends their sessions."}},
                        required=[], description="Absent or null keys keep their value. A service-account contact's email, password and "
                                                 "active state never change here (422)."),
    "DirectoryInput": obj({"email": T, "person_id": I}, required=[],
                          description="Either `email` (an existing user) or, for operators, `person_id`."),
    "Project": obj({"id": I, "name": S, "display_name": S, "project_number": NS, "active": B, "stage": NS, "address": NS, "city": NS,
                    "state_code": NS, "country_code": NS, "zip": NS, "time_zone": NS, "created_at": S, "updated_at": S,
                    "company": obj({"id": I, "name": S})}, required=["id", "name", "display_name", "active", "created_at", "updated_at", "company"]),
    "ProjectInput": obj({"name": name(200), **{k: {"type": ["string", "null"], "pattern": "^[^\\x00]*$", "maxLength": 255} for k in
                         ["display_name", "project_number", "stage", "address", "city", "state_code", "country_code", "zip", "time_zone"]},
                         "active": B}, required=["name"]),
    "ProjectPatch": obj({"name": {**name(200), "type": ["string", "null"]}, **{k: {"type": ["string", "null"], "pattern": "^[^\\x00]*$", "maxLength": 255} for k in
                         ["display_name", "project_number", "stage", "address", "city", "state_code", "country_code", "zip", "time_zone"]},
                         "active": {"type": ["boolean", "null"]}}, required=[],
                        description="Absent or null keys keep their value; `active: false` archives the project."),
    "Levels": obj({"tools": TOOLS}, required=["tools"]),
    "Template": obj({"id": I, "company_id": I, "name": S, "project_id": NI, "tools": TOOLS}, required=["id", "company_id", "name", "tools"]),
    "TemplateInput": obj({"name": name(200), "project_id": NI, "tools": TOOLS}, required=[]),
    "Membership": {"type": "object", "properties": {"person_id": I, "project_id": I, "permission_template_id": NI, "tools": TOOLS}},
    "MembershipPatch": obj({"permission_template_id": NI, "tools": {**TOOLS, "type": ["object", "null"]}}, required=[],
                           description="Either a template or explicit project levels, not both."),
    "MembershipRef": obj({"project_id": I, "person_id": I}),
    "MembershipInput": obj({"person_id": I, "permission_template_id": I, "tools": TOOLS}, required=["person_id"]),
    "ServiceAccount": obj({"id": I, "company_id": I, "name": S, "kind": S, "app_type": {"type": "string", "enum": ["custom", "marketplace"]},
                           "app_id": NI, "client_id": S, "client_secret": {"type": ["string", "null"], "description": "Only in the answer that created or reset it; null elsewhere."},
                           "status": {"type": "string", "enum": ["active", "disabled"]}, "contact": obj({"id": I, "email": S}), "created_at": S},
                          required=["id", "company_id", "name", "kind", "app_type", "client_id", "status", "contact", "created_at"]),
    "ServiceAccountInput": obj({"name": name(100), "app_type": {"type": "string", "enum": ["custom", "marketplace"]}, "app_id": I, "description": T},
                               required=["name"]),
    "Secret": obj({"id": I, "created_at": S, "expires_at": NS}, required=["id", "created_at"]),
    "SecretAnswer": {"allOf": [ref("ServiceAccount"), obj({"secret_id": I, "secrets": arr(ref("Secret"))}, required=["secret_id"])]},
    "RotateInput": obj({"previous_expires_in": {"type": ["integer", "null"], "minimum": 0, "maximum": 2592000,
                                                "description": "Seconds the previous secret keeps working; null or absent for the default."}}, required=[]),
    "UsageReport": obj({
        "days": I, "since": S, "complete": {"type": "boolean", "description": "Whether the whole window was recorded; apply needs it unless forced."},
        "manifest_managed": {"type": "boolean", "description": "A DMSA app's contact: its grants follow its manifest and cannot be lowered here."},
        "granted": obj({"company": TOOLS, "projects": arr(obj({
            "project_id": I, "name": S, "source": {"type": "string", "enum": ["template", "explicit"]},
            "permission_template_id": NI, "template": NS, "tools": TOOLS}))}),
        "used": arr(obj({"scope": {"type": "string", "enum": ["company", "project"]}, "project_id": NI, "tool": S, "level": LEVEL,
                         "calls": I, "last_used_at": S})),
        "unused": arr(obj({"scope": {"type": "string", "enum": ["company", "project"]}, "project_id": NI, "tool": S, "granted": LEVEL,
                           "used": {**LEVEL, "description": "The level the grant could drop to: the lowest the tool allows that covers the use."}})),
    }),
    "UsageApplyInput": obj({"days": {"type": "integer", "minimum": 1, "maximum": 365, "description": "The window; 30 when absent."},
                            "force": {"type": "boolean", "description": "Apply although less than the window has been recorded."}}, required=[]),
    "JWKSSet": obj({"token_endpoint_auth_method": S, "keys": S}),
    # Gatehouse as code (spec §6). The nested objects are checked by the server, which names the path of each bad node.
    "Document": {"type": "object", "additionalProperties": False, "required": ["version"],
                 "description": "A deployment by names: companies (projects, users, permission_templates, service_accounts), apps (versions), installations. See docs/as-code.md.",
                 "properties": {"version": {"const": 1}, "prune": {"type": "boolean"},
                                "companies": arr({"type": "object"}), "apps": arr({"type": "object"}), "installations": arr({"type": "object"})}},
    "PlanChange": obj({"action": {"type": "string", "enum": ["create", "update", "delete"]},
                       "kind": {"type": "string", "enum": ["company", "project", "user", "permission_template", "service_account", "app",
                                                          "app_version", "installation", "membership"]},
                       "name": S, "fields": arr(S)}, required=["action", "kind", "name", "fields"]),
    "Plan": obj({"dry_run": {"type": "boolean"}, "changes": arr(ref("PlanChange")),
                 "credentials": {"type": ["array", "null"], "description": "Created objects' credentials, shown once; absent on a dry run.",
                                 "items": obj({"kind": S, "name": S, "client_id": S, "client_secret": S})}},
                required=["dry_run", "changes"]),
    "App": obj({"id": I, "name": S, "client_id": S, "client_secret": {"type": ["string", "null"], "description": "Only when created or reset; null elsewhere."}, "owner_id": NI}, required=["id", "name", "client_id"]),
    "AppInput": obj({"name": name(100)}, required=["name"]),
    "AppSecretAnswer": {"allOf": [ref("App"), obj({"secret_id": I, "secrets": arr(ref("Secret"))})]},
    "Collaborator": {"type": "object"},
    "CollaboratorInput": obj({"email": T}, required=["email"]),
    "Invitation": obj({"email": S, "status": {"type": "string", "enum": ["invited"]}}),
    "Version": obj({"id": I, "app_id": I, "version": S, "version_key": S, "status": S, "dmsa": B, "manifest": {}},
                   required=["id", "app_id", "version", "version_key", "status", "dmsa"]),
    "VersionInput": obj({"version": T, "manifest": {"type": "object"}}, required=["version", "manifest"]),
    "Installation": obj({"id": I, "company_id": I, "app": obj({"id": I, "name": S}), "version": S,
                         "status": {"type": "string", "enum": ["installed", "uninstalled"]}, "contact": obj({"id": I, "email": S}),
                         "latest_version": NS, "update_available": B, "add_to_new_projects": B}),
    "InstallationInput": obj({"app_id": I, "version_key": T}, required=["app_id"]),
    "VersionKeyInput": obj({"version_key": T}, required=[]),
    "InstallationPatch": obj({"add_to_new_projects": B}, required=[]),
    "PermittedProjects": obj({"project_ids": arr(I)}, required=["project_ids"]),
    "MigrateInput": obj({"app_id": I, "version_key": T}, required=[]),
    "Policy": obj({"deprecated_at": {"type": "string", "format": "date-time"}, "creation_blocked_at": {"type": "string", "format": "date-time"},
                   "sunset_at": {"type": "string", "format": "date-time"},
                   "phase": {"type": "string", "enum": ["active", "deprecated", "creation_blocked", "sunset"]}},
                  description="The traditional-account sunset timeline and the current phase."),
    "MarketplaceEntry": obj({"id": I, "name": S, "has_dmsa_version": B, "listed": B, "status": S}),
    "MigrationReport": obj({"company_id": I, "phase": S, "sunset_at": S, "accounts": arr({"type": "object"})}),
    "SigningKey": obj({"kid": S, "created_at": S, "activates_at": S, "retired_at": S, "published": B, "signing": B},
                      required=["kid", "created_at", "published", "signing"]),
    "KeyRotateInput": obj({"activate_in": {"type": ["integer", "null"], "description": "Seconds until it signs; null or absent for the default."}}, required=[]),
    "AdminToken": obj({"id": I, "name": S, "created_at": S, "last_used_at": NS}),
    "AuditEntry": obj({"id": I, "at": S, "actor": S, "action": S, "target": NS, "outcome": S, "detail": NS, "remote_address": NS,
                       "request_id": NS}, required=["id", "at", "actor", "action", "outcome"]),
    # REST shapes (Procore's)
    "Me": obj({"id": I, "login": S, "name": S}, required=["id", "login", "name"]),
    "User": obj({"id": I, "first_name": S, "last_name": S, "name": S, "email_address": S, "job_title": NS, "is_active": B, "is_employee": B,
                 "permission_template": {"type": ["object", "null"], "properties": {"id": I}}},
                required=["id", "first_name", "last_name", "name", "email_address", "is_active", "is_employee"]),
    "RESTTemplate": obj({"id": I, "name": S, "project_specific": B, "project_id": NI, "tools": arr({"type": "object"})},
                        required=["id", "name", "project_specific", "tools"]),
    "Permissions": obj({"tools": arr({"type": "object"})}),
    "RESTProjectInput": obj({"company_id": I, "project": ref("ProjectInput")}, required=["project"]),
    "AddUserInput": obj({"user": obj({"permission_template_id": I}, required=[])}, required=[]),
    "RFI": obj({"id": I, "number": S, "subject": S, "status": S, "questions": arr({"type": "object"}), "rfi_manager": {"type": ["object", "null"]},
                "created_by": {"type": "object"}, "assignees": arr({"type": "object"}), "created_at": S, "updated_at": S},
               required=["id", "number", "subject", "status", "questions", "created_by", "assignees", "created_at", "updated_at"]),
    "RFIInput": obj({"rfi": obj({"subject": name(255), "question": obj({"body": T}, required=[]), "rfi_manager_id": I, "status": T}, required=[])},
                    required=["rfi"]),
}

HEADERS = {
    "Total": {"description": "Items in the whole list (RFC-style Procore paging).", "schema": {"type": "integer"}},
    "Per-Page": {"description": "Items per page after clamping.", "schema": {"type": "integer"}},
    "Link": {"description": "RFC 8288 links: first, prev, next, last.", "schema": S},
    "X-Rate-Limit-Limit": {"description": "Requests allowed per hour, per client and company.", "schema": {"type": "integer"}},
    "X-Rate-Limit-Remaining": {"description": "Requests left in the hourly window.", "schema": {"type": "integer"}},
    "X-Rate-Limit-Reset": {"description": "Unix time when the hourly window resets.", "schema": {"type": "integer"}},
    "Retry-After": {"description": "Seconds to wait before trying again.", "schema": {"type": "integer"}},
    "Deprecation": {"description": "RFC 9745: on calls by traditional service accounts once they are deprecated.", "schema": S},
    "Sunset": {"description": "RFC 8594: when traditional service accounts stop working.", "schema": S},
    "X-Request-Id": {"description": "The request id, also in the audit log and the server log.", "schema": S},
}

PARAMETERS = {
    "CompanyHeader": {"name": "Procore-Company-Id", "in": "header", "required": False, "schema": {"type": "integer", "format": "int64"},
                      "description": "The company the call acts in. A developer managed service account (DMSA) sends it on every call except /me and /companies."},
    "page": {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1},
             "description": "1-based page; any page past the end (numbers past 64 bits included) is an empty page."},
    "per_page": {"name": "per_page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1},
                 "description": "Items per page; above the maximum it is clamped."},
}


def error(description):
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def json_response(description, schema, headers=None):
    r = {"description": description, "content": {"application/json": {"schema": schema}}}
    if headers:
        r["headers"] = {h: {"$ref": f"#/components/headers/{h}"} for h in headers}
    return r


def path_params(path):
    out = []
    for segment in path.split("/"):
        if segment.startswith("{"):
            name = segment[1:-1]
            schema = {"type": "string"} if name in ("kid", "file") else {"type": "integer", "format": "int64"}
            out.append({"name": name, "in": "path", "required": True, "schema": schema})
    return out


PAGING_HEADERS = ["Total", "Per-Page", "Link"]
RATE_HEADERS = ["X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset"]

paths = {}


def op(method, path, summary, tag, *, ok=200, response=None, body=None, body_type="application/json", paged=False, query=(),
       security="operator", company_header=False, ok_headers=(), errors=(400, 401, 403, 404, 422), description=None, content=None,
       body_required=True):
    operation = {"summary": summary, "tags": [tag], "operationId": f"{method}_{path}".replace("/", "_").replace("{", "").replace("}", "").replace(".", "_").replace("-", "_")}
    if description:
        operation["description"] = description
    params = path_params(path)
    if company_header:
        params.append({"$ref": "#/components/parameters/CompanyHeader"})
    if paged:
        params += [{"$ref": "#/components/parameters/page"}, {"$ref": "#/components/parameters/per_page"}]
    for name, schema, desc in query:
        params.append({"name": name, "in": "query", "required": False, "schema": schema, "description": desc})
    if params:
        operation["parameters"] = params
    if body is not None:
        operation["requestBody"] = {"required": body_required, "content": {body_type: {"schema": body}}}
    if security in ("operator", "bearer") and 429 not in errors:
        # Repeated failed authentication from one address is throttled on every authenticated route.
        errors = tuple(errors) + (429,)
    if (paged or company_header) and 400 not in errors:
        # A page parameter, or a Procore-Company-Id header, that is not a positive integer is a 400.
        errors = tuple(errors) + (400,)
    if security in ("operator", "bearer") and 401 not in errors:
        errors = tuple(errors) + (401,)
    headers = list(ok_headers) + (PAGING_HEADERS if paged else [])
    responses = {}
    if ok == 204:
        responses["204"] = {"description": "Done; no body."}
    elif content is not None:
        responses[str(ok)] = {"description": summary, "content": content}
    else:
        responses[str(ok)] = json_response(summary, response if response is not None else {"type": "object"}, headers)
    for status in errors:
        responses[str(status)] = {
            400: error("The input could not be read (bad JSON, a bad parameter)."),
            401: error("No or bad credentials; `WWW-Authenticate` says which scheme."),
            403: error("Authenticated, but not allowed here."),
            404: error("No such resource (or not visible to the caller)."),
            405: error("The path exists under other methods; `Allow` lists them."),
            409: error("Conflicts with the current state."),
            413: error("The body is too large."),
            422: error("Well-formed input that breaks a rule; `fields` names each problem."),
            429: error("Rate limited; `Retry-After` says when to come back."),
            503: error("Temporarily unavailable; `Retry-After` says when to come back."),
        }[status]
    operation["responses"] = responses
    if security == "operator":
        operation["security"] = [{"operatorToken": []}, {"session": []}]
    elif security == "bearer":
        operation["security"] = [{"accessToken": []}]
    elif security == "client":
        operation["security"] = [{"clientBasic": []}, {}]
    else:
        operation["security"] = []
    paths.setdefault(path, {})[method] = operation


def rest(method, path, summary, *, ok=200, response=None, body=None, paged=False, query=(), errors=(400, 401, 403, 404, 422, 429)):
    op(method, path, summary, "REST (Procore-compatible)", ok=ok, response=response, body=body, paged=paged, query=query, security="bearer",
       company_header=True, ok_headers=RATE_HEADERS, errors=errors)


# --- Operations and discovery -------------------------------------------------------------------------------
op("get", "/health", "Liveness: the process answers.", "Operations", response=ref("Health"), security="none", errors=())
op("get", "/ready", "Readiness: not draining for shutdown, the store answers, and no migration runs or is pending.", "Operations",
   response=ref("Readiness"), security="none", errors=())
paths["/ready"]["get"]["responses"]["503"] = json_response("Not ready; `status` says why.", ref("Readiness"), [])
op("get", "/metrics", "Prometheus metrics (text exposition format).", "Operations", security="none", errors=(401,),
   content={"text/plain": {"schema": S}})
op("get", "/openapi.json", "This document.", "Operations", security="none", errors=(), response={"type": "object"})
op("get", "/docs/api", "The API reference, rendered from this document.", "Operations", security="none", errors=(),
   content={"text/html": {"schema": S}})

# --- OAuth ---------------------------------------------------------------------------------------------------
FORM = "application/x-www-form-urlencoded"
op("post", "/oauth/token", "Client credentials grant (RFC 6749 §4.4). Also accepts JSON, multipart and private_key_jwt (RFC 7523).",
   "OAuth", body=ref("TokenRequest"), body_type=FORM, response=ref("Token"), security="client", errors=(),
   description="Errors are RFC 6749 §5.2 objects: 400 invalid_request/unsupported_grant_type/invalid_scope, 401 invalid_client "
               "with `WWW-Authenticate: Basic`, 429 and 503 with `Retry-After`. Answers carry `Cache-Control: no-store`.")
paths["/oauth/token"]["post"]["responses"].update({
    "400": {"description": "RFC 6749 §5.2 error.", "content": {"application/json": {"schema": ref("OAuthError")}}},
    "401": {"description": "Client authentication failed.", "content": {"application/json": {"schema": ref("OAuthError")}}},
    "429": {"description": "Too many failed attempts.", "content": {"application/json": {"schema": ref("OAuthError")}}},
    "503": {"description": "The audit row could not be written; nothing was issued.", "content": {"application/json": {"schema": ref("OAuthError")}}},
})
for path, summary, schema in [("/oauth/revoke", "Token revocation (RFC 7009).", {"type": "object"}),
                              ("/oauth/introspect", "Token introspection (RFC 7662).", ref("Introspection"))]:
    op("post", path, summary, "OAuth", body=ref("TokenParameter"), body_type=FORM, response=schema, security="client", errors=())
    paths[path]["post"]["responses"].update({
        "400": {"description": "RFC 6749 §5.2 error.", "content": {"application/json": {"schema": ref("OAuthError")}}},
        "401": {"description": "Client authentication failed.", "content": {"application/json": {"schema": ref("OAuthError")}}},
    })
op("get", "/oauth/token/info", "Procore's token info for the bearer token.", "OAuth", response=ref("TokenInfo"), security="bearer", errors=(401,))
op("get", "/.well-known/jwks.json", "The public signing keys (RFC 7517).", "OAuth", response=ref("JWKS"), security="none", errors=())
op("get", "/.well-known/oauth-authorization-server", "Authorization server metadata (RFC 8414).", "OAuth", response=ref("ServerMetadata"),
   security="none", errors=())

# --- REST ----------------------------------------------------------------------------------------------------
rest("get", "/rest/v1.0/me", "The caller: the service account's directory contact.", response=ref("Me"), errors=(401, 403, 429))
rest("get", "/rest/v1.0/companies", "Companies the caller acts in.", response=arr(ref("Company")), paged=True, errors=(400, 401, 403, 429))
rest("get", "/rest/v1.0/companies/{id}/projects", "A company's projects.", response=arr(ref("Project")), paged=True)
for version in ["v1.0", "v1.1", "v1.2", "v1.3"]:
    rest("get", f"/rest/{version}/companies/{{id}}/users", "The company directory's users.", response=arr(ref("User")), paged=True)
rest("get", "/rest/v1.0/companies/{id}/permission_templates", "The company's permission templates.", response=arr(ref("RESTTemplate")), paged=True)
rest("get", "/rest/v1.0/companies/{id}/permission_templates/{tid}", "One permission template.", response=ref("RESTTemplate"))
rest("get", "/rest/v1.0/settings/permissions", "The caller's own permission levels in a company or project.", response=ref("Permissions"),
     query=[("company_id", I, "Company levels."), ("project_id", I, "The project membership's levels.")])
for version in ["v1.0", "v1.1"]:
    rest("get", f"/rest/{version}/projects", "The projects the caller can see in a company.", response=arr(ref("Project")), paged=True,
         query=[("company_id", I, "The company (Procore requires it).")])
rest("post", "/rest/v1.0/projects", "Creates a project (needs admin on the company's Admin tool).", ok=201, body=ref("RESTProjectInput"),
     response=ref("Project"))
rest("get", "/rest/v1.0/projects/{id}", "One project.", response=ref("Project"))
rest("get", "/rest/v1.0/projects/{id}/users", "The project's members.", response=arr(ref("User")), paged=True)
rest("post", "/rest/v1.0/projects/{id}/users/{user_id}/actions/add", "Adds a company directory entry to the project.", body=ref("AddUserInput"),
     response=ref("User"), errors=(400, 401, 403, 404, 409, 422, 429))
rest("delete", "/rest/v1.0/projects/{id}/users/{user_id}/actions/remove", "Removes a member from the project.", ok=204,
     errors=(400, 401, 403, 404, 409, 429))
rest("get", "/rest/v1.0/projects/{id}/permission_templates", "Templates usable in the project.", response=arr(ref("RESTTemplate")), paged=True)
for version in ["v1.0", "v1.1"]:
    base = f"/rest/{version}/projects/{{id}}/rfis"
    rest("get", base, "The project's RFIs.", response=arr(ref("RFI")), paged=True)
    rest("post", base, "Creates an RFI.", ok=201, body=ref("RFIInput"), response=ref("RFI"))
    rest("get", base + "/{rfi_id}", "One RFI.", response=ref("RFI"))
    rest("patch", base + "/{rfi_id}", "Changes an RFI.", body=ref("RFIInput"), response=ref("RFI"))
    rest("delete", base + "/{rfi_id}", "Deletes an RFI.", ok=204, errors=(400, 401, 403, 404, 429))

# --- Admin ---------------------------------------------------------------------------------------------------
A = "/admin/v1"
C = A + "/companies/{cid}"
op("get", A + "/companies", "Every company (operators).", "Admin: directory", paged=True, response=arr(ref("Company")), errors=(401, 403))
op("post", A + "/companies", "Creates a company.", "Admin: directory", ok=201, body=ref("CompanyInput"), response=ref("Company"), errors=(400, 401, 403, 422))
op("get", C, "One company.", "Admin: directory", response=ref("Company"), errors=(400, 401, 403, 404))
op("patch", C, "Renames a company, or (operators) deactivates or reactivates it. A deactivated company's service accounts get no "
   "tokens and their tokens stop; installed apps stop acting in it; nothing is deleted.", "Admin: directory",
   body=ref("CompanyPatch"), response=ref("Company"), errors=(400, 401, 403, 404, 422))
op("get", C + "/projects", "The company's projects.", "Admin: directory", paged=True, response=arr(ref("Project")), errors=(400, 401, 403, 404))
op("post", C + "/projects", "Creates a project.", "Admin: directory", ok=201, body=ref("ProjectInput"), response=ref("Project"))
op("patch", C + "/projects/{pid}", "Changes a project; `active: false` archives it (archived projects leave REST lists and their "
   "memberships stop granting; unarchiving restores them).", "Admin: directory", body=ref("ProjectPatch"), response=ref("Project"))
op("delete", C + "/projects/{pid}", "Archives a project, as Procore does (nothing is deleted); answers the archived project.", "Admin: directory",
   response=ref("Project"), errors=(400, 401, 403, 404))
op("post", C + "/users", "Creates a user in the company's directory.", "Admin: directory", ok=201, body=ref("UserInput"), response=ref("Person"),
   errors=(400, 401, 403, 404, 409, 422))
op("get", C + "/directory", "The company's directory.", "Admin: directory", paged=True, response=arr(ref("Person")), errors=(400, 401, 403, 404))
op("post", C + "/directory", "Adds an existing person to the directory.", "Admin: directory", ok=201, body=ref("DirectoryInput"),
   response=ref("Person"), errors=(400, 401, 403, 404, 409, 422))
op("delete", C + "/directory/{pid}", "Removes a user from the directory with their company levels and project memberships. A service "
   "account's contact is refused (409): it leaves only when its account is deleted or its app uninstalled.", "Admin: directory", ok=204,
   errors=(400, 401, 403, 404, 409))
op("patch", A + "/people/{id}", "Changes a user's name, title, email or password, or deactivates them (ending their sessions).", "Admin: directory",
   body=ref("PersonPatch"), response=ref("Person"), errors=(400, 401, 403, 404, 409, 422))
op("get", C + "/people/{pid}/permissions", "A directory entry's company tool levels.", "Admin: permissions", response=ref("Levels"),
   errors=(400, 401, 403, 404))
op("put", C + "/people/{pid}/permissions", "Replaces a directory entry's company tool levels.", "Admin: permissions", body=ref("Levels"),
   response=ref("Levels"))
op("get", C + "/permission_templates", "The company's permission templates.", "Admin: permissions", paged=True, response=arr(ref("Template")),
   errors=(400, 401, 403, 404))
op("post", C + "/permission_templates", "Creates a permission template.", "Admin: permissions", ok=201, body=ref("TemplateInput"),
   response=ref("Template"), errors=(400, 401, 403, 404, 409, 422))
op("get", C + "/permission_templates/{tid}", "One permission template.", "Admin: permissions", response=ref("Template"), errors=(400, 401, 403, 404))
op("patch", C + "/permission_templates/{tid}", "Changes a permission template.", "Admin: permissions", body=ref("TemplateInput"),
   response=ref("Template"), errors=(400, 401, 403, 404, 409, 422))
op("delete", C + "/permission_templates/{tid}", "Deletes an unused permission template.", "Admin: permissions", ok=204,
   errors=(400, 401, 403, 404, 409))
op("get", A + "/projects/{pid}/memberships", "The project's members.", "Admin: permissions", paged=True, response=arr(ref("User")),
   errors=(400, 401, 403, 404))
op("post", A + "/projects/{pid}/memberships", "Adds a directory entry to the project with a template or levels.", "Admin: permissions",
   ok=201, body=ref("MembershipInput"), response=ref("Membership"), errors=(400, 401, 403, 404, 409, 422))
op("patch", A + "/projects/{pid}/memberships/{person_id}", "Changes a membership's template or levels in place.", "Admin: permissions",
   body=ref("MembershipPatch"), response=ref("MembershipRef"), errors=(400, 401, 403, 404, 422))
op("delete", A + "/projects/{pid}/memberships/{person_id}", "Removes a project membership.", "Admin: permissions", ok=204,
   errors=(400, 401, 403, 404, 409))

SA = C + "/service_accounts"
op("get", SA, "The company's traditional service accounts.", "Admin: service accounts", paged=True, response=arr(ref("ServiceAccount")), errors=(400, 401, 403, 404))
op("post", SA, "Creates a traditional service account: a client id, a secret shown once, and a contact with no permissions.",
   "Admin: service accounts", ok=201, body=ref("ServiceAccountInput"), response=ref("ServiceAccount"), errors=(400, 401, 403, 404, 409, 422))
op("get", SA + "/{id}", "One service account.", "Admin: service accounts", response=ref("ServiceAccount"), errors=(400, 401, 403, 404))
op("delete", SA + "/{id}", "Deletes the account and its contact.", "Admin: service accounts", ok=204, errors=(400, 401, 403, 404))
op("post", SA + "/{id}/reset_secret", "New secret; every permission and project membership is reset and every token dies.",
   "Admin: service accounts", response=ref("SecretAnswer"), errors=(400, 401, 403, 404, 409))
op("post", SA + "/{id}/rotate_secret", "New secret beside the old one (zero-downtime rotation); permissions are kept.",
   "Admin: service accounts", body=ref("RotateInput"), body_required=False, response=ref("SecretAnswer"), errors=(400, 401, 403, 404, 409, 422))
op("get", SA + "/{id}/secrets", "The account's active secrets (never their values).", "Admin: service accounts", paged=True, response=arr(ref("Secret")),
   errors=(400, 401, 403, 404))
op("delete", SA + "/{id}/secrets/{secret_id}", "Retires one secret.", "Admin: service accounts", ok=204, errors=(400, 401, 403, 404, 409))
op("post", SA + "/{id}/disable", "Disables the account; its tokens stop working at once.", "Admin: service accounts",
   response=ref("ServiceAccount"), errors=(400, 401, 403, 404, 409))
op("post", SA + "/{id}/enable", "Enables the account.", "Admin: service accounts", response=ref("ServiceAccount"), errors=(400, 401, 403, 404, 409))
op("put", SA + "/{id}/jwks", "Sets the public keys for private_key_jwt client authentication.", "Admin: service accounts",
   body={"type": "object"}, response=ref("JWKSSet"), errors=(400, 401, 403, 404, 422))
op("post", SA + "/{id}/migrate", "Migrates the account to its app's DMSA version.", "Admin: service accounts", body=ref("MigrateInput"),
   response=ref("Installation"), errors=(400, 401, 403, 404, 409, 422))

USAGE_DAYS = (("days", {"type": "integer", "minimum": 1, "maximum": 365}, "The window in days; 30 when absent."),)
op("get", SA + "/{id}/usage", "Which granted permissions the account's REST calls used in the window, and which they did not.",
   "Admin: least privilege", query=USAGE_DAYS, response=ref("UsageReport"), errors=(400, 401, 403, 404))
op("post", SA + "/{id}/usage/apply", "Lowers the account's grants to what the window used, in one transaction and one audit row.",
   "Admin: least privilege", body=ref("UsageApplyInput"), body_required=False, response=ref("UsageReport"), errors=(400, 401, 403, 404, 422))

IN = C + "/installations"
op("get", IN, "The company's app installations.", "Admin: installations", paged=True, response=arr(ref("Installation")), errors=(400, 401, 403, 404))
op("post", IN, "Installs an app's DMSA version: creates the app's contact in the directory.", "Admin: installations", ok=201,
   body=ref("InstallationInput"), response=ref("Installation"), errors=(400, 401, 403, 404, 409, 422))
op("get", IN + "/{iid}", "One installation.", "Admin: installations", response=ref("Installation"), errors=(400, 401, 403, 404))
op("patch", IN + "/{iid}", "Changes an installation's settings.", "Admin: installations", body=ref("InstallationPatch"),
   response=ref("Installation"), errors=(400, 401, 403, 404, 422))
op("delete", IN + "/{iid}", "Uninstalls the app; its contact loses access at once.", "Admin: installations", ok=204, errors=(400, 401, 403, 404, 409))
op("post", IN + "/{iid}/upgrade", "Moves the installation to a newer version.", "Admin: installations", body=ref("VersionKeyInput"),
   response=ref("Installation"), errors=(400, 401, 403, 404, 409, 422))
op("get", IN + "/{iid}/permitted_projects", "The projects the app may reach.", "Admin: installations", response=ref("PermittedProjects"),
   errors=(400, 401, 403, 404))
op("put", IN + "/{iid}/permitted_projects", "Replaces the projects the app may reach.", "Admin: installations", body=ref("PermittedProjects"),
   response=ref("PermittedProjects"), errors=(400, 401, 403, 404, 422))
op("get", IN + "/{iid}/usage", "Which of a DMSA app's granted permissions its calls used in the window.", "Admin: least privilege",
   query=USAGE_DAYS, response=ref("UsageReport"), errors=(400, 401, 403, 404))
op("post", IN + "/{iid}/usage/apply", "Always refused (422): a DMSA app's grants follow its manifest.", "Admin: least privilege",
   body=ref("UsageApplyInput"), body_required=False, response=ref("UsageReport"), errors=(400, 401, 403, 404, 422))
op("get", C + "/migration", "Which traditional accounts should move to which DMSA app.", "Admin: sunset", response=ref("MigrationReport"),
   errors=(400, 401, 403, 404))

AP = A + "/apps/{app}"
op("get", A + "/apps", "Apps the caller may manage.", "Admin: apps", paged=True, response=arr(ref("App")), errors=(401, 403))
op("post", A + "/apps", "Registers an app: a client id and a secret shown once.", "Admin: apps", ok=201, body=ref("AppInput"), response=ref("App"),
   errors=(400, 401, 403, 422))
op("get", AP, "One app.", "Admin: apps", response=ref("App"), errors=(400, 401, 403, 404))
op("post", AP + "/reset_secret", "New app secret; the old one stops at once.", "Admin: apps", response=ref("App"), errors=(400, 401, 403, 404, 409))
op("post", AP + "/rotate_secret", "New app secret beside the old one.", "Admin: apps", body=ref("RotateInput"), body_required=False, response=ref("AppSecretAnswer"),
   errors=(400, 401, 403, 404, 409, 422))
op("get", AP + "/secrets", "The app's active secrets.", "Admin: apps", paged=True, response=arr(ref("Secret")), errors=(400, 401, 403, 404))
op("delete", AP + "/secrets/{secret_id}", "Retires one app secret.", "Admin: apps", ok=204, errors=(400, 401, 403, 404, 409))
op("put", AP + "/jwks", "Sets the app's public keys for private_key_jwt.", "Admin: apps", body={"type": "object"}, response=ref("JWKSSet"),
   errors=(400, 401, 403, 404, 422))
op("get", AP + "/collaborators", "The app's collaborators.", "Admin: apps", paged=True, response=arr(ref("Collaborator")), errors=(400, 401, 403, 404))
op("post", AP + "/collaborators", "Invites a collaborator by email; the answer is the same whether or not the email has an account, and the invitee joins on accepting in the console.", "Admin: apps", ok=201, body=ref("CollaboratorInput"), response=ref("Invitation"),
   errors=(400, 401, 403, 404, 409, 422))
op("get", AP + "/versions", "The app's versions.", "Admin: apps", paged=True, response=arr(ref("Version")), errors=(400, 401, 403, 404))
op("post", AP + "/versions", "Adds a version with its manifest (a DMSA manifest declares the permissions it needs).", "Admin: apps", ok=201,
   body=ref("VersionInput"), response=ref("Version"), errors=(400, 401, 403, 404, 409, 422))
op("post", AP + "/versions/{vid}/promote", "Promotes a version so companies can install it.", "Admin: apps", response=ref("Version"),
   errors=(400, 401, 403, 404, 409))
op("get", AP + "/installations", "Where the app is installed.", "Admin: apps", paged=True, response=arr(ref("Installation")), errors=(400, 401, 403, 404))
op("get", A + "/policy", "The traditional-account sunset policy and phase.", "Admin: sunset", response=ref("Policy"), errors=(401, 403))
op("get", A + "/marketplace", "Apps listed for installation.", "Admin: apps", paged=True, response=arr(ref("MarketplaceEntry")), errors=(401, 403))
op("get", A + "/keys", "The signing keys.", "Admin: keys", paged=True, response=arr(ref("SigningKey")), errors=(401, 403))
op("post", A + "/keys/rotate", "Adds a signing key, active now or after `activate_in` seconds; answers every key.", "Admin: keys",
   body=ref("KeyRotateInput"), body_required=False, ok=201, response=arr(ref("SigningKey")), errors=(400, 401, 403, 422))
op("post", A + "/keys/{kid}/retire", "Stops signing with a key; it keeps verifying until its tokens expire. Answers every key.", "Admin: keys",
   response=arr(ref("SigningKey")), errors=(400, 401, 403, 404, 409))
op("delete", A + "/keys/{kid}", "Deletes a retired key; tokens it signed stop working.", "Admin: keys", ok=204, errors=(400, 401, 403, 404, 409))
op("get", A + "/admin_tokens", "Operator tokens: name, created and last used (never the token).", "Admin: keys", paged=True,
   response=arr(ref("AdminToken")), errors=(400, 401, 403))
op("delete", A + "/admin_tokens/{id}", "Revokes an operator token; it stops working on its next use.", "Admin: keys", ok=204,
   errors=(400, 401, 403, 404))
op("post", A + "/apply", "Applies a document in one transaction, or plans it (`dry_run`); the answer lists every change and the created credentials.",
   "Admin: as code", body=ref("Document"), response=ref("Plan"), errors=(400, 401, 403, 409, 413, 422),
   query=(("dry_run", {"type": "boolean"}, "Plan only: change nothing."),
          ("prune", {"type": "boolean"}, "Also delete what the document no longer names, within the companies it names.")))
op("get", A + "/export", "The deployment, or one company, as a document (no secrets).", "Admin: as code", response=ref("Document"),
   errors=(400, 401, 403, 422), query=(("company", T, "Only this company, by name, and the apps installed in it."),))
AUDIT_QUERY = [("outcome", {"type": "string", "enum": ["success", "failure", "refused"]}, "Only this outcome."),
               ("since", T, "Only entries at or after this time: ISO 8601 or Unix seconds, in the years 1970 to 9999 (else 400)."),
               ("until", T, "Only entries at or before this time: ISO 8601 or Unix seconds, in the years 1970 to 9999 (else 400)."),
               ("actor", T, "Only this actor."), ("action", S, "Only this action.")]
op("get", A + "/audit", "The audit log, newest first (operators).", "Admin: audit", paged=True, response=arr(ref("AuditEntry")),
   errors=(400, 401, 403),
   query=[("company_id", {"type": "integer", "format": "int64", "minimum": 1}, "Only this company's entries."),
          ("limit", {"type": "integer", "minimum": 1}, "Entries to return (the older form; prefer per_page)."),
          ("offset", {"type": "integer", "minimum": 0}, "Entries to skip (the older form; prefer page).")] + AUDIT_QUERY)
op("get", C + "/audit", "The company's own audit entries, newest first (its admins, through a session, and operators).", "Admin: audit",
   paged=True, response=arr(ref("AuditEntry")), errors=(400, 401, 403, 404), query=AUDIT_QUERY)

DOCUMENT = {
    "openapi": "3.1.0",
    "info": {
        "title": "Gatehouse",
        "version": "1.0.0",
        "summary": "Service accounts with the OAuth 2.0 client credentials grant, a Procore-compatible REST surface and an admin API.",
        "description": "Errors of the admin API and the REST surface are `{\"error\":{\"code\",\"message\",\"fields\"}}`. OAuth errors "
                       "follow RFC 6749 §5.2. Every answer carries `X-Request-Id`. A wrong method answers 405 with `Allow`; an unknown "
                       "path answers 404.",
        "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
    },
    "servers": [{"url": "/"}],
    "tags": [{"name": t} for t in ["Operations", "OAuth", "REST (Procore-compatible)", "Admin: directory", "Admin: permissions",
                                   "Admin: service accounts", "Admin: least privilege", "Admin: installations", "Admin: apps", "Admin: sunset", "Admin: keys", "Admin: as code", "Admin: audit"]],
    "paths": dict(sorted(paths.items())),
    "components": {
        "schemas": SCHEMAS,
        "headers": HEADERS,
        "parameters": PARAMETERS,
        "securitySchemes": {
            "operatorToken": {"type": "http", "scheme": "bearer", "description": "An operator token (`--admin-token` or `gatehouse admin-token create`)."},
            "session": {"type": "apiKey", "in": "cookie", "name": "gh_session",
                        "description": "A signed-in company admin's session; writes also need `X-CSRF-Token`."},
            "accessToken": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "An access token from /oauth/token."},
            "clientBasic": {"type": "http", "scheme": "basic", "description": "client_id and client_secret (RFC 6749 §2.3.1); or in the body."},
        },
    },
}


def main():
    text = json.dumps(DOCUMENT, indent=1, ensure_ascii=False) + "\n"
    if "--check" in sys.argv:
        if not OUT.exists() or OUT.read_text() != text:
            print(f"{OUT} is out of date: run python3 openapi/generate.py", file=sys.stderr)
            sys.exit(1)
        return
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(text)
    print(f"wrote {OUT} ({len(paths)} paths)")


if __name__ == "__main__":
    main()
