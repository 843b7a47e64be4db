"""Test data for schemathesis against a running tincay (tests/contract/schemathesis.sh).

The generator cannot guess what exists on the server, or the state it is in: a case id, the
case's version for If-Match, whether the case is open or closed, consents to referral, the ids
of its follow-ups and referrals, the role's own trusted addresses, area codes that exist, a
cursor the server issued, a password strong enough, a username nobody has, an idempotency key
it has not used before with another body. These hooks give it those, and nothing else:

- only positive cases (data the document says is valid) are changed, and only in values that
  already have the right form; negative cases are left as generated;
- half of the cases keep their generated ids, so the "no such case" paths are still tried;
- the state is read from the server as it is when the case is sent (the run itself closes,
  reopens, transfers and erases cases), with the role's own token, through the API.

TINCAY_ST_DATA holds, as JSON, what the signed-in role can see:
    {"cases": [ids of cases], "addresses": [ids of its trusted addresses],
     "communes": [codes of communes], "siblings": [communes of one district, for merges],
     "parents": [codes of a province and a district], "me": the signed-in user's id}
TINCAY_ST_BASE and TINCAY_ST_TOKEN are the server's address and the role's token.
TINCAY_ST_TRACE, if set, is a file that gets one JSON line per call (what a warning is made of).
"""

import datetime
import json
import os
import random
import re
import urllib.error
import urllib.request
import uuid

import schemathesis

DATA = json.loads(os.environ.get("TINCAY_ST_DATA", "{}"))
CASES = DATA.get("cases", [])
ADDRESSES = DATA.get("addresses", [])
COMMUNES = DATA.get("communes", [])
SIBLINGS = list(DATA.get("siblings", []))
PARENTS = DATA.get("parents", [])
ME = DATA.get("me")
# The fixture communes (schemathesis.sh) begin on this day; a merge takes effect after it.
SIBLINGS_FROM, SIBLINGS_AFTER = "2000-01-01", "2000-01-02"
BASE = os.environ.get("TINCAY_ST_BASE", "")
TOKEN = os.environ.get("TINCAY_ST_TOKEN", "")
TRACE = os.environ.get("TINCAY_ST_TRACE")
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
KEY = re.compile(r"^[!-~]([ -~]{0,253}[!-~])?$")
VERSION = re.compile(r'^("[0-9]{1,19}"|[0-9]{1,19})$')
# Deterministic choices for a given seed run.
CHOICE = random.Random(18)


def positive(case):
    """Whether the document says the case is valid (the examples phase's are, and come
    without a generation mode when the hooks see them)."""
    meta = case.meta
    return meta is None or str(meta.generation.mode.value) == "positive"


def fresh(text, limit):
    """`text`, made unique: a run that repeats a generated value would otherwise meet itself."""
    return text[: max(0, limit - 33)] + "-" + uuid.UUID(int=CHOICE.getrandbits(128)).hex


