// SPDX-License-Identifier: GPL-2.0
/*
 * compile (userspace/policy/cmp.h), rule by rule: Kubernetes conversion,
 * tier and policy order, types and directions, selector scoping, IP set
 * sharing and kinds, named ports, IP families, host endpoint stages,
 * staged policies, profiles, incremental changes, kernel ids across
 * restarts, lookups, settings, select, and packets decided by the engine
 * on the compiled state. Every output is compared exactly.
 */
#include <errno.h>
#include <arpa/inet.h>
#include "cmp_test.h"
#include "prog.h"

/* --- Kubernetes: namespaces, pods and a NetworkPolicy ------------------ */

static const char k8s_shop[] =
	"apiVersion: v1\nkind: Namespace\n"
	"metadata: {name: shop, labels: {team: web}}\n"
	"---\napiVersion: v1\nkind: Namespace\n"
	"metadata: {name: other, labels: {team: ops}}\n"
	"---\napiVersion: v1\nkind: Pod\n"
	"metadata: {name: frontend, namespace: shop, labels: {app: frontend}}\n"
	"spec:\n  nodeName: node1\n  containers:\n  - name: c\n    image: x\n"
	"    ports: [{name: http, containerPort: 8080}]\n"
	"status: {phase: Running, podIP: 10.65.0.10}\n"
	"---\napiVersion: v1\nkind: Pod\n"
	"metadata: {name: backend, namespace: shop, labels: {app: backend}}\n"
	"spec:\n  nodeName: node2\n  containers: [{name: c, image: x}]\n"
	"status: {phase: Running, podIP: 10.65.1.20}\n"
	"---\napiVersion: v1\nkind: Pod\n"
	"metadata: {name: client, namespace: other, labels: {app: client}}\n"
	"spec:\n  nodeName: node2\n  containers: [{name: c, image: x}]\n"
	"status: {phase: Running, podIP: 10.65.2.30}\n"
	"---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\n"
	"metadata: {name: allow-backend, namespace: shop}\n"
	"spec:\n"
	"  podSelector: {matchLabels: {app: frontend}}\n"
	"  policyTypes: [Ingress, Egress]\n"
	"  ingress:\n"
	"  - from:\n"
	"    - podSelector: {matchLabels: {app: backend}}\n"
	"    - namespaceSelector: {matchLabels: {team: ops}}\n"
	"    ports:\n"
	"    - {protocol: TCP, port: http}\n"
	"  egress:\n"
	"  - to:\n"
	"    - ipBlock: {cidr: 10.96.0.0/12, except: [10.96.0.0/24]}\n";

static void test_k8s_networkpolicy(void **state)
{
	struct cmp *c = ct_new("node1", NULL);

	ct_apply(c, k8s_shop);
	cmp_flush(c, NULL);
	ct_streq(
		ct_text(c),
		"# Tier default\n"
		"tier add id 1 name tier:default default deny\n"
		"# named port TCP/http of all()\n"
		"ipset add id 1 name port4:6db6d02a8e25e0cb family 4 kind addr-port\n"
		"\tmembers tcp:8080@10.65.0.10\n"
		"# named port TCP/http of all()\n"
		"ipset add id 2 name port6:6db6d02a8e25e0cb family 6 kind addr-port\n"
		"# selector app == \"backend\" && projectcalico.org/namespace == \"shop\" && projectcalico.org/orchestrator == \"k8s\"\n"
		"ipset add id 3 name set4:38a8f89511f89b19 family 4 kind addr\n"
		"\tmembers 10.65.1.20\n"
		"# selector pcns.team == \"ops\" && projectcalico.org/orchestrator == \"k8s\"\n"
		"ipset add id 4 name set4:8e1886637fc483a5 family 4 kind addr\n"
		"\tmembers 10.65.2.30\n"
		"# selector app == \"backend\" && projectcalico.org/namespace == \"shop\" && projectcalico.org/orchestrator == \"k8s\"\n"
		"ipset add id 5 name set6:38a8f89511f89b19 family 6 kind addr\n"
		"# selector pcns.team == \"ops\" && projectcalico.org/orchestrator == \"k8s\"\n"
		"ipset add id 6 name set6:8e1886637fc483a5 family 6 kind addr\n"
		"# NetworkPolicy shop/knp.default.allow-backend (t.yaml:36)\n"
		"policy add id 1 name np:shop/knp.default.allow-backend\n"
		"\tingress allow proto tcp src-set 3,5 dst-port-set 1,2 cookie 0x3af2d1ce00000000\n"
		"\tingress allow proto tcp src-set 4,6 dst-port-set 1,2 cookie 0x3af2d1ce00000001\n"
		"\tegress allow ip-version 4 dst-net 10.96.0.0/12 dst-not-net 10.96.0.0/24 cookie 0x3af2d1ce80000000\n"
		"# Profile kns.shop (t.yaml:1)\n"
		"policy add id 2 name pro:kns.shop\n"
		"\tingress allow cookie 0xd2bd879e00000000\n"
		"\tegress allow cookie 0xd2bd879e80000000\n"
		"# WorkloadEndpoint shop/node1-k8s-frontend-eth0 (t.yaml:9)\n"
		"endpoint add id 1 name pod:shop/frontend workload iface cali1f52436dff8 addr 10.65.0.10 no-match deny\n"
		"\tingress tier 1 policies 1\n"
		"\tegress tier 1 policies 1\n"
		"\tprofiles 2\n");
	ct_streq(ct_problems(c), "");
	cmp_free(c);
}

/* --- order ------------------------------------------------------------ */

static const char sorting[] =
	"apiVersion: projectcalico.org/v3\nkind: Tier\n"
	"metadata: {name: t-b}\nspec: {order: 100}\n"
	"---\napiVersion: projectcalico.org/v3\nkind: Tier\n"
	"metadata: {name: t-a}\nspec: {order: 100}\n"
	"---\napiVersion: projectcalico.org/v3\nkind: Tier\n"
	"metadata: {name: t-none}\nspec: {defaultAction: Pass}\n"
	"---\napiVersion: projectcalico.org/v3\nkind: WorkloadEndpoint\n"
	"metadata:\n  name: node1-openstack-vm1-tap0\n  namespace: x\n"
	"  labels: {app: x}\n"
	"spec: {orchestrator: openstack, workload: vm1, endpoint: tap0, "
	"node: node1, interfaceName: tap1, ipNetworks: [10.80.0.1/32]}\n"
#define GNP(name, extra)                                          \
	"---\napiVersion: projectcalico.org/v3\n"                 \
	"kind: GlobalNetworkPolicy\nmetadata: {name: " name "}\n" \
	"spec: {selector: app == 'x'" extra                       \
	", ingress: [{action: Allow, protocol: TCP, destination: {ports: [1]}}]}\n"
	GNP("a", "") GNP("a-b", "") GNP("z", ", order: 5") GNP(
		"m", ", order: 5.5") GNP("nx", ", order: 5") GNP("t-b.p",
								 ", tier: t-b")
		GNP("t-a.p", ", tier: t-a") GNP("t-none.p", ", tier: t-none") GNP(
			"ghost.p",
			", tier: ghost") "---\napiVersion: projectcalico.org/v3\nkind: NetworkPolicy\n"
					 "metadata: {name: nx, namespace: x}\n"
					 "spec: {order: 5, selector: all(), ingress: [{action: Deny}]}\n";

static void test_order(void **state)
{
	struct cmp *c = ct_new("node1", NULL);

	ct_apply(c, sorting);
	cmp_flush(c, NULL);
	ct_streq(
		ct_lists(c, "wep:x/openstack-vm1-tap0"),
		"ingress: tier:t-a [gnp:t-a.p] tier:t-b [gnp:t-b.p] tier:default "
		"[gnp:nx np:x/nx gnp:z gnp:m gnp:a-b gnp:a] tier:t-none "
		"[gnp:t-none.p] tier:ghost [gnp:ghost.p]\n");
	cmp_free(c);
}

/* A workload on node1 in namespace x, for the tests below. */
#define VM(n, labels, extra)                                              \
	"---\napiVersion: projectcalico.org/v3\nkind: WorkloadEndpoint\n" \
	"metadata:\n  name: node1-openstack-vm" #n "-tap0\n"              \
	"  namespace: x\n  labels: " labels "\n"                          \
	"spec: {orchestrator: openstack, workload: vm" #n ", "            \
	"endpoint: tap0, node: node1, interfaceName: tap" #n ", "         \
	"ipNetworks: [10.80.0." #n "/32]" extra "}\n"

/* --- types and directions -------------------------------------------- */

static void test_types(void **state)
{
	struct cmp *c = ct_new("node1", NULL);

	ct_apply(
		c,
		VM(1, "{app: x}", "") GNP(
			"only-ingress-rules",
			"") "---\napiVersion: projectcalico.org/v3\n"
			    "kind: GlobalNetworkPolicy\nmetadata: {name: no-rules}\n"
			    "spec: {selector: app == 'x'}\n"
			    "---\napiVersion: projectcalico.org/v3\n"
			    "kind: GlobalNetworkPolicy\nmetadata: {name: only-egress}\n"
			    "spec: {selector: app == 'x', egress: [{action: Allow}]}\n"
			    "---\napiVersion: projectcalico.org/v3\n"
			    "kind: GlobalNetworkPolicy\nmetadata: {name: both}\n"
			    "spec: {selector: app == 'x', types: [Ingress, Egress], "
			    "ingress: [{action: Allow}]}\n"
			    "---\napiVersion: projectcalico.org/v3\n"
			    "kind: GlobalNetworkPolicy\nmetadata: {name: egress-type}\n"
			    "spec: {selector: app == 'x', types: [Egress]}\n"
			    "---\napiVersion: projectcalico.org/v3\n"
			    "kind: GlobalNetworkPolicy\nmetadata: {name: other}\n"
			    "spec: {selector: app == 'y', ingress: [{action: Allow}]}\n");
	cmp_flush(c, NULL);
	ct_streq(
		ct_lists(c, "wep:x/openstack-vm1-tap0"),
		"ingress: tier:default [gnp:both gnp:no-rules gnp:only-ingress-rules]\n"
		"egress: tier:default [gnp:both gnp:egress-type gnp:only-egress]\n");
	cmp_free(c);
}

