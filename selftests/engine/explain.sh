#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stratactl explain against live traffic: explain's verdict, read from the
# running kernel's state, must be what real packets get.
#
# 1. The example (examples/shop) compiled for node-1 and applied with
#    stratactl compile --apply; node-1's pods as network namespaces behind
#    their interfaces, an outside peer behind eth0 (node-1-eth0) with a
#    NodePort DNAT in nftables; a set of flows (TCP, UDP, ICMP, IPv4 and
#    IPv6, pods, the host, outside, a NodePort) whose verdicts are also
#    known in advance.
#
#    web   (se-web)  10.65.0.10 fd00:65::10   == cali909a9744bb1 \
#    api   (se-api)  10.65.1.10 fd00:65:1::10 == cali12352f3ae06  host (se-h) == eth0 10.0.0.1/24 == out (se-out) 10.0.0.2
#    dns   (se-dns)  10.65.4.10               == cali8c346e38bf4 /   10.0.0.11         fd00:10::1/64    fd00:10::2, 198.51.100.7,
#                                                                    DNAT 10.0.0.11:30080                  192.0.2.5, 192.0.2.200,
#                                                                    -> 10.65.0.10:8080                    2001:db8:bad::1
#
#    Then node-2 and the PCI cardholder zone the same way: Postgres reached
#    by the API (a service account cleared for PCI) and by Prometheus (the
#    exporter's port), anyone else logged (the kernel's log lines are
#    checked) and denied by pci.cardholder-zone, Postgres's own egress
#    limited to DNS, and the rest passed on by the tier's last policy. The
#    other node's pods are addresses of the outside peer, which explain
#    names by address and by name (the manifests put them on node-1).
#
#    pg    (se-pg)   10.65.2.10 == cali2fa6b784459 \
#    prom  (se-prom) 10.65.3.10 == cali049041c9a8a  host (se-h) == eth0 10.0.0.1/24 == out (se-out) 10.0.0.2, api-0 10.65.1.10,
#                                                                                        web-0 10.65.0.10, coredns-0 10.65.4.10
#
# 2. Random: a seeded generator writes tiers (default deny or pass),
#    policies (allow, deny, pass, log and reject rules over protocols,
#    ports, ranges, nets, sets and their negations), profiles, four pods'
#    endpoints and a host endpoint on the outside interface (normal,
#    pre-DNAT and forward lists), loads them, and sends 100 random flows
#    between the pods, the host and the outside peer; every one must get
#    what explain says. The seed is printed; STRATA_EXPLAIN_SEED repeats a
#    run, STRATA_EXPLAIN_FLOWS changes the number of flows.
#
#    p1..p4 (se-p1..4) 10.66.0.N fd00:66::N == cali-pN  host (se-h) == eth-r 10.67.0.1 fd00:67::1 == r (se-r) 10.67.0.2 fd00:67::2
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/../enforce/enforce.inc"
require_cmd strata-net stratactl ip nft awk rmmod insmod
enforce_reset || { log_test "fresh module" 1; ktap_finish; }
t0=$(date +%s%N)

SEED=${STRATA_EXPLAIN_SEED:-1}
NFLOWS=${STRATA_EXPLAIN_FLOWS:-100}

# expect VERDICT PROTO SRCNS: the strata-net tokens for what a flow gets.
# A deny from the host itself fails the send (EPERM) for UDP and ICMP, as
# with iptables; a reject answers TCP with a reset and the rest with an
# ICMP error (the host's own sends: EPERM).
expect()
{
	case $1/$2/$3 in
	allow/tcp/*) echo "connected arrived=1" ;;
	allow/*) echo "reply arrived=1" ;;
	deny/tcp/*) echo "timeout arrived=0" ;;
	deny/*/host) echo "error err=EPERM arrived=0" ;;
	deny/*) echo "timeout arrived=0" ;;
	reject/tcp/*) echo "refused arrived=0" ;;
	reject/*/host) echo "error err=EPERM arrived=0" ;;
	reject/*) echo "unreach arrived=0" ;;
	*) echo "explain-said-$1" ;;
	esac
}

# flows FILE: explain every flow of FILE in the host namespace, in one
# shell; each line is "N SRCNS DST PROTO PORT SPORT SRCADDR -- EXPLAIN
# ARGS..." and gets its verdict appended ("?" if explain failed; its
# output goes to FILE.N.err).
flows()
{
	ip netns exec "$H" sh -c '
	while read -r n ns dst proto port sport src dashdash args; do
		v=$(stratactl explain $args 2>"$1.$n.err" |
			sed -n "s/^verdict: \([a-z]*\).*/\1/p")
		echo "$n $ns $dst $proto $port $sport $src ${v:-?} $args"
	done <"$1" >"$1.out"' sh "$1"
}

