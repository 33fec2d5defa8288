// SPDX-License-Identifier: GPL-2.0
/*
 * Kubernetes objects into the Calico model (policy/res_k8s.c), compared
 * with what Calico's converter gives for the same input: every case's
 * messages and the converted resources printed as YAML, exactly.
 * NetworkPolicy (selectors, policyTypes, ipBlock with except, peers,
 * ports grouped by protocol and merged as SimplifyPorts merges them,
 * named ports, endPort, empty from/to, validation), Namespace and
 * ServiceAccount profiles, Pods (labels, profiles, interface name, named
 * ports, addresses and the pods left out), AdminNetworkPolicy,
 * BaselineAdminNetworkPolicy and ClusterNetworkPolicy (tiers, order,
 * subjects, peers, ports, fail-closed rules), staged Kubernetes policies.
 */
#include <errno.h>
#include "res_test.h"

struct kcase {
	const char *text;
	size_t n; /* resources it gives */
	const char *out; /* messages, then each resource as YAML */
};

static const struct kcase knp_cases[] = {
	{ "apiVersion: networking.k8s.io/v1\n"
	  "kind: NetworkPolicy\n"
	  "metadata: {name: db, namespace: prod}\n"
	  "spec:\n"
	  "  podSelector:\n"
	  "    matchLabels: {role: db, app: pg}\n"
	  "    matchExpressions:\n"
	  "    - {key: tier, operator: NotIn, values: [x, z]}\n"
	  "    - {key: canary, operator: DoesNotExist}\n"
	  "  policyTypes: [Ingress, Egress]\n"
	  "  ingress:\n"
	  "  - from:\n"
	  "    - podSelector: {matchLabels: {role: api}}\n"
	  "    - namespaceSelector: {matchLabels: {team: ops}}\n"
	  "    - namespaceSelector: {}\n"
	  "      podSelector: {matchExpressions: [{key: monitor, operator: Exists}]}\n"
	  "    ports:\n"
	  "    - {port: 5432}\n"
	  "    - {protocol: TCP, port: 5433}\n"
	  "    - {protocol: UDP, port: metrics}\n"
	  "  egress: []\n",
	  1,
	  "apiVersion: projectcalico.org/v3\n"
	  "kind: NetworkPolicy\n"
	  "metadata:\n"
	  "  name: knp.default.db\n"
	  "  namespace: prod\n"
	  "spec:\n"
	  "  ingress:\n"
	  "  - action: Allow\n"
	  "    destination:\n"
	  "      ports:\n"
	  "      - 5432:5433\n"
	  "    protocol: TCP\n"
	  "    source:\n"
	  "      selector: projectcalico.org/orchestrator == 'k8s' && role == 'api'\n"
	  "  - action: Allow\n"
	  "    destination:\n"
	  "      ports:\n"
	  "      - 5432:5433\n"
	  "    protocol: TCP\n"
	  "    source:\n"
	  "      namespaceSelector: team == 'ops'\n"
	  "      selector: projectcalico.org/orchestrator == 'k8s'\n"
	  "  - action: Allow\n"
	  "    destination:\n"
	  "      ports:\n"
	  "      - 5432:5433\n"
	  "    protocol: TCP\n"
	  "    source:\n"
	  "      namespaceSelector: all()\n"
	  "      selector: projectcalico.org/orchestrator == 'k8s' && has(monitor)\n"
	  "  - action: Allow\n"
	  "    destination:\n"
	  "      ports:\n"
	  "      - metrics\n"
	  "    protocol: UDP\n"
	  "    source:\n"
	  "      selector: projectcalico.org/orchestrator == 'k8s' && role == 'api'\n"
	  "  - action: Allow\n"
	  "    destination:\n"
	  "      ports:\n"
	  "      - metrics\n"
	  "    protocol: UDP\n"
	  "    source:\n"
	  "      namespaceSelector: team == 'ops'\n"
	  "      selector: projectcalico.org/orchestrator == 'k8s'\n"
	  "  - action: Allow\n"
	  "    destination:\n"
	  "      ports:\n"
	  "      - metrics\n"
	  "    protocol: UDP\n"
	  "    source:\n"
	  "      namespaceSelector: all()\n"
	  "      selector: projectcalico.org/orchestrator == 'k8s' && has(monitor)\n"
	  "  order: 1000\n"
	  "  selector: projectcalico.org/orchestrator == 'k8s' && app == 'pg' && role == 'db' && tier not in { 'x', 'z' } && ! has(canary)\n"
	  "  tier: default\n"
	  "  types:\n"
	  "  - Ingress\n"
	  "  - Egress\n" },
	{ "apiVersion: networking.k8s.io/v1\n"
	  "kind: NetworkPolicy\n"
	  "metadata: {name: open}\n"
	  "spec:\n"
	  "  podSelector: {}\n"
	  "  ingress: [{}]\n"
	  "  egress: [{ports: [{protocol: UDP}, {port: 53, protocol: UDP}, {port: 80}, {}, {port: 443}]}]\n",
	  1,
	  "t.yaml:7:11: warning: spec.egress: has no effect: policyTypes does not include Egress\n"
	  "apiVersion: projectcalico.org/v3\n"
	  "kind: NetworkPolicy\n"
	  "metadata:\n"
	  "  name: knp.default.open\n"
	  "  namespace: default\n"
	  "spec:\n"
	  "  egress:\n"
	  "  - action: Allow\n"
	  "    destination: {}\n"
	  "    protocol: TCP\n"
	  "    source: {}\n"
	  "  - action: Allow\n"
	  "    destination: {}\n"
	  "    protocol: UDP\n"
	  "    source: {}\n"
	  "  ingress:\n"
	  "  - action: Allow\n"
	  "    destination: {}\n"
	  "    source: {}\n"
	  "  order: 1000\n"
	  "  selector: projectcalico.org/orchestrator == 'k8s'\n"
	  "  tier: default\n"
	  "  types:\n"
	  "  - Ingress\n" },
	{ "apiVersion: networking.k8s.io/v1\n"
	  "kind: NetworkPolicy\n"
	  "metadata: {name: ext, namespace: prod}\n"
	  "spec:\n"
	  "  podSelector: {matchLabels: {app: web}}\n"
	  "  policyTypes: [Egress]\n"
	  "  egress:\n"
	  "  - to:\n"
	  "    - ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8, 192.168.1.7/16]}\n"
	  "    - ipBlock: {cidr: \"fd00::1/64\"}\n"
	  "    ports:\n"
	  "    - {port: 8000, endPort: 8010}\n"
	  "    - {port: 8011}\n"
	  "    - {port: 9000}\n",
	  1,
	  "apiVersion: projectcalico.org/v3\n"
	  "kind: NetworkPolicy\n"
	  "metadata:\n"
	  "  name: knp.default.ext\n"
	  "  namespace: prod\n"
	  "spec:\n"
	  "  egress:\n"
	  "  - action: Allow\n"
	  "    destination:\n"
	  "      nets:\n"
	  "      - 0.0.0.0/0\n"
	  "      notNets:\n"
	  "      - 10.0.0.0/8\n"
	  "      - 192.168.0.0/16\n"
	  "      ports:\n"
	  "      - 8000:8011\n"
	  "      - 9000\n"
	  "    protocol: TCP\n"
	  "    source: {}\n"
	  "  - action: Allow\n"
	  "    destination:\n"
	  "      nets:\n"
	  "      - fd00::/64\n"
	  "      ports:\n"
	  "      - 8000:8011\n"
	  "      - 9000\n"
	  "    protocol: TCP\n"
	  "    source: {}\n"
	  "  order: 1000\n"
	  "  selector: projectcalico.org/orchestrator == 'k8s' && app == 'web'\n"
	  "  tier: default\n"
	  "  types:\n"
	  "  - Egress\n" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: StagedKubernetesNetworkPolicy\n"
	  "metadata: {name: trial, namespace: prod}\n"
	  "spec:\n"
	  "  stagedAction: Set\n"
	  "  podSelector: {}\n"
	  "  policyTypes: [Ingress]\n",
	  1,
	  "apiVersion: projectcalico.org/v3\n"
	  "kind: StagedNetworkPolicy\n"
	  "metadata:\n"
	  "  name: knp.default.trial\n"
	  "  namespace: prod\n"
	  "spec:\n"
	  "  order: 1000\n"
	  "  selector: projectcalico.org/orchestrator == 'k8s'\n"
	  "  stagedAction: Set\n"
	  "  tier: default\n"
	  "  types:\n"
	  "  - Ingress\n" },
	{ "apiVersion: projectcalico.org/v3\n"
	  "kind: StagedKubernetesNetworkPolicy\n"
	  "metadata: {name: gone, namespace: prod}\n"
	  "spec: {stagedAction: Delete}\n",
	  1,
	  "apiVersion: projectcalico.org/v3\n"
	  "kind: StagedNetworkPolicy\n"
	  "metadata:\n"
	  "  name: knp.default.gone\n"
	  "  namespace: prod\n"
	  "spec:\n"
	  "  order: 1000\n"
	  "  selector: projectcalico.org/orchestrator == 'k8s'\n"
	  "  stagedAction: Delete\n"
	  "  tier: default\n"
	  "  types:\n"
	  "  - Ingress\n" },
};

