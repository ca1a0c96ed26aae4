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
    return {"type": "string", "format": "password", "minLength": 8, "maxLength": 128, "examples": ["correct horse battery"],
            "description": "8–128 characters (code points); else 400 `weak_password`."}
def password_confirm():
    return {**password(), "description": "Equal to `password`; else 400 `password_mismatch`."}

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
reg["password_confirm"] = password_confirm()
reg["first_name"] = name(100)
reg["last_name"] = name(100)
reg["phone"] = phone(nullable=True, allow_empty=True)
reg["address"] = {"type": ["string", "null"], "maxLength": 500, "pattern": MULTILINE,
                  "description": "At most 500 characters; line breaks allowed, other control characters not."}

S["PasswordForgot"]["properties"]["login"] = {"type": "string", "minLength": 1, "maxLength": 254, "pattern": NAME,
    "description": "Username, email or phone; blank: 400 `missing_login`. The answer is 202 whether or not an account matches."}
pr = S["PasswordReset"]["properties"]
pr["password"] = password()
pr["password_confirm"] = password_confirm()
pr["code"]["description"] = "The reset code that was sent; a wrong, used or expired code (or an unknown login) is 400 `invalid_code`."
pc = S["PasswordChange"]["properties"]
pc["password"] = password()
pc["password_confirm"] = password_confirm()
# PasswordAccounts.changePassword: an account without a password yet (phone sign-in) sets one.
S["PasswordChange"]["required"] = ["password", "password_confirm"]
pc["old_password"]["description"] = ("The current password: required when the account has one (wrong or missing: "
                                     "400 `wrong_password`); ignored for an account that has none yet.")

# Lists: the cursor is opaque (base64url); any other string than a `next_cursor` of the same query is 400.
doc["components"]["parameters"]["Cursor"]["schema"] = {"type": "string", "minLength": 1, "maxLength": 1024, "pattern": "^[A-Za-z0-9_-]+$"}
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
S["AccountDeletion"]["properties"]["password"]["description"] = "Required when the account has a password; wrong or missing: 400 `wrong_password`."
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
S["ProfileChanges"]["properties"]["email"] = {"type": ["string", "null"], "maxLength": 254, "pattern": o["email"]["pattern"],
                                              "description": "name@domain.tld; else 400 `invalid_email`. A new email goes back to verification; \"\" or blank removes it (not for password accounts)."}
S["ProfileChanges"]["properties"]["phone"]["description"] = PHONE_DESC + " Changing an existing phone needs the code flow: 409 `phone_locked`."
# Money.swift: a price is 0…10^12 minor units.
def prices(name, key, prop):
    if key == "price" and "integer" in (prop["type"] if isinstance(prop["type"], list) else [prop["type"]]):
        prop["minimum"] = 0; prop["maximum"] = 1_000_000_000_000
walk_request_props(prices)

me = doc["paths"]["/api/v1/me"]["patch"]["responses"]
me["400"]["description"] = "Invalid field (`field` names it) or `missing_email`."
me["409"]["description"] = "`email_taken`, `phone_taken`, or `phone_locked` (the account has a phone: change it by signing in with a code on the new number)."
# A new email or phone is sent a code, with the same cooldown as "resend" (AccountCodes.requireCooldown).
me["429"] = {**doc["components"]["responses"]["TooManyRequests"], "description":
    "A new email or phone within a minute of the last code sent for it (`too_many_requests`): wait `Retry-After` seconds."}
METHODS = ("\n\n## Methods\nAny method a path does not list — including unknown method tokens such as `QUERY` — "
           "answers 405 `method_not_allowed` with an `Allow` header listing the path's methods (`HEAD` wherever `GET` is); "
           "an unknown path answers 404. A request line whose method is not an RFC 9110 token is 400.")
if "## Methods" not in doc["info"]["description"]:
    doc["info"]["description"] += METHODS

