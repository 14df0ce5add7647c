#!/usr/bin/env bash
# Remaster benchmark, run in one go (never part of the test suite):
#   bash Tests/Benchmarks/remaster.sh [HOSTS=50] [SIZE=600MiB] [WRITE_HOSTS=5]
# Builds a release vmedia, makes an ESXi 8.0-shaped fixture of SIZE, then measures in the same run:
#   - building HOSTS per-host LayeredImages (vmedia-bench remaster): time and overlay per host;
#   - writing one host's ISO (vmedia remaster) against cp + sync of the same file;
#   - xorriso's own way: -indev SRC -outdev OUT -boot_image any replay -map …;
#   - the old bash tool's way: extract with xorriso, sed both boot.cfg files, genisoimage -J -R;
#   - vmedia remaster writing WRITE_HOSTS hosts' files (each is a full-size ISO on disk).
# Prints ratios. The page cache is warm for every contender (the source is read once before timing).
set -euo pipefail
cd "$(dirname "$0")/../.."
HOSTS="${1:-50}"
SIZE="${2:-600MiB}"
WRITE_HOSTS="${3:-5}"
W="$(mktemp -d /tmp/vmedia-bench-remaster.XXXXXX)"
trap 'rm -rf "$W"' EXIT

swift build -c release --static-swift-stdlib --product vmedia >/dev/null
swift build -c release --static-swift-stdlib --product vmedia-bench >/dev/null
BIN="$(swift build -c release --static-swift-stdlib --show-bin-path)"
VM="$BIN/vmedia"

echo "== fixture: ESXi 8.0, $SIZE"
"$VM" fixture --esxi 8.0 --size "$SIZE" --timestamp 1700000000 --output "$W/src.iso" >/dev/null
cat "$W/src.iso" > /dev/null
# Flush the fixture's dirty pages first: otherwise their writeback competes with whichever contender runs first.
sync

