"""Test data for schemathesis against a running tincay (tests/contract/schemathesis.sh).

The generator cannot guess what exists on the server: a case id, the role's own trusted
addresses, an idempotency key it has not used before with another body. These hooks give it
those, and nothing else: every other value stays as generated, negative cases are left alone
(only values that are already of the right form are replaced), and half of the case ids
stay random so that the "no such case" paths are still tried.

TINCAY_ST_DATA holds, as JSON, what the signed-in role can see:
    {"cases": [ids of cases it may act on], "addresses": [ids of its trusted addresses]}
"""

import json
import os
import random
import re
import uuid

import schemathesis

DATA = json.loads(os.environ.get("TINCAY_ST_DATA", "{}"))
CASES = DATA.get("cases", [])
ADDRESSES = DATA.get("addresses", [])
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
KEY = re.compile(r"^[!-~]([ -~]{0,253}[!-~])?$")
# Deterministic choices for a given seed run.
CHOICE = random.Random(18)


@schemathesis.hook
def map_case(context, case):
    path = case.operation.path
    parameters = case.path_parameters or {}
    if path.startswith("/api/v1/cases/{id}") and CASES:
        current = parameters.get("id")
        if isinstance(current, str) and UUID.match(current) and CHOICE.random() < 0.5:
            parameters["id"] = CHOICE.choice(CASES)
    body = case.body
    if isinstance(body, dict) and ADDRESSES and isinstance(body.get("trusted_address"), str):
        if path in ("/api/v1/cases", "/api/v1/cases/{id}/transfer"):
            body["trusted_address"] = CHOICE.choice(ADDRESSES)
    headers = case.headers or {}
    key = headers.get("Idempotency-Key")
    if isinstance(key, str) and KEY.match(key):
        # A key the generator repeats with another body is refused (key_reused, as it
        # should be); keep each generated request's key its own.
        headers["Idempotency-Key"] = key[:200] + "-" + uuid.UUID(int=CHOICE.getrandbits(128)).hex
    return case