# probes FILE.out: strata-net probe lines, each tagged "#N:VERDICT" (a
# comment: strata-net prints the line, not the comment's meaning).
probes()
{
	while read -r n ns dst proto port sport src v args; do
		case $proto in
		icmp) p="icmp $ns $dst" ;;
		*) p="$proto $ns $dst $port sport=$sport" ;;
		esac
		[ "$src" = - ] || p="$p src=$src"
		echo "$p #$n:$v => $(expect "$v" "$proto" "$ns")"
		# groups of 25 probes in parallel
		[ $((n % 25)) -eq 24 ] && echo "echo flows up to $n"
	done <"$1"
}

# report FILE FLOWS [SEED]: run the strata-net script FILE; on a
# mismatch, say which flow of FLOWS it was, what explain printed, and how
# to repeat it (after strata-net's "# got: ..." line).
report()
{
	out=$SE_TMP/report.out
	ip netns exec "$H" strata-net run "$1" >"$out" 2>&1
	rc=$?
	pending=
	while IFS= read -r l; do
		case $l in
		"ok - "*) log_test "${l#ok - }" 0 ;;
		"not ok - "*)
			log_test "${l#not ok - }" 1
			pending=$(printf '%s\n' "$l" | sed -n 's/.*#\([0-9]*\):.*/\1/p')
			;;
		"#"*) echo "$l" ;;
		*) echo "# $l" ;;
		esac
		case $l in "not ok - "*) continue ;; esac
		[ -n "$pending" ] || continue
		args=$(awk -v n="$pending" '$1 == n {
			$1 = $2 = $3 = $4 = $5 = $6 = $7 = $8 = ""
			sub(/^ +/, ""); print }' "$2")
		diag "mismatch: ${3:+seed $3, }flow $pending: stratactl explain $args"
		# shellcheck disable=SC2086 # the arguments are words
		ip netns exec "$H" stratactl explain $args 2>&1 | sed 's/^/# | /'
		[ -z "$3" ] || diag "repeat with STRATA_EXPLAIN_SEED=$3"
		pending=
	done <"$out"
	[ "$rc" -le 1 ] || log_test "strata-net ran (exit $rc)" 1
}

# ---------------------------------------------------------------------
# 1. the example on node-1
# ---------------------------------------------------------------------
WEB4=10.65.0.10 WEB6=fd00:65::10 API4=10.65.1.10 API6=fd00:65:1::10
DNS4=10.65.4.10 OUT4=10.0.0.2 OUT6=fd00:10::2 NODE4=10.0.0.11

topo_host && topo_ns web api dns out || { log_test "namespaces" 1; ktap_finish; }
topo_pod web cali909a9744bb1 $WEB4 $WEB6
topo_pod api cali12352f3ae06 $API4 $API6
topo_pod dns cali8c346e38bf4 $DNS4 fd00:65:4::10
topo_remote out eth0 10.0.0 fd00:10
cat >>"$SE_TMP/host.batch" <<EOF
addr add $NODE4/32 dev eth0
route add 198.51.100.0/24 via $OUT4
route add 192.0.2.0/24 via $OUT4
route add 2001:db8:bad::/48 via $OUT6
EOF
cat >>"$SE_TMP/out.batch" <<EOF
addr add 198.51.100.7/32 dev eth0
addr add 192.0.2.5/32 dev eth0
addr add 192.0.2.200/32 dev eth0
addr add 2001:db8:bad::1/128 dev eth0 nodad
neigh replace $NODE4 lladdr 02:5e:00:00:01:01 dev eth0 nud permanent
EOF
topo_up || { log_test "topology" 1; ktap_finish; }
hx nft -f - <<EOF || log_test "nftables DNAT rule" 1
table ip se-nat {
	chain pre {
		type nat hook prerouting priority -100; policy accept;
		iifname "eth0" ip daddr $NODE4 tcp dport 30080 dnat to $WEB4:8080
	}
}
EOF

