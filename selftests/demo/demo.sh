#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The README demo, run inside the VM by `make demo`: the module is loaded
# by the harness; show it answering over generic netlink and /dev/strata.
. "$(dirname "$0")/../lib.sh"

say() { printf '\n$ %s\n' "$*"; }

say "lsmod | grep strata"
lsmod | grep '^strata'
say "genl ctrl get name strata"
genl ctrl get name strata
say "ls -l /dev/strata"
ls -l /dev/strata
say "stratactl version"
stratactl version
say "stratactl -j version"
stratactl -j version
say "setpriv --bounding-set=-net_admin -- stratactl version"
setpriv --bounding-set=-net_admin -- stratactl version
echo "(exit status $?)"
echo

check "the module answers over generic netlink and ioctl" stratactl version
ktap_finish