static const struct kcase pod_cases[] = {
	{ "apiVersion: v1\n"
	  "kind: Namespace\n"
	  "metadata:\n"
	  "  name: prod\n"
	  "  labels: {team: payments, kubernetes.io/metadata.name: prod}\n"
	  "  annotations: {a: b}\n"
	  "spec: {finalizers: [kubernetes]}\n"
	  "status: {phase: Active}\n",
	  1,
	  "apiVersion: projectcalico.org/v3\n"
	  "kind: Profile\n"
	  "metadata:\n"
	  "  name: kns.prod\n"
	  "spec:\n"
	  "  egress:\n"
	  "  - action: Allow\n"
	  "    destination: {}\n"
	  "    source: {}\n"
	  "  ingress:\n"
	  "  - action: Allow\n"
	  "    destination: {}\n"
	  "    source: {}\n"
	  "  labelsToApply:\n"
	  "    pcns.kubernetes.io/metadata.name: prod\n"
	  "    pcns.projectcalico.org/name: prod\n"
	  "    pcns.team: payments\n" },
	{ "apiVersion: v1\n"
	  "kind: ServiceAccount\n"
	  "metadata: {name: api, namespace: prod, labels: {tier: backend}}\n"
	  "automountServiceAccountToken: false\n"
	  "secrets: [{name: x}]\n",
	  1,
	  "apiVersion: projectcalico.org/v3\n"
	  "kind: Profile\n"
	  "metadata:\n"
	  "  name: ksa.prod.api\n"
	  "spec:\n"
	  "  labelsToApply:\n"
	  "    pcsa.projectcalico.org/name: api\n"
	  "    pcsa.tier: backend\n" },
	{ "apiVersion: v1\n"
	  "kind: ServiceAccount\n"
	  "metadata: {name: default}\n",
	  1,
	  "apiVersion: projectcalico.org/v3\n"
	  "kind: Profile\n"
	  "metadata:\n"
	  "  name: ksa.default.default\n"
	  "spec:\n"
	  "  labelsToApply:\n"
	  "    pcsa.projectcalico.org/name: default\n" },
	{ "apiVersion: v1\n"
	  "kind: Pod\n"
	  "metadata:\n"
	  "  name: web-0\n"
	  "  namespace: default\n"
	  "  labels: {app: web, projectcalico.org/namespace: spoofed}\n"
	  "  annotations:\n"
	  "    cni.projectcalico.org/containerID: 0123abcd\n"
	  "    cni.projectcalico.org/podIPs: \"10.9.9.9\"\n"
	  "    cni.projectcalico.org/allowedSourcePrefixes: '[\"192.168.9.1/24\"]'\n"
	  "spec:\n"
	  "  nodeName: worker-1\n"
	  "  serviceAccountName: web\n"
	  "  initContainers:\n"
	  "  - name: init\n"
	  "    ports: [{name: init-port, containerPort: 1000}]\n"
	  "  containers:\n"
	  "  - name: app\n"
	  "    image: nginx\n"
	  "    ports:\n"
	  "    - {name: http, containerPort: 8080}\n"
	  "    - {containerPort: 9090}\n"
	  "    - {name: dns, containerPort: 53, protocol: UDP}\n"
	  "    - {containerPort: 3868, hostPort: 3868, protocol: SCTP, hostIP: 10.0.0.1}\n"
	  "  - name: side\n"
	  "    ports: [{name: x, containerPort: 1, protocol: WHAT}]\n"
	  "status:\n"
	  "  phase: Running\n"
	  "  podIP: 10.65.0.10\n"
	  "  podIPs: [{ip: 10.65.0.10}, {ip: \"fd00:65::10\"}]\n",
	  1,
	  "apiVersion: projectcalico.org/v3\n"
	  "kind: WorkloadEndpoint\n"
	  "metadata:\n"
	  "  labels:\n"
	  "    app: web\n"
	  "    projectcalico.org/namespace: default\n"
	  "    projectcalico.org/orchestrator: k8s\n"
	  "    projectcalico.org/serviceaccount: web\n"
	  "  name: worker--1-k8s-web--0-eth0\n"
	  "  namespace: default\n"
	  "spec:\n"
	  "  allowSpoofedSourcePrefixes:\n"
	  "  - 192.168.9.0/24\n"
	  "  containerID: 0123abcd\n"
	  "  endpoint: eth0\n"
	  "  interfaceName: cali0d7763386da\n"
	  "  ipNetworks:\n"
	  "  - 10.65.0.10/32\n"
	  "  - fd00:65::10/128\n"
	  "  node: worker-1\n"
	  "  orchestrator: k8s\n"
	  "  pod: web-0\n"
	  "  ports:\n"
	  "  - name: init-port\n"
	  "    port: 1000\n"
	  "    protocol: tcp\n"
	  "  - name: http\n"
	  "    port: 8080\n"
	  "    protocol: tcp\n"
	  "  - name: dns\n"
	  "    port: 53\n"
	  "    protocol: udp\n"
	  "  - hostIP: 10.0.0.1\n"
	  "    hostPort: 3868\n"
	  "    port: 3868\n"
	  "    protocol: sctp\n"
	  "  profiles:\n"
	  "  - kns.default\n"
	  "  - ksa.default.web\n"
	  "  serviceAccountName: web\n" },
	{ "apiVersion: v1\n"
	  "kind: Pod\n"
	  "metadata: {name: a, namespace: default}\n"
	  "spec: {nodeName: node-a, serviceAccountName: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa}\n"
	  "status: {podIP: 10.0.0.1}\n",
	  1,
	  "apiVersion: projectcalico.org/v3\n"
	  "kind: WorkloadEndpoint\n"
	  "metadata:\n"
	  "  labels:\n"
	  "    projectcalico.org/namespace: default\n"
	  "    projectcalico.org/orchestrator: k8s\n"
	  "  name: node--a-k8s-a-eth0\n"
	  "  namespace: default\n"
	  "spec:\n"
	  "  endpoint: eth0\n"
	  "  interfaceName: caliacd53aa4120\n"
	  "  ipNetworks:\n"
	  "  - 10.0.0.1/32\n"
	  "  node: node-a\n"
	  "  orchestrator: k8s\n"
	  "  pod: a\n"
	  "  profiles:\n"
	  "  - kns.default\n"
	  "  - ksa.default.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
	  "  serviceAccountName: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n" },
	{ "apiVersion: v1\n"
	  "kind: Pod\n"
	  "metadata: {name: b, namespace: default, annotations: {vpc.amazonaws.com/pod-ips: \"10.0.0.2,10.0.0.3\"}}\n"
	  "spec: {nodeName: node-a}\n",
	  1,
	  "apiVersion: projectcalico.org/v3\n"
	  "kind: WorkloadEndpoint\n"
	  "metadata:\n"
	  "  labels:\n"
	  "    projectcalico.org/namespace: default\n"
	  "    projectcalico.org/orchestrator: k8s\n"
	  "  name: node--a-k8s-b-eth0\n"
	  "  namespace: default\n"
	  "spec:\n"
	  "  endpoint: eth0\n"
	  "  interfaceName: califf6fc35a693\n"
	  "  ipNetworks:\n"
	  "  - 10.0.0.2/32\n"
	  "  - 10.0.0.3/32\n"
	  "  node: node-a\n"
	  "  orchestrator: k8s\n"
	  "  pod: b\n"
	  "  profiles:\n"
	  "  - kns.default\n" },
	{ "apiVersion: v1\n"
	  "kind: Pod\n"
	  "metadata: {name: hostnet, namespace: default}\n"
	  "spec: {nodeName: node-a, hostNetwork: true}\n"
	  "status: {podIP: 10.0.0.4}\n",
	  0, "" },
	{ "apiVersion: v1\n"
	  "kind: Pod\n"
	  "metadata: {name: pending, namespace: default}\n"
	  "spec: {}\n",
	  0, "" },
	{ "apiVersion: v1\n"
	  "kind: Pod\n"
	  "metadata: {name: noip, namespace: default}\n"
	  "spec: {nodeName: node-a}\n"
	  "status: {phase: Pending}\n",
	  0, "" },
	{ "apiVersion: v1\n"
	  "kind: Pod\n"
	  "metadata: {name: failed, namespace: default}\n"
	  "spec: {nodeName: node-a}\n"
	  "status: {phase: Failed, podIP: 10.0.0.5}\n",
	  0, "" },
	{ "apiVersion: v1\n"
	  "kind: Pod\n"
	  "metadata:\n"
	  "  name: deleting\n"
	  "  namespace: default\n"
	  "  deletionTimestamp: \"2024-01-01T00:00:00Z\"\n"
	  "  annotations: {cni.projectcalico.org/podIP: \"\"}\n"
	  "spec: {nodeName: node-a}\n"
	  "status: {phase: Running, podIP: 10.0.0.6}\n",
	  0, "" },
	{ "apiVersion: v1\n"
	  "kind: Pod\n"
	  "metadata:\n"
	  "  name: still-up\n"
	  "  namespace: default\n"
	  "  deletionTimestamp: \"2024-01-01T00:00:00Z\"\n"
	  "spec: {nodeName: node-a}\n"
	  "status: {phase: Running, podIP: 10.0.0.7}\n",
	  1,
	  "apiVersion: projectcalico.org/v3\n"
	  "kind: WorkloadEndpoint\n"
	  "metadata:\n"
	  "  labels:\n"
	  "    projectcalico.org/namespace: default\n"
	  "    projectcalico.org/orchestrator: k8s\n"
	  "  name: node--a-k8s-still--up-eth0\n"
	  "  namespace: default\n"
	  "spec:\n"
	  "  endpoint: eth0\n"
	  "  interfaceName: caliad1297d04cd\n"
	  "  ipNetworks:\n"
	  "  - 10.0.0.7/32\n"
	  "  node: node-a\n"
	  "  orchestrator: k8s\n"
	  "  pod: still-up\n"
	  "  profiles:\n"
	  "  - kns.default\n" },
	{ "apiVersion: v1\n"
	  "kind: Pod\n"
	  "metadata: {name: bad, namespace: default, annotations: {cni.projectcalico.org/allowedSourcePrefixes: \"nope\"}}\n"
	  "spec: {nodeName: -n, hostNetwork: \"no\"}\n"
	  "status: {podIP: 10.0.0.300}\n",
	  0,
	  "t.yaml:4:18: spec.nodeName: \"-n\": a node name is lowercase letters, digits, '-' and '.', starting and ending with a letter or digit\n"
	  "t.yaml:4:35: spec.hostNetwork: \"no\": expected true or false, not a string\n" },
	{ "apiVersion: v1\n"
	  "kind: Pod\n"
	  "metadata: {name: bad2, namespace: default}\n"
	  "spec: {nodeName: node-a}\n"
	  "status: {podIP: 10.0.0.300}\n",
	  0, "t.yaml:5:9: status.podIP: \"10.0.0.300\": not an IP address\n" },
};

