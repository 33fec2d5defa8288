#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Network namespace isolation and cleanup.
#
#   ns A, ns B (and the init netns): each its own objects, generation,
#   transaction and commit events; the ioctls act on the caller's netns
#   ns C: 20,000 objects, deleted with the namespace; the module then
#   unloads without reporting any leak
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/engine.inc"
require_cmd strata-probe ip rmmod insmod
engine_reset || { log_test "fresh module" 1; ktap_finish; }

setup_ns A B C || { log_test "namespaces" 1; ktap_finish; }
kmsg_mark netns-begin

PROBE_PREFIX="isolation: "
probe <<P
flush
netns $A
sock 1
subscribe config => ok
tier 1 name=in-a => ok
tier 2 name=a2 => ok
sock 2
begin => ok
tier 3 name=a3 => ok
netns $B
sock 3
stats => ok "^errno=0 gen=0 tiers=0 .* tx=0"
dump tier => ok "count=0"
get tier 1 => ENOENT
tier 1 name=in-b => ok "gen=1$"
begin => ok
abort => ok
image tiers=7 ipsets=1 members=5 => ok "gen=2$"
ioc-stats => ok "gen=2 tiers=7 .* members=5 "
events => ok "n=2 last=2$"
netns $A
sock 4
stats => ok "^errno=0 gen=2 tiers=2 .* tx=1"
get tier 1 => ok "name=in-a"
ioc-stats => ok "gen=2 tiers=2 .* members=0 .* tx=1"
tier 4 name=a4 => EBUSY "another socket's transaction is open"
sock 2
commit => ok "gen=3$"
sock 4
get tier 3 => ok "name=a3"
netns /proc/1/ns/net
sock 5
stats => ok "tiers=0 .* tx=0"
dump tier => ok "count=0"
P

PROBE_PREFIX="cleanup: "
probe <<P
netns $C
sock 1
stats => ok "mem=[0-9]+ "
image tiers=5000 policies=5000 rules=2 ipsets=5000 members=4 endpoints=5000 => ok
ioc-stats => ok "tiers=5000 policies=5000 rules=10000 ipsets=5000 members=20000 endpoints=5000 .*mem=[0-9]{7,} "
begin => ok
bulk tier 5001 5100 => ok
P
ip netns del "$C"
ip netns del "$A"
ip netns del "$B"
NS_LIST=""
# namespace teardown runs in a workqueue: wait until it has happened
busywait 60000 sh -c '! ip netns list | grep -q .' || true
sleep 1
rmmod strata
insmod "$STRATA_KO"
log=$(kmsg_since netns-begin)
bad=$(printf '%s\n' "$log" | grep -E 'leaked|WARNING|BUG' || true)
[ -z "$bad" ] || diag "$bad"
check_eq "deleted namespaces and the unload leaked nothing" "$bad" ""
check "the module is back" stratactl version

ktap_finish