check "examples/shop compiled for node-1 and applied" \
	ctl compile -f examples/shop --node node-1 --apply
check_out "as one transaction" "^applied [0-9]+ changes: generation 1$"

# N SRCNS DST PROTO PORT SPORT SRCADDR WANT EXPLAIN-ARGS: the flows, with
# the verdict the example's policies give (checked too). Some are named
# by the manifests (-f with --kernel), the others from the kernel alone.
K="--kernel -f examples/shop --node node-1"
cat >"$SE_TMP/shop.want" <<EOF
0 web $API4 tcp 9000 40000 - allow --node node-1 --from frontend/web-0 --to backend/api-0 --dport 9000
1 web $API6 tcp 9000 40001 - allow $K --from frontend/web-0 --to backend/api-0 --dport 9000 --sport 40001 -6
2 web $API4 tcp 9100 40002 - deny --node node-1 --from frontend/web-0 --to $API4 --dport 9100 --sport 40002
3 api $WEB4 tcp 8080 40003 - deny $K --from backend/api-0 --to frontend/web-0 --dport 8080 --sport 40003
4 api $DNS4 udp 53 40004 - allow --node node-1 --from backend/api-0 --to kube-system/coredns-0 --proto udp --dport 53 --sport 40004
5 web $DNS4 tcp 53 40005 - allow $K --from pod:frontend/web-0 --to pod:kube-system/coredns-0 --dport 53 --sport 40005
6 dns $WEB4 icmp 0 0 - deny --node node-1 --from kube-system/coredns-0 --to frontend/web-0 --proto icmp
7 out $WEB4 tcp 8080 40007 - allow $K --from $OUT4 --to frontend/web-0 --dport 8080 --sport 40007
8 out $WEB4 tcp 8080 40008 198.51.100.7 deny $K --from 198.51.100.7 --to frontend/web-0 --dport 8080 --sport 40008
9 out $WEB6 tcp 8080 40009 2001:db8:bad::1 deny --node node-1 --from 2001:db8:bad::1 --to frontend/web-0 --dport 8080 --sport 40009
10 out $WEB6 tcp 8080 40010 - allow --node node-1 --from $OUT6 --to $WEB6 --dport 8080 --sport 40010
11 web $OUT4 tcp 443 40011 - allow $K --from frontend/web-0 --to $OUT4 --dport 443 --sport 40011
12 api $OUT4 tcp 443 40012 - deny --node node-1 --from backend/api-0 --to $OUT4 --dport 443 --sport 40012
13 api 192.0.2.5 tcp 443 40013 - allow $K --from backend/api-0 --to 192.0.2.5 --dport 443 --sport 40013
14 web $OUT4 icmp 0 0 - allow --node node-1 --from frontend/web-0 --to $OUT4 --proto icmp
15 web $OUT6 icmp 0 0 - allow $K --from frontend/web-0 --to $OUT6 --proto icmpv6
16 out $NODE4 tcp 22 40016 - allow --node node-1 --from $OUT4 --to host --dport 22 --sport 40016
17 out $NODE4 tcp 8080 40017 - allow $K --from $OUT4 --to node-1-eth0 --dport 8080 --sport 40017
18 web $NODE4 tcp 10250 40018 - deny --node node-1 --from frontend/web-0 --to host --dport 10250 --sport 40018
19 host $WEB4 tcp 8080 40019 $NODE4 allow $K --from host --to frontend/web-0 --dport 8080 --sport 40019
20 host $OUT4 tcp 443 40020 $NODE4 allow --node node-1 --from hep:node-1-eth0 --to $OUT4 --dport 443 --sport 40020
21 out $NODE4 tcp 30080 40021 - allow $K --from $OUT4 --to frontend/web-0 --dport 8080 --orig-dst $NODE4:30080 --sport 40021
22 out $NODE4 tcp 30080 40022 192.0.2.200 deny --node node-1 --from 192.0.2.200 --to frontend/web-0 --dport 8080 --orig-dst $NODE4:30080 --sport 40022
23 web 169.254.169.254 tcp 80 40023 - deny $K --from frontend/web-0 --to 169.254.169.254 --dport 80 --sport 40023
EOF
# the flow lines as flows() reads them, the expected verdict apart
awk '{ w = $8; $8 = "--"; print > "/dev/stdout"; print $1, w > "'"$SE_TMP"'/shop.verdicts" }' \
	"$SE_TMP/shop.want" >"$SE_TMP/shop"
