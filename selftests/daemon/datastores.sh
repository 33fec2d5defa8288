#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# stratad with the Kubernetes and the etcd datastores, end to end: pods a
# (app=web) and b (app=api) as namespaces behind veths, their objects in
# the datastore, then a policy created there (b's port 8080 closed to
# web) and deleted again, with real TCP over IPv4 and IPv6 after each
# step.
#
#  - Kubernetes: kube-testserver (selftests/helpers) serves Namespaces,
#    Pods and networking.k8s.io NetworkPolicies over HTTP on 127.0.0.1
#    (the other resources answer 404, as on a cluster without Calico's
#    CRDs); stratad reads it through a kubeconfig. The policy is a
#    Kubernetes NetworkPolicy (only 9090 from app=web).
#  - etcd: a real etcd (Debian's etcd-server) in Calico's layout, written
#    with etcdctl: WorkloadEndpoints with the built-in profile
#    projectcalico-default-allow, then a GlobalNetworkPolicy (deny 8080
#    from app=web, allow the rest).
#
#   pod a 10.65.0.1 fd00:65::1 --- cali<sha1> \
#   pod b 10.65.0.2 fd00:65::2 --- cali<sha1> -- host (se-h: stratad, the datastore)
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/daemon.inc"
require_cmd stratad stratactl strata-net ip sha1sum kube-testserver etcd etcdctl
enforce_reset || { log_test "fresh module" 1; ktap_finish; }
t0=$(date +%s%N)

A4=10.65.0.1 A6=fd00:65::1 B4=10.65.0.2 B6=fd00:65::2
IA=$(sd_iface shop a) IB=$(sd_iface shop b)
topo_host && topo_ns a b || { log_test "namespaces" 1; ktap_finish; }
topo_pod a "$IA" $A4 $A6
topo_pod b "$IB" $B4 $B6
topo_up || { log_test "topology" 1; ktap_finish; }
KTS_PID="" ETCD_PID=""

ds_exit()
{
	exec 7>&- 2>/dev/null
	[ -n "$KTS_PID" ] && kill "$KTS_PID" 2>/dev/null
	[ -n "$ETCD_PID" ] && kill "$ETCD_PID" 2>/dev/null
	wait 2>/dev/null
	sd_exit
}
trap ds_exit EXIT

# sd_changed GEN WHAT: wait until stratad has programmed past generation
# GEN (the datastore reports asynchronously), as test point WHAT.
sd_changed()
{
	i=0
	while [ $i -lt 300 ]; do
		g=$(sd_status generation)
		p=$(sd_status phase)
		if [ -n "$g" ] && [ "$g" -gt "$1" ] && [ "$p" = programmed ]; then
			log_test "$2 (generation $g)" 0
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	diag "generation ${g:-?}, phase ${p:-?}"
	sd_log_tail
	log_test "$2" 1
}

traffic()
{
	net <<-EOF
		$(net_ns)
		listen b tcp 8080,9090
		@ $1
		tcp a $B4 8080 => $2
		tcp a $B6 8080 => $2
		tcp a $B4 9090 => connected
		tcp a $B6 9090 => connected
	EOF
}

# --- Kubernetes -----------------------------------------------------------

