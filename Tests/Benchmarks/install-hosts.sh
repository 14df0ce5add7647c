#!/usr/bin/env bash
# One `vmedia demo` install run against N simulated BMCs (default 200), printing wall time, CPU seconds per
# host and peak RSS. Not a test: run it by hand, e.g.  bash Tests/Benchmarks/install-hosts.sh 200
# The simulators (BMCs, their range reads, the simulated ESXi hosts) run in the same process as the installer,
# so CPU and RSS are an upper bound for vmedia's own share.
set -euo pipefail
hosts="${1:-200}"
cd "$(dirname "$0")/../.."
swift build -c release --product vmedia >/dev/null
out="$(mktemp)"
/usr/bin/time -v .build/release/vmedia demo --hosts "$hosts" --subnet 60 >/dev/null 2>"$out" || true
grep -E "succeeded|still open" "$out" || true
wall=$(grep "Elapsed (wall clock)" "$out" | awk '{print $NF}')
user=$(grep "User time" "$out" | awk '{print $NF}')
sys=$(grep "System time" "$out" | awk '{print $NF}')
rss=$(grep "Maximum resident" "$out" | awk '{print $NF}')
python3 -c "import sys; h,u,s,r=int(sys.argv[1]),float(sys.argv[2]),float(sys.argv[3]),int(sys.argv[4]); print(f'hosts {h}  wall {sys.argv[5]}  CPU {u+s:.1f} s = {1000*(u+s)/h:.0f} ms per host  peak RSS {r/1024:.0f} MiB')" \
  "$hosts" "$user" "$sys" "$rss" "$wall"
rm -f "$out"
