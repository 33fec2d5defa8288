#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# make style: the kernel's checkpatch.pl --strict over kmod/ and include/,
# clang-format over userspace/ and the C test code. checkpatch comes from
# Debian's linux-source-6.1 tarball, extracted once into build/checkpatch.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cp_dir=$top/build/checkpatch
rc=0

if [ ! -x "$cp_dir/scripts/checkpatch.pl" ]; then
	tarball=$(ls /usr/src/linux-source-*.tar.* 2>/dev/null | sort -V | tail -n1)
	if [ -z "$tarball" ]; then
		echo "style: linux-source-6.1 is not installed (make deps)" >&2
		exit 1
	fi
	mkdir -p "$cp_dir"
	tar -xf "$tarball" -C "$cp_dir" --strip-components=1 --wildcards \
		'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
		'*/scripts/const_structs.checkpatch'
fi

cd "$top"
kfiles=$(find kmod include -name '*.[ch]' | sort)
# --no-tree: we are out of tree. FILE_PATH_CHANGES and SPDX placement do
# not apply to whole-file checks.
if ! perl "$cp_dir/scripts/checkpatch.pl" --strict --no-tree --terse \
	--show-types --ignore FILE_PATH_CHANGES -f $kfiles; then
	rc=1
fi

ufiles=$(find userspace selftests/unit selftests/helpers -name '*.[ch]' | sort)
if ! clang-format --dry-run --Werror $ufiles; then
	rc=1
fi

[ $rc -eq 0 ] && echo "style: clean"
exit $rc