flows "$SE_TMP/shop"
while read -r n ns dst proto port sport src v args; do
	w=$(awk -v n="$n" '$1 == n { print $2 }' "$SE_TMP/shop.verdicts")
	check_eq "explain $args: $w" "$v" "$w"
	[ "$v" = "$w" ] || sed 's/^/# /' "$SE_TMP/shop.$n.err"
done <"$SE_TMP/shop.out"

# what explain prints names the manifests' rules when given them
# shellcheck disable=SC2086 # $K is several words
run ip netns exec "$H" stratactl explain $K --from 198.51.100.7 --to frontend/web-0 --dport 8080
check_out "the deciding rule with its manifest line" \
	"^verdict: deny at node-1 forward: ingress policy of pod frontend/web-0, GlobalNetworkPolicy pci.quarantine ingress rule 0 \(examples/shop/30-pci.yaml:18\)$"
run ip netns exec "$H" stratactl explain --node node-1 --from 198.51.100.7 --to frontend/web-0 --dport 8080
check_out "without manifests, the kernel's names (and the rule's index, from its cookie)" \
	"^verdict: deny at node-1 forward: ingress policy of pod frontend/web-0, GlobalNetworkPolicy pci.quarantine ingress rule 0$"

{
	net_ns
	echo "listen web tcp 8080,9000,9100"
	echo "listen api tcp 8080,9000,9100"
	echo "listen dns tcp 53"
	echo "listen dns udp 53"
	echo "listen out tcp 80,443"
	echo "listen host tcp 22,8080,10250"
	for ns in web api dns out host; do echo "listen $ns icmp"; done
	echo "timeout 2000"
	echo "@ example"
	probes "$SE_TMP/shop.out"
} >"$SE_TMP/shop.net"
report "$SE_TMP/shop.net" "$SE_TMP/shop.out" ""
topo_cleanup
SE_TMP=$(mktemp -d)
SE_NREMOTE=0

# ---------------------------------------------------------------------
# 1b. the example on node-2: the cardholder zone
# ---------------------------------------------------------------------
enforce_reset || { log_test "fresh module" 1; ktap_finish; }
PG4=10.65.2.10 PROM4=10.65.3.10

topo_host && topo_ns pg prom out || { log_test "namespaces" 1; ktap_finish; }
topo_pod pg cali2fa6b784459 $PG4 fd00:65:2::10
topo_pod prom cali049041c9a8a $PROM4 fd00:65:3::10
topo_remote out eth0 10.0.0 fd00:10
cat >>"$SE_TMP/host.batch" <<EOF
route add 10.65.0.0/24 via $OUT4
route add 10.65.1.0/24 via $OUT4
route add 10.65.4.0/24 via $OUT4
EOF
cat >>"$SE_TMP/out.batch" <<EOF
addr add $API4/32 dev eth0
addr add $WEB4/32 dev eth0
addr add $DNS4/32 dev eth0
EOF
topo_up || { log_test "topology" 1; ktap_finish; }

check "examples/shop compiled for node-2 and applied" \
	ctl compile -f examples/shop --node node-2 --apply
check_out "as one transaction" "^applied [0-9]+ changes: generation 1$"

