// SPDX-License-Identifier: GPL-2.0
/*
 * projectcalico.org/v3 resources (policy/res_calico.c, res_rule.c): for
 * every kind, valid documents and invalid ones with every message they
 * give, exactly (file:line:col: path: message), in order; then what the
 * valid ones hold, the defaults Calico applies, lenient parsing and
 * objects handed over as json-c.
 */
#include <errno.h>
#include <json-c/json.h>
#include "res_test.h"

struct rcase {
	const char *text;
	size_t n; /* resources it gives */
	const char *msgs;
};

static const struct rcase tier_cases[] = {
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: Tier\n"
	  "metadata: {name: security}\n"
	  "spec: {order: 100, defaultAction: Pass}\n",
	  1, "" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: Tier\n"
	  "metadata: {name: security.x}\n"
	  "spec: {order: x, defaultAction: Allow}\n",
	  0,
	  "t.yaml:4:15: spec.order: \"x\": expected a number, not a string\n"
	  "t.yaml:4:33: spec.defaultAction: \"Allow\": expected Deny or Pass\n"
	  "t.yaml:3:18: metadata.name: \"security.x\": a tier name is lowercase letters, digits and '-' (no '.'), at most 63 characters" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: Tier\n"
	  "metadata: {name: kube-admin}\n"
	  "spec: {order: 1000}\n",
	  0,
	  "t.yaml:4:7: spec.defaultAction: the kube-admin tier's defaultAction must be Pass" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: Tier\n"
	  "metadata: {name: kube-baseline}\n"
	  "spec: {order: 10000000, defaultAction: Pass}\n",
	  1, "" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: Tier\n"
	  "metadata: {name: default}\n",
	  0,
	  "t.yaml:1:1: spec.order: the default tier's order must be 1000000" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: Tier\n"
	  "metadata: {name: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}\n",
	  0,
	  "t.yaml:3:18: metadata.name: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": a tier name is lowercase letters, digits and '-' (no '.'), at most 63 characters" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: Tier\n"
	  "metadata: {labels: {a: b}}\n"
	  "spec: {order: .inf, orders: 1}\n",
	  0,
	  "t.yaml:3:11: metadata.name: required\n"
	  "t.yaml:4:15: spec.order: .inf: expected a finite number\n"
	  "t.yaml:4:21: spec.orders: unknown field (did you mean \"order\"?)" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: Tier\n",
	  0, "t.yaml:1:1: metadata: required: the object's name" },
};

