#!/usr/bin/env bash
# 50,000 wrong client secrets from one address, then the right client from another address and from the
# attacker's own address (a shared egress: an iPaaS, a CI runner, a NAT).
#
#   bash bench/bruteforce.sh            # release build, SQLite
#   ATTEMPTS=5000 BUILD=debug bash bench/bruteforce.sh
#   DATABASE=postgres://… bash bench/bruteforce.sh
#
# The server trusts 127.0.0.1 as a reverse proxy, so X-Forwarded-For gives each side its own address, as
# two hosts behind a load balancer would have. The attacker (bench/attack.py, 8 keep-alive connections) invents
# a new client_id for every request (the worst case for memory: every id is new).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh

ATTEMPTS="${ATTEMPTS:-50000}"
start_server --trusted-proxies 127.0.0.1/32
make_account "Bruteforce Co"
token_script "$DATA/client.lua" "198.51.100.20"
token_script "$DATA/shared.lua" "203.0.113.66"

echo "Brute force: $ATTEMPTS wrong secrets from one address ($BUILD build, ${DATABASE:+PostgreSQL}${DATABASE:-SQLite}, $(nproc) cores)"
BEFORE_RATE=$(DURATION=5s rate -s "$DATA/client.lua" "$BASE/oauth/token")
SHARED_BEFORE=$(DURATION=5s rate -s "$DATA/shared.lua" "$BASE/oauth/token")
RSS_BEFORE=$(rss_mb); DB_BEFORE=$(db_mb)
ATTACK=$(python3 bench/attack.py "$BASE" "$ATTEMPTS" 8 203.0.113.66)
# What the attacker was told at the end: a 429 with Retry-After.
LAST=$(curl -s -o /dev/null -w '%{http_code} retry-after=%header{retry-after}' -X POST "$BASE/oauth/token" -H 'X-Forwarded-For: 203.0.113.66' \
    -d grant_type=client_credentials -d client_id=guess -d client_secret=wrong)
# Measured before the right client runs again, whose own issuances write audit rows.
RSS_AFTER=$(rss_mb); DB_AFTER=$(db_mb)
AFTER_RATE=$(DURATION=5s rate -s "$DATA/client.lua" "$BASE/oauth/token")
# The right client behind the attacker's address: a verified secret is answered even from a blocked address.
SHARED_AFTER=$(DURATION=5s rate -s "$DATA/shared.lua" "$BASE/oauth/token")

AUDIT_ROWS=$(sqlite3 "$DATA/gatehouse.sqlite" "SELECT count(*) FROM audit_log WHERE remote_address = '203.0.113.66'" 2>/dev/null || echo '?')
python3 - "$ATTACK" "$BEFORE_RATE" "$AFTER_RATE" "$RSS_BEFORE" "$RSS_AFTER" "$DB_BEFORE" "$DB_AFTER" "$LAST" "$AUDIT_ROWS" "$SHARED_BEFORE" "$SHARED_AFTER" <<'PY'
import json, sys
attack = json.loads(sys.argv[1])
before, after, rss0, rss1, db0, db1 = map(float, sys.argv[2:8])
last, audit_rows = sys.argv[8], sys.argv[9]
shared0, shared1 = map(float, sys.argv[10:12])
print(f"attack: {attack['sent']} requests in {attack['seconds']} s, answers {attack['statuses']}; audit rows from the attacker: {audit_rows}")
print(f"the attacker's next answer: {last}")
print(f"{'measure':48} {'before':>10} {'after':>10} {'change':>10}")
print(f"{'right client, other address: tokens/s':48} {before:10.0f} {after:10.0f} {after / before:9.2f}x")
print(f"{'right client, at the attacking address: tokens/s':48} {shared0:10.0f} {shared1:10.0f} {shared1 / shared0:9.2f}x")
print(f"{'server RSS (MB)':48} {rss0:10.1f} {rss1:10.1f} {rss1 - rss0:+9.1f}")
print(f"{'database size (MB)':48} {db0:10.1f} {db1:10.1f} {db1 - db0:+9.1f}")
# The shared-address client is judged against the same client elsewhere, measured back to back after the attack:
# both runs then see the same server (its audit table grown by their own issuances), so the ratio shows the block's
# cost alone.
shared = shared1 / after
print(f"{'right client at the attacking address / elsewhere, after':48} {'':10} {'':10} {shared:9.2f}x")
ok = rss1 - rss0 < 20 and db1 - db0 < 5 and after / before > 0.8 and shared >= 0.9
print("PASS" if ok else "FAIL: RSS must grow < 20 MB, the database < 5 MB, the right client keep > 0.8x its rate, and >= 0.9x of it at the attacker's address")
sys.exit(0 if ok else 1)
PY
