#!/usr/bin/env bash
# HTTP load benchmark: req/s and latency percentiles for case creation, a case command and
# a case read, with 64 connections, against a release build of `tincay serve` on loopback.
# Uses wrk (Debian package `wrk`; installed when missing). Not part of CI.
#
#   benches/http/load.sh            # 20 s per scenario
#   DURATION=5s benches/http/load.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-64}
command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
command -v curl >/dev/null || { apt-get update -qq && apt-get install -y -qq curl >/dev/null; }
cargo build --release --locked --quiet
BIN=target/release/tincay

WORK=$(mktemp -d)
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$WORK"' EXIT
KEY=$WORK/master.key
DATA=$WORK/data
$BIN keygen --out "$KEY" >/dev/null
printf 'admin password 2026\n' | $BIN user add --username admin --role admin --password-stdin --data-dir "$DATA" --key-file "$KEY" >/dev/null

PORT=$((20000 + RANDOM % 20000))
$BIN serve --data-dir "$DATA" --key-file "$KEY" --listen "127.0.0.1:$PORT" --user-requests-per-minute 1000000 >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER=$!
for _ in $(seq 1 300); do curl -sf "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
API=http://127.0.0.1:$PORT/api/v1

json() { python3 -c "import sys,json; print(json.load(sys.stdin)$1)"; }
login() { curl -sf "$API/sessions" -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"$2\"}" | json "['token']"; }
ADMIN=$(login admin 'admin password 2026')
post() { curl -sf "$API$1" -H "authorization: Bearer $2" -H 'content-type: application/json' -d "$3"; }
post /areas "$ADMIN" '{"code":"91","name":"Tỉnh Thử nghiệm","level":"province"}' >/dev/null
post /areas "$ADMIN" '{"code":"91001","name":"Xã Thử nghiệm","level":"commune","parent":"91"}' >/dev/null
ADDRESS=$(post /trusted-addresses "$ADMIN" '{"name":"Nhà bà Thử","commune":"91001","established_on":"2025-01-01"}' | json "['id']")
post /users "$ADMIN" "{\"username\":\"tnv\",\"password\":\"volunteer password 2026\",\"role\":\"volunteer\",\"trusted_address\":\"$ADDRESS\"}" >/dev/null
TOKEN=$(login tnv 'volunteer password 2026')

CASE_BODY='{"opened_on":"2026-11-01","referred_by":"neighbour","survivor":{"name":"Người thử nghiệm","birth_year":1994,"sex":"female","ethnicity":"11","disability":false,"contact":"0912 000 000","address":"thôn 3","children_with_her":2},"violence_types":["physical","psychological"],"perpetrator":"spouse","risk_level":"high","consent":{"services":true,"referral":true,"reporting":true},"narrative":"Dữ liệu thử tải, không phải người thật."}'
READ_CASE=$(post /cases "$TOKEN" "$CASE_BODY" | json "['id']")
# Commands go to 256 cases at random, so concurrent commands rarely meet on one case.
for _ in $(seq 1 256); do post /cases "$TOKEN" "$CASE_BODY" | json "['id']"; done >"$WORK/cases.txt"

cat >"$WORK/post.lua" <<LUA
wrk.method = "POST"
wrk.headers["authorization"] = "Bearer $TOKEN"
wrk.headers["content-type"] = "application/json"
wrk.body = os.getenv("BODY")
LUA
cat >"$WORK/command.lua" <<LUA
wrk.method = "POST"
wrk.headers["authorization"] = "Bearer $TOKEN"
wrk.headers["content-type"] = "application/json"
wrk.body = '{"text":"Ghi chú thử tải."}'
local cases = {}
for line in io.lines("$WORK/cases.txt") do cases[#cases + 1] = line end
request = function()
  return wrk.format(nil, "/api/v1/cases/" .. cases[math.random(#cases)] .. "/notes")
end
LUA
cat >"$WORK/get.lua" <<LUA
wrk.headers["authorization"] = "Bearer $TOKEN"
LUA

CPU=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)
echo "machine: $CPU, $(nproc) cores, kernel $(uname -r); wrk $CONNECTIONS connections, $DURATION each"
run() {
  local name=$1; shift
  echo
  echo "== $name"
  "$@" | grep -E 'Requests/sec|Latency  |50%|99%|Non-2xx|Socket errors'
}
run "case creation (POST /cases)" env BODY="$CASE_BODY" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/post.lua" "$API/cases"
run "case command (POST /cases/{id}/notes, 256 cases)" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/command.lua" "$API/cases"
run "case read (GET /cases/{id})" wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$WORK/get.lua" "$API/cases/$READ_CASE"