static const struct rcase policy_cases[] = {
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: GlobalNetworkPolicy\n"
	  "metadata: {name: platform.allow-dns}\n"
	  "spec:\n"
	  "  tier: platform\n"
	  "  order: 10.5\n"
	  "  selector: all()\n"
	  "  namespaceSelector: has(team)\n"
	  "  serviceAccountSelector: role == \"x\"\n"
	  "  types: [Egress]\n"
	  "  egress:\n"
	  "  - action: Allow\n"
	  "    protocol: UDP\n"
	  "    destination:\n"
	  "      selector: k8s-app == \"kube-dns\"\n"
	  "      namespaceSelector: projectcalico.org/name == \"kube-system\"\n"
	  "      ports: [53]\n"
	  "  - action: Log\n"
	  "    protocol: 6\n"
	  "    notProtocol: UDP\n"
	  "    ipVersion: 4\n"
	  "    source:\n"
	  "      notNets: [192.168.0.0/16]\n"
	  "      notSelector: has(x)\n"
	  "      notPorts: [1, \"2:3\", metrics]\n"
	  "      serviceAccounts: {names: [a, b], selector: c == \"d\"}\n"
	  "    destination: {nets: [10.0.0.0/8]}\n"
	  "    metadata: {annotations: {why: testing}}\n"
	  "  - action: Deny\n"
	  "    protocol: ICMPv6\n"
	  "    ipVersion: 6\n"
	  "    icmp: {type: 128, code: 0}\n"
	  "    notICMP: {type: 1}\n"
	  "  applyOnForward: true\n"
	  "  performanceHints: [AssumeNeededOnEveryNode]\n",
	  1, "" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: GlobalNetworkPolicy\n"
	  "metadata: {name: x}\n"
	  "spec:\n"
	  "  performanceHints: [AssumeNeededOnEveryNode, AssumeNeededOnEveryNode, Foo]\n"
	  "  selector: a == \"b\" && global()\n"
	  "  serviceAccountSelector: global()\n"
	  "  namespaceSelector: global()\n"
	  "  ingress:\n"
	  "  - action: Allow\n"
	  "    source: {selector: global(), namespaceSelector: global() && has(x)}\n"
	  "  - action: Allow\n"
	  "    protocol: UDPLite\n"
	  "    destination: {ports: [1]}\n"
	  "  - action: Allow\n"
	  "    protocol: 17\n"
	  "    ipVersion: 4\n"
	  "    source: {nets: [fd00::/8]}\n"
	  "    destination: {notNets: [10.0.0.0/8, fd00::/8], ports: [\"1:65535\"]}\n"
	  "  - action: Allow\n"
	  "    protocol: ICMP\n"
	  "    icmp: {type: 255}\n"
	  "  - action: Allow\n"
	  "    icmp: {type: 8}\n"
	  "    notICMP: {type: 8}\n"
	  "  - action: Allow\n"
	  "    protocol: ICMP\n"
	  "    notProtocol: ICMPv6\n"
	  "    ipVersion: 4\n"
	  "  - {}\n"
	  "  - action: Allow\n"
	  "    protocol: TCP\n"
	  "    destination: {ports: 80}\n"
	  "  - action: Allow\n"
	  "    ipVersion: \"4\"\n"
	  "    source: {nets: [10.0.0.1], serviceAccounts: {names: [1]}}\n",
	  0,
	  "t.yaml:5:47: spec.performanceHints[1]: \"AssumeNeededOnEveryNode\": given more than once\n"
	  "t.yaml:5:72: spec.performanceHints[2]: \"Foo\": expected AssumeNeededOnEveryNode\n"
	  "t.yaml:6:13: spec.selector: \"a == \\\"b\\\" && global()\": global() can only be used in a rule's namespaceSelector\n"
	  "t.yaml:7:27: spec.serviceAccountSelector: \"global()\": global() can only be used in a rule's namespaceSelector\n"
	  "t.yaml:8:22: spec.namespaceSelector: \"global()\": global() can only be used in a rule's namespaceSelector\n"
	  "t.yaml:11:24: spec.ingress[0].source.selector: \"global()\": global() can only be used in a rule's namespaceSelector\n"
	  "t.yaml:11:53: spec.ingress[0].source.namespaceSelector: \"global() && has(x)\": global() cannot be combined with other selectors\n"
	  "t.yaml:14:26: spec.ingress[1].destination.ports: ports need protocol TCP, UDP or SCTP (protocol is UDPLite)\n"
	  "t.yaml:18:20: spec.ingress[2].source.nets: holds IPv6 networks but the rule has ipVersion 4\n"
	  "t.yaml:19:28: spec.ingress[2].destination.notNets: holds IPv6 networks but the rule has ipVersion 4\n"
	  "t.yaml:22:18: spec.ingress[3].icmp.type: 255: out of range: 0 to 254\n"
	  "t.yaml:24:11: spec.ingress[4].icmp: icmp needs protocol ICMP or ICMPv6\n"
	  "t.yaml:25:14: warning: spec.ingress[4].notICMP: notICMP without protocol ICMP or ICMPv6 matches any packet that is not ICMP\n"
	  "t.yaml:29:16: spec.ingress[5].ipVersion: protocol ICMPv6 needs ipVersion 6\n"
	  "t.yaml:30:5: spec.ingress[6].action: required: Allow, Deny, Log or Pass\n"
	  "t.yaml:33:26: spec.ingress[7].destination.ports: 80: expected a list, not a number\n"
	  "t.yaml:35:16: spec.ingress[8].ipVersion: \"4\": expected 4 or 6\n"
	  "t.yaml:36:21: spec.ingress[8].source.nets[0]: \"10.0.0.1\": a CIDR needs a prefix length: did you mean 10.0.0.1/32?\n"
	  "t.yaml:36:58: spec.ingress[8].source.serviceAccounts.names[0]: 1: expected a string, not a number (quote it: \"1\")" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: GlobalNetworkPolicy\n"
	  "metadata: {name: default.x}\n"
	  "spec:\n"
	  "  preDNAT: true\n"
	  "  applyOnForward: true\n"
	  "  types: [Ingress, Egress]\n",
	  0,
	  "t.yaml:7:10: spec.types: a preDNAT policy cannot have type Egress" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: GlobalNetworkPolicy\n"
	  "metadata: {name: a.b.c}\n"
	  "spec: {tier: a}\n",
	  0,
	  "t.yaml:3:18: metadata.name: \"a.b.c\": a policy name is lowercase letters, digits and '-', starting and ending with a letter or digit, with at most one '.' (after the tier name)" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: GlobalNetworkPolicy\n"
	  "metadata: {name: other.x}\n"
	  "spec: {tier: mine}\n",
	  0,
	  "t.yaml:3:18: metadata.name: \"other.x\": the part before '.' must be the policy's tier, \"mine\"" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: NetworkPolicy\n"
	  "metadata: {name: allow, namespace: prod}\n"
	  "spec:\n"
	  "  doNotTrack: true\n"
	  "  preDNAT: true\n"
	  "  applyOnForward: false\n",
	  0,
	  "t.yaml:5:3: spec.doNotTrack: only a GlobalNetworkPolicy can be doNotTrack\n"
	  "t.yaml:6:3: spec.preDNAT: only a GlobalNetworkPolicy can be preDNAT\n"
	  "t.yaml:7:3: spec.applyOnForward: only a GlobalNetworkPolicy can be applyOnForward" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: NetworkPolicy\n"
	  "metadata: {name: knp.default.web.frontend}\n"
	  "spec: {}\n",
	  1, "" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: StagedGlobalNetworkPolicy\n"
	  "metadata: {name: x}\n"
	  "spec: {stagedAction: Delete, tier: default, order: 10, ingress: [], selector: \"\"}\n",
	  0,
	  "t.yaml:4:45: spec.order: with stagedAction Delete only tier may be set" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: StagedNetworkPolicy\n"
	  "metadata: {name: x}\n"
	  "spec: {stagedAction: Remove}\n",
	  0,
	  "t.yaml:4:22: spec.stagedAction: \"Remove\": expected Set, Delete, Learn or Ignore" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: StagedNetworkPolicy\n"
	  "metadata: {name: x}\n"
	  "spec: {stagedAction: Learn, egress: [{action: Allow}]}\n",
	  1, "" },
	/* a selector merely mentioning global() gets the parser's message */
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: GlobalNetworkPolicy\n"
	  "metadata: {name: x}\n"
	  "spec:\n"
	  "  selector: a == \"global()\" && b = c\n",
	  0,
	  "t.yaml:5:13: spec.selector: \"a == \\\"global()\\\" && b = c\": expected '==' after label 'b' at 21" },
};

