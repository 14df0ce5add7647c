#!/usr/bin/env bash
# `vmedia install` against N simulated BMCs (default 200), measuring vmedia's install process alone.
# Not a test: run it by hand, e.g.  bash Tests/Benchmarks/install-hosts.sh 200
#
# The simulated BMCs (their Redfish services, their HTTP range reads of the images, the simulated ESXi hosts) run in
# a separate `vmedia simulate` process, which also writes the hosts file (simulated: true). Then the real
# `vmedia install --config hosts.yaml` (release build with the Swift runtime linked statically, as the Dockerfile
# builds it; default poll interval and timeouts; --json) runs under
# /usr/bin/time -v. Printed: wall time, CPU seconds (user + system) per host and peak RSS of the install process,
# and the same figures of the simulator process, labelled separately. Targets for the installer: <= 50 ms CPU per
# host, <= 256 MiB peak RSS.
#
# Environment: VMEDIA_BIN=path uses that binary instead of building .build/release/vmedia;
#              SUBNET=N puts the BMCs on 127.0.N.x (default 60) and the ESXi hosts on 127.0.N+1.x.
set -euo pipefail
hosts="${1:-200}"
subnet="${SUBNET:-60}"
cd "$(dirname "$0")/../.."
if [ -z "${VMEDIA_BIN:-}" ]; then
  swift build -c release --static-swift-stdlib --product vmedia >/dev/null
  VMEDIA_BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)/vmedia"
fi
work="$(mktemp -d)"
sim=""
cleanup() {
  if [ -n "$sim" ] && kill -0 "$sim" 2>/dev/null; then
    pkill -INT -P "$sim" 2>/dev/null || true
    wait "$sim" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

"$VMEDIA_BIN" fixture --esxi 8.0 --size 12MiB --timestamp 1700000000 --output "$work/esxi.iso" >/dev/null

# The simulators: their own process, measured on their own. GNU time ignores SIGINT; the simulator is its child.
/usr/bin/time -v -o "$work/simulate.time" "$VMEDIA_BIN" simulate --count "$hosts" --vendors mixed \
  --first-address "127.0.$subnet.10" --port 0 --esxi-port 9443 --install-seconds 0.3 \
  --hosts-file "$work/hosts.yaml" --json >"$work/simulate.ndjson" 2>"$work/simulate.err" &
sim=$!
for _ in $(seq 600); do
  grep -q '"started"' "$work/simulate.ndjson" 2>/dev/null && break
  kill -0 "$sim" 2>/dev/null || { echo "vmedia simulate exited:"; cat "$work/simulate.err"; exit 1; }
  sleep 0.1
done
grep -q '"started"' "$work/simulate.ndjson" || { echo "vmedia simulate did not start in 60 s"; exit 1; }

status=0
/usr/bin/time -v -o "$work/install.time" "$VMEDIA_BIN" install --config "$work/hosts.yaml" --iso "$work/esxi.iso" \
  --listen 127.0.0.1:0 --esxi-port 9443 --parallel "$hosts" --json >"$work/install.ndjson" 2>"$work/install.err" || status=$?

pkill -INT -P "$sim" || true
wait "$sim" || true
sim=""

figures() {  # label, time -v file, hosts
  python3 - "$@" <<'EOF'
import re, sys
label, path, hosts = sys.argv[1], sys.argv[2], int(sys.argv[3])
text = open(path).read()
def field(name):
    return re.search(re.escape(name) + r".*?: (\S+)$", text, re.M).group(1)
user, system = float(field("User time (seconds)")), float(field("System time (seconds)"))
rss = int(field("Maximum resident set size (kbytes)"))
print(f"{label:<10} wall {field('Elapsed (wall clock) time (h:mm:ss or m:ss)')}  CPU {user + system:.1f} s "
      f"(user {user:.1f}, sys {system:.1f}) = {1000 * (user + system) / hosts:.0f} ms per host  peak RSS {rss / 1024:.0f} MiB")
EOF
}

echo "hosts $hosts, install exit status $status"
python3 - "$work/install.ndjson" <<'EOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
summary = lines[-1] if lines and lines[-1].get("summary") else {}
print(f"install summary: {summary.get('succeeded')} succeeded, {summary.get('failed')} failed; {len(lines) - 1} events")
EOF
figures "install" "$work/install.time" "$hosts"
figures "simulate" "$work/simulate.time" "$hosts"
[ "$status" -eq 0 ] || { echo "install stderr (last lines):"; tail -5 "$work/install.err"; }