static const struct kcase admin_cases[] = {
	{ "apiVersion: policy.networking.k8s.io/v1alpha1\n"
	  "kind: AdminNetworkPolicy\n"
	  "metadata: {name: sensitive}\n"
	  "spec:\n"
	  "  priority: 20\n"
	  "  subject:\n"
	  "    pods:\n"
	  "      namespaceSelector: {matchLabels: {pci: \"true\"}}\n"
	  "      podSelector: {matchLabels: {app: vault}}\n"
	  "  ingress:\n"
	  "  - name: monitoring\n"
	  "    action: Allow\n"
	  "    from: [{namespaces: {matchLabels: {kubernetes.io/metadata.name: monitoring}}}]\n"
	  "    ports: [{portNumber: {protocol: TCP, port: 9102}}]\n"
	  "  - name: no-others\n"
	  "    action: Deny\n"
	  "    from: [{namespaces: {}}]\n"
	  "  egress:\n"
	  "  - name: dns\n"
	  "    action: Pass\n"
	  "    to: [{pods: {namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}, podSelector: {matchLabels: {k8s-app: kube-dns}}}}]\n"
	  "    ports: [{portNumber: {protocol: UDP, port: 53}}, {portRange: {protocol: TCP, start: 53, end: 54}}]\n"
	  "  - action: Deny\n"
	  "    to: [{networks: [0.0.0.0/0, \"::/0\"]}]\n",
	  1,
	  "apiVersion: projectcalico.org/v3\n"
	  "kind: GlobalNetworkPolicy\n"
	  "metadata:\n"
	  "  name: kanp.kube-admin.sensitive\n"
	  "spec:\n"
	  "  egress:\n"
	  "  - action: Pass\n"
	  "    destination:\n"
	  "      namespaceSelector: kubernetes.io/metadata.name == 'kube-system'\n"
	  "      ports:\n"
	  "      - 53:54\n"
	  "      selector: projectcalico.org/orchestrator == 'k8s' && k8s-app == 'kube-dns'\n"
	  "    metadata:\n"
	  "      annotations:\n"
	  "        name: dns\n"
	  "    protocol: TCP\n"
	  "    source: {}\n"
	  "  - action: Pass\n"
	  "    destination:\n"
	  "      namespaceSelector: kubernetes.io/metadata.name == 'kube-system'\n"
	  "      ports:\n"
	  "      - 53\n"
	  "      selector: projectcalico.org/orchestrator == 'k8s' && k8s-app == 'kube-dns'\n"
	  "    metadata:\n"
	  "      annotations:\n"
	  "        name: dns\n"
	  "    protocol: UDP\n"
	  "    source: {}\n"
	  "  - action: Deny\n"
	  "    destination:\n"
	  "      nets:\n"
	  "      - 0.0.0.0/0\n"
	  "      - ::/0\n"
	  "    source: {}\n"
	  "  ingress:\n"
	  "  - action: Allow\n"
	  "    destination:\n"
	  "      ports:\n"
	  "      - 9102\n"
	  "    metadata:\n"
	  "      annotations:\n"
	  "        name: monitoring\n"
	  "    protocol: TCP\n"
	  "    source:\n"
	  "      namespaceSelector: kubernetes.io/metadata.name == 'monitoring'\n"
	  "  - action: Deny\n"
	  "    destination: {}\n"
	  "    metadata:\n"
	  "      annotations:\n"
	  "        name: no-others\n"
	  "    source:\n"
	  "      namespaceSelector: all()\n"
	  "  namespaceSelector: pci == 'true'\n"
	  "  order: 20\n"
	  "  selector: projectcalico.org/orchestrator == 'k8s' && app == 'vault'\n"
	  "  tier: kube-admin\n"
	  "  types:\n"
	  "  - Ingress\n"
	  "  - Egress\n" },
	{ "apiVersion: policy.networking.k8s.io/v1alpha1\n"
	  "kind: AdminNetworkPolicy\n"
	  "metadata: {name: bad}\n"
	  "spec:\n"
	  "  priority: 1001\n"
	  "  subject: {namespaces: {}, pods: {podSelector: {}}}\n"
	  "  ingress:\n"
	  "  - {action: Accept, from: []}\n"
	  "  - action: Allow\n"
	  "    from: [{namespaces: {}, pods: {podSelector: {}}}]\n"
	  "    ports: [{portRange: {start: 10, end: 10}}, {portNumber: {port: 0, protocol: ICMP}}]\n"
	  "  egress:\n"
	  "  - {action: Allow, to: [{nodes: {}}]}\n",
	  0,
	  "t.yaml:5:13: spec.priority: 1001: out of range: 0 to 1000\n"
	  "t.yaml:6:12: spec.subject: exactly one of namespaces, pods must be set\n"
	  "t.yaml:8:14: spec.ingress[0].action: \"Accept\": expected Allow, Deny or Pass\n"
	  "t.yaml:8:28: spec.ingress[0].from: required: at least one peer\n"
	  "t.yaml:10:12: spec.ingress[1].from[0]: exactly one of namespaces, pods must be set\n"
	  "t.yaml:11:42: spec.ingress[1].ports[0].portRange.end: 10: must be above start (10)\n"
	  "t.yaml:11:81: spec.ingress[1].ports[1].portNumber.protocol: \"ICMP\": expected TCP, UDP or SCTP\n"
	  "t.yaml:11:68: spec.ingress[1].ports[1].portNumber.port: 0: out of range: 1 to 65535\n"
	  "t.yaml:13:5: warning: spec.egress[0]: nodes peers are not supported by Calico's conversion: this rule is dropped (it matches nothing)\n" },
	{ "apiVersion: policy.networking.k8s.io/v1alpha1\n"
	  "kind: BaselineAdminNetworkPolicy\n"
	  "metadata: {name: default}\n"
	  "spec:\n"
	  "  subject: {namespaces: {}}\n"
	  "  ingress:\n"
	  "  - {name: default-deny, action: Deny, from: [{namespaces: {}}]}\n",
	  1,
	  "apiVersion: projectcalico.org/v3\n"
	  "kind: GlobalNetworkPolicy\n"
	  "metadata:\n"
	  "  name: kbanp.kube-baseline.default\n"
	  "spec:\n"
	  "  ingress:\n"
	  "  - action: Deny\n"
	  "    destination: {}\n"
	  "    metadata:\n"
	  "      annotations:\n"
	  "        name: default-deny\n"
	  "    source:\n"
	  "      namespaceSelector: all()\n"
	  "  namespaceSelector: all()\n"
	  "  selector: projectcalico.org/orchestrator == 'k8s'\n"
	  "  tier: kube-baseline\n"
	  "  types:\n"
	  "  - Ingress\n" },
	{ "apiVersion: policy.networking.k8s.io/v1alpha1\n"
	  "kind: BaselineAdminNetworkPolicy\n"
	  "metadata: {name: other}\n"
	  "spec:\n"
	  "  priority: 3\n"
	  "  subject: {namespaces: {}}\n",
	  0,
	  "t.yaml:5:3: spec.priority: unknown field; known fields: subject, ingress, egress\n"
	  "t.yaml:3:18: metadata.name: \"other\": a BaselineAdminNetworkPolicy must be named \"default\"\n" },
	{ "apiVersion: policy.networking.k8s.io/v1alpha2\n"
	  "kind: ClusterNetworkPolicy\n"
	  "metadata: {name: isolate}\n"
	  "spec:\n"
	  "  tier: Baseline\n"
	  "  priority: 100\n"
	  "  subject: {pods: {podSelector: {matchLabels: {app: x}}}}\n"
	  "  ingress:\n"
	  "  - action: Accept\n"
	  "    from: [{pods: {podSelector: {}}}]\n"
	  "    protocols: [{tcp: {destinationPort: {number: 80}}}, {sctp: {destinationPort: {range: {start: 1, end: 9}}}}, {udp: {destinationPort: {number: 53}}}]\n"
	  "  - action: Deny\n"
	  "    from: [{namespaces: {}}]\n"
	  "    protocols: [{destinationNamedPort: http}]\n"
	  "  egress:\n"
	  "  - {action: Accept, to: [{domainNames: [example.com]}]}\n",
	  1,
	  "t.yaml:12:5: warning: spec.ingress[1]: destinationNamedPort is not supported by Calico's conversion: this rule becomes \"Deny everything\" (fail closed)\n"
	  "t.yaml:16:5: warning: spec.egress[0]: domainNames peers are not supported by Calico's conversion: this rule is dropped (it matches nothing)\n"
	  "apiVersion: projectcalico.org/v3\n"
	  "kind: GlobalNetworkPolicy\n"
	  "metadata:\n"
	  "  name: kcnp.kube-baseline.isolate\n"
	  "spec:\n"
	  "  ingress:\n"
	  "  - action: Allow\n"
	  "    destination:\n"
	  "      ports:\n"
	  "      - 1:9\n"
	  "    protocol: SCTP\n"
	  "    source:\n"
	  "      namespaceSelector: all()\n"
	  "      selector: projectcalico.org/orchestrator == 'k8s'\n"
	  "  - action: Allow\n"
	  "    destination:\n"
	  "      ports:\n"
	  "      - 80\n"
	  "    protocol: TCP\n"
	  "    source:\n"
	  "      namespaceSelector: all()\n"
	  "      selector: projectcalico.org/orchestrator == 'k8s'\n"
	  "  - action: Allow\n"
	  "    destination:\n"
	  "      ports:\n"
	  "      - 53\n"
	  "    protocol: UDP\n"
	  "    source:\n"
	  "      namespaceSelector: all()\n"
	  "      selector: projectcalico.org/orchestrator == 'k8s'\n"
	  "  - action: Deny\n"
	  "    destination: {}\n"
	  "    source: {}\n"
	  "  namespaceSelector: all()\n"
	  "  order: 100\n"
	  "  selector: projectcalico.org/orchestrator == 'k8s' && app == 'x'\n"
	  "  tier: kube-baseline\n"
	  "  types:\n"
	  "  - Ingress\n" },
	{ "apiVersion: policy.networking.k8s.io/v1alpha2\n"
	  "kind: ClusterNetworkPolicy\n"
	  "metadata: {name: bad}\n"
	  "spec:\n"
	  "  tier: Middle\n"
	  "  subject: {}\n"
	  "  ingress:\n"
	  "  - action: Allow\n"
	  "    from: [{namespaces: {}}]\n"
	  "    protocols: [{tcp: {destinationPort: {number: 80, range: {start: 1, end: 2}}}}, {udp: {}}, {icmp: {}}]\n",
	  0,
	  "t.yaml:5:9: spec.tier: \"Middle\": expected Admin or Baseline\n"
	  "t.yaml:6:12: spec.subject: exactly one of namespaces, pods must be set\n"
	  "t.yaml:8:13: spec.ingress[0].action: \"Allow\": expected Accept, Deny or Pass\n"
	  "t.yaml:10:41: spec.ingress[0].protocols[0].tcp.destinationPort: exactly one of number, range must be set\n"
	  "t.yaml:10:90: spec.ingress[0].protocols[1].udp: expected {destinationPort: ...}\n"
	  "t.yaml:10:96: spec.ingress[0].protocols[2].icmp: unknown field; known fields: tcp, udp, sctp, destinationNamedPort\n"
	  "t.yaml:5:3: spec.priority: required: 0 to 1000\n" },
	{ "apiVersion: policy.networking.k8s.io/v1alpha2\n"
	  "kind: ClusterNetworkPolicy\n"
	  "metadata: {name: empty}\n"
	  "spec: {tier: Admin, priority: 0, subject: {namespaces: {}}}\n",
	  1,
	  "apiVersion: projectcalico.org/v3\n"
	  "kind: GlobalNetworkPolicy\n"
	  "metadata:\n"
	  "  name: kcnp.kube-admin.empty\n"
	  "spec:\n"
	  "  namespaceSelector: all()\n"
	  "  order: 0\n"
	  "  selector: projectcalico.org/orchestrator == 'k8s'\n"
	  "  tier: kube-admin\n" },
};