static const struct rcase endpoint_cases[] = {
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: Profile\n"
	  "metadata: {name: kns.prod}\n"
	  "spec:\n"
	  "  labelsToApply: {pcns.env: prod, \"pcns.projectcalico.org/name\": prod}\n"
	  "  ingress: [{action: Allow}]\n"
	  "  egress: [{action: Allow, protocol: TCP, destination: {ports: [443]}}]\n",
	  1, "" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: Profile\n"
	  "metadata: {name: Bad}\n"
	  "spec:\n"
	  "  labelsToApply: {\"-x\": y}\n"
	  "  ingress: {action: Allow}\n",
	  0,
	  "t.yaml:3:18: metadata.name: \"Bad\": a name is lowercase letters, digits, '-' and '.', starting and ending with a letter or digit\n"
	  "t.yaml:5:19: spec.labelsToApply.-x: \"-x\": invalid label key: must start and end with an alphanumeric character\n"
	  "t.yaml:5:25: spec.labelsToApply.-x: y: expected a string, not a boolean (quote it: \"y\")\n"
	  "t.yaml:6:12: spec.ingress: expected a list, not a mapping" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: HostEndpoint\n"
	  "metadata: {name: node1-eth0, labels: {role: ingress}}\n"
	  "spec:\n"
	  "  node: node1\n"
	  "  interfaceName: eth0\n"
	  "  expectedIPs: [192.168.1.10, \"fd00::10\"]\n"
	  "  profiles: [projectcalico-default-allow]\n"
	  "  ports: [{name: https, protocol: TCP, port: 443}, {name: dns, protocol: udp, port: 53}]\n",
	  1, "" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: HostEndpoint\n"
	  "metadata: {name: all}\n"
	  "spec:\n"
	  "  node: node1\n"
	  "  interfaceName: \"*\"\n",
	  1, "" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: HostEndpoint\n"
	  "metadata: {name: none}\n"
	  "spec:\n"
	  "  node: \"\"\n"
	  "  profiles: [Kns.x]\n"
	  "  ports: [{protocol: TCP}]\n",
	  0,
	  "t.yaml:6:14: spec.profiles[0]: \"Kns.x\": not a profile name (a DNS subdomain)\n"
	  "t.yaml:7:11: spec.ports[0].port: required: 1 to 65535\n"
	  "t.yaml:7:11: spec.ports[0].name: required\n"
	  "t.yaml:5:9: spec.node: required: the node the interface is on\n"
	  "t.yaml:5:3: spec: interfaceName or expectedIPs is required" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: WorkloadEndpoint\n"
	  "metadata:\n"
	  "  name: node1-k8s-web--1-eth0\n"
	  "  namespace: prod\n"
	  "  labels: {app: web}\n"
	  "spec:\n"
	  "  orchestrator: k8s\n"
	  "  node: node1\n"
	  "  pod: web-1\n"
	  "  endpoint: eth0\n"
	  "  containerID: a1b2c3\n"
	  "  interfaceName: cali0123456789a\n"
	  "  mac: \"02:00:00:00:00:01\"\n"
	  "  ipNetworks: [10.65.0.5/32, \"fd00::5\"]\n"
	  "  ipv4Gateway: 169.254.1.1\n"
	  "  profiles: [kns.prod, ksa.prod.default]\n"
	  "  serviceAccountName: default\n"
	  "  ports: [{name: http, protocol: TCP, port: 8080}, {protocol: UDP, port: 53, hostPort: 5353, hostIP: 10.0.0.1}]\n"
	  "  allowSpoofedSourcePrefixes: [10.9.0.1/16]\n"
	  "  qosControls: {ingressBandwidth: 100}\n",
	  1,
	  "t.yaml:21:3: warning: spec.qosControls: ignored: QoS controls do not change L3/L4 policy verdicts" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: WorkloadEndpoint\n"
	  "metadata: {name: node1-cni-abc-eth0, namespace: prod}\n"
	  "spec: {orchestrator: cni, node: node1, containerID: abc, endpoint: eth0, ipv6Gateway: 10.0.0.1, mac: \"zz:00:00:00:00:01\", containerID: -x}\n",
	  0,
	  "t.yaml:4:123: duplicate key \"containerID\" (first at 4:40)\n"
	  "t.yaml:4:87: spec.ipv6Gateway: \"10.0.0.1\": expected an IPv6 address\n"
	  "t.yaml:4:102: spec.mac: \"zz:00:00:00:00:01\": a MAC address is six hex pairs (02:00:00:00:00:01)" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: WorkloadEndpoint\n"
	  "metadata: {name: x, namespace: prod}\n"
	  "spec: {orchestrator: openstack, node: node1, endpoint: eth0, ports: [{protocol: TCP, port: 1}]}\n",
	  0,
	  "t.yaml:4:70: spec.ports[0].name: required unless hostPort is set" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: WorkloadEndpoint\n"
	  "metadata: {name: x, namespace: prod}\n"
	  "spec: {orchestrator: openstack, node: node1, endpoint: eth0, workload: vm-1}\n",
	  0,
	  "t.yaml:3:18: metadata.name: \"x\": must be \"node1-openstack-vm--1-eth0\" (node-orchestrator-workload-endpoint, each '-' doubled)" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: GlobalNetworkSet\n"
	  "metadata: {name: threats, labels: {feed: bad}}\n"
	  "spec: {nets: [1.2.3.4, 5.6.7.0/24, \"2001:db8::/32\", 10.1.2.3/8]}\n",
	  1, "" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: NetworkSet\n"
	  "metadata: {name: ext, namespace: prod, labels: {projectcalico.org/namespace: x}}\n"
	  "spec: {nets: [300.1.1.1, 10.0.0.0/33, \"fd00::/129\", 1.2.3.4/024, 01.2.3.4]}\n",
	  0,
	  "t.yaml:3:78: metadata.labels.projectcalico.org/namespace: reserved: Calico sets it on namespaced endpoints\n"
	  "t.yaml:4:15: spec.nets[0]: \"300.1.1.1\": not an IP address\n"
	  "t.yaml:4:26: spec.nets[1]: \"10.0.0.0/33\": the prefix length must be 0 to 32\n"
	  "t.yaml:4:39: spec.nets[2]: \"fd00::/129\": the prefix length must be 0 to 128\n"
	  "t.yaml:4:53: spec.nets[3]: \"1.2.3.4/024\": the prefix length must be a decimal number without leading zeros\n"
	  "t.yaml:4:66: spec.nets[4]: \"01.2.3.4\": not an IP address" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: GlobalNetworkSet\n"
	  "metadata: {name: x, namespace: prod}\n"
	  "spec: {allowedEgressDomains: [a.com]}\n",
	  0,
	  "t.yaml:3:32: warning: metadata.namespace: ignored: GlobalNetworkSet is not namespaced\n"
	  "t.yaml:4:8: spec.allowedEgressDomains: unknown field; known fields: nets" },
};

