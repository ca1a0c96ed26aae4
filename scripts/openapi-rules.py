#!/usr/bin/env python3
"""Writes the server's input rules into assets/openapi.json (idempotent; run after editing it).
Keeps one home for the regular expressions the document states, so the Swift validators and the
document can be compared side by side. Usage: python3 scripts/openapi-rules.py"""
import json, pathlib
path = pathlib.Path(__file__).resolve().parent.parent / "assets" / "openapi.json"
doc = json.loads(path.read_text())
S = doc["components"]["schemas"]

# Phone.normalize: + or 00, then 8–15 digits (first not 0); spaces, dashes, dots, brackets and
# no-break spaces between them; Persian and Arabic-Indic digits count as digits; at most 32 characters.
D, NZ, SEP = r"[0-9\u0660-\u0669\u06F0-\u06F9]", r"[1-9\u0661-\u0669\u06F1-\u06F9]", r"[ ().\u00A0-]"
PHONE = rf"^\s*(\+|[0\u0660\u06F0]{{2}}){SEP}*{NZ}({SEP}*{D}){{7,14}}{SEP}*\s*$"
PHONE_DESC = ("E.164 with its country code (`+15551234567`, or `00` instead of `+`); spaces, dashes, dots and "
              "brackets are ignored. A server started with `--default-country` also takes local forms (`0914…`). "
              "Else 400 `invalid_phone`.")
# Validate.text: trimmed, no control characters; required names are not blank.
NAME = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
TEXT = r"^[^\x00-\x1F\x7F-\x9F]*$"
MULTILINE = r"^[^\x00-\x09\x0B-\x1F\x7F-\x9F]*$"
CODE6 = r"^[ \t]*[0-9\u0660-\u0669\u06F0-\u06F9]{6}[ \t]*$"
NONBLANK = r"^[\s\S]*\S[\s\S]*$"

def phone(nullable=False, allow_empty=False):
    p = {"type": ["string", "null"] if nullable else "string", "maxLength": 32, "description": PHONE_DESC,
         "pattern": (f"^$|{PHONE}" if allow_empty else PHONE), "examples": ["+15551234567"]}
    return p

def name(max_len, required=True):
    return {"type": "string", "minLength": 1 if required else 0, "maxLength": max_len, "pattern": NAME if required else TEXT,
            "description": f"At most {max_len} characters (code points), no control characters" + ("; not blank." if required else ".")}

def password():
    return {"type": "string", "format": "password", "minLength": 8, "maxLength": 128,
            "description": "8–128 characters (code points); else 400 `weak_password`."}

S["OtpRequest"]["properties"]["phone"] = phone()
S["OtpVerify"]["properties"]["request_id"] = {"type": "string", "pattern": "^[0-9a-fA-F]{32}$",
    "description": "`request_id` from `POST /auth/otp/request` (else 400 `invalid_request_id`); one the server never issued answers 410 `otp_expired`."}
S["OtpVerify"]["properties"]["code"] = {"type": "string", "pattern": CODE6, "examples": ["123456"],
    "description": "The 6-digit code (Persian digits accepted); else 400 `invalid_code`. A wrong code is 400 `otp_invalid`."}

reg = S["Registration"]["properties"]
reg["username"] = {"type": "string", "minLength": 3, "maxLength": 32, "pattern": "^[A-Za-z0-9._-]{3,32}$",
                   "description": "3–32 ASCII letters, digits, dots, dashes or underscores; else 400 `invalid_username`; taken: 409 `username_taken`."}
reg["email"] = {"type": "string", "format": "email", "maxLength": 254, "description": "name@domain.tld; else 400 `invalid_email`."}
reg["password"] = password()
reg["password_confirm"] = {"type": "string", "format": "password", "description": "Equal to `password`; else 400 `password_mismatch`."}
reg["first_name"] = name(100)
reg["last_name"] = name(100)
reg["phone"] = phone(nullable=True, allow_empty=True)
reg["address"] = {"type": ["string", "null"], "maxLength": 500, "pattern": MULTILINE,
                  "description": "At most 500 characters; line breaks allowed, other control characters not."}

S["PasswordForgot"]["properties"]["login"] = {"type": "string", "minLength": 1, "maxLength": 254, "pattern": NAME,
    "description": "Username, email or phone; blank: 400 `missing_login`. The answer is 202 whether or not an account matches."}
