#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Copy exactly what DKMS needs (Kbuild, dkms.conf, kmod/, include/uapi/)
# into DEST, with PACKAGE_VERSION set to VERSION. Never userspace/ or
# selftests/, and no build products.
#
#   dkms-stage.sh DEST VERSION
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
dest=${1:?usage: dkms-stage.sh DEST VERSION}
ver=${2:?usage: dkms-stage.sh DEST VERSION}

rm -rf "$dest"
mkdir -p "$dest"
cd "$top"
find Kbuild dkms.conf kmod include/uapi -type f \
	\( -name Kbuild -o -name dkms.conf -o -name '*.[ch]' \
	   -o -name Kbuild.include \) -print | cpio -pdm --quiet "$dest"
sed -i "s/^PACKAGE_VERSION=.*/PACKAGE_VERSION=\"$ver\"/" "$dest/dkms.conf"
# The version DKMS builds is the package version (no git there).
sed -i "s/^#define STRATA_VERSION \".*\"/#define STRATA_VERSION \"$ver\"/" \
	"$dest/kmod/version.h"