static const struct rcase document_cases[] = {
	{ "- just a list\n", 0,
	  "t.yaml:1:1: expected a mapping with apiVersion, kind, metadata and spec, not a list" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "metadata: {name: x}\n",
	  0, "t.yaml:1:1: kind: required" },
	{ "kind: Tier\n", 0, "t.yaml:1:1: apiVersion: required" },
	{ "apiVersion: 3\n"
	  "kind: [Tier]\n",
	  0,
	  "t.yaml:1:13: apiVersion: 3: expected a string\n"
	  "t.yaml:2:7: kind: expected a string" },
	{ "apiVersion: projectcalico.org/v4\n"
	  "kind: Tier\n",
	  0,
	  "t.yaml:1:13: apiVersion: \"projectcalico.org/v4\": expected projectcalico.org/v3" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: IPPool\n"
	  "metadata: {name: p}\n"
	  "spec: {cidr: 10.0.0.0/16}\n",
	  0,
	  "t.yaml:2:7: warning: kind: skipped: IPPool holds no network policy" },
	{ "apiVersion: v1\n"
	  "kind: ConfigMap\n"
	  "metadata: {name: c}\n",
	  0,
	  "t.yaml:2:7: warning: kind: skipped: v1 ConfigMap holds no network policy" },
	{ "apiVersion: v1\n"
	  "kind: NetworkPolicy\n"
	  "metadata: {name: c}\n",
	  0,
	  "t.yaml:2:7: kind: \"NetworkPolicy\": not a kind of v1 (NetworkPolicy is networking.k8s.io/v1; Namespace, Pod, ServiceAccount are v1; AdminNetworkPolicy and BaselineAdminNetworkPolicy are policy.networking.k8s.io/v1alpha1; ClusterNetworkPolicy is v1alpha2)" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: GlobalNetworkPolicyList\n"
	  "items:\n"
	  "- apiVersion: projectcalico.org/v3\n"
	  "  kind: GlobalNetworkPolicy\n"
	  "  metadata: {name: a}\n"
	  "- apiVersion: projectcalico.org/v3\n"
	  "  kind: GlobalNetworkPolicy\n"
	  "  metadata: {name: B}\n"
	  "- apiVersion: v1\n"
	  "  kind: List\n"
	  "  items: []\n",
	  1,
	  "t.yaml:9:20: items[1].metadata.name: \"B\": a policy name is lowercase letters, digits and '-', starting and ending with a letter or digit, with at most one '.' (after the tier name)\n"
	  "t.yaml:10:3: warning: items[2]: skipped: a List inside a List is not read" },
	{ "apiVersion: v1\n"
	  "kind: List\n"
	  "items:\n"
	  "- apiVersion: crd.projectcalico.org/v1\n"
	  "  kind: Tier\n"
	  "  metadata: {name: t1, annotations: {\"Kubectl.kubernetes.io/x\": \"y\", \"bad key!\": z}}\n"
	  "- apiVersion: projectcalico.org/v3\n"
	  "  kind: Tier\n"
	  "  metadata: {name: t2, uid: 123e4567-e89b-12d3-a456-426614174000, resourceVersion: \"5\", creationTimestamp: \"2024-01-01T00:00:00Z\", generation: 3, ownerReferences: [], managedFields: [{}]}\n"
	  "  status: {conditions: []}\n"
	  "  extra: 1\n",
	  0,
	  "t.yaml:6:70: items[0].metadata.annotations.bad key!: \"bad key!\": invalid annotation key: only alphanumerics, '-', '_' and '.' are allowed\n"
	  "t.yaml:11:3: items[1].extra: unknown field; known fields: apiVersion, kind, metadata, spec" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: Tier\n"
	  "metadata: {name: t3, labels: {\"example.com/team\": a-b_c.d, \"Example.com/x\": y, k: \"-bad\", long: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}, nme: x}\n",
	  0,
	  "t.yaml:3:60: metadata.labels.Example.com/x: \"Example.com/x\": invalid label key: the prefix must be a lowercase DNS subdomain\n"
	  "t.yaml:3:77: metadata.labels.Example.com/x: y: expected a string, not a boolean (quote it: \"y\")\n"
	  "t.yaml:3:83: metadata.labels.k: \"-bad\": invalid label value: must start and end with an alphanumeric character\n"
	  "t.yaml:3:97: metadata.labels.long: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\": invalid label value: must be no more than 63 characters\n"
	  "t.yaml:3:166: metadata.nme: unknown field (did you mean \"name\"?)" },
};