/* --- rule selectors ---------------------------------------------------- */

static void test_rule_selectors(void **state)
{
	struct cmp *c = ct_new("node1", NULL);
	char *t;

	ct_apply(
		c,
		VM(1, "{app: x}",
		   "") "---\napiVersion: projectcalico.org/v3\nkind: NetworkPolicy\n"
		       "metadata: {name: np, namespace: x}\nspec:\n"
		       "  selector: app == 'x'\n  ingress:\n"
		       /* only a notSelector: scoped to the namespace, the
			* not-set is cluster-wide */
		       "  - action: Allow\n    source: {notSelector: app == 'bad'}\n"
		       /* selector and notSelector: one set */
		       "  - action: Allow\n"
		       "    source: {selector: app == 'web', notSelector: role == 'fe'}\n"
		       /* only nets: no namespace constraint, no set */
		       "  - action: Allow\n    source: {nets: [10.0.0.0/8]}\n"
		       /* serviceAccounts names and selector */
		       "  - action: Allow\n"
		       "    source: {serviceAccounts: {names: [sa2, sa1], selector: role == 'admin'}}\n"
		       "---\napiVersion: projectcalico.org/v3\n"
		       "kind: GlobalNetworkPolicy\nmetadata: {name: gnp}\nspec:\n"
		       "  selector: app == 'x'\n  ingress:\n"
		       /* global(): non-namespaced endpoints and sets only */
		       "  - action: Allow\n"
		       "    source: {namespaceSelector: global(), selector: role == 'lb'}\n"
		       /* all(): every namespace */
		       "  - action: Allow\n"
		       "    source: {namespaceSelector: all(), selector: role == 'lb'}\n"
		       /* a selector alone in a global policy: cluster-wide */
		       "  - action: Allow\n    source: {selector: role == 'lb'}\n"
		       "  - action: Allow\n    source: {selector: all()}\n");
	cmp_flush(c, NULL);
	t = ct_text(c);
	ct_streq(
		t,
		"# Tier default\n"
		"tier add id 1 name tier:default default deny\n"
		"# selector pcsa.role == \"admin\" && projectcalico.org/namespace == \"x\" && projectcalico.org/serviceaccount in {\"sa1\", \"sa2\"}\n"
		"ipset add id 1 name set4:446ea62c57574ede family 4 kind addr\n"
		"# selector app == \"web\" && projectcalico.org/namespace == \"x\" && role != \"fe\"\n"
		"ipset add id 2 name set4:469c1ce757ff047f family 4 kind addr\n"
		"# selector !has(projectcalico.org/namespace) && role == \"lb\"\n"
		"ipset add id 3 name set4:62d3d04eedbd83c3 family 4 kind addr\n"
		"# selector all()\n"
		"ipset add id 4 name set4:68f9c1bb7305fd57 family 4 kind addr\n"
		"\tmembers 10.80.0.1\n"
		"# selector app != \"bad\" && projectcalico.org/namespace == \"x\"\n"
		"ipset add id 5 name set4:7d5de04a403a5dbd family 4 kind addr\n"
		"\tmembers 10.80.0.1\n"
		"# selector has(projectcalico.org/namespace) && role == \"lb\"\n"
		"ipset add id 6 name set4:8a71585911040b9a family 4 kind addr\n"
		"# selector role == \"lb\"\n"
		"ipset add id 7 name set4:d9be4f17a115e049 family 4 kind addr\n"
		"# selector pcsa.role == \"admin\" && projectcalico.org/namespace == \"x\" && projectcalico.org/serviceaccount in {\"sa1\", \"sa2\"}\n"
		"ipset add id 8 name set6:446ea62c57574ede family 6 kind addr\n"
		"# selector app == \"web\" && projectcalico.org/namespace == \"x\" && role != \"fe\"\n"
		"ipset add id 9 name set6:469c1ce757ff047f family 6 kind addr\n"
		"# selector !has(projectcalico.org/namespace) && role == \"lb\"\n"
		"ipset add id 10 name set6:62d3d04eedbd83c3 family 6 kind addr\n"
		"# selector all()\n"
		"ipset add id 11 name set6:68f9c1bb7305fd57 family 6 kind addr\n"
		"# selector app != \"bad\" && projectcalico.org/namespace == \"x\"\n"
		"ipset add id 12 name set6:7d5de04a403a5dbd family 6 kind addr\n"
		"# selector has(projectcalico.org/namespace) && role == \"lb\"\n"
		"ipset add id 13 name set6:8a71585911040b9a family 6 kind addr\n"
		"# selector role == \"lb\"\n"
		"ipset add id 14 name set6:d9be4f17a115e049 family 6 kind addr\n"
		"# GlobalNetworkPolicy gnp (t.yaml:25)\n"
		"policy add id 1 name gnp:gnp\n"
		"\tingress allow src-set 3,10 cookie 0x9769e87500000000\n"
		"\tingress allow src-set 6,13 cookie 0x9769e87500000001\n"
		"\tingress allow src-set 7,14 cookie 0x9769e87500000002\n"
		"\tingress allow src-set 4,11 cookie 0x9769e87500000003\n"
		"# NetworkPolicy x/np (t.yaml:10)\n"
		"policy add id 2 name np:x/np\n"
		"\tingress allow src-set 5,12 cookie 0x3641e38c00000000\n"
		"\tingress allow src-set 2,9 cookie 0x3641e38c00000001\n"
		"\tingress allow ip-version 4 src-net 10.0.0.0/8 cookie 0x3641e38c00000002\n"
		"\tingress allow src-set 1,8 cookie 0x3641e38c00000003\n"
		"# WorkloadEndpoint x/node1-openstack-vm1-tap0 (t.yaml:2)\n"
		"endpoint add id 1 name wep:x/openstack-vm1-tap0 workload iface tap1 addr 10.80.0.1 no-match deny\n"
		"\tingress tier 1 policies 1,2\n");
	cmp_free(c);
}

/* The policy selector of global policies: namespaceSelector and
 * serviceAccountSelector, and Calico's all() rewriting. */
static void test_policy_selectors(void **state)
{
	struct cmp *c = ct_new("node1", NULL);

	ct_apply(
		c,
		"apiVersion: v1\nkind: Namespace\n"
		"metadata: {name: x, labels: {team: a}}\n"
		"---\napiVersion: v1\nkind: ServiceAccount\n"
		"metadata: {name: sa1, namespace: x, labels: {role: admin}}\n" VM(
			1, "{app: x}",
			", profiles: [kns.x, ksa.x.sa1]") VM(2, "{app: x}",
							     ", profiles: [kns.x]")
			VM(3, "{app: 'y'}",
			   "") "---\napiVersion: projectcalico.org/v3\n"
			       "kind: GlobalNetworkPolicy\nmetadata: {name: ns-all}\n"
			       "spec: {selector: all(), namespaceSelector: all(), "
			       "ingress: [{action: Allow}]}\n"
			       "---\napiVersion: projectcalico.org/v3\n"
			       "kind: GlobalNetworkPolicy\nmetadata: {name: ns-team}\n"
			       "spec: {selector: app == 'x', namespaceSelector: team == 'a', "
			       "ingress: [{action: Allow}]}\n"
			       "---\napiVersion: projectcalico.org/v3\n"
			       "kind: GlobalNetworkPolicy\nmetadata: {name: sa-admin}\n"
			       "spec: {serviceAccountSelector: role == 'admin', "
			       "ingress: [{action: Allow}]}\n"
			       "---\napiVersion: projectcalico.org/v3\n"
			       "kind: GlobalNetworkPolicy\nmetadata: {name: sa-all}\n"
			       "spec: {selector: all(), serviceAccountSelector: all(), "
			       "ingress: [{action: Allow}]}\n"
			       "---\napiVersion: projectcalico.org/v3\n"
			       "kind: NetworkPolicy\nmetadata: {name: np-sa, namespace: x}\n"
			       "spec: {serviceAccountSelector: all(), "
			       "ingress: [{action: Allow}]}\n");
	cmp_flush(c, NULL);
	ct_streq(
		ct_lists(c, "wep:x/openstack-vm1-tap0"),
		"ingress: tier:default [np:x/np-sa gnp:ns-all gnp:ns-team gnp:sa-admin]\n"
		"profiles: pro:kns.x\n");
	ct_streq(ct_lists(c, "wep:x/openstack-vm2-tap0"),
		 "ingress: tier:default [np:x/np-sa gnp:ns-all gnp:ns-team]\n"
		 "profiles: pro:kns.x\n");
	ct_streq(ct_lists(c, "wep:x/openstack-vm3-tap0"),
		 "ingress: tier:default [np:x/np-sa gnp:ns-all]\n");
	cmp_free(c);
}

/* --- IP sets: sharing, kinds, named ports, families ---------------------- */

