#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unload and reload strata.ko 50 times, with network namespaces holding
# engine state coming and going, and check that every cycle leaves nothing
# behind: the module accounts every allocation it makes and reports, per
# namespace and at unload, any it did not free.
. "$(dirname "$0")/../lib.sh"
require_cmd insmod rmmod ip strata-probe

CYCLES=${CYCLES:-50}
echo "strata-selftest: load-unload begin" > /dev/kmsg

fail=0
i=0
while [ $i -lt "$CYCLES" ]; do
	ip netns add "lu-a-$i" && ip netns add "lu-b-$i" || fail=1
	# state in both: one namespace dies with the module loaded, the
	# other while it is not
	for ns in "lu-a-$i" "lu-b-$i"; do
		echo "image tiers=2 policies=2 rules=2 ipsets=2 members=3 endpoints=2 => ok" |
			ip netns exec "$ns" strata-probe run >/dev/null ||
			{ diag "loading state in $ns failed in cycle $i"; fail=1; }
	done
	rmmod strata || { diag "rmmod failed in cycle $i"; fail=1; break; }
	ip netns del "lu-a-$i"
	insmod "$STRATA_KO" || { diag "insmod failed in cycle $i"; fail=1; break; }
	ip netns del "lu-b-$i"
	i=$((i + 1))
done
log_test "$CYCLES unload/reload cycles with namespaces" $fail
check_eq "module is loaded at the end" "$(test -d /sys/module/strata && echo y)" y
check "stratactl works after the cycles" stratactl version

log=$(dmesg | sed -n '/strata-selftest: load-unload begin/,$p')
bad=$(printf '%s\n' "$log" | grep -E 'leaked|still has objects|Objects remaining|WARNING|BUG' || true)
[ -z "$bad" ] || diag "$bad"
check_eq "no leak or warning reported during the cycles" "$bad" ""
loads=$(printf '%s\n' "$log" | grep -c 'strata: version .* loaded')
check_eq "every reload logged its banner" "$loads" "$CYCLES"

ktap_finish
