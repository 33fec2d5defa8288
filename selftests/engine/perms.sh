#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# CAP_NET_ADMIN over the user namespace owning the network namespace is
# needed for every command, both multicast groups and every ioctl:
#
#   init netns, root without CAP_NET_ADMIN (bounding set)   -> EPERM
#   user namespace (root in it) over the init netns          -> EPERM
#   user namespace owning a new netns (unshare -U -r -n)     -> allowed
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/engine.inc"
require_cmd strata-probe setpriv unshare
engine_reset || { log_test "fresh module" 1; ktap_finish; }

# Every command, as a request that would be valid with the capability.
refused_script()
{
	cat <<'P'
raw GET_VERSION => EPERM
raw TX_BEGIN => EPERM
raw TX_COMMIT => EPERM
raw TX_ABORT => EPERM
raw NEW_TIER 6{ 1=u32:1 2=str:t1 } => EPERM
raw DEL_TIER 6{ 1=u32:1 } => EPERM
raw GET_TIER 6{ 1=u32:1 } => EPERM
raw GET_TIER flags=dump => EPERM
raw NEW_POLICY 7{ 1=u32:1 2=str:p1 } => EPERM
raw DEL_POLICY 7{ 1=u32:1 } => EPERM
raw GET_POLICY 7{ 1=u32:1 } => EPERM
raw GET_POLICY flags=dump => EPERM
raw NEW_IPSET 8{ 1=u32:1 2=str:s1 3=u8:4 4=u8:1 } => EPERM
raw DEL_IPSET 8{ 1=u32:1 } => EPERM
raw GET_IPSET 8{ 1=u32:1 } => EPERM
raw GET_IPSET flags=dump => EPERM
raw ADD_MEMBERS 8{ 1=u32:1 5=hex:0a00000100000000000000000000000020000000 } => EPERM
raw DEL_MEMBERS 8{ 1=u32:1 5=hex:0a00000100000000000000000000000020000000 } => EPERM
raw GET_MEMBERS flags=dump 8{ 1=u32:1 } => EPERM
raw NEW_ENDPOINT 9{ 1=u32:1 2=str:e1 3=u8:1 4=str:cali1 } => EPERM
raw DEL_ENDPOINT 9{ 1=u32:1 } => EPERM
raw GET_ENDPOINT 9{ 1=u32:1 } => EPERM
raw GET_ENDPOINT flags=dump => EPERM
raw SET_SETTINGS 10{ 7=u32:5 } => EPERM
raw GET_SETTINGS => EPERM
raw GET_STATS => EPERM
raw FLUSH => EPERM
raw COMMIT_EVENT => EOPNOTSUPP
mcast config => EPERM
mcast flows => EPERM
ioc-stats => EPERM
image tiers=1 => EPERM
P
}

probe <<'P'
flush
tier 1 name=keep => ok
digest-save perms-before
P

# (not a pipe: the TAP counters must stay in this shell)
script=$(mktemp)
refused_script >"$script"
PROBE_PREFIX="no CAP_NET_ADMIN: "
probe_as setpriv --bounding-set=-net_admin -- <"$script"
PROBE_PREFIX="userns over init netns: "
probe_as unshare -U -r <"$script"
rm -f "$script"

PROBE_PREFIX="root again: "
probe <<'P'
digest-check perms-before => ok
mcast config => ok
mcast flows => ok
P

PROBE_PREFIX="own userns and netns: "
probe_as unshare -U -r -n <<'P'
version => ok "gen=0$"
stats => ok "tiers=0"
subscribe config => ok
mcast flows => ok
begin => ok
tier 1 name=mine => ok
endpoint 1 name=e1 if=cali1 => ok
commit => ok "gen=1$"
events => ok "n=1 last=1$"
dump tier => ok "count=1 first=1 last=1"
image tiers=4 ipsets=1 members=10 => ok "gen=2$"
ioc-stats => ok "tiers=4 .* members=10 "
events => ok "n=1 last=2$"
P

ktap_finish