static void test_set_sharing(void **state)
{
	struct cmp *c = ct_new("node1", NULL);
	struct cmp_stats st;
	char *t;

	ct_apply(
		c,
		VM(1, "{app: x}", "") VM(
			2, "{app: db, role: x}",
			"") "---\napiVersion: projectcalico.org/v3\n"
			    "kind: GlobalNetworkPolicy\nmetadata: {name: a}\n"
			    "spec: {selector: app == 'x', ingress: [{action: Allow, "
			    "source: {selector: \"app == 'db' && role == 'x'\"}}]}\n"
			    "---\napiVersion: projectcalico.org/v3\n"
			    "kind: GlobalNetworkPolicy\nmetadata: {name: b}\n"
			    "spec: {selector: app == 'x', egress: [{action: Allow, "
			    "destination: {selector: \"(role=='x')&&app in {'db'}\"}}]}\n"
			    "---\napiVersion: projectcalico.org/v3\nkind: NetworkPolicy\n"
			    "metadata: {name: c, namespace: x}\n"
			    "spec: {selector: app == 'x', egress: [{action: Deny, "
			    "destination: {selector: \"app == 'db' && role == 'x'\"}}]}\n");
	cmp_flush(c, NULL);
	t = ct_text(c);
	ct_streq(
		t,
		"# Tier default\n"
		"tier add id 1 name tier:default default deny\n"
		"# selector app == \"db\" && role == \"x\"\n"
		"ipset add id 1 name set4:205f08a1994b2bde family 4 kind addr\n"
		"\tmembers 10.80.0.2\n"
		"# selector app == \"db\" && projectcalico.org/namespace == \"x\" && role == \"x\"\n"
		"ipset add id 2 name set4:defcc7cdf5425620 family 4 kind addr\n"
		"\tmembers 10.80.0.2\n"
		"# selector app == \"db\" && role == \"x\"\n"
		"ipset add id 3 name set6:205f08a1994b2bde family 6 kind addr\n"
		"# selector app == \"db\" && projectcalico.org/namespace == \"x\" && role == \"x\"\n"
		"ipset add id 4 name set6:defcc7cdf5425620 family 6 kind addr\n"
		"# GlobalNetworkPolicy a (t.yaml:18)\n"
		"policy add id 1 name gnp:a\n"
		"\tingress allow src-set 1,3 cookie 0x65a5f0e500000000\n"
		"# GlobalNetworkPolicy b (t.yaml:23)\n"
		"policy add id 2 name gnp:b\n"
		"\tegress allow dst-set 1,3 cookie 0x62a5ec2c80000000\n"
		"# NetworkPolicy x/c (t.yaml:28)\n"
		"policy add id 3 name np:x/c\n"
		"\tegress deny dst-set 2,4 cookie 0xf4a5e46380000000\n"
		"# WorkloadEndpoint x/node1-openstack-vm1-tap0 (t.yaml:2)\n"
		"endpoint add id 1 name wep:x/openstack-vm1-tap0 workload iface tap1 addr 10.80.0.1 no-match deny\n"
		"\tingress tier 1 policies 1\n"
		"\tegress tier 1 policies 2,3\n"
		"# WorkloadEndpoint x/node1-openstack-vm2-tap0 (t.yaml:10)\n"
		"endpoint add id 2 name wep:x/openstack-vm2-tap0 workload iface tap2 addr 10.80.0.2 no-match deny\n");
	cmp_get_stats(c, &st);
	assert_int_equal(st.selectors, 2);
	assert_int_equal(st.sets, 4);
	assert_int_equal(st.members, 2);
	cmp_free(c);
}

static const char ports_yaml[] =
	"apiVersion: v1\nkind: Pod\n"
	"metadata: {name: db-0, namespace: x, labels: {app: db}}\n"
	"spec:\n  nodeName: node2\n  containers:\n  - name: c\n    image: x\n"
	"    ports:\n    - {name: pg, containerPort: 5432}\n"
	"    - {name: pg, containerPort: 5433, protocol: UDP}\n"
	"    - {name: metrics, containerPort: 9187}\n"
	"status: {phase: Running, podIPs: [{ip: 10.65.2.10}, {ip: 'fd00::2:10'}]}\n"
	"---\napiVersion: v1\nkind: Pod\n"
	"metadata: {name: web-0, namespace: x, labels: {app: web}}\n"
	"spec:\n  nodeName: node2\n  containers:\n  - name: c\n    image: x\n"
	"    ports: [{name: pg, containerPort: 6432}]\n"
	"status: {phase: Running, podIP: 10.65.3.10}\n" VM(
		1, "{app: x}",
		"") "---\napiVersion: projectcalico.org/v3\n"
		    "kind: GlobalNetworkPolicy\nmetadata: {name: p}\n"
		    "spec:\n  selector: app == 'x'\n  egress:\n"
		    /* named port only: the named port set over the selector, no
		     * selector set */
		    "  - action: Allow\n    protocol: TCP\n"
		    "    destination: {selector: app == 'db', ports: [pg]}\n"
		    /* numeric and named: both sets, ORed by the kernel */
		    "  - action: Allow\n    protocol: TCP\n"
		    "    destination: {selector: app == 'db', ports: [pg, 9000]}\n"
		    /* UDP: the UDP named port set */
		    "  - action: Allow\n    protocol: UDP\n"
		    "    destination: {selector: app == 'db', ports: [pg]}\n"
		    /* no selector: the named port of every endpoint */
		    "  - action: Allow\n    protocol: TCP\n"
		    "    destination: {ports: [pg]}\n"
		    /* notPorts named: a not-port-set over the positive selector
		     */
		    "  - action: Deny\n    protocol: TCP\n"
		    "    destination: {selector: app == 'db', notPorts: [metrics]}\n";

static void test_named_ports(void **state)
{
	struct cmp *c = ct_new("node1", NULL);

	ct_apply(c, ports_yaml);
	cmp_flush(c, NULL);
	ct_streq(
		ct_text(c),
		"# Tier default\n"
		"tier add id 1 name tier:default default deny\n"
		"# named port TCP/pg of app == \"db\"\n"
		"ipset add id 1 name port4:3f18e2061e4d77ab family 4 kind addr-port\n"
		"\tmembers tcp:5432@10.65.2.10\n"
		"# named port TCP/pg of all()\n"
		"ipset add id 2 name port4:87411d4dd2717252 family 4 kind addr-port\n"
		"\tmembers tcp:5432@10.65.2.10,tcp:6432@10.65.3.10\n"
		"# named port UDP/pg of app == \"db\"\n"
		"ipset add id 3 name port4:c1f0d394accf793d family 4 kind addr-port\n"
		"\tmembers udp:5433@10.65.2.10\n"
		"# named port TCP/metrics of app == \"db\"\n"
		"ipset add id 4 name port4:f18624ba5760b1c7 family 4 kind addr-port\n"
		"\tmembers tcp:9187@10.65.2.10\n"
		"# named port TCP/pg of app == \"db\"\n"
		"ipset add id 5 name port6:3f18e2061e4d77ab family 6 kind addr-port\n"
		"\tmembers tcp:5432@fd00::2:10\n"
		"# named port TCP/pg of all()\n"
		"ipset add id 6 name port6:87411d4dd2717252 family 6 kind addr-port\n"
		"\tmembers tcp:5432@fd00::2:10\n"
		"# named port UDP/pg of app == \"db\"\n"
		"ipset add id 7 name port6:c1f0d394accf793d family 6 kind addr-port\n"
		"\tmembers udp:5433@fd00::2:10\n"
		"# named port TCP/metrics of app == \"db\"\n"
		"ipset add id 8 name port6:f18624ba5760b1c7 family 6 kind addr-port\n"
		"\tmembers tcp:9187@fd00::2:10\n"
		"# selector app == \"db\"\n"
		"ipset add id 9 name set4:2c275e740de22174 family 4 kind addr\n"
		"\tmembers 10.65.2.10\n"
		"# selector app == \"db\"\n"
		"ipset add id 10 name set6:2c275e740de22174 family 6 kind addr\n"
		"\tmembers fd00::2:10\n"
		"# GlobalNetworkPolicy p (t.yaml:34)\n"
		"policy add id 1 name gnp:p\n"
		"\tegress allow proto tcp dst-port-set 1,5 cookie 0x74a6088280000000\n"
		"\tegress allow proto tcp dst-set 9,10 dst-port 9000 dst-port-set 1,5 cookie 0x74a6088280000001\n"
		"\tegress allow proto udp dst-port-set 3,7 cookie 0x74a6088280000002\n"
		"\tegress allow proto tcp dst-port-set 2,6 cookie 0x74a6088280000003\n"
		"\tegress deny proto tcp dst-set 9,10 dst-not-port-set 4,8 cookie 0x74a6088280000004\n"
		"# WorkloadEndpoint x/node1-openstack-vm1-tap0 (t.yaml:26)\n"
		"endpoint add id 1 name wep:x/openstack-vm1-tap0 workload iface tap1 addr 10.80.0.1 no-match deny\n"
		"\tegress tier 1 policies 1\n");
	cmp_free(c);
}

static void test_families(void **state)
{
	struct cmp *c = ct_new("node1", NULL);
	char *t;

	ct_apply(
		c,
		VM(1, "{app: x}",
		   "") "---\napiVersion: projectcalico.org/v3\n"
		       "kind: GlobalNetworkPolicy\nmetadata: {name: f}\n"
		       "spec:\n  selector: app == 'x'\n  ingress:\n"
		       /* v6 nets: IPv6 only */
		       "  - action: Allow\n    source: {nets: ['fd00::/8']}\n"
		       /* v4 notNets only: IPv6 dropped (filtering empties it)
			*/
		       "  - action: Allow\n    source: {notNets: [10.0.0.0/8]}\n"
		       /* a negated catch-all drops that family (and filtering
			* empties the other): no kernel rule, indexes go on */
		       "  - action: Deny\n"
		       "    source: {notNets: [0.0.0.0/0]}\n"
		       /* ICMP: IPv4 */
		       "  - action: Allow\n    ipVersion: 4\n    protocol: ICMP\n"
		       "    icmp: {type: 8, code: 0}\n"
		       "  - action: Allow\n    ipVersion: 6\n    protocol: ICMPv6\n"
		       "    notICMP: {type: 128}\n"
		       /* ipVersion 6 with a selector: only the IPv6 set */
		       "  - action: Allow\n    ipVersion: 6\n"
		       "    source: {selector: app == 'y'}\n"
		       "  - action: Pass\n    notProtocol: UDP\n");
	cmp_flush(c, NULL);
	t = ct_text(c);
	ct_streq(
		strdup(strstr(t, "# GlobalNetworkPolicy")),
		"# GlobalNetworkPolicy f (t.yaml:10)\n"
		"policy add id 1 name gnp:f\n"
		"\tingress allow ip-version 6 src-net fd00::/8 cookie 0x5ea5e5e000000000\n"
		"\tingress allow ip-version 4 src-not-net 10.0.0.0/8 cookie 0x5ea5e5e000000001\n"
		"\tingress allow ip-version 4 proto icmp icmp-type 8 icmp-code 0 cookie 0x5ea5e5e000000003\n"
		"\tingress allow ip-version 6 proto icmpv6 not-icmp-type 128 cookie 0x5ea5e5e000000004\n"
		"\tingress allow ip-version 6 src-set 1 cookie 0x5ea5e5e000000005\n"
		"\tingress pass not-proto udp cookie 0x5ea5e5e000000006\n"
		"# WorkloadEndpoint x/node1-openstack-vm1-tap0 (t.yaml:2)\n"
		"endpoint add id 1 name wep:x/openstack-vm1-tap0 workload iface tap1 addr 10.80.0.1 no-match deny\n"
		"\tingress tier 1 policies 1\n");
	free(t);
	cmp_free(c);
}

