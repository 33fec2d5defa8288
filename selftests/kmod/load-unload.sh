#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unload and reload strata.ko 50 times, with network namespaces coming and
# going, and check that every cycle leaves nothing behind: the module's slab
# caches disappear with it (slab_nomerge keeps them separate, and the slab
# allocator reports a destroyed cache that still holds objects), and the
# module reports no leaked large allocations.
. "$(dirname "$0")/../lib.sh"
require_cmd insmod rmmod ip

CYCLES=${CYCLES:-50}
echo "strata-selftest: load-unload begin" > /dev/kmsg

fail=0
i=0
while [ $i -lt "$CYCLES" ]; do
	ip netns add "lu-a-$i" && ip netns add "lu-b-$i" || fail=1
	rmmod strata || { diag "rmmod failed in cycle $i"; fail=1; break; }
	if [ -e /sys/kernel/slab/strata_state ]; then
		diag "strata_state cache survived unload in cycle $i"
		fail=1
	fi
	ip netns del "lu-a-$i"
	insmod "$STRATA_KO" || { diag "insmod failed in cycle $i"; fail=1; break; }
	ip netns del "lu-b-$i"
	i=$((i + 1))
done
log_test "$CYCLES unload/reload cycles with namespaces" $fail
check_eq "module is loaded at the end" "$(test -d /sys/module/strata && echo y)" y
check "its slab cache exists while loaded" test -d /sys/kernel/slab/strata_state
check "stratactl works after the cycles" stratactl version

log=$(dmesg | sed -n '/strata-selftest: load-unload begin/,$p')
bad=$(printf '%s\n' "$log" | grep -E 'leaked|still has objects|Objects remaining|WARNING|BUG' || true)
[ -z "$bad" ] || diag "$bad"
check_eq "no leak or warning reported during the cycles" "$bad" ""
loads=$(printf '%s\n' "$log" | grep -c 'strata: version .* loaded')
check_eq "every reload logged its banner" "$loads" "$CYCLES"

ktap_finish
