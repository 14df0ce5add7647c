#!/usr/bin/env bash
# Benchmark: vmedia's media server (a 600 MiB LayeredImage: source file + 64 patched sectors + 1 MiB appended)
# against nginx with sendfile serving the same bytes from the materialized file, on 127.0.0.1.
#   1. one full GET with curl (7 interleaved runs each, median: one 600 MiB GET takes a third of a second, so single runs swing by ±30 %)
#   2. 32 connections reading random 1 MiB ranges for 20 s (wrk + media-server-ranges.lua), 5 rounds, medians
#   3. 200 connections doing the same, with both servers' peak RSS sampled
#   4. HTTPS: the same image over TLS (ours: same port, file runs read into buffers; nginx: ssl listener, same
#      certificate, same file): full GET (median of 7) and 32 connections of random 1 MiB ranges (ROUNDS rounds)
# Prints our/nginx ratios (targets: >= 1.0x each) and RSS (target: ours <= 64 MiB at 200 connections).
#
# Usage: bash Tests/Benchmarks/media-server.sh          (builds media-bench in release mode first)
#        SIZE_MIB=600 DURATION=20 ROUNDS=5 bash Tests/Benchmarks/media-server.sh
#        ONLY=https bash Tests/Benchmarks/media-server.sh   (sections 1-3 skipped: HTTPS against nginx only)
# Needs: nginx (Debian nginx or nginx-light), wrk, curl, python3, openssl. Nothing is installed or started system-wide:
# nginx runs from a temporary prefix with its own config and is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
SIZE_MIB="${SIZE_MIB:-600}"
DURATION="${DURATION:-20}"
ROUNDS="${ROUNDS:-5}"
ONLY="${ONLY:-}"
for tool in nginx wrk curl python3 openssl; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || { echo "missing $tool (apt-get install $tool)" >&2; exit 1; }
done
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"

if [ -z "${BENCH:-}" ]; then  # BENCH=path/to/media-bench skips the build (smoke tests of this script)
  echo "== building media-bench (release)"
  swift build -c release --static-swift-stdlib --product media-bench >/dev/null
  BENCH="$(swift build -c release --static-swift-stdlib --show-bin-path)/media-bench"
fi

WORK="$(mktemp -d /tmp/vmedia-bench.XXXXXX)"
chmod 755 "$WORK"  # nginx workers started by root run as nobody and must read the image
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  [ -f "$WORK/nginx/nginx.pid" ] && kill "$(cat "$WORK/nginx/nginx.pid")" 2>/dev/null || true
  sleep 0.5
  rm -rf "$WORK"
}
trap cleanup EXIT

echo "== making a ${SIZE_MIB} MiB source and starting both servers"
head -c "${SIZE_MIB}M" /dev/urandom > "$WORK/source.bin"
mkdir -p "$WORK/www"
# One P-256 certificate for both servers' HTTPS (the kind vmedia generates).
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj "/CN=vmedia bench" \
  -addext "subjectAltName=IP:127.0.0.1" -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null
chmod 644 "$WORK/key.pem"  # nginx workers run as nobody
"$BENCH" --source "$WORK/source.bin" --patches 64 --append 1048576 --materialize "$WORK/www/image.iso" \
  --tls-cert "$WORK/cert.pem" --tls-key "$WORK/key.pem" \
  --listen 127.0.0.1:0 > "$WORK/ours.out" 2> "$WORK/ours.err" &
OURS_PID=$!
PIDS+=("$OURS_PID")
for _ in $(seq 600); do grep -q '^URL ' "$WORK/ours.out" 2>/dev/null && break; sleep 0.1; done
OURS_URL="$(awk '/^URL /{print $2}' "$WORK/ours.out")"
OURS_HTTPS_URL="$(awk '/^HTTPS_URL /{print $2}' "$WORK/ours.out")"
[ -n "$OURS_URL" ] || { echo "media-bench did not start:"; cat "$WORK/ours.err"; exit 1; }