/* --- host endpoints and their stages ------------------------------------ */

#define HEP(name, iface, labels)                                      \
	"---\napiVersion: projectcalico.org/v3\nkind: HostEndpoint\n" \
	"metadata: {name: " name ", labels: " labels "}\n"            \
	"spec: {node: node1" iface ", expectedIPs: [192.168.1.5], "   \
	"profiles: [projectcalico-default-allow]}\n"

#define HGNP(name, flags, rules)                                  \
	"---\napiVersion: projectcalico.org/v3\n"                 \
	"kind: GlobalNetworkPolicy\nmetadata: {name: " name "}\n" \
	"spec: {selector: has(host)" flags ", " rules "}\n"

static const char hosts[] = HEP("eth0", ", interfaceName: eth0", "{host: a}") HEP(
	"all", ", interfaceName: '*'",
	"{host: b}") HEP("noiface", "",
			 "{host: c}") HGNP("untracked",
					   ", doNotTrack: true, applyOnForward: true",
					   "ingress: [{action: Allow}], egress: [{action: Allow}]")
	HGNP("prednat", ", preDNAT: true, applyOnForward: true",
	     "ingress: [{action: Deny}]") HGNP("forward",
					       ", applyOnForward: true, order: 1",
					       "ingress: [{action: Allow}], egress: [{action: Allow}]")
		HGNP("normal", ", order: 2",
		     "ingress: [{action: Allow}]") "---\napiVersion: projectcalico.org/v3\nkind: Tier\n"
						   "metadata: {name: sec}\nspec: {order: 1}\n" HGNP(
							   "sec.first",
							   ", tier: sec, preDNAT: true, applyOnForward: true",
							   "ingress: [{action: Pass}]");

static const char *hook_iface(void *arg, const struct cmp_ep_ref *ep)
{
	assert_string_equal(ep->name, "noiface");
	assert_int_equal(ep->n_ips, 1);
	return "eth9";
}

static uint32_t hook_mark(void *arg, const struct cmp_ep_ref *ep)
{
	return ep->res_kind == RES_HEP ? 0x1000000 : 0;
}

static void test_host_endpoints(void **state)
{
	struct cmp_config cfg = { .hep_iface = hook_iface,
				  .route_mark = hook_mark };
	struct cmp *c = ct_new("node1", NULL);

	ct_apply(c, hosts);
	cmp_flush(c, NULL);
	ct_streq(
		ct_lists(c, "hep:eth0"),
		"ingress: tier:default [gnp:forward gnp:normal]\n"
		"egress: tier:default [gnp:forward]\n"
		"untracked-ingress: tier:default [gnp:untracked]\n"
		"untracked-egress: tier:default [gnp:untracked]\n"
		"prednat-ingress: tier:sec [gnp:sec.first] tier:default [gnp:prednat]\n"
		"forward-ingress: tier:default [gnp:forward]\n"
		"forward-egress: tier:default [gnp:forward]\n"
		"profiles: pro:projectcalico-default-allow\n");
	ct_streq(
		ct_lists(c, "hep:all"),
		"ingress: tier:default [gnp:forward gnp:normal]\n"
		"egress: tier:default [gnp:forward]\n"
		"prednat-ingress: tier:sec [gnp:sec.first] tier:default [gnp:prednat]\n"
		"forward-ingress: tier:default [gnp:forward]\n"
		"forward-egress: tier:default [gnp:forward]\n"
		"profiles: pro:projectcalico-default-allow\n");
	ct_streq(ct_lists(c, "hep:noiface"), "");
	ct_streq(
		ct_problems(c),
		"t.yaml:7:1: warning: HostEndpoint all: doNotTrack policies do not apply to a host endpoint with interfaceName \"*\"\n"
		"t.yaml:12:1: warning: HostEndpoint noiface: has no interfaceName and no interface was found for its expectedIPs; not programmed\n");
	cmp_free(c);

	/* the hooks: an interface found by address, a route mark */
	c = ct_new("node1", &cfg);
	ct_apply(c, hosts);
	cmp_flush(c, NULL);
	ct_streq(
		ct_lists(c, "hep:noiface"),
		"ingress: tier:default [gnp:forward gnp:normal]\n"
		"egress: tier:default [gnp:forward]\n"
		"untracked-ingress: tier:default [gnp:untracked]\n"
		"untracked-egress: tier:default [gnp:untracked]\n"
		"prednat-ingress: tier:sec [gnp:sec.first] tier:default [gnp:prednat]\n"
		"forward-ingress: tier:default [gnp:forward]\n"
		"forward-egress: tier:default [gnp:forward]\n"
		"profiles: pro:projectcalico-default-allow\n");
	ct_streq(
		ct_problems(c),
		"t.yaml:7:1: warning: HostEndpoint all: doNotTrack policies do not apply to a host endpoint with interfaceName \"*\"\n");
	ct_streq(
		ct_text(c),
		"# Tier default\n"
		"tier add id 1 name tier:default default deny\n"
		"# Tier sec (t.yaml:37)\n"
		"tier add id 2 name tier:sec default deny\n"
		"# GlobalNetworkPolicy forward (t.yaml:27)\n"
		"policy add id 1 name gnp:forward\n"
		"\tingress allow cookie 0x806962eb00000000\n"
		"\tegress allow cookie 0x806962eb80000000\n"
		"# GlobalNetworkPolicy normal (t.yaml:32)\n"
		"policy add id 2 name gnp:normal\n"
		"\tingress allow cookie 0xb19b429500000000\n"
		"# GlobalNetworkPolicy prednat (t.yaml:22)\n"
		"policy add id 3 name gnp:prednat\n"
		"\tingress deny cookie 0x74f589f000000000\n"
		"# GlobalNetworkPolicy sec.first (t.yaml:42)\n"
		"policy add id 4 name gnp:sec.first\n"
		"\tingress pass cookie 0xeac1639f00000000\n"
		"# GlobalNetworkPolicy untracked (t.yaml:17)\n"
		"policy add id 5 name gnp:untracked\n"
		"\tingress allow cookie 0xf361a98d00000000\n"
		"\tegress allow cookie 0xf361a98d80000000\n"
		"# Profile projectcalico-default-allow\n"
		"policy add id 6 name pro:projectcalico-default-allow\n"
		"\tingress allow cookie 0xbbca9d9e00000000\n"
		"\tegress allow cookie 0xbbca9d9e80000000\n"
		"# HostEndpoint all (t.yaml:7)\n"
		"endpoint add id 1 name hep:all host iface * addr 192.168.1.5 mark 0x1000000 no-match deny\n"
		"\tingress tier 1 policies 1,2\n"
		"\tegress tier 1 policies 1\n"
		"\tprednat-ingress tier 2 policies 4 tier 1 policies 3\n"
		"\tforward-ingress tier 1 policies 1\n"
		"\tforward-egress tier 1 policies 1\n"
		"\tprofiles 6\n"
		"# HostEndpoint eth0 (t.yaml:2)\n"
		"endpoint add id 2 name hep:eth0 host iface eth0 addr 192.168.1.5 mark 0x1000000 no-match deny\n"
		"\tingress tier 1 policies 1,2\n"
		"\tegress tier 1 policies 1\n"
		"\tuntracked-ingress tier 1 policies 5\n"
		"\tuntracked-egress tier 1 policies 5\n"
		"\tprednat-ingress tier 2 policies 4 tier 1 policies 3\n"
		"\tforward-ingress tier 1 policies 1\n"
		"\tforward-egress tier 1 policies 1\n"
		"\tprofiles 6\n"
		"# HostEndpoint noiface (t.yaml:12)\n"
		"endpoint add id 3 name hep:noiface host iface eth9 addr 192.168.1.5 mark 0x1000000 no-match deny\n"
		"\tingress tier 1 policies 1,2\n"
		"\tegress tier 1 policies 1\n"
		"\tuntracked-ingress tier 1 policies 5\n"
		"\tuntracked-egress tier 1 policies 5\n"
		"\tprednat-ingress tier 2 policies 4 tier 1 policies 3\n"
		"\tforward-ingress tier 1 policies 1\n"
		"\tforward-egress tier 1 policies 1\n"
		"\tprofiles 6\n");
	cmp_free(c);
}

/* --- staged policies ----------------------------------------------------- */

static const char staged[] = VM(
	1, "{app: x}",
	"") "---\napiVersion: projectcalico.org/v3\n"
	    "kind: GlobalNetworkPolicy\nmetadata: {name: keep}\n"
	    "spec: {selector: app == 'x', ingress: [{action: Allow}]}\n"
	    "---\napiVersion: projectcalico.org/v3\n"
	    "kind: GlobalNetworkPolicy\nmetadata: {name: change}\n"
	    "spec: {selector: app == 'x', order: 1, ingress: [{action: Allow}]}\n"
	    "---\napiVersion: projectcalico.org/v3\n"
	    "kind: StagedGlobalNetworkPolicy\nmetadata: {name: change}\n"
	    "spec: {selector: app == 'x', order: 1, ingress: [{action: Deny}]}\n"
	    "---\napiVersion: projectcalico.org/v3\n"
	    "kind: StagedGlobalNetworkPolicy\nmetadata: {name: keep}\n"
	    "spec: {stagedAction: Delete}\n"
	    "---\napiVersion: projectcalico.org/v3\n"
	    "kind: StagedNetworkPolicy\nmetadata: {name: new, namespace: x}\n"
	    "spec: {selector: all(), egress: [{action: Deny}]}\n"
	    "---\napiVersion: projectcalico.org/v3\n"
	    "kind: StagedNetworkPolicy\nmetadata: {name: ignored, namespace: x}\n"
	    "spec: {stagedAction: Ignore, selector: all(), "
	    "egress: [{action: Deny}]}\n";

