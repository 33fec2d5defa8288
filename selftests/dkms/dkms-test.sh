#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# DKMS end to end: on the host, `dkms add/build/install` the module for the
# guest's kernel (compiling under TCG would be slow); in the VM,
# `modprobe strata` must find and load that installed copy; then
# `dkms remove` takes it away again. Uses a private package version so it
# never touches a real installation.
#
#   dkms-test.sh KVER
set -eu

top=$(cd "$(dirname "$0")/../.." && pwd)
kver=${1:?usage: dkms-test.sh KVER}
ver=0.0.0-selftest
src=/usr/src/strata-$ver

cleanup()
{
	dkms remove -m strata -v "$ver" --all >/dev/null 2>&1 || true
	rm -rf "$src"
}
trap cleanup EXIT
cleanup

echo "TAP version 13"
n=0
fail=0
point()
{
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fail=1; fi
}

# Stage exactly what DKMS needs: Kbuild, dkms.conf, kmod/, include/uapi/.
"$top/scripts/dkms-stage.sh" "$src" "$ver"
rc=0; dkms add -m strata -v "$ver" >/dev/null 2>&1 || rc=$?
point $rc "dkms add"
rc=0; out=$(dkms build -m strata -v "$ver" -k "$kver" 2>&1) || rc=$?
[ $rc -eq 0 ] || printf '%s\n' "$out" | tail -20 | sed 's/^/# /'
point $rc "dkms build -k $kver"
rc=0; dkms install -m strata -v "$ver" -k "$kver" >/dev/null 2>&1 || rc=$?
point $rc "dkms install -k $kver"
ko=$(find "/lib/modules/$kver/updates" -name 'strata.ko*' 2>/dev/null | head -n1)
[ -n "$ko" ]; point $? "module installed under /lib/modules/$kver/updates"

rc=0
log=$(mktemp)
"$top/selftests/vm/run.sh" -k "$kver" --no-module --name dkms \
	selftests/dkms/guest-modprobe.sh >"$log" 2>&1 || rc=$?
sed 's/^/# /' "$log"
rm -f "$log"
point $rc "modprobe strata in the guest loads the DKMS module"

rc=0; dkms remove -m strata -v "$ver" --all >/dev/null 2>&1 || rc=$?
point $rc "dkms remove"
[ -z "$(find "/lib/modules/$kver/updates" -name 'strata.ko*' 2>/dev/null)" ]
point $? "module file gone after dkms remove"

echo "1..$n"
exit $fail
