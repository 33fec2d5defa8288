#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Dumps that need many messages resume where they stopped: 100,000 members
# of one set, 12,000 tiers and 12,000 endpoints, a 5,000-rule policy split
# across messages (STRATA_POLICY_A_*_START), an endpoint bigger than a
# default dump message (the dump asks for a bigger one), each with large
# and small receive buffers; a commit in the middle of a dump flags it
# (NLM_F_DUMP_INTR).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/engine.inc"
require_cmd strata-probe
engine_reset || { log_test "fresh module" 1; ktap_finish; }

PROBE_PREFIX="members: "
probe <<'P'
flush
begin => ok
ipset 1 name=big family=4 kind=addr => ok
members add 1 100000@10.0.0.0 => ok "n=34"
ipset 2 name=big6 family=6 kind=net => ok
members add 2 20000@fd00::/128 => ok
ipset 3 name=empty family=4 kind=net => ok
commit => ok
get ipset 1 => ok "count=100000"
dumpmembers 1 => ok "^errno=0 count=100000 reported=100000 msgs=[0-9]+ empty=0 intr=0"
dumpmembers name=big6 => ok "count=20000 reported=20000"
dumpmembers 3 => ok "^errno=0 count=0 reported=0 msgs=1"
recvbuf 4096
dumpmembers 1 => ok "count=100000 reported=100000 msgs=[0-9]{3,}"
recvbuf 65536
members del 1 50000@10.0.0.0 => ok
dumpmembers 1 => ok "count=50000 reported=50000"
dumpmembers 9 => ENOENT 'msg="no IP set with this id or name"'
raw GET_MEMBERS flags=dump => EINVAL 'msg="STRATA_A_IPSET is required"'
raw GET_MEMBERS 8{ 1=u32:1 } => EOPNOTSUPP "is a dump: set NLM_F_DUMP"
P

PROBE_PREFIX="objects: "
probe <<'P'
begin => ok
bulk tier 1 12000 => ok "n=12000"
bulk policy 1 100 in=allow => ok
bulk endpoint 1 12000 in=1:1/2:2+3 => ok "n=12000"
commit => ok
dump tier => ok "^errno=0 count=12000 first=1 last=12000 msgs=[0-9]+ empty=0 intr=0"
dump endpoint => ok "^errno=0 count=12000 first=1 last=12000 msgs=[0-9]+ empty=0 intr=0"
dump ipset => ok "count=3 first=1 last=3"
recvbuf 4096
dump tier => ok "count=12000 first=1 last=12000 msgs=[0-9]{3,}"
dump endpoint => ok "count=12000 first=1 last=12000"
recvbuf 65536
P

PROBE_PREFIX="big objects: "
probe <<'P'
begin => ok
policy 500 name=huge in=@1500 => ok
policy 500 append in=@1500 => ok
policy 500 append out=@1000 => ok
policy 500 append out=@1000 => ok
commit => ok
dump policy 500 => ok "count=1 first=500 last=500 rules=5000"
dump policy => ok "count=101 first=1 last=500 rules=5100"
recvbuf 4096
dump policy 500 => ok "count=1 first=500 last=500 rules=5000 msgs=([2-9]|[0-9]{2,}) "
recvbuf 65536
endpoint 90000 name=fat if=fat0 addrs=1000@10.200.0.0 => ok
get endpoint 90000 => ok "addrs=#1000"
recvbuf 4096
# a fresh socket gets default-sized dump messages: the dump asks for more
dump endpoint 90000 => ok "^errno=0 count=1 first=90000 last=90000 msgs=2 empty=1"
# the kernel then sizes messages by the largest read the socket did
dump endpoint 90000 => ok "^errno=0 count=1 first=90000 last=90000 msgs=1 empty=0"
recvbuf 4096
dump endpoint => ok "count=12001 first=1 last=90000 .*empty=1"
recvbuf 65536
P

PROBE_PREFIX="interrupted: "
probe <<'P'
recvbuf 4096
dumpintr tier => ok "count=1200[0-9] .*intr=1"
dump tier => ok "intr=0"
dumpintr endpoint => ok "intr=1"
dumpintr policy => ok "intr=1"
dumpintr ipset => ok "intr=0"
P

ktap_finish