NGINX_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
NGINX_TLS_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
mkdir -p "$WORK/nginx/logs"
cat > "$WORK/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx/nginx.pid;
error_log $WORK/nginx/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  client_body_temp_path $WORK/nginx/tmp;
  proxy_temp_path $WORK/nginx/tmp;
  fastcgi_temp_path $WORK/nginx/tmp;
  uwsgi_temp_path $WORK/nginx/tmp;
  scgi_temp_path $WORK/nginx/tmp;
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
  }
  # HTTPS: nginx's defaults (TLS 1.2/1.3, its cipher list); sendfile does not apply to SSL connections without kTLS.
  server {
    listen 127.0.0.1:$NGINX_TLS_PORT ssl;
    ssl_certificate $WORK/cert.pem;
    ssl_certificate_key $WORK/key.pem;
    root $WORK/www;
  }
}
CONF
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -e "$WORK/nginx/logs/error.log"
for _ in $(seq 100); do [ -f "$WORK/nginx/nginx.pid" ] && break; sleep 0.1; done
NGINX_URL="http://127.0.0.1:$NGINX_PORT/image.iso"
NGINX_HTTPS_URL="https://127.0.0.1:$NGINX_TLS_PORT/image.iso"
IMAGE_SIZE="$(stat -c %s "$WORK/www/image.iso")"
export IMAGE_SIZE

# Both files into the page cache the same way before anything is measured. How a file got there decides the
# size of its page-cache folios, and sendfile's cost (and the client's, which copies from those pages) depends on
# it: `head -c` wrote the source in 4 KiB pieces (4 KiB folios), media-bench's copy_file_range wrote nginx's file
# in 16 MiB pieces (large folios). nginx itself, serving two copies of one image, one written with `dd bs=4k`
# and one with `cp`, spent ~25 us more kernel CPU per 1 MiB range on the first and ran 1-9 % slower (3 runs
# each, 200 connections). Left like that, nginx sent from large folios and we from small ones. So both files
# are written back, dropped from the cache and read back sequentially (readahead), like an ISO read from disk.
chmod 644 "$WORK/www/image.iso"
python3 - "$WORK/source.bin" "$WORK/www/image.iso" <<'PY'
import os, sys
for path in sys.argv[1:]:
    fd = os.open(path, os.O_RDONLY)
    os.fsync(fd)  # DONTNEED only drops clean pages
    os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    os.close(fd)
for path in sys.argv[1:]:
    with open(path, 'rb', buffering=0) as f:
        while f.read(1 << 20):
            pass
PY
# Same bytes from both before measuring anything.
OURS_SHA="$(curl -sS --fail "$OURS_URL" | sha256sum | cut -c1-64)"
NGINX_SHA="$(curl -sS --fail "$NGINX_URL" | sha256sum | cut -c1-64)"
FILE_SHA="$(sha256sum "$WORK/www/image.iso" | cut -c1-64)"
[ "$OURS_SHA" = "$FILE_SHA" ] && [ "$NGINX_SHA" = "$FILE_SHA" ] || { echo "sha256 differ: ours $OURS_SHA nginx $NGINX_SHA file $FILE_SHA"; exit 1; }
OURS_TLS_SHA="$(curl -sS --fail --cacert "$WORK/cert.pem" "$OURS_HTTPS_URL" | sha256sum | cut -c1-64)"
NGINX_TLS_SHA="$(curl -sS --fail --cacert "$WORK/cert.pem" "$NGINX_HTTPS_URL" | sha256sum | cut -c1-64)"
[ "$OURS_TLS_SHA" = "$FILE_SHA" ] && [ "$NGINX_TLS_SHA" = "$FILE_SHA" ] || { echo "sha256 over https differ: ours $OURS_TLS_SHA nginx $NGINX_TLS_SHA"; exit 1; }
echo "   both serve the same $IMAGE_SIZE bytes (sha256 $FILE_SHA)"
echo "   ours:  $OURS_URL"
echo "   nginx: $NGINX_URL ($("$NGINX" -v 2>&1 | sed 's/.*: //'))"
echo "   https: $OURS_HTTPS_URL and $NGINX_HTTPS_URL (same bytes over TLS, $(openssl version))"