pr = S["PasswordReset"]["properties"]
pr["password"] = password()
pr["password_confirm"] = {"type": "string", "format": "password", "description": "Equal to `password`; else 400 `password_mismatch`."}
pr["code"]["description"] = "The reset code that was sent; a wrong, used or expired code (or an unknown login) is 400 `invalid_code`."
pc = S["PasswordChange"]["properties"]
pc["password"] = password()
pc["password_confirm"] = {"type": "string", "format": "password", "description": "Equal to `password`; else 400 `password_mismatch`."}

# Lists: the cursor is opaque (base64url); any other string than a `next_cursor` of the same query is 400.
doc["components"]["parameters"]["Cursor"]["schema"] = {"type": "string", "maxLength": 1024, "pattern": "^[A-Za-z0-9_-]*$"}
doc["components"]["parameters"]["Cursor"]["description"] = ("`next_cursor` from the previous page of the same query (opaque base64url). "
    "Anything else answers 400 `invalid_cursor`: start again from the first page.")

# Catalog: names and reasons are required and not blank (Validate.text(required: true)).
def required_text(max_len, what="Name"):
    return {"type": "string", "minLength": 1, "maxLength": max_len, "pattern": NAME,
            "description": f"{what}: at most {max_len} characters, not blank, no control characters."}
S["ProductDraft"]["properties"]["name"] = required_text(200)
S["ProductChanges"]["properties"]["name"] = required_text(200)
S["VariantDraft"]["properties"]["name"] = required_text(100, "Variant name")
S["StockAdjustment"]["properties"]["reason"] = required_text(200, "Reason")
# Deleting an account compares the password; its length is not a rule of its own.
S["AccountDeletion"]["properties"]["password"].pop("maxLength", None)
# Coupons: a percent is at most 100; dates in order (not expressible: 400 `invalid_coupon_dates`).
S["CouponCreate"]["if"] = {"properties": {"kind": {"const": "percent"}}, "required": ["kind"]}
S["CouponCreate"]["then"] = {"properties": {"value": {"maximum": 100}}}
S["CouponCreate"]["properties"]["valid_until"]["description"] = (
    "Unix seconds; after `valid_from` and in the future, else 400 `invalid_coupon_dates`.")
S["CouponCreate"]["properties"]["code"]["pattern"] = "^[A-Za-z0-9_-]{3,32}$"

# Photos: an empty body is 400 `empty_image`; the bytes must be PNG or JPEG (magic bytes), else 415.
for p, item in doc["paths"].items():
    op = item.get("put")
    if op and p.endswith("/photo"):
        for media in op["requestBody"]["content"].values():
            media["schema"]["minLength"] = 1

def request_schemas():
    names, todo = set(), []
    for item in doc["paths"].values():
        for m, op in item.items():
            if m == "parameters": continue
            for media in op.get("requestBody", {}).get("content", {}).values():
                todo.append(media.get("schema", {}))
    while todo:
        node = todo.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if ref and ref.startswith("#/components/schemas/"):
                name = ref.split("/")[-1]
                if name not in names:
                    names.add(name); todo.append(S[name])
            todo.extend(node.values())
        elif isinstance(node, list):
            todo.extend(node)
    return names
# Ids in bodies are positive; stock counts and stock changes are bounded (CatalogService).
def walk_request_props(fn):
    for name in request_schemas():
        for key, prop in S[name].get("properties", {}).items():
            fn(name, key, prop)
def ids_and_stock(name, key, prop):
    t = prop.get("type"); types = t if isinstance(t, list) else [t]
    if "integer" not in types: return
    if (key == "id" or key.endswith("_id")) and "minimum" not in prop:
        prop["minimum"] = 1
    if key == "stock":
        prop["minimum"] = 0; prop["maximum"] = 1_000_000_000
walk_request_props(ids_and_stock)
S["StockAdjustment"]["properties"]["delta"].update({"minimum": -1_000_000_000, "maximum": 1_000_000_000, "not": {"const": 0},
    "description": "Units to add (negative: remove); not zero, at most 1000000000 either way, else 400 `invalid_delta`."})
