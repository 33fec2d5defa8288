#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Create, read, replace and delete every object kind over generic netlink
# (strata-probe builds the requests from the uapi header alone), the
# references between them, settings, stats, flush and commit events; then
# the same objects through stratactl, read back by the probe and the other
# way round.
#
#   init netns: strata.ko loaded, empty state
#     |-- probe socket 0: one request per line, each its own transaction
#     `-- probe "subscribe config": counts COMMIT_EVENTs
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/engine.inc"
require_cmd strata-probe stratactl
engine_reset || { log_test "fresh module" 1; ktap_finish; }

PROBE_PREFIX="tiers: "
probe <<'P'
subscribe config => ok
tier 5 name=t5 => ok "gen=[0-9]+$"
tier 1 name=t1 => ok
tier 3 name=t3 action=pass => ok
get tier 1 => ok "^errno=0 id=1 name=t1 action=deny gen=[0-9]+$"
get tier name=t3 => ok "^errno=0 id=3 name=t3 action=pass"
tier 1 name=other => EEXIST 'msg="an object with this id exists" attr=6 cookie=1:1'
tier 7 name=t1 => EEXIST 'msg="another object of this kind has this name" attr=6 cookie=1:7'
tier 1 name=t1b action=pass replace => ok
get tier 1 => ok "id=1 name=t1b action=pass"
get tier name=t1 => ENOENT 'msg="no tier with this id or name" attr=6/2'
tier 1 action=deny replace => ok
get tier 1 => ok "id=1 name=t1b action=deny"
tier 9 action=pass replace => EINVAL 'msg="STRATA_TIER_A_NAME is required to create a tier" attr=6 miss=2'
dump tier => ok "^errno=0 count=3 first=1 last=5 msgs=3 empty=0 intr=0"
dump tier 3 => ok "count=1 first=3 last=3"
dump tier name=t5 => ok "count=1 first=5 last=5"
dump tier 4 => ENOENT "no tier with this id or name"
del tier name=t1b => ok
del tier 1 => ENOENT 'msg="no such object" attr=6/1 cookie=1:1'
get tier 1 => ENOENT
del tier 3 => ok
dump tier => ok "count=1 first=5 last=5"
events => ok "^errno=0 n=7 last=[0-9]+$"
P

PROBE_PREFIX="policies: "
probe <<'P'
policy 10 name=web in=allow,proto=tcp,src.nets=10.0.0.0/8+192.168.0.0/16,dst.ports=80+443-444;deny,proto=udp,ipv=4,cookie=77;log;reject,proto=icmp,icmp=8/0 out=pass,notproto=6,dst.notnets=10.1.0.0/16 => ok
get policy 10 => ok 'id=10 name=web nin=4 nout=1 in=allow,proto=6,src.nets=10.0.0.0/8+192.168.0.0/16,dst.ports=80+443-444;deny,proto=17,ipv=4,cookie=77;log;reject,proto=1,icmp=8/0 out=pass,notproto=6,dst.notnets=10.1.0.0/16 gen='
get policy name=web => ok "id=10 name=web nin=4 nout=1"
policy 11 name=v6 in=allow,ipv=6,proto=icmp6,noticmp=135/0,src.nets=fd00::/8 => ok
get policy 11 => ok 'in=allow,proto=58,ipv=6,noticmp=135/0,src.nets=fd00::/8'
policy 12 name=empty => ok
get policy 12 => ok "id=12 name=empty nin=0 nout=0 gen"
policy 10 in=deny replace => ok
get policy 10 => ok "id=10 name=web nin=1 nout=0 in=deny gen"
policy 10 name=web2 out=allow replace => ok
get policy name=web2 => ok "id=10 name=web2 nin=0 nout=1 out=allow gen"
policy 13 name=web2 => EEXIST "another object of this kind has this name"
raw NEW_POLICY 7{ 1=u32:14 2=str:p14 3{ 1{ 3=u8:6 } } } => EINVAL 'msg="STRATA_RULE_A_ACTION is required in every rule" attr=7/3/1 miss=1'
policy 14 name=p14 in=allow,dst.ports=80 => EINVAL 'msg="ports need protocol TCP, UDP or SCTP" attr=7/3/1 cookie=2:14'
dump policy => ok "^errno=0 count=3 first=10 last=12 rules=2 msgs=3"
del policy 12 => ok
del policy name=v6 => ok
del policy 11 => ENOENT
dump policy => ok "count=1 first=10 last=10 rules=1"
P

