#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stratad with the directory datastore, end to end: Kubernetes pods as
# namespaces behind veths (enforce.inc), their Pod and Namespace objects
# in the directory, a Calico policy applied with stratactl apply (which
# waits until it is programmed) and deleted again, with real TCP over
# IPv4 and IPv6 after each step; then a pod plumbed before its object
# exists (dropped: an unknown workload interface), acknowledged through
# the local API, and numbered UDP streams from it that lose nothing from
# their first datagram on.
#
#   pod a 10.65.0.1 fd00:65::1 (app=web) --- cali<sha1> \
#   pod b 10.65.0.2 fd00:65::2 (app=api) --- cali<sha1> -- host (se-h, stratad)
#   pod c 10.65.0.3 fd00:65::3 (app=web) --- cali<sha1> /   (late)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/daemon.inc"
require_cmd stratad stratactl strata-net ip sha1sum
enforce_reset || { log_test "fresh module" 1; ktap_finish; }
t0=$(date +%s%N)

A4=10.65.0.1 A6=fd00:65::1 B4=10.65.0.2 B6=fd00:65::2
C4=10.65.0.3 C6=fd00:65::3
topo_host && topo_ns a b c || { log_test "namespaces" 1; ktap_finish; }
topo_pod a "$(sd_iface shop a)" $A4 $A6
topo_pod b "$(sd_iface shop b)" $B4 $B6
topo_up || { log_test "topology" 1; ktap_finish; }

sd_ns shop >"$SD_DIR/00-ns.yaml"
sd_pod shop a $A4 $A6 "app: web" >"$SD_DIR/pod-a.yaml"
sd_pod shop b $B4 $B6 "app: api" >"$SD_DIR/pod-b.yaml"
cat >"$SE_TMP/deny.yaml" <<-EOF
	apiVersion: projectcalico.org/v3
	kind: Tier
	metadata: {name: security}
	spec: {order: 100, defaultAction: Pass}
	---
	apiVersion: projectcalico.org/v3
	kind: GlobalNetworkPolicy
	metadata: {name: security.no-web-to-api}
	spec:
	  tier: security
	  selector: app == 'api'
	  types: [Ingress]
	  ingress:
	  - action: Deny
	    protocol: TCP
	    source: {selector: app == 'web'}
	    destination: {ports: [8080]}
EOF

sd_start
sd_ready "stratad programs the directory's pods (ready)"
n=$(ctl endpoint show | grep -c '^endpoint add')
[ "$n" = 2 ]
log_test "the kernel holds both pods' endpoints ($n)" $?
[ "$(sd_status phase)" = programmed ]
log_test "status: phase programmed" $?

net <<-EOF
	$(net_ns)
	listen b tcp 8080,9090

	@ no policy: the namespace's profile allows everything
	tcp a $B4 8080 => connected
	tcp a $B6 8080 => connected
	sh stratactl apply -f $SE_TMP/deny.yaml => rc=0

	@ stratactl apply returned: the policy is programmed
	tcp a $B4 8080 => timeout
	tcp a $B6 8080 => timeout
	tcp a $B4 9090 => connected
	tcp a $B6 9090 => connected
	sh stratactl delete -f $SE_TMP/deny.yaml => rc=0

	@ stratactl delete returned: traffic flows again
	tcp a $B4 8080 => connected
	tcp a $B6 8080 => connected
EOF

# The late pod: plumbed first (as a CNI plugin does), object second.
topo_pod c "$(sd_iface shop c)" $C4 $C6
topo_up || log_test "pod c plumbing" 1
sd_pod shop c $C4 $C6 "app: web" >"$SE_TMP/pod-c.yaml"
cat >"$SE_TMP/cni.sh" <<-EOF
	#!/bin/sh
	# what a CNI plugin does: create the object, wait for the acknowledgement
	stratactl apply --no-wait -f $SE_TMP/pod-c.yaml >/dev/null || exit 1
	exec stratactl status endpoint pod:shop/c --wait --timeout 30 >/dev/null
EOF
chmod +x "$SE_TMP/cni.sh"

net <<-EOF
	$(net_ns)
	listen b seq 9000

	@ pod c before its object exists: an unknown workload interface
	udp c $B4 9000 => timeout
	sh $SE_TMP/cni.sh => rc=0

	@ acknowledged: its first datagram and every one after it arrive
	useq start s c $B4 9000 pps=400 count=400
	useq start s6 c $B6 9000 pps=400 count=400
	sleep 1500
	useq stop s => sent=400 lost=0 reorder=0 dup=0
	useq stop s6 => sent=400 lost=0 reorder=0 dup=0
EOF

rec=$(cat "$SD_STATUS/pod/shop/c" 2>/dev/null)
case $rec in
*'"endpoint":"pod:shop/c"'*'"interface":"cali'*'"status":"programmed","generation":'*) r=0 ;;
*)
	r=1
	diag "record: $rec"
	;;
esac
log_test "the status file of pod c says programmed, with its generation" $r
stratactl status endpoints | grep -q '^pod:shop/c '
log_test "stratactl status endpoints lists pod c" $?

# Deleting the pod's object withdraws its endpoint and its record.
stratactl delete -f "$SE_TMP/pod-c.yaml" >/dev/null
log_test "stratactl delete of pod c" $?
[ ! -e "$SD_STATUS/pod/shop/c" ] && ! ctl endpoint show | grep -q 'pod:shop/c'
log_test "its endpoint and its status record are gone" $?

sd_stop
log_test "stratad stops cleanly on SIGTERM" $?
ctl endpoint show | grep -q 'pod:shop/b'
log_test "the kernel keeps enforcing after the daemon stopped" $?
[ -e "$SD_STATUS/pod/shop/b" ]
log_test "the status records stay" $?
grep -q 'stopped; the kernel keeps generation' "$SD_LOG"
log_test "it says so in its log" $?

diag "wall time $((($(date +%s%N) - t0) / 1000000)) ms"
ktap_finish
