#!/usr/bin/env bash
# Makes a Python base image for Benchtop's Docker backend with no registry: a minimal Debian
# from the apt mirror this machine already uses (debootstrap), imported with `docker import`.
#   scripts/make-base-image.sh [TAG] [SUITE]
# Needs root, debootstrap and a running Docker engine. The rootfs tarball is cached in
# $BENCHTOP_BASE_CACHE (default /var/cache/benchtop) so a second run only re-imports it.
set -euo pipefail
tag="${1:-benchtop/base:bookworm-python}"
suite="${2:-bookworm}"
cache="${BENCHTOP_BASE_CACHE:-/var/cache/benchtop}"
tarball="$cache/rootfs-$suite-python.tar"
docker_cli="${DOCKER:-docker}"

if "$docker_cli" image inspect "$tag" >/dev/null 2>&1; then
  echo "base image $tag is already there"
  exit 0
fi

mirror_of_apt() {
  # The first deb URI apt is configured with (deb822 .sources files, then sources.list).
  local uri
  uri=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | grep -v security | head -n1 | awk '{print $2}' || true)
  [ -n "$uri" ] || uri=$(grep -hE '^deb ' /etc/apt/sources.list 2>/dev/null | grep -v security | head -n1 | awk '{print $2}' || true)
  echo "$uri"
}

if [ ! -s "$tarball" ]; then
  mirror="${BENCHTOP_DEBIAN_MIRROR:-$(mirror_of_apt)}"
  [ -n "$mirror" ] || { echo "error: no Debian mirror found in apt's sources" >&2; echo "hint: set BENCHTOP_DEBIAN_MIRROR" >&2; exit 2; }
  root=$(mktemp -d /tmp/benchtop-rootfs.XXXXXX)
  trap 'rm -rf "$root"' EXIT
  echo "debootstrap $suite (python3, venv, pip) into $root"
  debootstrap --variant=minbase --include=python3,python3-venv,python3-pip,ca-certificates "$suite" "$root" "$mirror" >"$root.log" 2>&1 \
    || { tail -n 20 "$root.log" >&2; exit 1; }
  # The machine's CA bundle, so pip inside containers trusts what the machine trusts.
  [ -f /etc/ssl/certs/ca-certificates.crt ] && cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  mkdir -p "$cache"
  tar -C "$root" -cf "$tarball.partial" .
  mv "$tarball.partial" "$tarball"
fi

"$docker_cli" import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["python3"]' \
  "$tarball" "$tag" >/dev/null
echo "made base image $tag from $tarball"
echo "use it for environments without a base image of their own: benchtop docker base-image $tag"