# the other node's pods send from the outside peer (SRCADDR); with
# --kernel, explain knows them by their addresses (outside this node), and
# by their names (9-13: flows 0, 1, 2, 5 and 7 again), which the manifests
# put on node-1: outside this node too, with the same verdicts
K2="--kernel -f examples/shop --node node-2"
cat >"$SE_TMP/shop2.want" <<EOF
0 out $PG4 tcp 5432 41000 $API4 allow $K2 --from $API4 --to db/postgres-0 --dport 5432 --sport 41000
1 out $PG4 tcp 5432 41001 $WEB4 deny $K2 --from $WEB4 --to db/postgres-0 --dport 5432 --sport 41001
2 out $PG4 tcp 9187 41002 $API4 deny --node node-2 --from $API4 --to db/postgres-0 --dport 9187 --sport 41002
3 prom $PG4 tcp 9187 41003 - allow $K2 --from monitoring/prometheus-0 --to db/postgres-0 --dport 9187 --sport 41003
4 prom $PG4 tcp 5432 41004 - deny --node node-2 --from monitoring/prometheus-0 --to db/postgres-0 --dport 5432 --sport 41004
5 pg $DNS4 udp 53 41005 - allow $K2 --from db/postgres-0 --to $DNS4 --proto udp --dport 53 --sport 41005
6 pg $OUT4 tcp 443 41006 - deny --node node-2 --from db/postgres-0 --to $OUT4 --dport 443 --sport 41006
7 prom $API4 tcp 9100 41007 - allow $K2 --from monitoring/prometheus-0 --to $API4 --dport 9100 --sport 41007
8 out $PROM4 tcp 9090 41008 - allow --node node-2 --from $OUT4 --to monitoring/prometheus-0 --dport 9090 --sport 41008
9 out $PG4 tcp 5432 41009 $API4 allow $K2 --from backend/api-0 --to db/postgres-0 --dport 5432 --sport 41009
10 out $PG4 tcp 5432 41010 $WEB4 deny $K2 --from frontend/web-0 --to db/postgres-0 --dport 5432 --sport 41010
11 out $PG4 tcp 9187 41011 $API4 deny $K2 --from pod:backend/api-0 --to db/postgres-0 --dport 9187 --sport 41011
12 pg $DNS4 udp 53 41012 - allow $K2 --from db/postgres-0 --to kube-system/coredns-0 --proto udp --dport 53 --sport 41012
13 prom $API4 tcp 9100 41013 - allow $K2 --from monitoring/prometheus-0 --to backend/api-0 --dport 9100 --sport 41013
EOF
awk '{ w = $8; $8 = "--"; print > "/dev/stdout"; print $1, w > "'"$SE_TMP"'/shop2.verdicts" }' \
	"$SE_TMP/shop2.want" >"$SE_TMP/shop2"
flows "$SE_TMP/shop2"
while read -r n ns dst proto port sport src v args; do
	w=$(awk -v n="$n" '$1 == n { print $2 }' "$SE_TMP/shop2.verdicts")
	check_eq "explain $args: $w" "$v" "$w"
	[ "$v" = "$w" ] || sed 's/^/# /' "$SE_TMP/shop2.$n.err"
done <"$SE_TMP/shop2.out"
# by name as by address
for p in 0:9 1:10 2:11 5:12 7:13; do
	a=$(awk -v n="${p%:*}" '$1 == n { print $8 }' "$SE_TMP/shop2.out")
	b=$(awk -v n="${p#*:}" '$1 == n { print $8 }' "$SE_TMP/shop2.out")
	check_eq "flow ${p#*:} by name: the verdict of flow ${p%:*} by address ($a)" "$b" "$a"
done
# shellcheck disable=SC2086 # $K2 is several words
run ip netns exec "$H" stratactl explain $K2 --from backend/api-0 --to db/postgres-0 --dport 5432
check_out "another node's pod by name: named, outside this host" \
	"^from: pod backend/api-0 on node-1, $API4 \(outside this host\)$"
check_out "another node's pod by name: only this host is modelled" \
	"^note: --from pod backend/api-0 is on node node-1: only this host \(node node-2\) is modelled, where it is outside; node node-1's own policy for it is not part of this answer$"
check_out "another node's pod by name: allowed by pci.cardholder-zone" \
	"^        GlobalNetworkPolicy pci.cardholder-zone: allow, ingress rule 0 \(examples/shop/30-pci.yaml:40\)$"

# the cardholder zone's deciding rules, with their manifest lines
# shellcheck disable=SC2086 # $K2 is several words
run ip netns exec "$H" stratactl explain $K2 --from $API4 --to db/postgres-0 --dport 5432
check_out "the API's cleared service account: allowed by pci.cardholder-zone" \
	"^        GlobalNetworkPolicy pci.cardholder-zone: allow, ingress rule 0 \(examples/shop/30-pci.yaml:40\)$"