static void run_cases(const struct rcase *v, size_t n, const char *what)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct res_list l = { 0 };
		char *got = rt_parse(v[i].text, &l);

		if (strcmp(got, v[i].msgs) || l.n != v[i].n) {
			print_error(
				"%s case %zu: %zu resources (want %zu)\n--- got:\n%s\n--- want:\n%s\n",
				what, i, l.n, v[i].n, got, v[i].msgs);
			free(got);
			res_list_release(&l);
			fail();
		}
		free(got);
		res_list_release(&l);
	}
}

#define RUN(v) run_cases(v, sizeof(v) / sizeof(v[0]), #v)

static void tiers(void **state)
{
	struct res *r;

	RUN(tier_cases);
	r = rt_one(tier_cases[0].text);
	assert_int_equal(r->kind, RES_TIER);
	assert_string_equal(r->name, "security");
	assert_string_equal(r->ns, "");
	assert_true(r->tier.has_order);
	assert_true(r->tier.order == 100);
	assert_int_equal(r->tier.default_action, RES_PASS);
	assert_string_equal(r->src.api_version, "projectcalico.org/v3");
	assert_string_equal(r->src.kind, "Tier");
	assert_string_equal(r->src.file, "t.yaml");
	assert_int_equal(r->src.line, 1);
	res_free(r);
	/* defaultAction defaults to Deny; no order is "last" */
	r = rt_one("apiVersion: projectcalico.org/v3\nkind: Tier\n"
		   "metadata: {name: t}\n");
	assert_false(r->tier.has_order);
	assert_int_equal(r->tier.default_action, RES_DENY);
	res_free(r);
}