def call(path, body=None, headers=None):
    request = urllib.request.Request(
        BASE + path,
        data=None if body is None else json.dumps(body).encode(),
        headers={"authorization": "Bearer " + TOKEN, "content-type": "application/json",
                 **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return json.load(response) if response.status != 204 else {}
    except (urllib.error.URLError, ValueError):
        return None


def get(path):
    return call(path)


def new_case(path, method):
    """A case made for the operation when none of the role's fits it any more (the run closes
    them): open, with a follow-up to complete, a referral awaiting its outcome, or closed."""
    if not ADDRESSES:
        return None
    day = (datetime.date.today() - datetime.timedelta(days=2)).isoformat()
    opened = call("/api/v1/cases", {
        "opened_on": day, "perpetrator": "spouse", "referred_by": "neighbour",
        "risk_level": "medium", "violence_types": ["psychological"],
        "survivor": {"birth_year": 1990, "ethnicity": "01", "sex": "female", "name": "Thử Nghiệm",
                     "disability": False, "children_with_her": 0},
        "consent": {"referral": True, "reporting": True, "services": True},
        "trusted_address": CHOICE.choice(ADDRESSES),
    })
    if not isinstance(opened, dict) or "id" not in opened:
        return None
    case_id = opened["id"]
    CASES.append(case_id)
    if path.endswith("/complete"):
        call(f"/api/v1/cases/{case_id}/follow-ups", {"due_on": day, "method": "visit"})
    elif path.endswith("/outcome"):
        call(f"/api/v1/cases/{case_id}/referrals", {"target": "legal_aid", "made_on": day})
    elif path.endswith("/reopen"):
        call(f"/api/v1/cases/{case_id}/close", {"reason": "safe", "closed_on": day})
    case = get("/api/v1/cases/" + case_id)
    return case if isinstance(case, dict) and fits(path, method, case) else None


def fits(path, method, case):
    """Whether the case, as it is now, is one the operation can act on."""
    status = case.get("status")
    if method == "DELETE":
        return status != "erased"
    if path.endswith("/reopen"):
        return status == "closed"
    if status not in ("open", "closure_requested"):
        return False
    if path.endswith("/close"):
        return status == "open"
    if path.endswith("/referrals"):
        return bool(case.get("consent", {}).get("referral"))
    if path.endswith("/outcome"):
        return any(not item.get("outcome") for item in case.get("referrals", []))
    if path.endswith("/complete"):
        return any(item.get("status") == "open" for item in case.get("follow_ups", []))
    if path.endswith("/transfer"):
        return any(address != case.get("trusted_address") for address in ADDRESSES)
    return True


def live_case(path, method):
    """A case of the role's, read now, that the operation can act on; None if none is."""
    for case_id in CHOICE.sample(CASES, min(len(CASES), 12)):
        case = get("/api/v1/cases/" + case_id)
        if isinstance(case, dict) and fits(path, method, case):
            return case
    return new_case(path, method)


def map_case_command(case, path):
    parameters = case.path_parameters or {}
    current = parameters.get("id")
    if not (isinstance(current, str) and UUID.match(current)):
        return
    method = case.method.upper()
    chosen = get("/api/v1/cases/" + current)
    if not isinstance(chosen, dict):
        # An id the server does not know: kept half of the time (the 404 path).
        if CHOICE.random() < 0.5:
            return
        chosen = live_case(path, method)
    elif not fits(path, method, chosen):
        chosen = live_case(path, method)
    if chosen is None:
        return
    parameters["id"] = chosen["id"]
    if isinstance(parameters.get("fid"), str):
        open_ones = [f["id"] for f in chosen.get("follow_ups", []) if f.get("status") == "open"]
        if open_ones and parameters["fid"] not in open_ones:
            parameters["fid"] = CHOICE.choice(open_ones)
    if isinstance(parameters.get("rid"), str):
        waiting = [r["id"] for r in chosen.get("referrals", []) if not r.get("outcome")]
        if waiting and parameters["rid"] not in waiting:
            parameters["rid"] = CHOICE.choice(waiting)
    headers = case.headers or {}
    if isinstance(headers.get("If-Match"), str) and VERSION.match(headers["If-Match"]):
        headers["If-Match"] = '"%d"' % chosen["version"]
    body = case.body
    if path.endswith("/transfer") and isinstance(body, dict):
        others = [a for a in ADDRESSES if a != chosen.get("trusted_address")]
        if others and isinstance(body.get("trusted_address"), str):
            body["trusted_address"] = CHOICE.choice(others)


def map_registry(case, path, body):
    """Area codes that exist, a password strong enough, a name nobody has."""
    if not isinstance(body, dict):
        return
    if path == "/api/v1/areas" and isinstance(body.get("parent"), str) and PARENTS:
        # The document says a parent is a shorter code; one that exists, of that length.
        matching = [code for code in PARENTS if len(code) == len(body["parent"])]
        if matching and isinstance(body.get("code"), str):
            parent = CHOICE.choice(matching)
            body["parent"] = parent
            body["code"] = parent + body["code"][len(parent):]
    if path == "/api/v1/areas/merge" and isinstance(body.get("communes"), list) and len(SIBLINGS) >= 2:
        # Two communes of one district that no earlier merge has taken, merging after the
        # day they began (SIBLINGS_FROM).
        pair = [SIBLINGS.pop(), SIBLINGS.pop()]
        body["communes"] = pair
        body["into"] = pair[0]
        body.pop("name", None)
        if isinstance(body.get("effective_on"), str) and body["effective_on"] <= SIBLINGS_FROM:
            body["effective_on"] = SIBLINGS_AFTER
    if path == "/api/v1/trusted-addresses" and isinstance(body.get("commune"), str) and COMMUNES:
        body["commune"] = CHOICE.choice(COMMUNES)
    if path == "/api/v1/users":
        if isinstance(body.get("username"), str):
            body["username"] = fresh("u" + re.sub(r"[^a-z0-9]", "", body["username"].lower()), 64)
        if isinstance(body.get("area"), str) and PARENTS:
            body["area"] = PARENTS[0]
        if isinstance(body.get("trusted_address"), str) and ADDRESSES:
            body["trusted_address"] = CHOICE.choice(ADDRESSES)
    if isinstance(body.get("password"), str) and (
        path == "/api/v1/users" or path.endswith("/password")
    ):
        # zxcvbn's estimate cannot be written in JSON Schema: a passphrase that passes it.
        body["password"] = "lua chin " + uuid.UUID(int=CHOICE.getrandbits(128)).hex[:12]


@schemathesis.hook
def before_call(context, case, **kwargs):
    """Just before each request is sent (so the state read is the state it meets; the hooks
    that map generated data run long before, and the examples phase does not call them)."""
    path = case.operation.path
    if positive(case):
        if path.startswith("/api/v1/cases/{id}") and CASES:
            map_case_command(case, path)
        body = case.body
        if isinstance(body, dict) and ADDRESSES and isinstance(body.get("trusted_address"), str):
            if path == "/api/v1/cases":
                body["trusted_address"] = CHOICE.choice(ADDRESSES)
        map_registry(case, path, body)
        parameters = case.path_parameters or {}
        if path.startswith("/api/v1/users/{id}") and parameters.get("id") == ME:
            # Her own password reset would end the run's session (as it should).
            parameters["id"] = str(uuid.UUID(int=CHOICE.getrandbits(128)))
        query = case.query or {}
        # A cursor is the server's to issue; a made-up one is refused (400), as documented.
        query.pop("cursor", None)
    headers = case.headers or {}
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and KEY.match(key):
        # A key the generator repeats with another body is refused (key_reused, as it
        # should be); keep each request's key its own.
        headers["Idempotency-Key"] = fresh(key[:200], 255)


@schemathesis.hook
def after_call(context, case, response):
    """With TINCAY_ST_TRACE=FILE, one JSON line per call: what a mismatch warning is made of."""
    if not TRACE:
        return
    meta = case.meta
    try:
        answer = response.json()
    except Exception:
        answer = None
    line = {
        "op": case.operation.label,
        "phase": str(meta.phase.name.value) if meta else None,
        "mode": str(meta.generation.mode.value) if meta else None,
        "status": response.status_code,
        "path": case.path_parameters,
        "query": case.query,
        "headers": {k: v for k, v in (case.headers or {}).items() if k.lower() != "authorization"},
        "body": case.body if isinstance(case.body, (dict, list, str, int, float, bool)) else None,
        "answer": answer if response.status_code >= 400 else None,
    }
    with open(TRACE, "a", encoding="utf-8") as out:
        out.write(json.dumps(line, default=str) + "\n")