static void test_staged(void **state)
{
	struct cmp_config cfg = { .staged_as_enforced = true };
	struct cmp *c = ct_new("node1", NULL);
	struct cmp_obj_info in;
	char *t;

	ct_apply(c, staged);
	cmp_flush(c, NULL);
	/* never in the dataplane */
	ct_streq(ct_lists(c, "wep:x/openstack-vm1-tap0"),
		 "ingress: tier:default [gnp:change gnp:keep]\n");
	t = ct_text(c);
	assert_null(strstr(t, "np:x/new"));
	assert_null(strstr(t, "ingress deny"));
	free(t);
	cmp_free(c);

	/* as explain's pending verdict sees them */
	c = ct_new("node1", &cfg);
	ct_apply(c, staged);
	cmp_flush(c, NULL);
	ct_streq(ct_lists(c, "wep:x/openstack-vm1-tap0"),
		 "ingress: tier:default [gnp:change]\n"
		 "egress: tier:default [np:x/new]\n");
	assert_int_equal(cmp_lookup(c, SC_OBJ_POLICY, 0, "gnp:change", &in), 0);
	assert_true(in.staged);
	assert_int_equal(in.res_kind, RES_SGNP);
	assert_int_equal(cmp_lookup(c, SC_OBJ_POLICY, 0, "np:x/new", &in), 0);
	assert_true(in.staged);
	assert_int_equal(cmp_lookup(c, SC_OBJ_POLICY, 0, "gnp:keep", &in),
			 -ENOENT);
	/* promoting: the staged policy deleted, the enforced one counts */
	assert_int_equal(cmp_delete(c, RES_SGNP, NULL, "change"), 0);
	ct_streq(ct_flush(c), "policy replace id 1 name gnp:change\n"
			      "\tingress allow cookie 0x15f62f3200000000\n");
	assert_int_equal(cmp_lookup(c, SC_OBJ_POLICY, 0, "gnp:change", &in), 0);
	assert_false(in.staged);
	cmp_free(c);
}

/* --- profiles ------------------------------------------------------------ */

static void test_profiles(void **state)
{
	struct cmp *c = ct_new("node1", NULL);

	ct_apply(
		c,
		"apiVersion: projectcalico.org/v3\nkind: Profile\n"
		"metadata: {name: sg}\n"
		"spec:\n  labelsToApply: {zone: gold, app: from-profile}\n"
		"  ingress: [{action: Allow, protocol: TCP, "
		"destination: {ports: [22]}}]\n"
		"---\napiVersion: projectcalico.org/v3\nkind: Profile\n"
		"metadata: {name: labels-only}\n"
		"spec: {labelsToApply: {extra: 'yes'}}\n" VM(
			1, "{app: own}",
			", profiles: [sg, labels-only, nosuch]") "---\napiVersion: projectcalico.org/v3\n"
								 "kind: GlobalNetworkPolicy\nmetadata: {name: gold}\n"
								 "spec: {selector: zone == 'gold' && app == 'own' && "
								 "extra == 'yes', ingress: [{action: Allow}]}\n"
								 "---\napiVersion: projectcalico.org/v3\n"
								 "kind: GlobalNetworkPolicy\nmetadata: {name: inherited-app}\n"
								 "spec: {selector: app == 'from-profile', "
								 "ingress: [{action: Allow}]}\n");
	cmp_flush(c, NULL);
	ct_streq(
		ct_text(c),
		"# Tier default\n"
		"tier add id 1 name tier:default default deny\n"
		"# GlobalNetworkPolicy gold (t.yaml:21)\n"
		"policy add id 1 name gnp:gold\n"
		"\tingress allow cookie 0xee52896400000000\n"
		"# Profile nosuch (not defined: denies everything)\n"
		"policy add id 2 name pro:nosuch\n"
		"\tingress deny cookie 0x957f7fce7fffffff\n"
		"\tegress deny cookie 0x957f7fceffffffff\n"
		"# Profile sg (t.yaml:1)\n"
		"policy add id 3 name pro:sg\n"
		"\tingress allow proto tcp dst-port 22 cookie 0xf60f6a9800000000\n"
		"# WorkloadEndpoint x/node1-openstack-vm1-tap0 (t.yaml:13)\n"
		"endpoint add id 1 name wep:x/openstack-vm1-tap0 workload iface tap1 addr 10.80.0.1 no-match deny\n"
		"\tingress tier 1 policies 1\n"
		"\tprofiles 3,2\n");
	/* the profile appears: its rules replace the deny-all */
	ct_apply(c, "apiVersion: projectcalico.org/v3\nkind: Profile\n"
		    "metadata: {name: nosuch}\n"
		    "spec: {egress: [{action: Allow}]}\n");
	ct_streq(ct_flush(c), "policy replace id 2 name pro:nosuch\n"
			      "\tegress allow cookie 0x957f7fce80000000\n");
	cmp_free(c);
}

/* --- incremental changes: the minimal operations ------------------------- */

static const char incr[] = VM(1, "{app: x}", "")
	VM(2, "{app: db}",
	   "") "---\napiVersion: projectcalico.org/v3\nkind: GlobalNetworkSet\n"
	       "metadata: {name: ext, labels: {app: db}}\n"
	       "spec: {nets: [8.8.8.0/24]}\n"
	       "---\napiVersion: projectcalico.org/v3\n"
	       "kind: GlobalNetworkPolicy\nmetadata: {name: p}\n"
	       "spec: {selector: app == 'x', egress: [{action: Allow, "
	       "destination: {selector: app == 'db'}}]}\n";

#define VM2(ip, labels)                                                   \
	"apiVersion: projectcalico.org/v3\nkind: WorkloadEndpoint\n"      \
	"metadata:\n  name: node1-openstack-vm2-tap0\n  namespace: x\n"   \
	"  labels: " labels "\n"                                          \
	"spec: {orchestrator: openstack, workload: vm2, endpoint: tap0, " \
	"node: node1, interfaceName: tap2, ipNetworks: [" ip "]}\n"

static void test_incremental(void **state)
{
	struct cmp *c = ct_new("node1", NULL);
	struct strata_batch b;
	int n;

	ct_apply(c, incr);
	strata_batch_init(&b);
	n = cmp_flush(c, &b);
	assert_int_equal(n, (int)b.n);
	ct_streq(
		ct_ops_text(&b),
		"tier add id 1 name tier:default default deny\n"
		"ipset add id 1 name set4:2c275e740de22174 family 4 kind net\n"
		"\tmembers 8.8.8.0/24,10.80.0.2\n"
		"ipset add id 2 name set6:2c275e740de22174 family 6 kind addr\n"
		"policy add id 1 name gnp:p\n"
		"\tegress allow dst-set 1,2 cookie 0x74a6088280000000\n"
		"endpoint add id 1 name wep:x/openstack-vm1-tap0 workload iface tap1 addr 10.80.0.1 no-match deny\n"
		"\tegress tier 1 policies 1\n"
		"endpoint add id 2 name wep:x/openstack-vm2-tap0 workload iface tap2 addr 10.80.0.2 no-match deny\n");
	strata_batch_release(&b);
	/* nothing changed: nothing to do */
	ct_streq(ct_flush(c), "");
	/* the same resources again: nothing */
	ct_apply(c, incr);
	ct_streq(ct_flush(c), "");
	/* an address changes: members, and the endpoint's own addresses */
	ct_apply(c, VM2("10.80.0.22/32", "{app: db}"));
	ct_streq(
		ct_flush(c),
		"ipset add-members id 1\n"
		"\tmembers 10.80.0.22\n"
		"ipset del-members id 1\n"
		"\tmembers 10.80.0.2\n"
		"endpoint replace id 2 name wep:x/openstack-vm2-tap0 workload iface tap2 addr 10.80.0.22 no-match deny\n");
	/* a label changes: the endpoint leaves the set */
	ct_apply(c, VM2("10.80.0.22/32", "{app: web}"));
	ct_streq(ct_flush(c), "ipset del-members id 1\n"
			      "\tmembers 10.80.0.22\n");
	/* changed and changed back before a flush: nothing */
	ct_apply(c, VM2("10.80.0.23/32", "{app: db}"));
	ct_apply(c, VM2("10.80.0.22/32", "{app: web}"));
	ct_streq(ct_flush(c), "");
	/* the network set goes: the set holds addresses only, it changes
	 * kind (deleted and added again, same id) */
	assert_int_equal(cmp_delete(c, RES_GNS, NULL, "ext"), 0);
	ct_streq(
		ct_flush(c),
		"ipset del id 1\n"
		"ipset add id 1 name set4:2c275e740de22174 family 4 kind addr\n");
	/* a rule changes: the policy only */
	ct_apply(c, "apiVersion: projectcalico.org/v3\n"
		    "kind: GlobalNetworkPolicy\nmetadata: {name: p}\n"
		    "spec: {selector: app == 'x', egress: [{action: Allow, "
		    "protocol: TCP, destination: {selector: app == 'db', "
		    "ports: [5432]}}]}\n");
	ct_streq(
		ct_flush(c),
		"policy replace id 1 name gnp:p\n"
		"\tegress allow proto tcp dst-set 1,2 dst-port 5432 cookie 0x74a6088280000000\n");
	/* a new selector: a new set; the old one goes after its user */
	ct_apply(c, "apiVersion: projectcalico.org/v3\n"
		    "kind: GlobalNetworkPolicy\nmetadata: {name: p}\n"
		    "spec: {selector: app == 'x', egress: [{action: Allow, "
		    "destination: {selector: app == 'web'}}]}\n");
	ct_streq(
		ct_flush(c),
		"ipset add id 3 name set4:5133e7c38c070188 family 4 kind addr\n"
		"\tmembers 10.80.0.22\n"
		"ipset add id 4 name set6:5133e7c38c070188 family 6 kind addr\n"
		"policy replace id 1 name gnp:p\n"
		"\tegress allow dst-set 3,4 cookie 0x74a6088280000000\n"
		"ipset del id 1\n"
		"ipset del id 2\n");
	/* the endpoint the policy applies to goes: everything goes */
	assert_int_equal(
		cmp_delete(c, RES_WEP, "x", "node1-openstack-vm1-tap0"), 0);
	ct_streq(ct_flush(c), "endpoint del id 1\n"
			      "policy del id 1\n"
			      "ipset del id 3\n"
			      "ipset del id 4\n"
			      "tier del id 1\n");
	assert_int_equal(cmp_delete(c, RES_WEP, "x",
				    "node1-openstack-vm1-tap0"),
			 -ENOENT);
	cmp_free(c);
}