static void policies(void **state)
{
	const struct res_rule *ru;
	struct res *r;

	RUN(policy_cases);
	r = rt_one(policy_cases[0].text);
	assert_int_equal(r->kind, RES_GNP);
	assert_string_equal(r->name, "platform.allow-dns");
	assert_string_equal(r->pol.tier, "platform");
	assert_int_equal(r->pol.tier_line, 5);
	assert_true(r->pol.has_order && r->pol.order == 10.5);
	assert_string_equal(r->pol.selector.text, "all()");
	assert_true(sel_is_all(r->pol.selector.sel));
	assert_string_equal(sel_str(r->pol.ns_selector.sel), "has(team)");
	assert_string_equal(sel_str(r->pol.sa_selector.sel), "role == \"x\"");
	assert_int_equal(r->pol.types, RES_EGRESS);
	assert_int_equal(r->pol.n_ingress, 0);
	assert_int_equal(r->pol.n_egress, 3);
	assert_true(r->pol.apply_on_forward);
	assert_false(r->pol.do_not_track);
	assert_true(r->pol.assume_needed);
	assert_int_equal(r->pol.staged_action, RES_STAGED_NONE);

	ru = &r->pol.egress[0];
	assert_int_equal(ru->action, RES_ALLOW);
	assert_int_equal(ru->line, 12);
	assert_int_equal(ru->col, 5);
	assert_true(ru->proto.set);
	assert_int_equal(ru->proto.num, 17);
	assert_string_equal(ru->proto.name, "UDP");
	assert_int_equal(ru->dst.n_ports, 1);
	assert_int_equal(ru->dst.ports[0].first, 53);
	assert_int_equal(ru->dst.ports[0].last, 53);
	assert_null(ru->dst.ports[0].name);
	assert_string_equal(sel_str(ru->dst.selector.sel),
			    "k8s-app == \"kube-dns\"");
	assert_string_equal(ru->dst.ns_selector.text,
			    "projectcalico.org/name == \"kube-system\"");

	ru = &r->pol.egress[1];
	assert_int_equal(ru->action, RES_LOG);
	assert_int_equal(ru->proto.num, 6);
	assert_null(ru->proto.name);
	assert_int_equal(ru->not_proto.num, 17);
	assert_int_equal(ru->ip_version, 4);
	assert_int_equal(ru->src.n_not_nets, 1);
	assert_int_equal(ru->src.not_nets[0].family, 4);
	assert_int_equal(ru->src.not_nets[0].prefix, 16);
	assert_int_equal(ru->src.not_nets[0].addr[0], 192);
	assert_int_equal(ru->src.not_nets[0].addr[1], 168);
	assert_string_equal(ru->src.not_selector.text, "has(x)");
	assert_int_equal(ru->src.n_not_ports, 3);
	assert_int_equal(ru->src.not_ports[1].first, 2);
	assert_int_equal(ru->src.not_ports[1].last, 3);
	assert_string_equal(ru->src.not_ports[2].name, "metrics");
	assert_true(ru->src.has_sa);
	assert_int_equal(ru->src.n_sa_names, 2);
	assert_string_equal(ru->src.sa_names[1], "b");
	assert_string_equal(ru->src.sa_selector.text, "c == \"d\"");
	assert_int_equal(ru->dst.n_nets, 1);
	assert_int_equal(ru->n_annotations, 1);
	assert_string_equal(ru->annotations[0].key, "why");
	assert_string_equal(ru->annotations[0].value, "testing");

	ru = &r->pol.egress[2];
	assert_int_equal(ru->action, RES_DENY);
	assert_int_equal(ru->proto.num, 58);
	assert_int_equal(ru->ip_version, 6);
	assert_true(ru->icmp.set && ru->icmp.has_type && ru->icmp.has_code);
	assert_int_equal(ru->icmp.type, 128);
	assert_int_equal(ru->icmp.code, 0);
	assert_true(ru->not_icmp.has_type && !ru->not_icmp.has_code);
	assert_int_equal(ru->not_icmp.type, 1);
	res_free(r);

	/* a namespaced policy without a namespace is in "default" */
	r = rt_one(policy_cases[6].text);
	assert_string_equal(r->ns, "default");
	assert_string_equal(r->pol.tier, "default");
	assert_int_equal(r->pol.tier_line, 0);
	res_free(r);
	/* staged kinds default to stagedAction Set */
	r = rt_one("apiVersion: projectcalico.org/v3\n"
		   "kind: StagedGlobalNetworkPolicy\nmetadata: {name: s}\n");
	assert_int_equal(r->kind, RES_SGNP);
	assert_int_equal(r->pol.staged_action, RES_STAGED_SET);
	res_free(r);
	r = rt_one(policy_cases[9].text);
	assert_int_equal(r->kind, RES_SNP);
	assert_int_equal(r->pol.staged_action, RES_STAGED_LEARN);
	res_free(r);
}

/* types default from the rules when absent (an empty list is absent) */
static void types_default(void **state)
{
	static const struct {
		const char *spec;
		unsigned int types;
	} cases[] = {
		{ "{}", RES_INGRESS },
		{ "{types: []}", RES_INGRESS },
		{ "{ingress: [{action: Allow}]}", RES_INGRESS },
		{ "{egress: [{action: Allow}]}", RES_EGRESS },
		{ "{ingress: [{action: Allow}], egress: [{action: Allow}]}",
		  RES_INGRESS | RES_EGRESS },
		{ "{types: [Egress], ingress: [{action: Allow}]}", RES_EGRESS },
		{ "{types: [Egress, Ingress]}", RES_INGRESS | RES_EGRESS },
	};
	char text[512];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct res *r;

		snprintf(text, sizeof(text),
			 "apiVersion: projectcalico.org/v3\n"
			 "kind: NetworkPolicy\nmetadata: {name: p}\nspec: %s\n",
			 cases[i].spec);
		r = rt_one(text);
		if (r->pol.types != cases[i].types)
			fail_msg("%s: types %u, want %u", cases[i].spec,
				 r->pol.types, cases[i].types);
		res_free(r);
	}
}