mkfifo "$SE_TMP/kts.in"
ip netns exec "$H" kube-testserver <"$SE_TMP/kts.in" >"$SE_TMP/kts.out" 2>"$SE_TMP/kts.err" &
KTS_PID=$!
exec 7>"$SE_TMP/kts.in"
# kts CMD: one command, its answer line
kts_n=0
kts()
{
	echo "$*" >&7
	kts_n=$((kts_n + 1))
	i=0
	while [ "$(grep -c '^\(ok\|err\)' "$SE_TMP/kts.out")" -lt $kts_n ] && [ $i -lt 100 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	grep '^\(ok\|err\)' "$SE_TMP/kts.out" | sed -n "${kts_n}p"
}
i=0
while ! grep -q '^port ' "$SE_TMP/kts.out" && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
port=$(sed -n 's/^port //p' "$SE_TMP/kts.out")
kts resource /api/v1/namespaces Namespace NamespaceList v1 0 1 >/dev/null
kts resource /api/v1/pods Pod PodList v1 1 1 >/dev/null
kts resource /apis/networking.k8s.io/v1/networkpolicies NetworkPolicy \
	NetworkPolicyList networking.k8s.io/v1 1 1 >/dev/null
kts put /api/v1/namespaces '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop","resourceVersion":"1"}}' >/dev/null
for p in "a $A4 $A6 web" "b $B4 $B6 api"; do
	set -- $p
	kts put /api/v1/pods "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"$1\",\"namespace\":\"shop\",\"labels\":{\"app\":\"$4\"}},\"spec\":{\"nodeName\":\"$SD_NODE\",\"containers\":[{\"name\":\"c\",\"image\":\"x\"}]},\"status\":{\"phase\":\"Running\",\"podIP\":\"$2\",\"podIPs\":[{\"ip\":\"$2\"},{\"ip\":\"$3\"}]}}" >/dev/null
done
cat >"$SE_TMP/kubeconfig" <<-EOF
	apiVersion: v1
	kind: Config
	current-context: test
	clusters:
	- name: kts
	  cluster: {server: "http://127.0.0.1:$port"}
	contexts:
	- name: test
	  context: {cluster: kts, user: stratad}
	users:
	- name: stratad
	  user: {}
EOF
sd_conf <<-EOF
	datastore = kubernetes
	kubeconfig = $SE_TMP/kubeconfig
EOF
sd_start
sd_ready "kubernetes: stratad lists the API server and programs the pods"
[ "$(ctl endpoint show | grep -c '^endpoint add')" = 2 ]
log_test "kubernetes: the kernel holds pod:shop/a and pod:shop/b" $?
traffic "kubernetes: no policy" connected

g=$(sd_status generation)
kts put /apis/networking.k8s.io/v1/networkpolicies '{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"api","namespace":"shop"},"spec":{"podSelector":{"matchLabels":{"app":"api"}},"ingress":[{"from":[{"podSelector":{"matchLabels":{"app":"web"}}}],"ports":[{"port":9090}]}]}}' >/dev/null
sd_changed "$g" "kubernetes: the NetworkPolicy created is programmed"
traffic "kubernetes: NetworkPolicy shop/api" timeout
g=$(sd_status generation)
kts delete /apis/networking.k8s.io/v1/networkpolicies shop/api >/dev/null
sd_changed "$g" "kubernetes: its deletion is programmed"
traffic "kubernetes: deleted" connected
sd_stop
log_test "kubernetes: stratad stops" $?
exec 7>&-
wait "$KTS_PID" 2>/dev/null
KTS_PID=""

# --- etcd -----------------------------------------------------------------

ip netns exec "$H" etcd --name=strata --data-dir "$SE_TMP/etcd" \
	--listen-client-urls http://127.0.0.1:23790 \
	--advertise-client-urls http://127.0.0.1:23790 \
	--listen-peer-urls http://127.0.0.1:23800 \
	--initial-advertise-peer-urls http://127.0.0.1:23800 \
	--initial-cluster strata=http://127.0.0.1:23800 \
	--heartbeat-interval=50 --election-timeout=500 \
	>"$SE_TMP/etcd.log" 2>&1 &
ETCD_PID=$!
ec()
{
	ip netns exec "$H" env ETCDCTL_API=3 etcdctl \
		--endpoints=http://127.0.0.1:23790 --dial-timeout=2s "$@"
}
i=0
while ! ec endpoint health >/dev/null 2>&1 && [ $i -lt 60 ]; do
	sleep 0.5
	i=$((i + 1))
done
ec endpoint health >/dev/null 2>&1
log_test "etcd: the server is up" $?
P=/calico/resources/v3/projectcalico.org
for p in "a $A4 $A6 web $IA" "b $B4 $B6 api $IB"; do
	set -- $p
	ec put "$P/workloadendpoints/shop/node--1-k8s-$1-eth0" "{\"apiVersion\":\"projectcalico.org/v3\",\"kind\":\"WorkloadEndpoint\",\"metadata\":{\"name\":\"node--1-k8s-$1-eth0\",\"namespace\":\"shop\",\"labels\":{\"app\":\"$4\",\"projectcalico.org/namespace\":\"shop\",\"projectcalico.org/orchestrator\":\"k8s\"}},\"spec\":{\"orchestrator\":\"k8s\",\"node\":\"$SD_NODE\",\"pod\":\"$1\",\"endpoint\":\"eth0\",\"interfaceName\":\"$5\",\"ipNetworks\":[\"$2/32\",\"$3/128\"],\"profiles\":[\"projectcalico-default-allow\"]}}" >/dev/null
done
sd_conf <<-EOF
	datastore = etcd
	etcd_endpoints = http://127.0.0.1:23790
EOF
sd_start
sd_ready "etcd: stratad lists etcd and programs the endpoints"
[ "$(ctl endpoint show | grep -c '^endpoint add')" = 2 ]
log_test "etcd: the kernel holds pod:shop/a and pod:shop/b" $?
traffic "etcd: no policy" connected

g=$(sd_status generation)
ec put "$P/globalnetworkpolicies/default.web-not-8080" '{"apiVersion":"projectcalico.org/v3","kind":"GlobalNetworkPolicy","metadata":{"name":"default.web-not-8080"},"spec":{"tier":"default","order":10,"selector":"app == '"'"'api'"'"'","ingress":[{"action":"Deny","protocol":"TCP","source":{"selector":"app == '"'"'web'"'"'"},"destination":{"ports":[8080]}},{"action":"Allow"}],"types":["Ingress"]}}' >/dev/null
sd_changed "$g" "etcd: the GlobalNetworkPolicy put is programmed"
traffic "etcd: GlobalNetworkPolicy default.web-not-8080" timeout
g=$(sd_status generation)
ec del "$P/globalnetworkpolicies/default.web-not-8080" >/dev/null
sd_changed "$g" "etcd: its deletion is programmed"
traffic "etcd: deleted" connected
sd_stop
log_test "etcd: stratad stops" $?

diag "wall time $((($(date +%s%N) - t0) / 1000000)) ms"
ktap_finish