static const struct kcase knp_bad_cases[] = {
	{ "apiVersion: networking.k8s.io/v1\n"
	  "kind: NetworkPolicy\n"
	  "metadata: {name: Bad_Name}\n"
	  "spec:\n"
	  "  podSelector:\n"
	  "    matchLabels: {app: \"we b\"}\n"
	  "    matchExpressions:\n"
	  "    - {key: tier, operator: In}\n"
	  "    - {key: x, operator: Exists, values: [a]}\n"
	  "    - {key: y, operator: Foo}\n"
	  "  policyTypes: [Ingress, Sideways]\n"
	  "  ingress:\n"
	  "  - from:\n"
	  "    - ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/16, 10.0.0.0/8]}\n"
	  "      podSelector: {}\n"
	  "    - ipBlock: {cidr: 10.0.0.0/8, except: [11.0.0.0/16, 10.0.0.0/8]}\n"
	  "    - {}\n"
	  "    ports:\n"
	  "    - {port: 80, endPort: 70}\n"
	  "    - {port: http, endPort: 90}\n"
	  "    - {protocol: ICMP, port: 1}\n",
	  0,
	  "t.yaml:3:18: metadata.name: \"Bad_Name\": a name is lowercase letters, digits, '-' and '.', starting and ending with a letter or digit, at most 253 characters\n"
	  "t.yaml:11:26: spec.policyTypes[1]: \"Sideways\": expected Ingress or Egress\n"
	  "t.yaml:14:44: spec.ingress[0].from[0].ipBlock.except[0]: \"11.0.0.0/16\": must be a strict subset of cidr 10.0.0.0/8\n"
	  "t.yaml:14:57: spec.ingress[0].from[0].ipBlock.except[1]: \"10.0.0.0/8\": must be a strict subset of cidr 10.0.0.0/8\n"
	  "t.yaml:14:7: spec.ingress[0].from[0]: ipBlock cannot be combined with podSelector or namespaceSelector\n"
	  "t.yaml:16:44: spec.ingress[0].from[1].ipBlock.except[0]: \"11.0.0.0/16\": must be a strict subset of cidr 10.0.0.0/8\n"
	  "t.yaml:16:57: spec.ingress[0].from[1].ipBlock.except[1]: \"10.0.0.0/8\": must be a strict subset of cidr 10.0.0.0/8\n"
	  "t.yaml:17:7: spec.ingress[0].from[2]: a peer needs podSelector, namespaceSelector or ipBlock\n"
	  "t.yaml:19:27: spec.ingress[0].ports[0].endPort: 70: must not be below port (80)\n"
	  "t.yaml:20:29: spec.ingress[0].ports[1].endPort: needs a numeric port, not a port name\n"
	  "t.yaml:21:18: spec.ingress[0].ports[2].protocol: \"ICMP\": expected TCP, UDP or SCTP\n"
	  "t.yaml:6:24: spec.podSelector.matchLabels.app: \"we b\": invalid label value: only alphanumerics, '-', '_' and '.' are allowed\n"
	  "t.yaml:8:7: spec.podSelector.matchExpressions[0].values: required (at least one) for operator In\n"
	  "t.yaml:9:42: spec.podSelector.matchExpressions[1].values: must be empty for operator Exists\n"
	  "t.yaml:10:13: spec.podSelector.matchExpressions[2].key: y: expected a string, not a boolean (quote it: \"y\")\n"
	  "t.yaml:10:26: spec.podSelector.matchExpressions[2].operator: \"Foo\": expected In, NotIn, Exists or DoesNotExist\n" },
	{ "apiVersion: networking.k8s.io/v1\n"
	  "kind: NetworkPolicy\n"
	  "metadata: {name: x}\n"
	  "spec:\n"
	  "  podSelector: {}\n"
	  "  egress:\n"
	  "  - to: [{ipBlock: {except: [10.0.0.0/8]}}, {ipBlock: {cidr: 10.0.0.1}}, {ipBlock: {cidr: \"fd00::/8\", except: [10.0.0.0/8]}}]\n"
	  "    ports: [{port: 0}, {port: \"80\"}, {endPort: 5}]\n"
	  "  ingress:\n"
	  "  - from: [{podSelector: {matchLabels: {\"a b\": c}}}]\n",
	  0,
	  "t.yaml:7:20: spec.egress[0].to[0].ipBlock.cidr: required\n"
	  "t.yaml:7:62: spec.egress[0].to[1].ipBlock.cidr: \"10.0.0.1\": a CIDR needs a prefix length (10.0.0.1/32)\n"
	  "t.yaml:7:112: spec.egress[0].to[2].ipBlock.except[0]: \"10.0.0.0/8\": must be a strict subset of cidr fd00::/8\n"
	  "t.yaml:8:20: spec.egress[0].ports[0].port: 0: out of range: 1 to 65535\n"
	  "t.yaml:8:31: spec.egress[0].ports[1].port: \"80\": a port name must contain a letter\n"
	  "t.yaml:8:48: spec.egress[0].ports[2].endPort: needs a port\n"
	  "t.yaml:10:41: spec.ingress[0].from[0].podSelector.matchLabels.a b: \"a b\": invalid label key: only alphanumerics, '-', '_' and '.' are allowed\n" },
};

