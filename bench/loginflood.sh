#!/usr/bin/env bash
# Token issuance alone, then while console sign-ins flood the server at the default bcrypt cost.
#
#   bash bench/loginflood.sh            # release build, SQLite
#
# bcrypt runs on its own executor (one thread per core, lowered priority, bounded queue), so the flood
# spends idle CPU and is refused with 503 past its queue, while token issuance keeps its event loops.
# The sign-ins use the right password from many addresses, so the failure limits never step in.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

DURATION="${DURATION:-10s}"
start_server --trusted-proxies 127.0.0.1/32
make_account "Flood Co"
admin POST "/companies/$COMPANY/users" '{"first_name":"Flo","last_name":"Od","email":"flood@example.com","password":"correct horse battery"}' >/dev/null
token_script "$DATA/client.lua" "198.51.100.20"
cat >"$DATA/login.lua" <<'LUA'
local n = 0
function request()
    n = n + 1
    return wrk.format("POST", "/login", {
        ["Content-Type"] = "application/x-www-form-urlencoded", ["Cookie"] = "gh_csrf=bench",
        ["X-Forwarded-For"] = "10.1." .. (n % 250) .. "." .. (n % 200 + 1),
    }, "email=flood%40example.com&password=correct+horse+battery&csrf_token=bench")
end
local answers = {}
function response(status) answers[status] = (answers[status] or 0) + 1 end
LUA

echo "Login flood ($BUILD build, ${DATABASE:+PostgreSQL}${DATABASE:-SQLite}, $(nproc) cores, bcrypt cost 12)"
ALONE=$(rate -s "$DATA/client.lua" "$BASE/oauth/token")
wrk -t1 -c32 -d"$(( ${DURATION%s} + 4 ))s" -s "$DATA/login.lua" "$BASE/login" >"$DATA/flood.txt" 2>&1 &
FLOOD=$!
sleep 2
FLOODED=$(rate -s "$DATA/client.lua" "$BASE/oauth/token")
wait $FLOOD || true
SIGNINS=$(awk '/Requests\/sec/ {print $2}' "$DATA/flood.txt")
python3 - "$ALONE" "$FLOODED" "$SIGNINS" <<'PY'
import sys
alone, flooded, signins = map(float, sys.argv[1:])
print(f"{'measure':44} {'req/s':>10}")
print(f"{'POST /oauth/token alone':44} {alone:10.0f}")
print(f"{'POST /oauth/token during the sign-in flood':44} {flooded:10.0f}   ({flooded / alone:.2f}x)")
print(f"{'sign-in attempts answered (303 or 503)':44} {signins:10.0f}")
PY