/* --- kernel ids: restarts, dumps, images --------------------------------- */

static void test_restart(void **state)
{
	static const struct sc_limits caps = { 100, 100, 1000, 100, 1000, 100 };
	struct sc_state *st = sc_state_new(NULL, &caps);
	struct strata_batch b, k;
	struct cmp_obj_info in;
	struct sc_err err;
	struct cmp *c;

	/* first life: one more policy, which takes the first ids */
	c = ct_new("node1", NULL);
	ct_apply(c, incr);
	ct_apply(c, "apiVersion: projectcalico.org/v3\n"
		    "kind: GlobalNetworkPolicy\nmetadata: {name: a-first}\n"
		    "spec: {selector: app == 'x', ingress: [{action: Allow, "
		    "source: {selector: app == 'other'}}]}\n");
	strata_batch_init(&b);
	cmp_flush(c, &b);
	assert_int_equal(cmp_state_apply(st, &b, &err), 0);
	strata_batch_release(&b);
	cmp_free(c);

	/* second life, after a restart: that policy is gone, an address
	 * changed; everything else keeps its id and is not touched */
	c = ct_new("node1", NULL);
	ct_apply(c, incr);
	ct_apply(c, VM2("10.80.0.22/32", "{app: db}"));
	strata_batch_init(&k);
	cmp_state_dump(st, &k);
	assert_int_equal(cmp_set_kernel(c, &k), 0);
	strata_batch_init(&b);
	cmp_flush(c, &b);
	ct_streq(
		ct_ops_text(&b),
		"ipset add-members id 1\n"
		"\tmembers 10.80.0.22\n"
		"ipset del-members id 1\n"
		"\tmembers 10.80.0.2\n"
		"endpoint replace id 1 name wep:x/openstack-vm1-tap0 workload iface tap1 addr 10.80.0.1 no-match deny\n"
		"\tegress tier 1 policies 2\n"
		"endpoint replace id 2 name wep:x/openstack-vm2-tap0 workload iface tap2 addr 10.80.0.22 no-match deny\n"
		"policy del id 1\n"
		"ipset del id 2\n"
		"ipset del id 4\n");
	assert_int_equal(cmp_state_apply(st, &b, &err), 0);
	strata_batch_release(&b);
	assert_int_equal(cmp_lookup(c, SC_OBJ_POLICY, 0, "gnp:p", &in), 0);
	assert_int_equal(in.id, 2);
	/* a new object takes an id nobody has had */
	ct_apply(c,
		 "apiVersion: projectcalico.org/v3\n"
		 "kind: GlobalNetworkPolicy\nmetadata: {name: b-new}\n"
		 "spec: {selector: app == 'x', ingress: [{action: Deny}]}\n");
	ct_streq(
		ct_flush(c),
		"policy add id 3 name gnp:b-new\n"
		"\tingress deny cookie 0x3a701f6300000000\n"
		"endpoint replace id 1 name wep:x/openstack-vm1-tap0 workload iface tap1 addr 10.80.0.1 no-match deny\n"
		"\tingress tier 1 policies 3\n"
		"\tegress tier 1 policies 2\n");
	/* only PUT and SETTINGS describe a kernel */
	k.ops[0].type = STRATA_OP_DEL;
	assert_int_equal(cmp_set_kernel(c, &k), -EINVAL);
	k.ops[0].type = STRATA_OP_PUT;
	strata_batch_release(&k);
	cmp_free(c);

	/* an image keeps the kernel's ids too: seeded, not told */
	c = ct_new("node1", NULL);
	ct_apply(c, incr);
	assert_int_equal(cmp_seed_id(c, SC_OBJ_POLICY, "gnp:p", 40), 0);
	assert_int_equal(cmp_seed_id(c, SC_OBJ_POLICY, "gnp:p", 40), 0);
	assert_int_equal(cmp_seed_id(c, SC_OBJ_POLICY, "gnp:p", 41), -EEXIST);
	assert_int_equal(cmp_seed_id(c, SC_OBJ_POLICY, "gnp:q", 40), -EEXIST);
	assert_int_equal(cmp_seed_id(c, SC_OBJ_POLICY, "gnp:q", 0), -EINVAL);
	assert_int_equal(cmp_seed_id(c, 9, "gnp:q", 1), -EINVAL);
	assert_int_equal(cmp_seed_id(c, SC_OBJ_TIER, "tier:gone", 7), 0);
	cmp_flush(c, NULL);
	assert_int_equal(cmp_lookup(c, SC_OBJ_POLICY, 0, "gnp:p", &in), 0);
	assert_int_equal(in.id, 40);
	/* a seeded name nobody wants is forgotten */
	assert_int_equal(cmp_lookup(c, SC_OBJ_TIER, 7, NULL, &in), -ENOENT);
	assert_int_equal(cmp_seed_id(c, SC_OBJ_TIER, "tier:other", 7), 0);
	cmp_free(c);
	sc_state_free(st);
}

/* --- lookups: kernel ids and cookies back to resources ------------------- */

static void test_lookups(void **state)
{
	struct cmp *c = ct_new("node1", NULL);
	struct cmp_obj_info in, pol;
	struct cmp_rule_info ri;
	struct cmp_view v;
	uint32_t i;

	ct_apply(c, k8s_shop);
	ct_apply(c,
		 "apiVersion: projectcalico.org/v3\nkind: WorkloadEndpoint\n"
		 "metadata: {name: node1-openstack-vm1-tap0, namespace: shop}\n"
		 "spec: {orchestrator: openstack, workload: vm1, "
		 "endpoint: tap0, node: node1, interfaceName: tap1, "
		 "ipNetworks: [10.80.0.1/32], profiles: [gone]}\n");
	cmp_flush(c, NULL);
	cmp_desired(c, &v);
	/* every kernel object says where it comes from */
	for (i = 0; i < v.n_policies; i++) {
		assert_int_equal(cmp_lookup(c, SC_OBJ_POLICY, v.policies[i]->id,
					    NULL, &in),
				 0);
		assert_string_equal(in.name, v.policies[i]->name);
	}
	cmp_view_release(&v);

	assert_int_equal(cmp_lookup(c, SC_OBJ_POLICY, 0,
				    "np:shop/knp.default.allow-backend", &in),
			 0);
	assert_int_equal(in.src, CMP_SRC_POLICY);
	assert_int_equal(in.res_kind, RES_NP);
	assert_string_equal(in.ns, "shop");
	assert_string_equal(in.res_name, "knp.default.allow-backend");
	assert_string_equal(in.tier, "default");
	assert_string_equal(in.file, "t.yaml");
	assert_int_equal(in.line, 36);
	assert_false(in.staged);
	/* its second ingress rule, as a trace names it (kernel index 1) */
	assert_int_equal(cmp_rule_origin(c, in.id, SC_INGRESS, 1, &pol, &ri),
			 0);
	assert_string_equal(pol.name, "np:shop/knp.default.allow-backend");
	assert_int_equal(ri.dir, SC_INGRESS);
	assert_int_equal(ri.index, 1);
	assert_false(ri.synthetic);
	assert_string_equal(ri.file, "t.yaml");
	assert_int_equal(ri.line, 43);
	assert_int_equal(cmp_rule_origin(c, in.id, SC_INGRESS, 2, &pol, &ri),
			 -ENOENT);
	assert_int_equal(cmp_rule_origin(c, 999, SC_INGRESS, 0, &pol, &ri),
			 -ENOENT);
	/* the same from the cookie alone */
	assert_int_equal(cmp_cookie_origin(
				 c,
				 cmp_cookie("np:shop/knp.default.allow-backend",
					    SC_EGRESS, 0),
				 &pol, &ri),
			 0);
	assert_string_equal(pol.res_name, "knp.default.allow-backend");
	assert_int_equal(ri.dir, SC_EGRESS);
	assert_int_equal(ri.index, 0);
	assert_int_equal(cmp_cookie_origin(c, cmp_cookie("gnp:none", 0, 0),
					   &pol, &ri),
			 -ENOENT);
	assert_int_equal(cmp_cookie_dir(cmp_cookie("x", SC_EGRESS, 7)),
			 SC_EGRESS);
	assert_int_equal(cmp_cookie_index(cmp_cookie("x", SC_EGRESS, 7)), 7);

	/* a missing profile's synthetic deny */
	assert_int_equal(cmp_lookup(c, SC_OBJ_POLICY, 0, "pro:gone", &in), 0);
	assert_int_equal(in.src, CMP_SRC_MISSING_PROFILE);
	assert_int_equal(in.res_kind, -1);
	assert_string_equal(in.res_name, "gone");
	assert_int_equal(cmp_rule_origin(c, in.id, SC_EGRESS, 0, &pol, &ri), 0);
	assert_true(ri.synthetic);
	assert_int_equal(ri.dir, SC_EGRESS);

	/* tiers, endpoints, sets */
	assert_int_equal(cmp_lookup(c, SC_OBJ_TIER, 0, "tier:default", &in), 0);
	assert_int_equal(in.src, CMP_SRC_TIER);
	assert_int_equal(in.res_kind, RES_TIER);
	assert_int_equal(
		cmp_lookup(c, SC_OBJ_ENDPOINT, 0, "pod:shop/frontend", &in), 0);
	assert_int_equal(in.res_kind, RES_WEP);
	assert_string_equal(in.res_name, "node1-k8s-frontend-eth0");
	assert_int_equal(in.line, 9);
	assert_int_equal(cmp_lookup(c, SC_OBJ_IPSET, 0,
				    "port4:6db6d02a8e25e0cb", &in),
			 0);
	assert_int_equal(in.src, CMP_SRC_PORT_SET);
	assert_string_equal(in.selector, "all()");
	assert_string_equal(in.port_name, "http");
	assert_int_equal(in.port_proto, 6);
	assert_int_equal(in.family, 4);
	assert_int_equal(cmp_lookup(c, SC_OBJ_IPSET, 0, "set6:nothing", &in),
			 -ENOENT);
	assert_int_equal(cmp_lookup(c, 0, 1, NULL, &in), -ENOENT);
	cmp_free(c);
}