static void endpoints(void **state)
{
	struct res *r;

	RUN(endpoint_cases);
	r = rt_one(endpoint_cases[0].text);
	assert_int_equal(r->kind, RES_PROFILE);
	assert_int_equal(r->prof.n_labels, 2);
	assert_string_equal(r->prof.labels[0].key, "pcns.env");
	assert_string_equal(r->prof.labels[1].key,
			    "pcns.projectcalico.org/name");
	assert_int_equal(r->prof.n_ingress, 1);
	assert_int_equal(r->prof.egress[0].dst.ports[0].first, 443);
	res_free(r);

	r = rt_one(endpoint_cases[2].text);
	assert_int_equal(r->kind, RES_HEP);
	assert_string_equal(r->hep.node, "node1");
	assert_string_equal(r->hep.iface, "eth0");
	assert_int_equal(r->hep.n_expected_ips, 2);
	assert_int_equal(r->hep.expected_ips[1].family, 6);
	assert_int_equal(r->hep.expected_ips[1].prefix, 128);
	assert_int_equal(r->hep.n_profiles, 1);
	assert_int_equal(r->hep.n_ports, 2);
	assert_string_equal(r->hep.ports[1].proto.name, "udp");
	assert_int_equal(r->hep.ports[1].proto.num, 17);
	assert_int_equal(r->n_labels, 1);
	res_free(r);

	r = rt_one(endpoint_cases[3].text);
	assert_string_equal(r->hep.iface, "*");
	res_free(r);

	{
		struct res_list l = { 0 };
		char *m = rt_parse(endpoint_cases[5].text, &l);

		assert_int_equal(l.n, 1);
		free(m);
		r = l.v[0];
		assert_string_equal(r->name, "node1-k8s-web--1-eth0");
		assert_string_equal(r->ns, "prod");
		assert_string_equal(r->wep.pod, "web-1");
		assert_string_equal(r->wep.container_id, "a1b2c3");
		assert_string_equal(r->wep.mac, "02:00:00:00:00:01");
		assert_int_equal(r->wep.n_ip_networks, 2);
		assert_int_equal(r->wep.ip_networks[1].prefix, 128);
		assert_string_equal(r->wep.ipv4_gateway, "169.254.1.1");
		assert_int_equal(r->wep.n_profiles, 2);
		assert_string_equal(r->wep.service_account, "default");
		assert_int_equal(r->wep.n_ports, 2);
		assert_null(r->wep.ports[1].name);
		assert_int_equal(r->wep.ports[1].host_port, 5353);
		assert_string_equal(r->wep.ports[1].host_ip, "10.0.0.1");
		assert_int_equal(r->wep.n_allow_spoofed, 1);
		assert_int_equal(r->wep.allow_spoofed[0].prefix, 16);
		res_list_release(&l);
	}

	r = rt_one(
		"apiVersion: projectcalico.org/v3\n"
		"kind: WorkloadEndpoint\n"
		"metadata: {name: node1-openstack-vm--1-eth0, namespace: p}\n"
		"spec: {orchestrator: openstack, node: node1, endpoint: eth0,"
		" workload: vm-1}\n");
	assert_string_equal(r->name, "node1-openstack-vm--1-eth0");
	assert_string_equal(r->wep.workload, "vm-1");
	res_free(r);

	/* network sets keep host bits, as Calico does */
	r = rt_one(endpoint_cases[9].text);
	assert_int_equal(r->kind, RES_GNS);
	assert_int_equal(r->set.n_nets, 4);
	assert_int_equal(r->set.nets[0].prefix, 32);
	assert_string_equal(r->set.nets[3].text, "10.1.2.3/8");
	assert_string_equal(r->labels[0].value, "bad");
	res_free(r);
}

static void documents(void **state)
{
	RUN(document_cases);
}

/* Objects from a datastore: unknown fields are warnings, and messages
 * name the object. */