static void run_cases(const struct kcase *v, size_t n, const char *what)
{
	size_t i, k;

	for (i = 0; i < n; i++) {
		struct res_list l = { 0 };
		char *msgs = rt_parse(v[i].text, &l), *buf = NULL;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);

		if (*msgs)
			fprintf(f, "%s\n", msgs);
		for (k = 0; k < l.n; k++)
			assert_int_equal(res_print(f, &l.v[k], 1, RES_FMT_YAML,
						   false),
					 0);
		fclose(f);
		if (strcmp(buf, v[i].out) || l.n != v[i].n) {
			print_error(
				"%s case %zu: %zu resources (want %zu)\n--- got:\n%s--- want:\n%s",
				what, i, l.n, v[i].n, buf, v[i].out);
			free(buf);
			free(msgs);
			res_list_release(&l);
			fail();
		}
		free(buf);
		free(msgs);
		res_list_release(&l);
	}
}

#define RUN(v) run_cases(v, sizeof(v) / sizeof(v[0]), #v)

static void network_policies(void **state)
{
	struct res *r;

	RUN(knp_cases);
	RUN(knp_bad_cases);
	/* what the converted policy holds, besides its printing */
	r = rt_one(knp_cases[0].text);
	assert_int_equal(r->kind, RES_NP);
	assert_string_equal(r->src.api_version, "networking.k8s.io/v1");
	assert_string_equal(r->src.kind, "NetworkPolicy");
	assert_string_equal(r->src.ns, "prod");
	assert_string_equal(r->src.name, "db");
	assert_true(r->pol.has_order && r->pol.order == 1000);
	assert_int_equal(r->pol.n_ingress, 6);
	assert_int_equal(r->pol.n_egress, 0);
	/* every generated rule points at the Kubernetes rule */
	assert_int_equal(r->pol.ingress[5].line, 12);
	assert_int_equal(r->pol.ingress[5].col, 5);
	assert_string_equal(
		sel_str(r->pol.selector.sel),
		"!has(canary) && app == \"pg\" && projectcalico.org/orchestrator == \"k8s\" && role == \"db\" && tier not in {\"x\", \"z\"}");
	res_free(r);
}

