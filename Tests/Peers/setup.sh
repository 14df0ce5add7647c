#!/usr/bin/env bash
# Installs the independent peers the tests run against: Debian packages (xorriso, isoinfo, 7z, QEMU,
# OVMF, isolinux, GRUB, nginx, wrk, Go and govmomi …), a Python venv with pycdlib and sushy-tools, and
# govmomi's vSphere API simulator built from Debian's sources (.build-peers/bin/vmedia-govmomi-sim).
# Idempotent: does nothing that is already done. Needs root (or sudo) only for missing apt packages.
set -euo pipefail
cd "$(dirname "$0")/../.."

APT_PACKAGES=(
  zlib1g-dev libcurl4-openssl-dev pkg-config
  xorriso genisoimage 7zip isolinux syslinux-common mtools dosfstools
  qemu-system-x86 qemu-block-extra qemu-utils ovmf grub-efi-amd64-bin grub-common grub2-common
  nginx-light wrk wget curl openssl python3-venv iproute2 chromium tmux
  golang-go golang-github-vmware-govmomi-dev
)
PYPI_PACKAGES=(pycdlib==1.15.0 sushy-tools==2.2.0)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "peers: installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

VENV="${VMEDIA_PEERS_VENV:-$PWD/.build-peers/venv}"
if [ ! -x "$VENV/bin/python3" ]; then
  echo "peers: creating Python venv $VENV"
  /usr/bin/python3 -m venv "$VENV"
fi
if ! "$VENV/bin/python3" -c 'import pycdlib, sushy_tools' 2>/dev/null; then
  echo "peers: installing ${PYPI_PACKAGES[*]} into $VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check "${PYPI_PACKAGES[@]}"
fi
# govmomi's simulator around simulator.ESX()/VPX(): GOPATH mode over Debian's /usr/share/gocode, so nothing is
# downloaded. Rebuilt when the source is newer than the binary.
SIM="$PWD/.build-peers/bin/vmedia-govmomi-sim"
SIM_SOURCE="$PWD/Tests/Peers/govmomi-sim/main.go"
if [ ! -x "$SIM" ] || [ "$SIM_SOURCE" -nt "$SIM" ]; then
  echo "peers: building $SIM (govmomi $(dpkg-query -W -f='${Version}' golang-github-vmware-govmomi-dev))"
  mkdir -p "$(dirname "$SIM")"
  GO111MODULE=off GOPATH=/usr/share/gocode GOFLAGS= GOCACHE="$PWD/.build-peers/go-cache" GOPROXY=off \
    go build -o "$SIM" ./Tests/Peers/govmomi-sim
fi
echo "peers: ready (venv $VENV, $SIM)"