# shellcheck disable=SC2086
run ip netns exec "$H" stratactl explain $K2 --from $WEB4 --to db/postgres-0 --dport 5432
check_out "anyone else: denied by pci.cardholder-zone" \
	"^verdict: deny at node-2 forward: ingress policy of pod db/postgres-0, GlobalNetworkPolicy pci.cardholder-zone ingress rule 3 \(examples/shop/30-pci.yaml:60\)$"
check_out "anyone else: logged first" \
	"^          logged by ingress rule 2 \(examples/shop/30-pci.yaml:57\)$"
# shellcheck disable=SC2086
run ip netns exec "$H" stratactl explain $K2 --from $OUT4 --to monitoring/prometheus-0 --dport 9090
check_out "outside the zone: passed on by the PCI tier's last policy" \
	"^        GlobalNetworkPolicy pci.pass-out-of-scope: pass, ingress rule 0 \(examples/shop/30-pci.yaml:83\)$"

kmsg_mark explain-node-2
{
	net_ns
	echo "listen pg tcp 5432,9187"
	echo "listen prom tcp 9090"
	echo "listen out tcp 443,9100"
	echo "listen out udp 53"
	echo "timeout 2000"
	echo "@ example, node-2"
	probes "$SE_TMP/shop2.out"
} >"$SE_TMP/shop2.net"
report "$SE_TMP/shop2.net" "$SE_TMP/shop2.out" ""

# the kernel's log lines from pci.cardholder-zone's log rules, for the
# connections it denied: to Postgres (ingress rule 2), from it (egress
# rule 1); none for the allowed ones
log=$(kmsg_since explain-node-2)
for l in "rule=2 endpoint=pod:db/postgres-0 list=ingress proto=6 src=$WEB4 sport=41001 dst=$PG4 dport=5432" \
	"rule=2 endpoint=pod:db/postgres-0 list=ingress proto=6 src=$API4 sport=41002 dst=$PG4 dport=9187" \
	"rule=1 endpoint=pod:db/postgres-0 list=egress proto=6 src=$PG4 sport=41006 dst=$OUT4 dport=443" \
	"rule=2 endpoint=pod:db/postgres-0 list=ingress proto=6 src=$WEB4 sport=41010 dst=$PG4 dport=5432" \
	"rule=2 endpoint=pod:db/postgres-0 list=ingress proto=6 src=$API4 sport=41011 dst=$PG4 dport=9187"; do
	if printf '%s\n' "$log" | grep -q "log tier=tier:pci policy=gnp:pci.cardholder-zone $l "; then
		log_test "log line: pci.cardholder-zone $l" 0
	else
		diag "no such line in:" "$(printf '%s\n' "$log" | grep 'log tier' | head -20)"
		log_test "log line: pci.cardholder-zone $l" 1
	fi
done
check_eq "no log line for the allowed connections" \
	"$(printf '%s\n' "$log" | grep -Ec "log tier=.* sport=(4100[035789]|4101[23]) ")" 0

topo_cleanup
SE_TMP=$(mktemp -d)
# shellcheck disable=SC2034 # enforce.inc's
SE_NREMOTE=0
t1=$(date +%s%N)
diag "example: $(((t1 - t0) / 1000000)) ms"

# ---------------------------------------------------------------------
# 2. random policies and flows
# ---------------------------------------------------------------------
echo "# seed: $SEED (STRATA_EXPLAIN_SEED=$SEED repeats this run), $NFLOWS flows"
enforce_reset || { log_test "fresh module" 1; ktap_finish; }
topo_host && topo_ns p1 p2 p3 p4 r || { log_test "namespaces" 1; ktap_finish; }
for i in 1 2 3 4; do
	topo_pod p$i cali-p$i 10.66.0.$i fd00:66::$i
done
topo_remote r eth-r 10.67.0 fd00:67
topo_up || { log_test "topology" 1; ktap_finish; }