now() { date +%s.%N; }
elapsed() { echo "$2 - $1" | bc -l; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# A hosts file with HOSTS hosts on documentation-only addresses (never contacted: remaster is offline).
{
  echo "hosts:"
  for i in $(seq 1 "$HOSTS"); do
    a=$(( i / 250 )); b=$(( i % 250 + 1 ))
    cat <<HOST
- ipmi: {vendor: dell, address: 192.0.2.$i, username: root, password: calvin}
  esxi: {esxi_disk: "DELLBOSS VD", password: "VMware1!", address: 198.18.$a.$b, gateway: 198.18.0.254, netmask: 255.254.0.0, mgtnic: vmnic0}
HOST
  done
} > "$W/hosts.yaml"
head -3 "$W/hosts.yaml" > /dev/null

echo "== per-host images (metadata only)"
"$BIN/vmedia-bench" remaster "$W/src.iso" --hosts "$HOSTS"

echo "== one host's ISO written to a file, 5 runs each, alternating (median)"
cp_runs=(); vm_runs=(); xo_runs=()
awk 'NR<=3' "$W/hosts.yaml" > "$W/one.yaml"
for run in 1 2 3 4 5; do
  rm -rf "$W/cp.iso" "$W/out1"; sync
  t0=$(now); cp "$W/src.iso" "$W/cp.iso"; sync "$W/cp.iso"; t1=$(now)
  cp_runs+=("$(elapsed "$t0" "$t1")")
  rm -f "$W/cp.iso"; sync
  t0=$(now); "$VM" remaster --config "$W/one.yaml" --iso "$W/src.iso" --output "$W/out1" >/dev/null; t1=$(now)
  vm_runs+=("$(elapsed "$t0" "$t1")")
  # xorriso's growing/modifying with boot replay, the closest peer to what vmedia does.
  "$VM" kickstart --config "$W/one.yaml" --show-secrets > "$W/ks.cfg"
  xorriso -osirrox on -indev "$W/src.iso" -extract /BOOT.CFG "$W/boot.cfg" -extract /EFI/BOOT/BOOT.CFG "$W/efiboot.cfg" >/dev/null 2>&1
  chmod u+w "$W/boot.cfg" "$W/efiboot.cfg"
  sed -i 's/cdromBoot/ks=cdrom:\/KS.CFG/' "$W/boot.cfg" "$W/efiboot.cfg"
  rm -f "$W/xorriso.iso"; rm -rf "$W/out1"; sync
  t0=$(now)
  xorriso -indev "$W/src.iso" -outdev "$W/xorriso.iso" -boot_image any replay -rockridge off \
    -map "$W/ks.cfg" /KS.CFG -map "$W/boot.cfg" /BOOT.CFG -map "$W/efiboot.cfg" /EFI/BOOT/BOOT.CFG -commit >/dev/null 2>&1
  sync "$W/xorriso.iso"; t1=$(now)
  xo_runs+=("$(elapsed "$t0" "$t1")")
done
cp_t=$(median "${cp_runs[@]}"); vm_t=$(median "${vm_runs[@]}"); xo_t=$(median "${xo_runs[@]}")
bytes=$(stat -c %s "$W/src.iso")
printf 'cp + sync:         %6.3f s  (%4.0f MiB/s)\n' "$cp_t" "$(echo "$bytes / 1048576 / $cp_t" | bc -l)"
printf 'vmedia remaster:   %6.3f s  (%4.0f MiB/s)  throughput vs cp: %.2fx (target >= 0.9x)\n' "$vm_t" "$(echo "$bytes / 1048576 / $vm_t" | bc -l)" "$(echo "$cp_t / $vm_t" | bc -l)"
printf 'xorriso replay:    %6.3f s  vmedia is %.2fx faster\n' "$xo_t" "$(echo "$xo_t / $vm_t" | bc -l)"

echo "== the old tool's way for one host: extract, sed, genisoimage -J -R"
rm -rf "$W/tree"; mkdir "$W/tree"
t0=$(now)
xorriso -osirrox on -indev "$W/src.iso" -extract / "$W/tree" >/dev/null 2>&1
chmod -R u+w "$W/tree"
t1=$(now)
sed -i 's/cdromBoot/ks=cdrom:\/KS.CFG/' "$W/tree/BOOT.CFG" "$W/tree/EFI/BOOT/BOOT.CFG"
cp "$W/ks.cfg" "$W/tree/KS.CFG"
genisoimage -quiet -relaxed-filenames -J -R -o "$W/old.iso" -b ISOLINUX.BIN -c BOOT.CAT -no-emul-boot \
  -boot-load-size 4 -boot-info-table -eltorito-alt-boot -e EFIBOOT.IMG -no-emul-boot "$W/tree"
sync "$W/old.iso"
t2=$(now)
old_extract=$(elapsed "$t0" "$t1"); old_build=$(elapsed "$t1" "$t2")
printf 'extract once:      %6.3f s\n' "$old_extract"
printf 'sed + genisoimage: %6.3f s per host  vmedia is %.2fx faster per host\n' "$old_build" "$(echo "$old_build / $vm_t" | bc -l)"

echo "== $WRITE_HOSTS hosts written to files, both ways measured (every file fsynced; the disk, not the CPU, sets the pace)"
awk -v n=$(( WRITE_HOSTS * 2 + 1 )) 'NR<=n' "$W/hosts.yaml" > "$W/some.yaml"
rm -f "$W/old.iso"; sync
t0=$(now); "$VM" remaster --config "$W/some.yaml" --iso "$W/src.iso" --output "$W/all" >/dev/null; t1=$(now)
all_t=$(elapsed "$t0" "$t1")
echo "disk used by the $WRITE_HOSTS files: $(du -sh "$W/all" | cut -f1) (each a full copy; vmedia install/serve need none)"
rm -rf "$W/all"; sync
# The old way per host: its own kickstart into the extracted tree, genisoimage, sync (the tree is extracted once).
t0=$(now)
for i in $(seq 1 "$WRITE_HOSTS"); do
  awk -v n=$(( i * 2 + 1 )) 'NR==1 || NR==n-1 || NR==n' "$W/hosts.yaml" > "$W/host-$i.yaml"
  "$VM" kickstart --config "$W/host-$i.yaml" --show-secrets > "$W/tree/KS.CFG"
  genisoimage -quiet -relaxed-filenames -J -R -o "$W/old-$i.iso" -b ISOLINUX.BIN -c BOOT.CAT -no-emul-boot \
    -boot-load-size 4 -boot-info-table -eltorito-alt-boot -e EFIBOOT.IMG -no-emul-boot "$W/tree" 2>/dev/null
  sync "$W/old-$i.iso"
done
t1=$(now)
old_all=$(elapsed "$t0" "$t1")
printf 'vmedia remaster:   %6.3f s for %d hosts\n' "$all_t" "$WRITE_HOSTS"
printf 'the old way:       %6.3f s for %d hosts (+ %.3f s extracting once)  vmedia is %.2fx faster\n' \
  "$old_all" "$WRITE_HOSTS" "$old_extract" "$(echo "($old_all + $old_extract) / $all_t" | bc -l)"