doc["paths"]["/docs"] = {"get": {"operationId": "docs", "tags": ["server"],
    "summary": "This reference as a readable HTML page", "security": [{}],
    "description": "Rendered on the server from this document: every route with parameters, bodies, responses and a curl example. No scripts.",
    "responses": {"200": {"description": "The HTML reference.", "content": {"text/html": {"schema": {"type": "string"}}}}}}}

# Cursors: any string that is not a cursor is 400; a cursor of another query is a cursor too
# (it continues from its position), so only "not a cursor" can be refused.
doc["components"]["parameters"]["Cursor"]["description"] = ("`next_cursor` from the previous page of the same query "
    "(opaque base64url). A string that is not a cursor answers 400 `invalid_cursor`: start again from the first page. "
    "A cursor from another query is not refused, but the page it gives is meaningless.")
for param in doc["paths"]["/api/v1/products"]["get"]["parameters"]:
    if param.get("name") == "max_price":
        param["description"] = "At least `min_price` when both are given, else 400 `invalid_price_range`."
# A returned line is named by `order_item_id` or by `product_id` (else 400 `missing_product_id`).
line = S["ReturnRequest"]["properties"]["items"]["items"]
line["anyOf"] = [{"required": ["order_item_id"], "properties": {"order_item_id": {"type": "integer"}}},
                 {"required": ["product_id"], "properties": {"product_id": {"type": "integer"}}}]
line["description"] = ("An order line by `order_item_id`, or by `product_id` (and `variant_id` for a product with variants); "
                       "neither: 400 `missing_product_id`; a line not in this order: 400 `unknown_order_line`.")

# Request bodies: unknown fields are ignored, in every body (RequestBody reads only the keys it
# knows), so no request schema says `additionalProperties: false`.
for name in request_schemas():
    S[name].pop("additionalProperties", None)
BODIES = ("\n\n## Request bodies\nA JSON body is one object. Fields the route does not list are ignored (a client "
          "built for a newer version keeps working), so request schemas allow additional properties; every listed field "
          "is checked as documented, and `null` for an optional field means \"not given\".")
if "## Request bodies" not in doc["info"]["description"]:
    doc["info"]["description"] += BODIES
STATUSES = ("\n\n## Statuses\nEach route lists every status it can answer, each error status with its `code`s; there is no "
            "catch-all. The HTTP layer's answers appear on every route: 400 `bad_request` (malformed framing), 408, 411, "
            "413, 414, 431, 500 `internal_error` (a fault, logged), 503 (busy) and 505. Rules that JSON Schema cannot "
            "state — two fields that must match, a code that must be the one sent, stock, a cursor of the same query, "
            "coupon dates — are named with their status and `code` on the field or the response.")
if "## Statuses" not in doc["info"]["description"]:
    doc["info"]["description"] += STATUSES