# The generator: the state ($SE_TMP/rand.b) and the flows ($SE_TMP/rand).
awk -v seed="$SEED" -v nflows="$NFLOWS" -v bfile="$SE_TMP/rand.b" '
function pick(list,    a, n) { n = split(list, a, " "); return a[1 + int(rand() * n)] }
function chance(p) { return rand() < p }
function ports(    s, n, i, p) {
	n = 1 + int(rand() * 2); s = ""
	for (i = 0; i < n; i++) {
		p = pick("22 53 80 443 5000 5003 8080 5000:5002 5001:5005 1:1023 8000:9000 5004")
		s = s (i ? "," : "") p
	}
	return s
}
function net(fam) {
	if (fam == 4)
		return pick("10.66.0.1 10.66.0.2 10.66.0.3 10.66.0.4 10.66.0.0/30 10.66.0.2/31 10.66.0.0/16 10.67.0.2 10.67.0.0/24 10.67.0.1 0.0.0.0/0 10.0.0.0/8")
	return pick("fd00:66::1 fd00:66::2 fd00:66::3 fd00:66::4 fd00:66::/126 fd00:66::2/127 fd00:66::/64 fd00:67::2 fd00:67::/64 fd00:67::1 ::/0")
}
function rule(dir,    a, s, proto, fam, side) {
	a = pick("allow allow allow deny pass pass log reject reject reject")
	s = dir " " a
	fam = 0
	proto = pick("none none none tcp tcp udp udp icmp icmpv6 nottcp notudp")
	if (proto == "icmp") fam = 4
	if (proto == "icmpv6") fam = 6
	if (chance(0.4)) fam = fam ? fam : pick("4 6")
	if (fam) s = s " ip-version " fam
	if (proto == "nottcp") s = s " not-proto tcp"
	else if (proto == "notudp") s = s " not-proto udp"
	else if (proto != "none") s = s " proto " proto
	if (proto == "tcp" || proto == "udp") {
		if (chance(0.6)) s = s " dport " ports()
		if (chance(0.15)) s = s " dst-not-port " ports()
		if (chance(0.1)) s = s " sport 41000:41049"
	}
	if (proto == "icmp" && chance(0.4)) s = s (chance(0.5) ? " icmp-type 8" : " not-icmp-type 8")
	if (proto == "icmpv6" && chance(0.4)) s = s (chance(0.5) ? " icmp-type 128" : " not-icmp-type 128")
	if (fam) {
		side = pick("src dst")
		if (chance(0.5)) s = s " " side "-net " net(fam) (chance(0.3) ? "," net(fam) : "")
		if (chance(0.25)) s = s " " pick("src dst") "-not-net " net(fam)
		if (chance(0.3)) s = s " " pick("src dst") "-" pick("set set not-set") " " (fam == 4 ? pick("1 3") : 2)
	}
	return s
}
function lst(name,    s, t, n, k, j, used, p, q, pols) {
	s = ""
	n = int(rand() * 3)
	split("", used)
	for (k = 0; k < n; k++) {
		t = 1 + int(rand() * ntiers)
		if (t in used) continue
		used[t] = 1
		s = s " tier " t " policies "
		j = 1 + int(rand() * 3)
		split("", pols)
		for (p = 0; p < j; p++) {
			q = 10 + int(rand() * npol)
			if (q in pols) continue
			pols[q] = 1
			s = s (p ? "," : "") q
		}
	}
	return s == "" ? "" : " " name s
}
function members(fam,    s, i) {
	s = ""
	for (i = 1; i <= 4; i++)
		if (chance(0.5)) s = s (s == "" ? "" : ",") (fam == 4 ? "10.66.0." i : "fd00:66::" i)
	return s == "" ? (fam == 4 ? "10.66.0.1" : "fd00:66::1") : s
}
BEGIN {
	srand(seed)
	print "flush" > bfile
	print "settings set wl-to-host " pick("drop accept return") > bfile
	print "ipset add id 1 name s1 family 4 kind addr members " members(4) > bfile
	print "ipset add id 2 name s2 family 6 kind addr members " members(6) > bfile
	print "ipset add id 3 name s3 family 4 kind net members 10.67.0.0/24," pick("10.66.0.1 10.66.0.4 10.66.0.0/31") > bfile
	ntiers = 1 + int(rand() * 3)
	for (t = 1; t <= ntiers; t++)
		print "tier add id " t " name t" t " default " pick("deny pass pass") > bfile
	npol = 4 + int(rand() * 5)
	for (p = 0; p < npol; p++) {
		print "policy add id " (10 + p) " name pol" p > bfile
		n = 1 + int(rand() * 4)
		for (k = 0; k < n; k++)
			print "  " rule(pick("ingress egress")) > bfile
	}
	# profiles: 50 allows everything, 51 is random
	print "policy add id 50 name allow-all\n  ingress allow\n  egress allow" > bfile
	print "policy add id 51 name prof" > bfile
	for (k = 0; k < 3; k++)
		print "  " rule(pick("ingress egress")) > bfile
	for (i = 1; i <= 4; i++) {
		prof = pick("50 51 51,50 none none")
		print "endpoint add id " i " name pod:ns/p" i " workload iface cali-p" i \
			" addr 10.66.0." i ",fd00:66::" i " no-match " pick("allow deny deny") \
			lst("ingress") lst("egress") (prof == "none" ? "" : " profiles " prof) > bfile
	}
	if (chance(0.8)) {
		prof = pick("50 51 none")
		print "endpoint add id 20 name hep:r host iface eth-r addr 10.67.0.1,fd00:67::1" \
			" no-match " pick("allow deny") lst("ingress") lst("egress") \
			lst("prednat-ingress") lst("forward-ingress") lst("forward-egress") \
			(prof == "none" ? "" : " profiles " prof) > bfile
	}
	split("p1 p2 p3 p4 r host", ns, " ")
	for (f = 0; f < nflows; f++) {
		s = 1 + int(rand() * 6)
		do d = 1 + int(rand() * 6); while (d == s && s != 6)
		fam = chance(0.6) ? 4 : 6
		proto = pick("tcp tcp tcp udp udp icmp")
		port = pick("22 53 80 443 5000 5001 5003 5005 8080")
		sport = 41000 + f
		# the addresses, and how explain names the ends
		if (d <= 4) { dst = fam == 4 ? "10.66.0." d : "fd00:66::" d; to = "ns/p" d }
		else if (d == 5) { dst = fam == 4 ? "10.67.0.2" : "fd00:67::2"; to = dst }
		else { dst = fam == 4 ? "10.67.0.1" : "fd00:67::1"; to = "host" }
		if (s <= 4) from = "ns/p" s
		else if (s == 5) from = fam == 4 ? "10.67.0.2" : "fd00:67::2"
		else from = "host"
		src = s == 6 ? (fam == 4 ? "10.67.0.1" : "fd00:67::1") : "-"
		args = "--node vm --from " from " --to " to " -" fam " --iif eth-r --oif eth-r"
		if (proto == "icmp")
			args = args " --proto " (fam == 4 ? "icmp" : "icmpv6")
		else
			args = args " --proto " proto " --dport " port " --sport " sport
		print f, ns[s], dst, proto, (proto == "icmp" ? 0 : port), sport, src, "--", args
	}
}' >"$SE_TMP/rand"