rss_kib() {  # total VmRSS of the given pids (KiB)
  local total=0
  for pid in "$@"; do total=$((total + $(awk '/^VmRSS:/{print $2}' "/proc/$pid/status" 2>/dev/null || echo 0))); done
  echo "$total"
}
nginx_pids() { echo "$(cat "$WORK/nginx/nginx.pid") $(pgrep -P "$(cat "$WORK/nginx/nginx.pid")" | tr '\n' ' ')"; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

if [ "$ONLY" != https ]; then
echo "== 1. full GET with curl (7 interleaved runs each, median MiB/s)"
: > "$WORK/full.ours"; : > "$WORK/full.nginx"
for _ in 1 2 3 4 5 6 7; do
  curl -sS -o /dev/null -w '%{speed_download}\n' "$OURS_URL" >> "$WORK/full.ours"
  curl -sS -o /dev/null -w '%{speed_download}\n' "$NGINX_URL" >> "$WORK/full.nginx"
done
FULL_OURS="$(median < "$WORK/full.ours" | awk '{printf "%.0f", $1/1048576}')"
FULL_NGINX="$(median < "$WORK/full.nginx" | awk '{printf "%.0f", $1/1048576}')"
echo "   ours $FULL_OURS MiB/s, nginx $FULL_NGINX MiB/s (runs: ours $(awk '{printf "%.0f ", $1/1048576}' "$WORK/full.ours")/ nginx $(awk '{printf "%.0f ", $1/1048576}' "$WORK/full.nginx"))"

fi

# wrk run → "requests/s MiB/s non2xx peakRSS_KiB", sampling the RSS of the given pids while it runs.
run_wrk() {
  local url="$1" connections="$2"; shift 2
  local out="$WORK/wrk.$RANDOM"
  wrk -t2 -c"$connections" -d"${DURATION}s" --latency -s Tests/Benchmarks/media-server-ranges.lua "$url" > "$out" 2> "$out.err" &
  local wrk_pid=$! peak=0 now
  while kill -0 "$wrk_pid" 2>/dev/null; do
    now="$(rss_kib "$@")"; [ "$now" -gt "$peak" ] && peak="$now"
    sleep 0.2
  done
  wait "$wrk_pid"
  local rps mibs errors
  rps="$(awk '/^Requests\/sec/{print $2}' "$out")"
  mibs="$(awk '/^Transfer\/sec/{v=$2; if (v ~ /GB/) {sub("GB","",v); v*=1024} else if (v ~ /MB/) {sub("MB","",v)} else if (v ~ /KB/) {sub("KB","",v); v/=1024}; print v}' "$out")"
  # One token: "non2xx=N,connect=N,read=N,write=N,timeout=N" (wrk omits the lines when all are zero).
  errors="non2xx=$(awk '/Non-2xx/{print $5}' "$out" | grep . || echo 0)"
  errors="$errors$(awk '/Socket errors/{gsub(/ /, ""); sub(/Socketerrors:/, ""); printf ",%s", $0}' "$out")"
  echo "$rps $mibs $errors $peak $(awk '/ 99%/{print $2}' "$out")"
}

# Each wrk measurement is repeated ROUNDS times, alternating which server goes first (ABBA), and the medians are
# compared: on 2 cores shared with wrk, one 20 s run of either server swings by +-5 % from run to run (the
# client's CPU per 1 MiB varies that much), more than the difference being measured.
if [ "$ONLY" != https ]; then
for connections in 32 200; do
  echo "== $([ "$connections" = 32 ] && echo 2 || echo 3). $connections connections, random 1 MiB ranges, ${DURATION} s (wrk -t2), $ROUNDS rounds"
  : > "$WORK/rps.ours"; : > "$WORK/rps.nginx"; O_RSS=0; N_RSS=0; ROUND_RATIOS=""
  for round in $(seq "$ROUNDS"); do
    order="ours nginx"; [ $((round % 2)) = 0 ] && order="nginx ours"
    for server in $order; do
      if [ "$server" = ours ]; then
        read -r O_RPS O_MIBS O_ERR O_PEAK O_P99 <<< "$(run_wrk "$OURS_URL" "$connections" "$OURS_PID")"
        [ "$O_PEAK" -gt "$O_RSS" ] && O_RSS="$O_PEAK"
        echo "$O_RPS" >> "$WORK/rps.ours"
      else
        # shellcheck disable=SC2046
        read -r N_RPS N_MIBS N_ERR N_PEAK N_P99 <<< "$(run_wrk "$NGINX_URL" "$connections" $(nginx_pids))"
        [ "$N_PEAK" -gt "$N_RSS" ] && N_RSS="$N_PEAK"
        echo "$N_RPS" >> "$WORK/rps.nginx"
      fi
    done
    echo "   round $round: ours  $O_RPS req/s  $O_MIBS MiB/s  p99 $O_P99  errors: $O_ERR"
    echo "   round $round: nginx $N_RPS req/s  $N_MIBS MiB/s  p99 $N_P99  errors: $N_ERR"
    ROUND_RATIOS="$ROUND_RATIOS $(awk -v a="$O_RPS" -v b="$N_RPS" 'BEGIN {printf "%.2f", a / b}')"
  done
  O_MED="$(median < "$WORK/rps.ours")"; N_MED="$(median < "$WORK/rps.nginx")"
  echo "   median: ours $O_MED req/s, nginx $N_MED req/s; per-round ratios:$ROUND_RATIOS"
  echo "   peak RSS: ours $((O_RSS / 1024)) MiB, nginx $((N_RSS / 1024)) MiB (master + workers)"
  eval "RPS_OURS_$connections=$O_MED RPS_NGINX_$connections=$N_MED RSS_OURS_$connections=$O_RSS RSS_NGINX_$connections=$N_RSS RATIOS_$connections='$ROUND_RATIOS'"
done

fi

echo "== 4. HTTPS: full GET (7 interleaved runs, median MiB/s) and 32 connections of random 1 MiB ranges, ${DURATION} s, $ROUNDS rounds"
: > "$WORK/tls.ours"; : > "$WORK/tls.nginx"
for _ in 1 2 3 4 5 6 7; do
  curl -sS --cacert "$WORK/cert.pem" -o /dev/null -w '%{speed_download}\n' "$OURS_HTTPS_URL" >> "$WORK/tls.ours"
  curl -sS --cacert "$WORK/cert.pem" -o /dev/null -w '%{speed_download}\n' "$NGINX_HTTPS_URL" >> "$WORK/tls.nginx"
done
TLS_FULL_OURS="$(median < "$WORK/tls.ours" | awk '{printf "%.0f", $1/1048576}')"
TLS_FULL_NGINX="$(median < "$WORK/tls.nginx" | awk '{printf "%.0f", $1/1048576}')"
echo "   full GET: ours $TLS_FULL_OURS MiB/s, nginx $TLS_FULL_NGINX MiB/s (runs: ours $(awk '{printf "%.0f ", $1/1048576}' "$WORK/tls.ours")/ nginx $(awk '{printf "%.0f ", $1/1048576}' "$WORK/tls.nginx"))"
: > "$WORK/tlsrps.ours"; : > "$WORK/tlsrps.nginx"; TLS_RATIOS=""
for round in $(seq "$ROUNDS"); do
  order="ours nginx"; [ $((round % 2)) = 0 ] && order="nginx ours"
  for server in $order; do
    if [ "$server" = ours ]; then
      read -r O_RPS O_MIBS O_ERR O_PEAK O_P99 <<< "$(run_wrk "$OURS_HTTPS_URL" 32 "$OURS_PID")"
      echo "$O_RPS" >> "$WORK/tlsrps.ours"
    else
      # shellcheck disable=SC2046
      read -r N_RPS N_MIBS N_ERR N_PEAK N_P99 <<< "$(run_wrk "$NGINX_HTTPS_URL" 32 $(nginx_pids))"
      echo "$N_RPS" >> "$WORK/tlsrps.nginx"
    fi
  done
  echo "   round $round: ours  $O_RPS req/s  $O_MIBS MiB/s  p99 $O_P99  RSS $((O_PEAK / 1024)) MiB  errors: $O_ERR"
  echo "   round $round: nginx $N_RPS req/s  $N_MIBS MiB/s  p99 $N_P99  RSS $((N_PEAK / 1024)) MiB  errors: $N_ERR"
  TLS_RATIOS="$TLS_RATIOS $(awk -v a="$O_RPS" -v b="$N_RPS" 'BEGIN {printf "%.2f", a / b}')"
done
TLS_RPS_OURS="$(median < "$WORK/tlsrps.ours")"; TLS_RPS_NGINX="$(median < "$WORK/tlsrps.nginx")"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", a / b}'; }
echo
echo "== summary (ours / nginx; target >= 1.00 each, our RSS <= 64 MiB at 200 connections)"
if [ "$ONLY" != https ]; then
echo "   full GET:            $(ratio "$FULL_OURS" "$FULL_NGINX")x   ($FULL_OURS vs $FULL_NGINX MiB/s)"
echo "   32 conns, 1 MiB:     $(ratio "$RPS_OURS_32" "$RPS_NGINX_32")x   ($RPS_OURS_32 vs $RPS_NGINX_32 req/s, medians of $ROUNDS; rounds:$RATIOS_32)"
echo "   200 conns, 1 MiB:    $(ratio "$RPS_OURS_200" "$RPS_NGINX_200")x   ($RPS_OURS_200 vs $RPS_NGINX_200 req/s, medians of $ROUNDS; rounds:$RATIOS_200)"
echo "   RSS at 200 conns:    ours $((RSS_OURS_200 / 1024)) MiB, nginx $((RSS_NGINX_200 / 1024)) MiB"
fi
echo "   https full GET:      $(ratio "$TLS_FULL_OURS" "$TLS_FULL_NGINX")x   ($TLS_FULL_OURS vs $TLS_FULL_NGINX MiB/s)"
echo "   https 32 conns:      $(ratio "$TLS_RPS_OURS" "$TLS_RPS_NGINX")x   ($TLS_RPS_OURS vs $TLS_RPS_NGINX req/s, medians of $ROUNDS; rounds:$TLS_RATIOS)"
echo "   machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(uname -r)"
