#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Limits: settings may lower the per-namespace limits (then -ENOSPC), never
# raise them above the module's hard caps (-ERANGE); the caps and the image
# size limit come from module parameters.
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/engine.inc"
require_cmd strata-probe rmmod insmod
engine_reset || { log_test "fresh module" 1; ktap_finish; }

PROBE_PREFIX="settings: "
probe <<'P'
flush
getsettings => ok "limit.tiers=65536 limit.policies=262144 limit.rules=4194304 limit.ipsets=262144 limit.members=16777216 limit.endpoints=262144"
settings limit.tiers=5 limit.policies=3 limit.rules=4 limit.ipsets=2 limit.members=10 limit.endpoints=2 => ok
bulk tier 1 6 => ENOSPC 'at=tier#5 msg="object limit reached" attr=6 cookie=1:6'
policy 1 name=p1 in=allow;allow => ok
policy 2 name=p2 in=allow => ok
policy 3 name=p3 in=allow;allow => ENOSPC 'msg="rule limit reached" attr=7 cookie=2:3'
policy 3 name=p3 => ok
policy 4 name=p4 => ENOSPC 'msg="object limit reached" attr=7 cookie=2:4'
policy 2 name=p2 in=allow;allow replace => ok
policy 1 name=p1 in=allow;allow;allow replace => ENOSPC "rule limit reached"
ipset 1 name=s1 members=8@10.0.0.1 => ok
ipset 2 name=s2 members=2@10.1.0.1 => ok
ipset 3 name=s3 => ENOSPC 'msg="object limit reached" attr=8 cookie=3:3'
members add 1 10.9.0.1 => ENOSPC 'msg="member limit reached" attr=8/5 cookie=3:1'
members del 2 10.1.0.1 => ok
members add 1 10.9.0.1 => ok
endpoint 1 name=e1 if=cali1 => ok
endpoint 2 name=e2 if=cali2 => ok
endpoint 3 name=e3 if=cali3 => ENOSPC 'msg="object limit reached" attr=9 cookie=4:3'
settings limit.tiers=2 => ENOSPC
getsettings => ok "limit.tiers=5 "
settings limit.tiers=65537 => ERANGE "msg=.a limit exceeds the module.s hard cap. attr=10 cookie=5:0$"
settings limit.members=16777217 => ERANGE "hard cap"
settings limit.tiers=65536 limit.policies=262144 limit.rules=4194304 limit.ipsets=262144 limit.members=16777216 limit.endpoints=262144 => ok
bulk tier 6 10 => ok
flush => ok
P

# smaller hard caps from module parameters
rmmod strata
check "insmod with small caps" insmod "$STRATA_KO" max_tiers=10 max_policies=5 max_rules=20 max_ipsets=3 max_members=100 max_endpoints=4 max_image_bytes=4096
PROBE_PREFIX="module caps: "
probe <<'P'
getsettings => ok "limit.tiers=10 limit.policies=5 limit.rules=20 limit.ipsets=3 limit.members=100 limit.endpoints=4"
settings limit.tiers=11 => ERANGE "hard cap"
settings limit.tiers=9 => ok
settings limit.tiers=10 => ok
bulk tier 1 11 => ENOSPC "at=tier#10 msg=.object limit reached"
image tiers=11 => ENOSPC 'msg="image exceeds the module's hard caps"'
image tiers=3 endpoints=5 => ENOSPC 'msg="image exceeds the module's hard caps"'
image tiers=10 policies=5 rules=4 ipsets=3 members=30 endpoints=4 => E2BIG 'msg="the image is larger than the max_image_bytes module parameter"'
image tiers=5 => ok
stats => ok "tiers=5 "
P
rmmod strata
check "insmod with default caps" insmod "$STRATA_KO"

ktap_finish