S["VariantChange"]["properties"]["name"] = required_text(100, "Variant name")
o = S["OrderRequest"]["properties"]
o["first_name"] = required_text(100, "First name")
o["last_name"] = required_text(100, "Last name")
o["phone"] = phone()
o["email"] = {"type": "string", "maxLength": 254, "pattern": r"^\s*$|^[^\s@]+@[^\s@.][^\s@]*\.[^\s@]*[^\s@.]$",
              "description": "name@domain.tld, or \"\"; else 400 `invalid_email`."}
o["address"] = {"type": "string", "minLength": 1, "maxLength": 500,
                "pattern": r"^[^\x00-\x09\x0B-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x09\x0B-\x1F\x7F-\x9F]*$",
                "description": "At most 500 characters, not blank; line breaks allowed."}
o["postal_code"] = {"type": "string", "maxLength": 16, "pattern": "^[A-Za-z0-9 -]{0,16}$",
                    "description": "Letters, digits, spaces and dashes (at most 16); else 400 `invalid_postal_code`."}
o["note"] = {"type": "string", "maxLength": 500, "pattern": MULTILINE}

# A product needs a price unless it has variants (each with its own price).
S["ProductDraft"]["anyOf"] = [
    {"required": ["price"], "properties": {"price": {"type": "integer"}}},
    {"required": ["variants"], "properties": {"variants": {"type": "array", "minItems": 1}}},
]
S["ProductDraft"]["properties"]["price"]["description"] = "Required unless `variants` are given (else 400 `missing_price`)."

# Profile: a phone may be added (E.164); "" leaves it as it is.
for field in ["first_name", "last_name"]:
    S["ProfileChanges"]["properties"][field] = {**name(100, required=False), "type": ["string", "null"]}
S["ProfileChanges"]["properties"]["address"] = {"type": ["string", "null"], "maxLength": 500, "pattern": MULTILINE,
                                                "description": "At most 500 characters; line breaks allowed, other control characters not."}
S["ProfileChanges"]["properties"]["postal_code"] = {"type": ["string", "null"], "pattern": "^[0-9A-Za-z -]{0,16}$",
                                                    "description": "Letters, digits, spaces and dashes, at most 16 (Persian digits are accepted too and folded)."}
S["ProfileChanges"]["properties"]["phone"] = phone(allow_empty=True)
S["ProfileChanges"]["properties"]["phone"]["description"] = PHONE_DESC + " Changing an existing phone needs the code flow: 409 `phone_locked`."
# Money.swift: a price is 0…10^12 minor units.
def prices(name, key, prop):
    if key == "price" and "integer" in (prop["type"] if isinstance(prop["type"], list) else [prop["type"]]):
        prop["minimum"] = 0; prop["maximum"] = 1_000_000_000_000
walk_request_props(prices)

me = doc["paths"]["/api/v1/me"]["patch"]["responses"]
me["400"]["description"] = "Invalid field (`field` names it) or `missing_email`."
me["409"]["description"] = "`email_taken`, `phone_taken`, or `phone_locked` (the account has a phone: change it by signing in with a code on the new number)."
METHODS = ("\n\n## Methods\nAny method a path does not list — including unknown method tokens such as `QUERY` — "
           "answers 405 `method_not_allowed` with an `Allow` header listing the path's methods (`HEAD` wherever `GET` is); "
           "an unknown path answers 404. A request line whose method is not an RFC 9110 token is 400.")
if "## Methods" not in doc["info"]["description"]:
    doc["info"]["description"] += METHODS

doc["paths"]["/docs"] = {"get": {"operationId": "docs", "tags": ["server"],
    "summary": "This reference as a readable HTML page", "security": [{}],
    "description": "Rendered on the server from this document: every route with parameters, bodies, responses and a curl example. No scripts.",
    "responses": {"200": {"description": "The HTML reference.", "content": {"text/html": {"schema": {"type": "string"}}}}}}}

# Optional body fields: the server reads `null` as "not given" (RequestBody.optionalString & co),
# so every optional property of a request schema also allows null.
for name in sorted(request_schemas()):
    schema = S[name]
    required = set(schema.get("required", []))
    for key, prop in schema.get("properties", {}).items():
        if key in required or "type" not in prop or "const" in prop: continue
        t = prop["type"]
        types = t if isinstance(t, list) else [t]
        if "null" not in types:
            prop["type"] = types + ["null"]
        if "enum" in prop and None not in prop["enum"]:
            prop["enum"] = prop["enum"] + [None]

path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