if ! out=$(ip netns exec "$H" stratactl batch "$SE_TMP/rand.b" 2>&1); then
	diag "seed $SEED: the generated state was refused: $out"
	sed 's/^/# | /' "$SE_TMP/rand.b"
	log_test "random state loaded (seed $SEED)" 1
	ktap_finish
fi
log_test "random state loaded (seed $SEED)" 0
flows "$SE_TMP/rand"
if grep -q ' ? ' "$SE_TMP/rand.out"; then
	grep ' ? ' "$SE_TMP/rand.out" | while read -r n rest; do
		diag "seed $SEED flow $n: explain failed: $rest"
		sed 's/^/# /' "$SE_TMP/rand.$n.err"
	done
	log_test "explain explained every random flow" 1
else
	log_test "explain explained every random flow" 0
fi
diag "verdicts: $(awk '{ print $8 }' "$SE_TMP/rand.out" | sort | uniq -c | tr -s ' ' | tr '\n' ',')"
{
	net_ns
	for ns in p1 p2 p3 p4 r host; do
		echo "listen $ns tcp 22,53,80,443,5000-5005,8080"
		echo "listen $ns udp 22,53,80,443,5000-5005,8080"
		echo "listen $ns icmp"
	done
	echo "timeout 2000"
	echo "@ seed $SEED"
	probes "$SE_TMP/rand.out"
} >"$SE_TMP/rand.net"
report "$SE_TMP/rand.net" "$SE_TMP/rand.out" "$SEED"
if [ "$ksft_fail" -gt 0 ]; then
	diag "the random state (seed $SEED):"
	sed 's/^/# | /' "$SE_TMP/rand.b"
fi
t2=$(date +%s%N)
diag "random: $(((t2 - t1) / 1000000)) ms"
ktap_finish