# Every route lists every status it can answer, with its error codes: its own, plus those the HTTP
# layer gives any request (framing, timeouts, sizes, the connection cap, a fault). No `default`.
R = doc["components"]["responses"]
def error_response(description, headers=None):
    r = {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    if headers: r["headers"] = headers
    return r
R.pop("Error", None)
R["BadRequest"]["description"] = ("Bad input: `invalid_body` (not JSON, or not an object), `missing_<field>` or "
    "`invalid_<field>` (`field` names it), or `bad_request` (malformed HTTP framing; the connection is closed).")
R["Conflict"]["description"] = "The request conflicts with the current state; the route's `code`s are listed on it."
R["RequestTimeout"] = error_response("The request did not arrive in time (`request_timeout`); the connection is closed.")
R["LengthRequired"]["description"] = "Chunked request bodies are refused (`length_required`); send `Content-Length`."
R["PayloadTooLarge"]["description"] = "The body is too large (`payload_too_large`): JSON at most 1 MiB, images at most 2 MiB."
R["UriTooLong"]["description"] = "The request line is longer than 8 KiB (`uri_too_long`)."
R["HeadersTooLarge"]["description"] = "Request headers exceed 32 KiB or 100 fields (`headers_too_large`)."
R["InternalError"] = error_response("A fault on the server (`internal_error`), logged; never caused by input. Try again later.")
R["ServiceUnavailable"]["description"] = ("Busy: past the connection cap (`unavailable`, or `too_many_connections` from "
    "one address); try again later.")
R["VersionNotSupported"] = error_response("Only HTTP/1.0 and HTTP/1.1 are served (`version_not_supported`).")
TRANSPORT = {"400": "BadRequest", "408": "RequestTimeout", "411": "LengthRequired", "413": "PayloadTooLarge",
             "414": "UriTooLong", "431": "HeadersTooLarge", "500": "InternalError", "503": "ServiceUnavailable",
             "505": "VersionNotSupported"}
# A token is optional on these; a bad one is still 401.
OPTIONAL_AUTH = {"listProducts", "getProduct", "getProductPhoto"}
def ref(name): return {"$ref": f"#/components/responses/{name}"}
for path_name, item in doc["paths"].items():
    for m, op in item.items():
        if m == "parameters": continue
        responses = op["responses"]
        responses.pop("default", None)
        for status, component in TRANSPORT.items():
            responses.setdefault(status, ref(component))
        # An `{id}` that names nothing (or is past 64 bits) is 404 `not_found` on every route.
        if "{id}" in path_name: responses.setdefault("404", ref("NotFound"))
        if any(op.get("security", [{}])) or op["operationId"] in OPTIONAL_AUTH:
            responses.setdefault("401", ref("Unauthorized"))
        # Routes that send a code have their own 503; the server can be busy there too.
        busy = responses["503"].get("description", "")
        if busy and "message_not_sent" not in busy:
            responses["503"]["description"] = busy + (" `message_not_sent`: the message gateway failed; try again."
                                                      " Busy: `unavailable`, `too_many_connections`.")
        op["responses"] = dict(sorted(responses.items()))
# Route-specific answers that named no code.
def describe(path, method, status, text):
    doc["paths"][path][method]["responses"][status] = error_response(text)
describe("/api/v1/me/photo", "get", "404", "No photo yet (`not_found`).")
describe("/api/v1/products/{id}", "get", "404", "No such product (`not_found`); inactive and archived ones only for staff.")
describe("/api/v1/products/{id}/photo", "get", "404", "No such product, or it has no photo yet (`not_found`).")
describe("/api/v1/cart/items", "post", "404", "No such product or variant, or not for sale (`not_found`).")
describe("/api/v1/orders", "post", "404", "A product or variant does not exist or is not for sale (`not_found`).")
# CartService: a line is never dropped by the shop. Its product archived (`DELETE /products/{id}`) or
# deactivated, it stays, flagged `problem: unavailable`: removing it works, a change is refused by name.
for method in ["patch", "delete"]:
    describe("/api/v1/cart/items/{id}", method, "404", "No such line in your cart (`not_found`). A line goes only when it is removed, "
             "or the cart is emptied or ordered: a line whose product is archived or deactivated stays, flagged `problem: unavailable`.")
describe("/api/v1/cart/items/{id}", "patch", "409", "`out_of_stock`, or `unavailable`: the line's product is no longer sold "
         "(archived or deactivated), so its quantity cannot change; the message names it, and `DELETE` removes it.")
describe("/api/v1/orders/{id}", "get", "404", "No such order, or another customer's (`not_found`).")
describe("/api/v1/counter/sales", "post", "404", "A product, variant or customer does not exist or is not for sale (`not_found`).")
describe("/api/v1/admin/outbox", "get", "404", "Not in demo mode (`not_found`).")
for photo in ["/api/v1/me/photo", "/api/v1/products/{id}/photo", "/api/v1/admin/users/{id}/photo"]:
    doc["paths"][photo]["put"]["responses"]["413"] = error_response("More than 2 MiB (`payload_too_large`).")

# Coupons.create: times are not negative (400 `invalid_coupon_date`); the end is after the start
# (`invalid_coupon_dates`) and not past (`coupon_window_past`); a fixed value is at most 10^15;
# max_uses 1…10^9 (`invalid_coupon_uses`). The examples are a window that is valid for years.
cc = S["CouponCreate"]["properties"]
cc["valid_from"].update({"minimum": 0, "examples": [1767225600],
    "description": "Unix seconds, not negative (else 400 `invalid_coupon_date`); null: valid from now."})
cc["valid_until"].update({"minimum": 0, "examples": [4102444800],
    "description": "Unix seconds, not negative (`invalid_coupon_date`); after `valid_from` (`invalid_coupon_dates`) "
                   "and not already past (`coupon_window_past`); all 400. Null: no end."})
cc["value"].update({"maximum": 1_000_000_000_000_000,
    "description": "Percent 1–100, or minor units 1–10^15 for `fixed`; else 400 `invalid_coupon_value`."})
cc["max_uses"].update({"maximum": 1_000_000_000, "description": "1–1000000000, else 400 `invalid_coupon_uses`; null: no limit."})
# Ids inside a return's lines are positive, like every id in a body.
for key in ["order_item_id", "product_id", "variant_id"]:
    S["ReturnRequest"]["properties"]["items"]["items"]["properties"][key]["minimum"] = 1
doc["components"]["parameters"]["Cursor"]["schema"]["examples"] = ["eyJpZCI6MjB9"]

# CatalogService.validSKU / validBarcode: spaces and tabs at either end are trimmed (Swift's
# .whitespaces: tab and the Zs spaces); then visible ASCII, 1–64 for a SKU, 4–64 for a barcode
# (Persian and Arabic-Indic digits fold to ASCII ones first; "" clears a barcode). Category: one
# line; description: line breaks allowed; neither with other control characters.
WS = r"[\t \u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]"
for name in ["ProductDraft", "ProductChanges"]:
    props = S[name]["properties"]
    # Lengths count after trimming, so the pattern bounds them rather than maxLength.
    props["sku"].pop("maxLength", None)
    props["barcode"].pop("maxLength", None)
    props["sku"].update({"pattern": rf"^{WS}*[!-~]{{1,64}}{WS}*$",
        "description": "1–64 visible ASCII characters (no spaces inside); else 400 `invalid_sku`; taken: 409 `sku_taken`."})
    props["barcode"].update({"pattern": rf"^{WS}*$|^{WS}*[!-~\u0660-\u0669\u06F0-\u06F9]{{4,64}}{WS}*$",
        "description": "4–64 visible ASCII characters (digits may be Persian); \"\" clears it; else 400 `invalid_barcode`; taken: 409 `barcode_taken`."})
    props["category"].update({"pattern": TEXT, "description": "At most 100 characters, one line; else 400 `invalid_category`."})
    props["description"].update({"pattern": MULTILINE, "description": "At most 5000 characters; line breaks allowed, other control characters not (else 400 `invalid_description`)."})

# PATCH /products/{id} refuses `stock` rather than ignoring it: stock changes need a reason.
S["ProductChanges"]["properties"]["stock"] = {"not": {}, "description":
    "Not accepted here (400 `invalid_stock`): change stock with `POST /products/{id}/stock` and a reason."}

# OrderService.place: `items`, when given, is not empty; without it the cart must not be (both 400
# `empty_cart`). Cash tendered covers the amount (400 `invalid_tendered`); the sale's tenders add up
# to its total (409 `tenders_short`).
o["items"].update({"minItems": 1, "description": "The items to buy (at least one, else 400 `empty_cart`). Without "
                   "`items` the order takes the caller's cart and empties it; an empty cart is 400 `empty_cart`."})
S["PaymentCreate"]["properties"]["tendered"]["description"] = "Cash handed over: at least `amount`, else 400 `invalid_tendered`."
S["CounterSaleRequest"]["properties"]["tenders"]["description"] = "Their amounts add up to the total, else 409 `tenders_short`."

doc["paths"]["/api/v1/products/{id}"]["delete"]["responses"]["200"]["description"] = (
    "`result: deleted`, or `result: archived` when an order or a cart names the product: it is then inactive, staff "
    "still read and edit it (`archived: true`; `PATCH` with `active: true` restores it), and for everyone else it is 404. "
    "Cart lines of an archived product stay, flagged `problem: unavailable`, until their customer removes them.")

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
