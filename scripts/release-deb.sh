#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Builds the Debian packages of the checked-out commit (`pnpm deb`):
#   bash scripts/release-deb.sh [--out DIR] [--allow-dirty] [--no-lintian]
# Checks first (clean tree, cross toolchain, provisioned kernel, changelog
# entry), then `dpkg-buildpackage -a arm64 -b` with SOURCE_DATE_EPOCH from
# the commit, then lintian on every package. The .debs, .buildinfo and
# .changes land in DIR (default out/deb), the lintian report in
# DIR/lintian.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

out=out/deb
dirty_ok=0
lintian=1
while [ $# -gt 0 ]; do
	case "$1" in
	--out) out=$2; shift 2 ;;
	--allow-dirty) dirty_ok=1; shift ;;
	--no-lintian) lintian=0; shift ;;
	*) echo "release-deb: unknown option $1 (usage: --out DIR, --allow-dirty, --no-lintian)" >&2; exit 2 ;;
	esac
done

fail() {
	echo "release-deb: error: $*" >&2
	exit 1
}

command -v dpkg-buildpackage >/dev/null 2>&1 && command -v dh >/dev/null 2>&1 && [ -e /usr/share/perl5/Debian/Debhelper/Sequence/dkms.pm ] ||
	fail "the Debian packaging tools are missing (dpkg-dev, debhelper, dh-dkms): run \`pnpm provision --yes\`"
[ $lintian = 0 ] || command -v lintian >/dev/null 2>&1 || fail "lintian is missing: run \`pnpm provision --yes\`"
git rev-parse --git-dir >/dev/null 2>&1 || fail "not a git checkout: the packages are built from a commit (SOURCE_DATE_EPOCH is its date)"
if [ $dirty_ok = 0 ] && [ -n "$(git status --porcelain)" ]; then
	git status --short >&2
	fail "the working tree has uncommitted changes (above): commit or stash them; packages are built from a commit"
fi

# The date of every file in the packages, and of the changelog's trailer.
SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)
export SOURCE_DATE_EPOCH

# debian/control names the modules package after the provisioned kernel.
debian/rules debian/control
DEB_HOST_ARCH=arm64 DEB_HOST_GNU_TYPE=aarch64-linux-gnu debian/build-env check

mkdir -p "$out"
out=$(cd "$out" && pwd)
version=$(dpkg-parsechangelog -S Version)
# dpkg-buildpackage writes into the parent folder unless told otherwise:
# the .debs (debian/rules' JAILHOUSE_DEB_DESTDIR), .buildinfo and .changes
# go to a folder of our own.
build=$(mktemp -d "${TMPDIR:-/tmp}/jailhouse-deb-XXXXXX")
trap 'rm -rf "$build"' EXIT
JAILHOUSE_DEB_DESTDIR=$build dpkg-buildpackage -a arm64 -b -us -uc \
	--buildinfo-option=-u"$build" --buildinfo-option=-O"$build/jailhouse_${version}_arm64.buildinfo" \
	--changes-option=-u"$build" --changes-option=-O"$build/jailhouse_${version}_arm64.changes" \
	>"$build/build.log" 2>&1 || {
	tail -n 40 "$build/build.log" >&2
	fail "dpkg-buildpackage failed (last lines above; whole log: rerun with the same command)"
}
rm -f "$out"/*.deb "$out"/*.buildinfo "$out"/*.changes
mv "$build"/*.deb "$build"/*.buildinfo "$build"/*.changes "$out"/
cp "$build/build.log" "$out/build.log"

echo "packages (jailhouse $version, SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH) in $out:"
for deb in "$out"/*.deb; do
	printf '  %-55s %8s bytes  %s\n' "$(basename "$deb")" "$(stat -c %s "$deb")" "$(sha256sum "$deb" | cut -c1-16)"
done

if [ $lintian = 1 ]; then
	# every occurrence, with explanations; errors fail the build.
	lintian --tag-display-limit 0 --info "$out"/*.changes >"$out/lintian.txt" 2>&1 || true
	echo "lintian: $(grep -c '^E:' "$out/lintian.txt" || true) error(s), $(grep -c '^W:' "$out/lintian.txt" || true) warning(s) ($out/lintian.txt)"
	if grep -q '^E:' "$out/lintian.txt"; then
		grep '^E:' "$out/lintian.txt" >&2
		fail "lintian found errors (above)"
	fi
fi
