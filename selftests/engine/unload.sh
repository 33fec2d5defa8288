#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Unloading the module with 100,000 objects and 100,000 members present in
# two namespaces (one with an open transaction) frees everything: the
# module reports no leak, and loads again.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/engine.inc"
require_cmd strata-probe rmmod insmod
engine_reset || { log_test "fresh module" 1; ktap_finish; }

setup_ns U || { log_test "namespace" 1; ktap_finish; }
kmsg_mark unload-begin
t0=$(date +%s)
PROBE_PREFIX="load: "
probe <<'P'
image tiers=25000 policies=25000 rules=1 ipsets=25000 members=4 endpoints=25000 => ok
ioc-stats => ok "tiers=25000 policies=25000 rules=25000 ipsets=25000 members=100000 endpoints=25000 "
P
probe "$U" <<'P'
image tiers=10 ipsets=1 members=100000 endpoints=10 policies=10 rules=3 => ok
sock 1
begin => ok
bulk tier 11 1000 => ok
P
t1=$(date +%s)
diag "loading took $((t1 - t0))s"
check "rmmod with the objects present" rmmod strata
t2=$(date +%s)
diag "unloading took $((t2 - t1))s"
log=$(kmsg_since unload-begin)
bad=$(printf '%s\n' "$log" | grep -E 'leaked|WARNING|BUG' || true)
[ -z "$bad" ] || diag "$bad"
check_eq "nothing leaked" "$bad" ""
check "insmod again" insmod "$STRATA_KO"
PROBE_PREFIX="after reload: "
probe <<'P'
stats => ok "gen=0 tiers=0 policies=0 rules=0 ipsets=0 members=0 endpoints=0 "
P
probe "$U" <<'P'
stats => ok "gen=0 tiers=0 "
P

ktap_finish
