#!/usr/bin/env bash
# Builds the ISO 9660 fuzzer (reader and the whole edit path; libFuzzer + AddressSanitizer) in its own scratch path, so the
# instrumentation never leaks into the normal build, and runs it for a bounded time, seeded with the
# committed malformed corpus and a few valid images.
#
#   bash Tests/Fuzz/run.sh [seconds]      (default 60)
#
# Exit status is libFuzzer's: non-zero when it found a crash, leak or timeout; the input is saved under
# .build-fuzz/crashes/ and can be replayed with `swift run iso9660-fuzz FILE` in a plain build.
set -euo pipefail
cd "$(dirname "$0")/../.."
RUN_SECONDS="${1:-60}"
SCRATCH=.build-fuzz

swift build --scratch-path "$SCRATCH" --product iso9660-fuzz -Xswiftc -sanitize=fuzzer,address

CORPUS="$SCRATCH/corpus"
CRASHES="$SCRATCH/crashes"
mkdir -p "$CORPUS" "$CRASHES"
cp Fixtures/malformed/*.iso "$CORPUS"/
# Valid seeds let the fuzzer reach directory, Rock Ridge, Joliet and El Torito code quickly.
if command -v genisoimage >/dev/null; then
  SEED_TREE="$SCRATCH/seed-tree"
  rm -rf "$SEED_TREE" && mkdir -p "$SEED_TREE/EFI/BOOT" "$SEED_TREE/deep/1/2/3/4/5/6/7/8"
  # BOOT.CFG files in ESXi's shape, so ESXiRemaster accepts the seeds and the fuzzer starts on the edit path.
  printf 'bootstate=0\nkernel=/b.b00\nkernelopt=runweasel cdromBoot\nmodules=/b.b00\n' > "$SEED_TREE/EFI/BOOT/BOOT.CFG"
  cp "$SEED_TREE/EFI/BOOT/BOOT.CFG" "$SEED_TREE/BOOT.CFG"
  printf 'kernel\n' > "$SEED_TREE/b.b00"
  printf 'x' > "$SEED_TREE/deep/1/2/3/4/5/6/7/8/f"
  head -c 2048 /dev/zero > "$SEED_TREE/boot.img"
  genisoimage -quiet -no-pad -o "$CORPUS/seed-plain.iso" "$SEED_TREE"
  genisoimage -quiet -no-pad -J -R -b boot.img -c boot.cat -no-emul-boot -boot-load-size 4 \
    -eltorito-alt-boot -e boot.img -no-emul-boot -o "$CORPUS/seed-jr-eltorito.iso" "$SEED_TREE"
  # The one-field edits of issue 17 that used to trap the editor (ImageEditPlanner overflowed on them):
  # volume space size, the initial entry's load RBA, the boot catalog pointer, each set to 0xFFFFFFFF.
  python3 - "$CORPUS" <<'PY'
import struct, sys
corpus = sys.argv[1]
base = bytearray(open(corpus + "/seed-jr-eltorito.iso", "rb").read())
catalog = struct.unpack_from("<I", base, 17 * 2048 + 71)[0]
for name, offset, size in (("volume-space-size", 16 * 2048 + 80, 8), ("load-rba", catalog * 2048 + 40, 4),
                           ("catalog-pointer", 17 * 2048 + 71, 4)):
    data = bytearray(base)
    data[offset:offset + size] = b"\xff" * size
    open(f"{corpus}/seed-crafted-{name}.iso", "wb").write(data)
PY
fi

# Swift's backtracer confuses ASan reports (see reference/swift-stack.md §7).
export SWIFT_BACKTRACE=enable=no
exec "$SCRATCH/debug/iso9660-fuzz" "$CORPUS" \
  -max_total_time="$RUN_SECONDS" -max_len=131072 -timeout=10 -rss_limit_mb=2048 \
  -artifact_prefix="$CRASHES/" -print_final_stats=1