/* --- settings ------------------------------------------------------------ */

static void test_settings(void **state)
{
	static const struct sc_limits caps = { 10, 10, 10, 10, 10, 10 };
	struct sc_settings s;
	struct cmp_config cfg = { .settings = &s };
	char why[160];
	struct cmp *c;

	sc_settings_default(&s, &caps);
	assert_int_equal(cmp_felix_setting(&s, "DefaultEndpointToHostAction",
					   "Accept", why, sizeof(why)),
			 0);
	assert_int_equal(s.wl_to_host, STRATA_WL_TO_HOST_ACCEPT);
	assert_int_equal(cmp_felix_setting(&s, "FailsafeInboundHostPorts",
					   "tcp:22, udp:68,tcp:10.0.0.0/8:6443",
					   why, sizeof(why)),
			 0);
	assert_int_equal(s.n_failsafe_in, 3);
	assert_int_equal(s.failsafe_in[2].port, 6443);
	assert_int_equal(s.failsafe_in[2].net.prefix_len, 8);
	assert_int_equal(cmp_felix_setting(&s, "FailsafeOutboundHostPorts",
					   "none", why, sizeof(why)),
			 0);
	assert_int_equal(s.n_failsafe_out, 0);
	assert_int_equal(cmp_felix_setting(&s, "InterfacePrefix",
					   "cali,tap,vxl", why, sizeof(why)),
			 0);
	assert_int_equal(s.n_wl_prefixes, 3);
	assert_string_equal(s.wl_prefixes[2], "vxl");
	assert_int_equal(cmp_felix_setting(&s, "IptablesMarkMask", "0xff000000",
					   why, sizeof(why)),
			 0);
	assert_int_equal(s.mark_accept, 0x1000000);
	assert_int_equal(cmp_felix_setting(&s, "AllowVXLANPacketsFromWorkloads",
					   "true", why, sizeof(why)),
			 0);
	assert_int_equal(cmp_felix_setting(&s, "DisableConntrackInvalidCheck",
					   "true", why, sizeof(why)),
			 0);
	assert_int_equal(s.ct_invalid_drop, 0);
	assert_int_equal(cmp_felix_setting(&s, "VXLANPort", "70000", why,
					   sizeof(why)),
			 -EINVAL);
	assert_string_equal(why, "\"70000\" is not a port");
	assert_int_equal(cmp_felix_setting(&s, "FailsafeInboundHostPorts",
					   "icmp:1", why, sizeof(why)),
			 -EINVAL);
	assert_string_equal(
		why,
		"\"icmp:1\" is not a failsafe port (PROTOCOL:PORT or PROTOCOL:NET:PORT)");
	assert_int_equal(cmp_felix_setting(&s, "NoSuchKey", "1", why,
					   sizeof(why)),
			 -ENOENT);
	assert_string_equal(why, "unknown setting \"NoSuchKey\"");

	/* managed settings: one operation, then only when they change */
	c = cmp_new("node1", &cfg);
	ct_streq(ct_flush(c),
		 "settings set\n"
		 "\tmark-mask 0xff000000\n"
		 "\tmark-accept 0x1000000\n"
		 "\tfailsafe-in tcp:22,udp:68,tcp:6443@10.0.0.0/8\n"
		 "\tfailsafe-out none\n"
		 "\twl-prefixes cali,tap,vxl\n"
		 "\twl-to-host accept\n"
		 "\tlog-rate 10\n"
		 "\tlog-burst 50\n"
		 "\tct-invalid-drop off\n"
		 "\tallow-ipip off\n"
		 "\tallow-vxlan on\n"
		 "\tvxlan-port 4789\n"
		 "\tflow-rate 10000\n"
		 "\tflow-burst 20000\n");
	ct_streq(ct_flush(c), "");
	cmp_set_settings(c, &s);
	ct_streq(ct_flush(c), "");
	s.vxlan_port = 4790;
	cmp_set_settings(c, &s);
	ct_streq(ct_flush(c),
		 "settings set\n"
		 "\tmark-mask 0xff000000\n"
		 "\tmark-accept 0x1000000\n"
		 "\tfailsafe-in tcp:22,udp:68,tcp:6443@10.0.0.0/8\n"
		 "\tfailsafe-out none\n"
		 "\twl-prefixes cali,tap,vxl\n"
		 "\twl-to-host accept\n"
		 "\tlog-rate 10\n"
		 "\tlog-burst 50\n"
		 "\tct-invalid-drop off\n"
		 "\tallow-ipip off\n"
		 "\tallow-vxlan on\n"
		 "\tvxlan-port 4790\n"
		 "\tflow-rate 10000\n"
		 "\tflow-burst 20000\n");
	cmp_free(c);
}

/* --- select ------------------------------------------------------------- */

static void select_fn(void *arg, const struct cmp_item *it)
{
	FILE *f = arg;
	char buf[STRATA_FMT_LEN];
	size_t i;

	fprintf(f, "%s %s/%s %s", res_kind_name(it->res_kind), it->ns, it->name,
		it->node ? it->node : "-");
	for (i = 0; i < it->n_addrs; i++)
		fprintf(f, " %s",
			strata_fmt_prefix(&it->addrs[i], buf, sizeof(buf)));
	fprintf(f, "\n");
}

static char *select_text(struct cmp *c, const char *text, size_t *n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct sel *s;

	assert_int_equal(sel_parse(text, 0, &s, NULL), 0);
	*n = cmp_select(c, s, select_fn, f);
	sel_put(s);
	fclose(f);
	return buf;
}

static char *owners_text(struct cmp *c, const char *addr, size_t *n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct strata_prefix p = { 0 };

	p.family = strchr(addr, ':') ? 6 : 4;
	inet_pton(p.family == 6 ? AF_INET6 : AF_INET, addr, p.addr);
	p.prefix_len = p.family == 6 ? 128 : 32;
	*n = cmp_addr_owners(c, &p, select_fn, f);
	fclose(f);
	return buf;
}

static void test_select(void **state)
{
	struct cmp *c = ct_new("", NULL);
	size_t n;

	ct_apply(c, k8s_shop);
	ct_apply(c,
		 "apiVersion: projectcalico.org/v3\nkind: NetworkSet\n"
		 "metadata: {name: lb, namespace: other, labels: {app: lb}}\n"
		 "spec: {nets: [10.1.0.0/16, 10.2.3.4]}\n"
		 "---\napiVersion: projectcalico.org/v3\n"
		 "kind: GlobalNetworkSet\n"
		 "metadata: {name: world, labels: {app: lb}}\n"
		 "spec: {nets: ['::/0']}\n");
	/* labels inherited from the namespace's profile count */
	ct_streq(
		select_text(c, "pcns.team == 'ops'", &n),
		"WorkloadEndpoint other/node2-k8s-client-eth0 node2 10.65.2.30\n"
		"NetworkSet other/lb - 10.1.0.0/16 10.2.3.4\n");
	assert_int_equal(n, 2);
	ct_streq(
		select_text(c, "app in {'lb', 'frontend'}", &n),
		"WorkloadEndpoint shop/node1-k8s-frontend-eth0 node1 10.65.0.10\n"
		"NetworkSet other/lb - 10.1.0.0/16 10.2.3.4\n"
		"GlobalNetworkSet /world - ::/0\n");
	assert_int_equal(n, 3);
	ct_streq(select_text(c, "app == 'nothing'", &n), "");
	assert_int_equal(n, 0);
	ct_streq(owners_text(c, "10.2.3.4", &n),
		 "NetworkSet other/lb - 10.1.0.0/16 10.2.3.4\n");
	ct_streq(owners_text(c, "10.1.9.9", &n),
		 "NetworkSet other/lb - 10.1.0.0/16 10.2.3.4\n");
	ct_streq(
		owners_text(c, "10.65.1.20", &n),
		"WorkloadEndpoint shop/node2-k8s-backend-eth0 node2 10.65.1.20\n");
	ct_streq(owners_text(c, "fd00::1", &n),
		 "GlobalNetworkSet /world - ::/0\n");
	ct_streq(owners_text(c, "10.66.0.1", &n), "");
	assert_int_equal(n, 0);
	cmp_free(c);
}

/* --- the compiled state decides packets --------------------------------- */

static const char *ifname_of(const struct cmp *c, const char *name)
{
	static char ifname[STRATA_IFNAME_LEN];
	struct cmp_view v;
	uint32_t i;

	ifname[0] = 0;
	cmp_desired(c, &v);
	for (i = 0; i < v.n_endpoints; i++)
		if (!strcmp(v.endpoints[i]->name, name))
			memcpy(ifname, v.endpoints[i]->ifname, sizeof(ifname));
	cmp_view_release(&v);
	return ifname;
}

