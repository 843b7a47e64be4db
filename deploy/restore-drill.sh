#!/usr/bin/env bash
# Restore drill: back up a RUNNING tincay, restore the backup into a new directory, start the
# restored copy, and check that it holds what was backed up and that its chain verifies.
#
#   deploy/restore-drill.sh                 # on a small fictional demo data set (what CI runs)
#   deploy/restore-drill.sh --data-dir /var/lib/tincay --key-file KEY \
#       [--erasure-ledger /var/lib/tincay-backup/erasures.ledger]
#                                           # on a live server, as the user that runs it
#
# TINCAY names the binary (default: tincay on PATH); DRILL_CASES the demo's size (default 40).
# The demo drill also erases a case after the backup and checks that the restore, given the
# erasure ledger, erases it again. The live drill never writes to the live directory: it
# backs it up through the control socket, restores into a scratch directory (mode 0700)
# under TMPDIR, serves that on a random loopback port, and deletes it at the end.
# Exit 0: the drill passed. Anything else: it did not; read what it printed.
set -euo pipefail

TINCAY=${TINCAY:-tincay}
CASES=${DRILL_CASES:-40}
LIVE_DIR="" KEY="" LEDGER=""
while [ $# -gt 0 ]; do
    case "$1" in
        --data-dir) LIVE_DIR=$2; shift 2 ;;
        --key-file) KEY=$2; shift 2 ;;
        --erasure-ledger) LEDGER=$2; shift 2 ;;
        *) echo "restore-drill: unknown argument $1" >&2; exit 2 ;;
    esac
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tincay-drill.XXXXXX")
chmod 700 "$WORK"
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

say() { echo "restore-drill: $*"; }
fail() { echo "restore-drill: FAILED: $*" >&2; exit 1; }

# Wait for `listening on http://ADDR` in $1; print ADDR.
listening() {
    for _ in $(seq 1 600); do
        addr=$(sed -n 's#^listening on http://##p' "$1")
        if [ -n "$addr" ]; then echo "$addr"; return 0; fi
        sleep 0.2
    done
    cat "$1" "$1.err" >&2 || true
    fail "no server came up"
}

# Sign in: addr user password -> token.
sign_in() {
    curl -sf -X POST "http://$1/api/v1/sessions" -H 'content-type: application/json' \
        -d "{\"username\": \"$2\", \"password\": \"$3\"}" |
        sed -n 's/.*"token":"\([^"]*\)".*/\1/p'
}

# Every case id the token may list, one per line (all pages).
case_ids() {
    local cursor="" page
    while :; do
        page=$(curl -sf "http://$1/api/v1/cases${cursor:+?cursor=$cursor}" \
            -H "authorization: Bearer $2")
        echo "$page" | grep -o '[{,]"id":"[^"]*"' | sed 's/.*"id":"\([^"]*\)"/\1/'
        cursor=$(echo "$page" | sed -n 's/.*"next":"\([^"]*\)".*/\1/p')
        [ -n "$cursor" ] || break
    done
}

# "N records in M streams" from a command's output.
records() { grep -o '[0-9]* records in [0-9]* streams' "$1" | head -n1; }

cd "$WORK"
if [ -z "$LIVE_DIR" ]; then
    say "starting a demo server with $CASES fictional cases"
    "$TINCAY" keygen --out drill.key >/dev/null
    KEY=$WORK/drill.key LEDGER=$WORK/erasures.ledger LIVE_DIR=$WORK/original
    "$TINCAY" demo --cases "$CASES" --data-dir "$LIVE_DIR" --key-file "$KEY" \
        --erasure-ledger "$LEDGER" --listen 127.0.0.1:0 >demo.out 2>demo.out.err &
    PIDS+=($!)
    ORIGINAL=$(listening demo.out)
    password=$(awk '$1 == "supervisor" && $2 == "giamsat.numay" { print $3 }' demo.out)
    token=$(sign_in "$ORIGINAL" giamsat.numay "$password")
    [ -n "$token" ] || fail "cannot sign in to the demo"
    case_ids "$ORIGINAL" "$token" | sort >cases-before.txt
    say "the supervisor lists $(wc -l <cases-before.txt) cases"
fi

say "backing up the running server"
"$TINCAY" backup --data-dir "$LIVE_DIR" --key-file "$KEY" --out "$WORK/drill.tcbak" | tee backup.out
grep -q "through the running server" backup.out || fail "the backup did not go through the running server"

if [ -n "${ORIGINAL:-}" ]; then
    victim=$(head -n1 cases-before.txt)
    status=$(curl -s -o /dev/null -w '%{http_code}' -X DELETE \
        "http://$ORIGINAL/api/v1/cases/$victim?reason=survivor_request" -H "authorization: Bearer $token")
    [ "$status" = 204 ] || fail "erasing a case after the backup answered $status"
    say "erased one case after the backup"
fi

say "restoring into a new directory"
"$TINCAY" restore --from "$WORK/drill.tcbak" --data-dir "$WORK/restored" --key-file "$KEY" \
    ${LEDGER:+--erasure-ledger "$LEDGER"} | tee restore.out
[ "$(records backup.out)" = "$(records restore.out)" ] ||
    fail "the backup held $(records backup.out), the restore $(records restore.out)"
if [ -n "${ORIGINAL:-}" ]; then
    grep -q "1 erased again" restore.out || fail "the erasure made after the backup was not re-applied"
fi

say "verifying the restored chain"
"$TINCAY" verify --data-dir "$WORK/restored" --key-file "$KEY" | tee verify.out

say "serving the restored copy"
"$TINCAY" serve --data-dir "$WORK/restored" --key-file "$KEY" --listen 127.0.0.1:0 \
    >serve.out 2>serve.out.err &
PIDS+=($!)
RESTORED=$(listening serve.out)
for _ in $(seq 1 300); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$RESTORED/readyz")" = 200 ] && break
    sleep 0.2
done
[ "$(curl -s -o /dev/null -w '%{http_code}' "http://$RESTORED/readyz")" = 200 ] ||
    fail "the restored copy never became ready"

if [ -n "${ORIGINAL:-}" ]; then
    token=$(sign_in "$RESTORED" giamsat.numay "$password")
    case_ids "$RESTORED" "$token" | sort >cases-after.txt
    grep -v -x "$victim" cases-before.txt >expected.txt || true
    diff expected.txt cases-after.txt >/dev/null ||
        fail "the restored copy lists $(wc -l <cases-after.txt) cases, expected $(wc -l <expected.txt)"
    status=$(curl -s -o /dev/null -w '%{http_code}' "http://$RESTORED/api/v1/cases/$victim" \
        -H "authorization: Bearer $token")
    [ "$status" = 410 ] || fail "the case erased after the backup answers $status, not 410"
    say "the restored copy lists the same $(wc -l <cases-after.txt) cases, and the erased one is gone (410)"
fi
say "passed: $(records restore.out) restored, chain intact, restored copy served"