PROBE_PREFIX="ipsets: "
probe <<'P'
ipset 1 name=v4addr family=4 kind=addr members=10.0.0.1+10.0.0.2+10.0.0.3 => ok
ipset 2 name=v4net family=4 kind=net members=10.0.0.0/8+192.168.1.0/24 => ok
ipset 3 name=v6net family=6 kind=net members=fd00::/8+2001:db8::1/128 => ok
ipset 4 name=named family=4 kind=port members=10.0.0.1~tcp~80+10.0.0.1~udp~53 => ok
get ipset 1 => ok "id=1 name=v4addr family=4 kind=addr count=3"
get ipset name=v6net => ok "id=3 name=v6net family=6 kind=net count=2"
get ipset 4 => ok "kind=port count=2"
dumpmembers 1 => ok "^errno=0 count=3 reported=3 msgs=1"
dumpmembers name=named => ok "count=2 reported=2"
members add 1 10.0.0.4+10.0.0.5 => ok
members add 1 10.0.0.5 => EEXIST 'msg="member already in the set" attr=8/5 cookie=3:1'
members add 1 10.0.0.5+10.0.0.6 exist => ok
members del 1 10.0.0.9 => ENOENT "member not in the set"
members del 1 10.0.0.9+10.0.0.1 exist => ok
get ipset 1 => ok "count=5"
members add 1 10.0.0.0/24 => EINVAL "address set members are full-length addresses"
members add 4 10.0.0.1 => EINVAL "address[+]port members need"
members add 2 10.0.0.1/8 => EINVAL "prefix has bits set beyond its length"
members add name=v4net 172.16.0.0/12 => ok
members add 99 10.0.0.1 => ENOENT "no such IP set"
ipset 1 name=v4addr members=10.9.9.9 replace => ok
get ipset 1 => ok "count=1"
ipset 1 name=v4addr family=6 replace => EINVAL "a set's family and kind cannot change"
ipset 5 name=v4addr => EEXIST
ipset 6 name=bad family=5 => ERANGE 'msg="STRATA_IPSET_A_FAMILY must be 4 or 6" attr=8/3'
dump ipset => ok "count=4 first=1 last=4"
policy 20 name=useset in=allow,src.sets=2,dst.notsets=3 => ok
del ipset 2 => EBUSY
del ipset 1 => ok
dump ipset => ok "count=3 first=2 last=4"
P

PROBE_PREFIX="endpoints: "
probe <<'P'
tier 100 name=app action=pass => ok
tier 101 name=def => ok
policy 200 name=pa in=allow => ok
policy 201 name=pb out=deny => ok
policy 202 name=prof in=allow => ok
endpoint 1 name=pod-a if=cali1 addrs=10.2.0.1+fd00::1 spoof=10.3.0.0/16 mark=0x20000 nomatch=allow profiles=202 in=100:200+201/101:200 out=101:201 => ok
get endpoint 1 => ok 'id=1 name=pod-a kind=wl if=cali1 mark=131072 nomatch=allow addrs=10.2.0.1/32+fd00::1/128 spoof=10.3.0.0/16 profiles=202 in=100:200+201/101:200 out=101:201 gen='
endpoint 2 name=host-all kind=host if=* uin=101:201 prednat=100:200 fin=100:200 fout=101:201 => ok
get endpoint name=host-all => ok 'kind=host if=* mark=0 nomatch=deny uin=101:201 prednat=100:200 fin=100:200 fout=101:201'
endpoint 3 name=pod-c if=cali3 uin=101:201 => EINVAL "untracked, pre-DNAT and forward policy apply to host endpoints only"
endpoint 3 name=pod-c if=* => EINVAL "interface name must be a valid name"
endpoint 3 name=pod-c if=cali3 in=999:200 => ENOENT 'msg="refers to a tier that does not exist" attr=9 cookie=4:3'
endpoint 3 name=pod-c if=cali3 in=100:999 => ENOENT "refers to a policy that does not exist"
endpoint 3 name=pod-c if=cali3 profiles=999 => ENOENT "refers to a policy that does not exist"
endpoint 3 name=pod-c if=cali3 in=100:200+200 => EINVAL "policy listed twice in one tier"
endpoint 1 name=pod-a if=cali1b replace => ok
get endpoint 1 => ok "^errno=0 id=1 name=pod-a kind=wl if=cali1b mark=0 nomatch=deny gen"
del tier 100 => EBUSY "still referred to"
del policy 201 => EBUSY "still referred to"
dump endpoint => ok "count=2 first=1 last=2"
del endpoint name=host-all => ok
del tier 100 => ok
del endpoint 1 => ok
dump endpoint => ok "count=0"
P