/* Decide one TCP packet; the deciding rule's origin as text. */
static char *decide(struct sc_state *st, const struct cmp *c, const char *src,
		    const char *dst, uint16_t dport, const char *iif,
		    const char *oif, uint8_t hook)
{
	struct sc_pkt pkt = { .family = 4,
			      .proto = 6,
			      .flags = SC_PKT_L4,
			      .sport = 40000,
			      .dport = dport,
			      .len = 60 };
	struct sc_ctx ctx = {
		.hook = hook, .ct = SC_CT_NEW, .iif = iif, .oif = oif
	};
	struct sc_verdict v;
	char *out = NULL;
	const struct sc_step *step;
	const struct sc_prule *pr;

	inet_pton(AF_INET, src, pkt.saddr);
	inet_pton(AF_INET, dst, pkt.daddr);
	sc_decide(sc_state_runtime(st), &pkt, &ctx, &v);
	if (!v.n_steps) {
		if (asprintf(&out, "verdict %u, no policy", v.code) < 0)
			abort();
		return out;
	}
	step = &v.steps[v.n_steps - 1];
	pr = sc_prog_rule(step->prog, step->ev.rule);
	if (pr->origin == SC_ORIG_RULE) {
		struct cmp_obj_info pol;
		struct cmp_rule_info ri;
		uint8_t dir = step->list == STRATA_LIST_EGRESS ? SC_EGRESS
							       : SC_INGRESS;

		assert_int_equal(cmp_rule_origin(c, pr->policy->id, dir,
						 pr->rule, &pol, &ri),
				 0);
		if (asprintf(&out, "verdict %u: %s %s rule %u (%s:%u)%s",
			     v.code, res_kind_name(pol.res_kind), pol.res_name,
			     ri.index, ri.file, ri.line,
			     ri.synthetic ? " synthetic" : "") < 0)
			abort();
	} else if (asprintf(&out, "verdict %u: %s %s", v.code,
			    pr->origin == SC_ORIG_TIER_END   ? "end of tier"
			    : pr->origin == SC_ORIG_NO_MATCH ? "no match"
							     : "profile end",
			    pr->tier ? pr->tier->name : "") < 0) {
		abort();
	}
	return out;
}

static void test_decide(void **state)
{
	static const struct sc_limits caps = { 100, 100, 1000, 100, 1000, 100 };
	struct sc_state *st = sc_state_new(NULL, &caps);
	struct cmp *c = ct_new("node1", NULL);
	struct strata_batch b;
	struct sc_err err;
	char fe[STRATA_IFNAME_LEN], idle[STRATA_IFNAME_LEN];

	ct_apply(c, k8s_shop);
	ct_apply(c,
		 "apiVersion: v1\nkind: Pod\n"
		 "metadata: {name: idle, namespace: other}\n"
		 "spec: {nodeName: node1, containers: [{name: c, image: x}]}\n"
		 "status: {phase: Running, podIP: 10.65.0.20}\n");
	strata_batch_init(&b);
	cmp_flush(c, &b);
	assert_int_equal(cmp_state_apply(st, &b, &err), 0);
	strata_batch_release(&b);
	snprintf(fe, sizeof(fe), "%s", ifname_of(c, "pod:shop/frontend"));
	snprintf(idle, sizeof(idle), "%s", ifname_of(c, "pod:other/idle"));
	assert_string_equal(fe, "cali1f52436dff8");

	/* to the frontend: the backend pod, on the named port */
	ct_streq(
		decide(st, c, "10.65.1.20", "10.65.0.10", 8080, "eth0", fe,
		       SC_HOOK_FORWARD),
		"verdict 1: NetworkPolicy knp.default.allow-backend rule 0 (t.yaml:43)");
	/* a pod of a namespace labelled team=ops */
	ct_streq(
		decide(st, c, "10.65.2.30", "10.65.0.10", 8080, "eth0", fe,
		       SC_HOOK_FORWARD),
		"verdict 1: NetworkPolicy knp.default.allow-backend rule 1 (t.yaml:43)");
	/* another port: the tier's end */
	ct_streq(decide(st, c, "10.65.2.30", "10.65.0.10", 9090, "eth0", fe,
			SC_HOOK_FORWARD),
		 "verdict 2: end of tier tier:default");
	/* from outside the cluster */
	ct_streq(decide(st, c, "10.9.9.9", "10.65.0.10", 8080, "eth0", fe,
			SC_HOOK_FORWARD),
		 "verdict 2: end of tier tier:default");
	/* from the frontend: the ipBlock and its exception */
	ct_streq(
		decide(st, c, "10.65.0.10", "10.96.5.5", 443, fe, NULL,
		       SC_HOOK_PRE),
		"verdict 1: NetworkPolicy knp.default.allow-backend rule 0 (t.yaml:49)");
	ct_streq(decide(st, c, "10.65.0.10", "10.96.0.5", 443, fe, NULL,
			SC_HOOK_PRE),
		 "verdict 2: end of tier tier:default");
	/* a pod no policy selects: its namespace's profile allows */
	ct_streq(decide(st, c, "10.9.9.9", "10.65.0.20", 80, "eth0", idle,
			SC_HOOK_FORWARD),
		 "verdict 1: Profile kns.other rule 0 (t.yaml:5)");
	cmp_free(c);
	sc_state_free(st);
}

/* --- names, images, hooks ------------------------------------------------ */

static const char *iface_answer;

static const char *late_iface(void *arg, const struct cmp_ep_ref *ep)
{
	return iface_answer;
}

static void test_names_images_hooks(void **state)
{
	static const struct sc_limits caps = { 100, 100, 1000, 100, 1000, 100 };
	struct cmp_config cfg = { .hep_iface = late_iface };
	struct sc_state *a = sc_state_new(NULL, &caps);
	struct sc_state *b = sc_state_new(NULL, &caps);
	struct strata_image_in in = { 0 };
	struct strata_batch ops, k;
	struct cmp_obj_info info;
	struct sc_runtime *rt;
	struct sc_settings set;
	struct strata_err serr;
	struct sc_err err;
	struct cmp_view v;
	struct cmp *c;
	void *img;
	size_t len;

	c = ct_new("node1", &cfg);
	ct_apply(
		c,
		"apiVersion: projectcalico.org/v3\nkind: NetworkPolicy\n"
		"metadata:\n"
		"  name: a-very-long-policy-name-that-goes-on-and-on-and-on-and-on\n"
		"  namespace: a-namespace-with-a-long-name\n"
		"spec: {selector: all(), ingress: [{action: Allow}]}\n"
		"---\napiVersion: projectcalico.org/v3\n"
		"kind: GlobalNetworkPolicy\nmetadata: {name: hint}\n"
		"spec: {selector: app == 'nowhere', performanceHints: "
		"[AssumeNeededOnEveryNode], ingress: [{action: Allow, "
		"source: {selector: app == 'x'}}]}\n"
		"---\napiVersion: projectcalico.org/v3\n"
		"kind: WorkloadEndpoint\nmetadata:\n"
		"  name: node1-openstack-vm1-tap0\n"
		"  namespace: a-namespace-with-a-long-name\n"
		"spec: {orchestrator: openstack, workload: vm1, "
		"endpoint: tap0, node: node1, interfaceName: tap1, "
		"ipNetworks: [10.80.0.1/32, 'fd00::1']}\n"
		"---\napiVersion: projectcalico.org/v3\nkind: HostEndpoint\n"
		"metadata: {name: late}\n"
		"spec: {node: node1, expectedIPs: [192.168.1.5]}\n");
	strata_batch_init(&ops);
	cmp_flush(c, &ops);
	/* long names keep 50 bytes and a hash */
	assert_int_equal(cmp_lookup(c, SC_OBJ_POLICY, 2, NULL, &info), 0);
	assert_string_equal(
		info.name,
		"np:a-namespace-with-a-long-name/a-very-long-policy~253f086c67ba");
	assert_int_equal(strlen(info.name), 63);
	/* a policy needed everywhere is compiled without a local endpoint */
	assert_int_equal(cmp_lookup(c, SC_OBJ_POLICY, 0, "gnp:hint", &info), 0);
	assert_int_equal(cmp_lookup(c, SC_OBJ_ENDPOINT, 0, "hep:late", &info),
			 -ENOENT);
	/* the same state by transaction and by image */
	assert_int_equal(cmp_state_apply(a, &ops, &err), 0);
	strata_batch_release(&ops);
	cmp_desired(c, &v);
	sc_settings_default(&set, &caps);
	in.settings = &set;
	in.tiers = v.tiers;
	in.n_tiers = v.n_tiers;
	in.policies = v.policies;
	in.n_policies = v.n_policies;
	in.ipsets = v.ipsets;
	in.n_ipsets = v.n_ipsets;
	in.endpoints = v.endpoints;
	in.n_endpoints = v.n_endpoints;
	assert_int_equal(strata_image_build(&in, &img, &len, &serr), 0);
	cmp_view_release(&v);
	assert_int_equal(sc_image_load(b, img, len, &rt, &err), 0);
	sc_commit_finish(b);
	free(img);
	strata_batch_init(&k);
	cmp_state_dump(b, &k);
	assert_int_equal(cmp_set_kernel(c, &k), 0);
	strata_batch_release(&k);
	ct_streq(ct_flush(c), "");
	strata_batch_init(&k);
	cmp_state_dump(a, &k);
	assert_int_equal(cmp_set_kernel(c, &k), 0);
	strata_batch_release(&k);
	ct_streq(ct_flush(c), "");
	/* the interface appears: the host endpoint is programmed */
	iface_answer = "eth3";
	ct_streq(ct_flush(c), "");
	cmp_hooks_changed(c);
	ct_streq(
		ct_flush(c),
		"endpoint add id 2 name hep:late host iface eth3 addr 192.168.1.5 no-match deny\n");
	cmp_free(c);
	sc_state_free(a);
	sc_state_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_k8s_networkpolicy),
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_rule_selectors),
		cmocka_unit_test(test_policy_selectors),
		cmocka_unit_test(test_set_sharing),
		cmocka_unit_test(test_named_ports),
		cmocka_unit_test(test_families),
		cmocka_unit_test(test_host_endpoints),
		cmocka_unit_test(test_staged),
		cmocka_unit_test(test_profiles),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_restart),
		cmocka_unit_test(test_lookups),
		cmocka_unit_test(test_settings),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_decide),
		cmocka_unit_test(test_names_images_hooks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