static void namespaces_pods(void **state)
{
	struct res *r;

	RUN(pod_cases);
	r = rt_one(pod_cases[1].text);
	assert_int_equal(r->kind, RES_PROFILE);
	assert_string_equal(r->src.kind, "ServiceAccount");
	assert_string_equal(r->src.ns, "prod");
	assert_string_equal(r->ns, "");
	res_free(r);
}

static void admin_policies(void **state)
{
	RUN(admin_cases);
}

static void names(void **state)
{
	char buf[256];

	res_k8s_iface_name("default", "web-0", NULL, buf, sizeof(buf));
	assert_string_equal(buf, "cali0d7763386da");
	res_k8s_iface_name("prod", "db-0", NULL, buf, sizeof(buf));
	assert_string_equal(buf, "cali20aafc107a9");
	res_k8s_iface_name("kube-system", "coredns-5d78c9869d-abcde", NULL, buf,
			   sizeof(buf));
	assert_string_equal(buf, "cali4d5f75c480c");
	res_k8s_iface_name("prod", "db-0", "tap", buf, sizeof(buf));
	assert_string_equal(buf, "tap20aafc107a9");
	assert_int_equal(res_wep_name("node-1", "k8s", "web-0", "eth0", buf,
				      sizeof(buf)),
			 0);
	assert_string_equal(buf, "node--1-k8s-web--0-eth0");
	assert_int_equal(res_wep_name("n", "k8s", "-x", "eth0", buf,
				      sizeof(buf)),
			 -EINVAL);
	assert_int_equal(res_wep_name("n", "k8s", NULL, "eth0", buf,
				      sizeof(buf)),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(network_policies),
		cmocka_unit_test(namespaces_pods),
		cmocka_unit_test(admin_policies),
		cmocka_unit_test(names),
	};

	return cmocka_run_group_tests_name("res_k8s", tests, NULL, NULL);
}