PROBE_PREFIX="settings: "
probe <<'P'
getsettings => ok 'markmask=0xffff0000 markaccept=0x10000 wltohost=0 lograte=10 logburst=50 ctinvalid=1 ipip=0 vxlan=0 vxlanport=4789 flowrate=10000 flowburst=20000'
getsettings => ok 'wlprefix=cali+tap failsafein=6:22+17:68+6:179+6:2379+6:2380+6:5473+6:6443+6:6666+6:6667 failsafeout=17:53+17:67+6:179'
settings lograte=99 wltohost=2 => ok
getsettings => ok "lograte=99 logburst=50 .*wltohost=2|wltohost=2 lograte=99 logburst=50"
settings wlprefix=veth+tap+eni failsafein=tcp:22@10.0.0.0/8 failsafeout=udp:53 => ok
getsettings => ok 'wlprefix=veth+tap+eni failsafein=6:22@10.0.0.0/8 failsafeout=17:53'
settings lograte=7 => ok
getsettings => ok 'lograte=7 logburst=50'
getsettings => ok 'wlprefix=veth+tap+eni'
settings markmask=0xff00 markaccept=0x1 => EINVAL "accept mark bits must lie within the mark mask"
settings vxlanport=0 => ERANGE
settings ctinvalid=2 => ERANGE
settings wltohost=3 => ERANGE
P

PROBE_PREFIX="stats and flush: "
probe <<'P'
stats => ok "tiers=[0-9]+ policies=[0-9]+"
ioc-stats => ok "mem=[1-9][0-9]*"
flush => ok
stats => ok "tiers=0 policies=0 rules=0 ipsets=0 members=0 endpoints=0 .* tx=0"
ioc-stats => ok "tiers=0 policies=0 rules=0 ipsets=0 members=0 endpoints=0"
getsettings => ok 'lograte=7'
dump tier => ok "count=0 "
P

# The same kinds through stratactl (libstrata), read back by the probe,
# and the probe's objects read back by stratactl.
PROBE_PREFIX="stratactl: "
check "tier add" stratactl tier add id 40 name sc-tier default pass
check "policy add" stratactl policy add id 41 name sc-pol ingress allow proto tcp dport 22
check "ipset add" stratactl ipset add id 42 name sc-set family 4 kind addr
check "endpoint add" stratactl endpoint add id 43 name sc-ep workload iface cali43 ingress tier 40 policies 41
probe <<'P'
get tier 40 => ok "name=sc-tier action=pass"
get policy 41 => ok 'name=sc-pol nin=1 nout=0 in=allow,proto=6,dst.ports=22 '
get ipset 42 => ok "name=sc-set family=4 kind=addr count=0"
get endpoint 43 => ok "name=sc-ep kind=wl if=cali43 .* in=40:41"
tier 50 name=from-probe action=pass => ok
P
check "stratactl shows the probe's tier" stratactl tier show id 50
check_out "with its name and default" "from-probe"
check "ipset members" stratactl ipset add-members id 42 members 10.0.0.1,10.0.0.2
check "settings set" stratactl settings set log-rate 33 wl-prefixes cali,tap,veth
check "settings show" stratactl settings show
check_out "settings show the change" "33"
probe <<'P'
tier 40 name=sc-tier2 action=deny replace => ok
dumpmembers 42 => ok "count=2 reported=2"
getsettings => ok "lograte=33 .*wlprefix=cali[+]tap[+]veth"
begin => ok
policy 60 name=split in=@1500 => ok
policy 60 append in=@1500 out=@200 => ok
ipset 61 name=bigset => ok
members add 61 20000@10.1.0.0 => ok
commit => ok
P
check "stratactl shows a policy split across dump messages" stratactl policy show id 60
n=$(printf '%s\n' "$LAST_OUT" | grep -c 'ingress allow' || true)
check_eq "3000 ingress rules in stratactl's output" "$n" 3000
check "stratactl lists 20000 members" stratactl ipset members id 61
n=$(printf '%s\n' "$LAST_OUT" | grep -c '10\.1\.' || true)
check_eq "20000 members in stratactl's output" "$n" 20000
check "stratactl tier show (a dump)" stratactl tier show
check_out "lists the replaced tier" "name sc-tier2 default deny"
check "stratactl show (every dump)" stratactl show
check "stratactl stats" stratactl stats
check_out "stats count the objects" "3"
check "stratactl flush" stratactl flush
probe <<'P'
stats => ok "tiers=0 policies=0"
P

ktap_finish
