#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Local workload routes (workload_routes = true): the pods' host routes
# are not plumbed by the test but programmed by stratad (ADDR dev IFACE
# proto 83 scope link), with Calico's interface settings; a stale route of
# its protocol is removed at start and a foreign one kept; a deleted pod's
# routes go; a pod whose object comes before its interface gets its route
# when the interface appears; the routes stay when the daemon stops.
#
#   pod a 10.65.0.1 fd00:65::1 --- cali<sha1> \
#   pod b 10.65.0.2 fd00:65::2 --- cali<sha1> -- host (se-h, stratad)
#   pod c 10.65.0.3 fd00:65::3 --- cali<sha1> /   (interface last)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/daemon.inc"
require_cmd stratad stratactl strata-net ip sha1sum
enforce_reset || { log_test "fresh module" 1; ktap_finish; }
t0=$(date +%s%N)

A4=10.65.0.1 A6=fd00:65::1 B4=10.65.0.2 B6=fd00:65::2
C4=10.65.0.3 C6=fd00:65::3
IA=$(sd_iface shop a) IB=$(sd_iface shop b) IC=$(sd_iface shop c)
topo_host && topo_ns a b c || { log_test "namespaces" 1; ktap_finish; }
topo_pod a "$IA" $A4 $A6
topo_pod b "$IB" $B4 $B6
# no host routes: stratad programs them
sed -i '/^route add/d' "$SE_TMP/host.batch"
topo_up || { log_test "topology" 1; ktap_finish; }
# a stale route of stratad's protocol, and someone else's
ip -n "$H" link add dummy0 type dummy && ip -n "$H" link set dummy0 up
ip -n "$H" route add 10.65.9.9/32 dev dummy0 proto 83
ip -n "$H" route add 10.65.8.8/32 dev dummy0 proto static

sd_ns shop >"$SD_DIR/00-ns.yaml"
sd_pod shop a $A4 $A6 "app: web" >"$SD_DIR/pod-a.yaml"
sd_pod shop b $B4 $B6 "app: api" >"$SD_DIR/pod-b.yaml"
sd_conf <<-EOF
	workload_routes = true
EOF
sd_start
sd_ready "stratad programs the pods (ready)"

routes=$(ip -n "$H" route show proto 83 | sort)
want=$(printf '%s dev %s scope link \n%s dev %s scope link ' $A4 "$IA" $B4 "$IB" | sort)
[ "$routes" = "$want" ]
log_test "IPv4 routes: one per pod address, through its interface, proto 83" $?
[ "$routes" = "$want" ] || diag "got:" "$routes" "want:" "$want"
routes6=$(ip -n "$H" -6 route show proto 83 | sed 's/ metric.*//' | sort)
want6=$(printf '%s dev %s\n%s dev %s' $A6 "$IA" $B6 "$IB" | sort)
[ "$routes6" = "$want6" ]
log_test "IPv6 routes likewise" $?
[ "$routes6" = "$want6" ] || diag "got:" "$routes6" "want:" "$want6"
! ip -n "$H" route show | grep -q '^10.65.9.9 '
log_test "the stale route of proto 83 was removed" $?
ip -n "$H" route show | grep -q '^10.65.8.8 .*proto static'
log_test "someone else's route was kept" $?
s=$(ip netns exec "$H" sh -c "cat /proc/sys/net/ipv4/conf/$IA/proxy_arp \
	/proc/sys/net/ipv4/neigh/$IA/proxy_delay \
	/proc/sys/net/ipv4/conf/$IA/route_localnet \
	/proc/sys/net/ipv6/conf/$IA/proxy_ndp \
	/proc/sys/net/ipv6/conf/$IA/accept_ra" | tr '\n' ' ')
[ "$s" = "1 0 1 1 0 " ]
log_test "interface settings: proxy_arp 1, proxy_delay 0, route_localnet 1, proxy_ndp 1, accept_ra 0 ($s)" $?

net <<-EOF
	$(net_ns)
	listen b tcp 8080
	@ routed by stratad's routes
	tcp a $B4 8080 => connected
	tcp a $B6 8080 => connected
EOF

stratactl delete -f "$SD_DIR/pod-b.yaml" >/dev/null 2>&1 ||
	{ rm "$SD_DIR/pod-b.yaml" && stratactl status wait >/dev/null; }
! ip -n "$H" route show proto 83 | grep -q "^$B4 " &&
	! ip -n "$H" -6 route show proto 83 | grep -q "^$B6 "
log_test "a deleted pod's routes are gone" $?

# pod c: the object first, the interface later
sd_pod shop c $C4 $C6 "app: web" >"$SE_TMP/pod-c.yaml"
stratactl apply -f "$SE_TMP/pod-c.yaml" >/dev/null
log_test "pod c applied before its interface exists" $?
! ip -n "$H" route show proto 83 | grep -q "^$C4 "
log_test "no route yet" $?
topo_pod c "$IC" $C4 $C6
sed -i '/^route add/d' "$SE_TMP/host.batch"
topo_up
i=0
while ! ip -n "$H" route show proto 83 | grep -q "^$C4 dev $IC " && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
ip -n "$H" route show proto 83 | grep -q "^$C4 dev $IC "
log_test "its route appears with the interface ($((i * 100)) ms)" $?

sd_stop
log_test "stratad stops" $?
[ "$(ip -n "$H" route show proto 83 | wc -l)" = 2 ]
log_test "its routes stay" $?

diag "wall time $((($(date +%s%N) - t0) / 1000000)) ms"
ktap_finish