static void lenient_and_objects(void **state)
{
	static const char text[] = "apiVersion: projectcalico.org/v3\n"
				   "kind: GlobalNetworkPolicy\n"
				   "metadata: {name: p}\n"
				   "spec: {newField: 1, selector: all()}\n";
	struct res_list l = { 0 };
	struct json_object *o;
	struct diags d;
	char *m = rt_parse_flags(text, RES_F_LENIENT, &l);

	assert_string_equal(
		m,
		"t.yaml:4:8: warning: spec.newField: unknown field; known fields: tier, order, selector, serviceAccountSelector, types, ingress, egress, performanceHints, namespaceSelector, doNotTrack, preDNAT, applyOnForward");
	assert_int_equal(l.n, 1);
	free(m);
	res_list_release(&l);

	o = json_tokener_parse(
		"{\"apiVersion\": \"projectcalico.org/v3\", \"kind\": \"NetworkPolicy\","
		" \"metadata\": {\"name\": \"web\", \"namespace\": \"prod\"},"
		" \"spec\": {\"order\": \"x\", \"ingress\": [{\"action\": \"Allow\","
		" \"protocol\": \"TCP\", \"destination\": {\"ports\": [80]}}]}}");
	diags_init(&d);
	assert_int_equal(res_parse_object(o, RES_F_LENIENT, &l, &d), -EINVAL);
	m = rt_messages(&d);
	assert_string_equal(
		m,
		"NetworkPolicy prod/web: spec.order: \"x\": expected a number, not a string");
	free(m);
	assert_int_equal(l.n, 0);
	diags_release(&d);
	json_object_put(o);

	o = json_tokener_parse(
		"{\"apiVersion\": \"projectcalico.org/v3\", \"kind\": \"NetworkPolicy\","
		" \"metadata\": {\"name\": \"web\", \"namespace\": \"prod\"},"
		" \"spec\": {\"order\": 5, \"ingress\": [{\"action\": \"Allow\","
		" \"protocol\": \"TCP\", \"destination\": {\"ports\": [80]}}]}}");
	diags_init(&d);
	assert_int_equal(res_parse_object(o, RES_F_LENIENT, &l, &d), 0);
	assert_int_equal(d.n, 0);
	json_object_put(o);
	/* nothing points into the freed document */
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0]->name, "web");
	assert_null(l.v[0]->src.file);
	assert_string_equal(l.v[0]->src.origin, "NetworkPolicy prod/web");
	assert_int_equal(l.v[0]->pol.ingress[0].dst.ports[0].first, 80);
	res_list_release(&l);
	diags_release(&d);
}

static void kind_words(void **state)
{
	assert_int_equal(res_kind_parse("gnp"), RES_GNP);
	assert_int_equal(res_kind_parse("GlobalNetworkPolicies"), RES_GNP);
	assert_int_equal(res_kind_parse("networkpolicy"), RES_NP);
	assert_int_equal(res_kind_parse("wep"), RES_WEP);
	assert_int_equal(res_kind_parse("tiers"), RES_TIER);
	assert_int_equal(res_kind_parse("netset"), RES_NETSET);
	assert_int_equal(res_kind_parse("gns"), RES_GNS);
	assert_int_equal(res_kind_parse("snp"), RES_SNP);
	assert_int_equal(res_kind_parse("pod"), -1);
	assert_string_equal(res_kind_name(RES_SGNP),
			    "StagedGlobalNetworkPolicy");
	assert_true(res_kind_namespaced(RES_NETSET));
	assert_false(res_kind_namespaced(RES_GNS));
	assert_true(res_kind_is_policy(RES_SNP));
	assert_false(res_kind_is_policy(RES_PROFILE));
}

static void values(void **state)
{
	struct res_cidr c;
	struct res_port p;
	const char *why;
	char buf[64];

	assert_true(res_parse_cidr("10.1.2.3/8", true, &c, &why));
	assert_false(res_cidr_masked(&c, buf, sizeof(buf)));
	assert_string_equal(buf, "10.0.0.0/8");
	assert_true(res_parse_cidr("fd00::1:2/112", true, &c, &why));
	assert_false(res_cidr_masked(&c, buf, sizeof(buf)));
	assert_string_equal(buf, "fd00::1:0/112");
	assert_true(res_parse_cidr("0.0.0.0/0", true, &c, &why));
	assert_true(res_cidr_masked(&c, NULL, 0));
	assert_false(res_parse_cidr("10.0.0.1", true, &c, &why));
	assert_string_equal(why, "a CIDR needs a prefix length (10.0.0.1/32)");
	assert_true(res_parse_port("1:65535", &p, &why));
	assert_int_equal(p.first, 1);
	assert_int_equal(p.last, 65535);
	assert_false(res_parse_port("1:65536", &p, &why));
	assert_string_equal(why,
			    "a port range is \"first:last\", each 1 to 65535");
	assert_false(res_parse_port("0:5", &p, &why));
	assert_string_equal(why, "a port must be 1 to 65535");
	assert_false(res_parse_port("123", &p, &why) && p.first != 123);
	assert_false(res_parse_port("1234567", &p, &why));
	assert_false(res_parse_port("aaaaaaaaaaaaaaaa", &p, &why));
	assert_string_equal(why, "a port name must be 1 to 15 characters");
	assert_false(res_parse_port("123-456", &p, &why));
	assert_string_equal(why, "a port name must contain a letter");
	res_fmt_double(1000000, buf, sizeof(buf));
	assert_string_equal(buf, "1000000");
	res_fmt_double(10.5, buf, sizeof(buf));
	assert_string_equal(buf, "10.5");
	res_fmt_double(0.1, buf, sizeof(buf));
	assert_string_equal(buf, "0.1");
	res_fmt_double(-3, buf, sizeof(buf));
	assert_string_equal(buf, "-3");
	res_fmt_double(1e300, buf, sizeof(buf));
	assert_string_equal(buf, "1e+300");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tiers),
		cmocka_unit_test(policies),
		cmocka_unit_test(types_default),
		cmocka_unit_test(endpoints),
		cmocka_unit_test(documents),
		cmocka_unit_test(lenient_and_objects),
		cmocka_unit_test(kind_words),
		cmocka_unit_test(values),
	};

	return cmocka_run_group_tests_name("res_calico", tests, NULL, NULL);
}
