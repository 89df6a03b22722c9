#!/usr/bin/env bash
# The runtime cost of swift-openapi-generator's server transport (docs/decisions.md): one answer through a
# generated handler against the same answer from a plain Hummingbird route, alternating, in one run.
# A separate package, so that Gatehouse's own build never pays for it. README.md has the build-time commands.
set -euo pipefail
cd "$(dirname "$0")"
# Only /health is generated (openapi-generator-config.yaml filters), so the handler protocol has one method.
cp ../../Sources/GatehouseServer/Web/OpenAPI/openapi.json Sources/Probe/openapi.json
swift build -c release
.build/release/Probe & probe=$!
trap 'kill $probe 2>/dev/null' EXIT
sleep 2
for run in 1 2 3; do
    for path in plain health; do
        echo "$path $(wrk -t2 -c64 -d8s "http://127.0.0.1:18099/$path" | awk '/Requests\/sec/ {print $2}')"
    done
done
