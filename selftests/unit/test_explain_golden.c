// SPDX-License-Identifier: GPL-2.0
/*
 * Golden files for stratactl explain (userspace/cli/explain.c, compiled
 * into this test with the helpers it shares): what it prints, as text and
 * as JSON, for flows over the example (examples/shop/, plus the staged
 * policies of golden/explain/staged.yaml): allowed, denied by the PCI
 * tier (quarantine, and the cardholder zone after a log rule), passed on
 * to later tiers and profiles, denied by a tier's default, staged
 * policies' pending verdict, host endpoints, a NodePort
 * (--orig-dst), IPv6, ICMP and ICMPv6; and its errors, with exit codes.
 * --kernel runs over a state compiled for a node in place of the kernel's:
 * ends of another node, named by the manifests, are outside and give what
 * their addresses give.
 *
 * STRATA_GOLDEN_UPDATE=1 rewrites the golden files from the output (then
 * review the diff).
 */
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cmp_test.h"

#include "../../userspace/cli/apiclient.c"
#include "../../userspace/cli/common.c"
#include "../../userspace/cli/explain.c"

struct cli cli = { .prog = "stratactl" };

#define EXAMPLE "../../examples/shop"
#define STAGED	"golden/explain/staged.yaml"
#define GOLDEN	"golden/explain/"

#include "golden_test.h"

/* Run stratactl explain with @args (and -j first when @json: the global
 * option); its output in *@out and *@err. Returns its exit status. */
static int xrun(const char *const *args, bool json, char **out, char **err)
{
	return run_as(cmd_explain, args, json, out, err);
}

static struct json_object *jp_get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!o || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return v;
}

/*
 * The flows. Each is explained over the example (and the staged policies
 * when @staged) as text, and as JSON when @json; @verdict and @pending
 * are the verdicts the JSON must give (checked apart from the golden
 * files, so a regenerated file cannot hide a changed verdict).
 */
static const struct flow {
	const char *name;
	const char *args[16];
	bool staged, json;
	const char *verdict, *pending;
} flows[] = {
	/* allowed on one node: pci passes, platform's default passes,
	 * the Kubernetes policy allows */
	{ "01-web-to-api",
	  { "--from", "frontend/web-0", "--to", "backend/api-0", "--dport",
	    "9000", NULL },
	  false,
	  true,
	  "allow",
	  NULL },
	/* allowed by a profile (frontend has no egress policy) */
	{ "02-web-to-internet",
	  { "--from", "frontend/web-0", "--to", "93.184.216.34", "--dport",
	    "443", NULL },
	  false,
	  false,
	  "allow",
	  NULL },
	/* denied by the PCI tier: the quarantine feed, both ways */
	{ "03-quarantine-icmp",
	  { "--from", "198.51.100.7", "--to", "frontend/web-0", "--proto",
	    "icmp", NULL },
	  false,
	  true,
	  "deny",
	  NULL },
	{ "04-web-to-quarantine",
	  { "--from", "frontend/web-0", "--to", "203.0.113.66", "--dport", "80",
	    NULL },
	  false,
	  false,
	  "deny",
	  NULL },
	/* denied by the platform tier: cloud metadata */
	{ "05-metadata",
	  { "--from", "backend/api-0", "--to", "169.254.169.254", "--dport",
	    "80", NULL },
	  false,
	  false,
	  "deny",
	  NULL },
	/* across nodes, allowed by platform.allow-monitoring (named port) */
	{ "06-prometheus-scrapes-api",
	  { "--from", "monitoring/prometheus-0", "--to", "backend/api-0",
	    "--dport", "9100", NULL },
	  false,
	  false,
	  "allow",
	  NULL },
	/* allowed by the PCI tier's cardholder zone (the API's service
	 * account is cleared); a staged policy of a later tier is not
	 * reached */
	{ "07-api-to-postgres-staged",
	  { "--from", "backend/api-0", "--to", "db/postgres-0", "--dport",
	    "5432", NULL },
	  true,
	  true,
	  "allow",
	  "allow" },
	/* a staged policy would deny where the end of a tier does today */
	{ "08-ping-web-staged",
	  { "--from", "kube-system/coredns-0", "--to", "10.65.0.10", "--proto",
	    "icmp", NULL },
	  true,
	  false,
	  "deny",
	  "deny" },
	/* a host endpoint: failsafe SSH, and its profile */
	{ "09-ssh-to-node",
	  { "--from", "10.0.0.5", "--to", "node-1-eth0", "--dport", "22",
	    NULL },
	  false,
	  false,
	  "allow",
	  NULL },
	{ "10-node-to-node",
	  { "--from", "node-1-eth0", "--to", "node-2-eth0", "--proto", "udp",
	    "--dport", "8472", NULL },
	  false,
	  false,
	  "allow",
	  NULL },
	/* NodePorts: translated on node-2, the pod on node-1 */
	{ "11-nodeport",
	  { "--from", "10.0.0.5", "--to", "frontend/web-0", "--dport", "8080",
	    "--orig-dst", "10.0.0.12:30080", NULL },
	  false,
	  true,
	  "allow",
	  NULL },
	{ "12-nodeport-denied",
	  { "--from", "192.0.2.200", "--to", "frontend/web-0", "--dport",
	    "8080", "--orig-dst", "10.0.0.12:30080", NULL },
	  false,
	  false,
	  "deny",
	  NULL },
	/* IPv6 */
	{ "13-web-to-api-v6",
	  { "--from", "frontend/web-0", "--to", "backend/api-0", "--dport",
	    "9000", "-6", NULL },
	  false,
	  true,
	  "allow",
	  NULL },
	{ "14-quarantine-icmpv6",
	  { "--from", "2001:db8:bad::1", "--to", "frontend/web-0", "--proto",
	    "icmpv6", "--icmp-type", "128", NULL },
	  false,
	  false,
	  "deny",
	  NULL },
	/* DNS, UDP: the cardholder zone's only egress (Postgres is in it) */
	{ "15-dns",
	  { "--from", "db/postgres-0", "--to", "kube-system/coredns-0",
	    "--proto", "udp", "--dport", "53", NULL },
	  false,
	  false,
	  "allow",
	  NULL },
	/* Deny rules reject with --reject; an established connection */
	{ "16-reject",
	  { "--from", "frontend/web-0", "--to", "203.0.113.66", "--dport", "80",
	    "--reject", NULL },
	  false,
	  false,
	  "reject",
	  NULL },
	{ "17-established",
	  { "--from", "backend/api-0", "--to", "db/postgres-0", "--dport",
	    "5432", "--ct", "established", NULL },
	  false,
	  false,
	  "allow",
	  NULL },
	/* workload to its host: DefaultEndpointToHostAction */
	{ "18-pod-to-host",
	  { "--from", "frontend/web-0", "--to", "host", "--dport", "10250",
	    "--felix", "DefaultEndpointToHostAction=Accept", NULL },
	  false,
	  false,
	  "allow",
	  NULL },
	/* the cardholder zone: anyone else to Postgres is logged, then
	 * denied; Prometheus scrapes the exporter */
	{ "19-web-to-postgres",
	  { "--from", "frontend/web-0", "--to", "db/postgres-0", "--dport",
	    "5432", NULL },
	  false,
	  true,
	  "deny",
	  NULL },
	{ "20-prometheus-scrapes-postgres",
	  { "--from", "monitoring/prometheus-0", "--to", "db/postgres-0",
	    "--dport", "9187", NULL },
	  false,
	  false,
	  "allow",
	  NULL },
	/* denied by the default tier's end; a staged policy would allow */
	{ "21-prometheus-probes-web-staged",
	  { "--from", "monitoring/prometheus-0", "--to", "frontend/web-0",
	    "--dport", "8080", NULL },
	  true,
	  true,
	  "deny",
	  "allow" },
};

static void explain_flows(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(flows) / sizeof(flows[0]); i++) {
		const struct flow *fl = &flows[i];
		const char *args[24];
		char *out, *err, name[96];
		struct json_object *j;
		size_t n = 0, k;

		args[n++] = "-f";
		args[n++] = EXAMPLE;
		if (fl->staged) {
			args[n++] = "-f";
			args[n++] = STAGED;
		}
		for (k = 0; fl->args[k]; k++)
			args[n++] = fl->args[k];
		args[n] = NULL;

		if (xrun(args, false, &out, &err) != EXIT_OK)
			fail_msg("%s: %s", fl->name, err);
		assert_string_equal(err, "");
		snprintf(name, sizeof(name), "%s.txt", fl->name);
		golden(name, out);
		free(out);
		free(err);

		assert_int_equal(xrun(args, true, &out, &err), EXIT_OK);
		assert_string_equal(err, "");
		j = json_tokener_parse(out);
		assert_non_null(j);
		if (strcmp(json_object_get_string(jp_get(j, "verdict")),
			   fl->verdict))
			fail_msg("%s: verdict %s, not %s", fl->name,
				 json_object_get_string(jp_get(j, "verdict")),
				 fl->verdict);
		if (fl->pending)
			assert_string_equal(json_object_get_string(
						    jp_get(jp_get(j, "pending"),
							   "verdict")),
					    fl->pending);
		else
			assert_null(jp_get(j, "pending"));
		json_object_put(j);
		if (fl->json) {
			snprintf(name, sizeof(name), "%s.json", fl->name);
			golden(name, out);
		}
		free(out);
		free(err);
	}
}

/* Errors: exit codes and exact messages. */
static void explain_errors(void **state)
{
	static const struct {
		const char *args[16];
		int ret;
		const char *err; /* the first line of stderr */
	} cases[] = {
		{ { NULL },
		  EXIT_USAGE,
		  "stratactl: --from and --to are needed\n" },
		{ { "--from", "a", "--to", "b", "--proto", "udp", NULL },
		  EXIT_USAGE,
		  "stratactl: --dport is needed for udp\n" },
		{ { "--from", "a", "--to", "b", "--proto", "icmp", "--dport",
		    "1", NULL },
		  EXIT_USAGE,
		  "stratactl: --sport and --dport go with tcp, udp, sctp, udplite or dccp\n" },
		{ { "--from", "a", "--to", "b", "--dport", "1", "--icmp-type",
		    "3", NULL },
		  EXIT_USAGE,
		  "stratactl: --icmp-type and --icmp-code go with icmp or icmpv6\n" },
		{ { "--from", "a", "--to", "b", "--proto", "icmp",
		    "--icmp-code", "1", NULL },
		  EXIT_USAGE,
		  "stratactl: --icmp-code needs --icmp-type\n" },
		{ { "--from", "a", "--to", "b", "--dport", "1", "--reject",
		    NULL },
		  EXIT_USAGE,
		  "stratactl: --felix and --reject go with manifests\n" },
		{ { "-f", "x", "--kernel", "--from", "a", "--to", "b",
		    "--dport", "1", "--felix", "A=b", NULL },
		  EXIT_USAGE,
		  "stratactl: --felix does not go with --kernel (the kernel's settings apply)\n" },
		{ { "--from", "a", "--to", "b", "--dport", "1", "--frob",
		    NULL },
		  EXIT_USAGE,
		  "stratactl: unknown option \"--frob\"\n" },
		{ { "--from", "a", "--to", NULL },
		  EXIT_USAGE,
		  "stratactl: --to needs an argument\n" },
		{ { "--from", "a", "--to", "b", "--dport", "1", "--ct", "maybe",
		    NULL },
		  EXIT_USAGE,
		  "stratactl: --ct needs new, established, related or invalid\n" },
		{ { "--from", "a", "--to", "b", "--dport", "1", "-o", "yaml",
		    NULL },
		  EXIT_USAGE,
		  "stratactl: -o needs \"text\" or \"json\"\n" },
		{ { "-f", EXAMPLE, "--from", "a", "--to", "b", "--dport", "1",
		    "--felix", "A", NULL },
		  EXIT_USAGE,
		  "stratactl: --felix needs KEY=VALUE\n" },
		{ { "--from", "a", "--to", "b", "--dport", "70000", NULL },
		  EXIT_INVALID,
		  "stratactl: explain: --dport: \"70000\" is not a number from 0 to 65535\n" },
		{ { "--from", "a", "--to", "b", "--proto", "icmp",
		    "--icmp-type", "256", NULL },
		  EXIT_INVALID,
		  "stratactl: explain: --icmp-type: \"256\" is not a number from 0 to 255\n" },
		{ { "-f", EXAMPLE, "--from", "nosuch/pod", "--to", "10.1.1.1",
		    "--dport", "1", NULL },
		  EXIT_INVALID,
		  "stratactl: explain: --from nosuch/pod: no such pod, WorkloadEndpoint or HostEndpoint in the manifests\n" },
		{ { "-f", EXAMPLE, "--from", "frontend/web-0", "--to",
		    "hep:nosuch", "--dport", "1", NULL },
		  EXIT_INVALID,
		  "stratactl: explain: --to hep:nosuch: no such pod, WorkloadEndpoint or HostEndpoint in the manifests\n" },
		{ { "-f", EXAMPLE, "--from", "db/postgres-0", "--to",
		    "frontend/web-0", "--dport", "1", "-6", NULL },
		  EXIT_INVALID,
		  "stratactl: explain: --from db/postgres-0 has no IPv6 address\n" },
		{ { "-f", EXAMPLE, "--from", "10.1.1.1", "--to", "fd00::1",
		    "--dport", "1", "--node", "node-1", NULL },
		  EXIT_INVALID,
		  "stratactl: explain: --to fd00::1 is not an IPv4 address\n" },
		{ { "-f", EXAMPLE, "--from", "frontend/web-0", "--to",
		    "backend/api-0", "--proto", "icmp", "-6", NULL },
		  EXIT_INVALID,
		  "stratactl: explain: protocol icmp does not go with IPv6 (use icmpv6)\n" },
		{ { "-f", EXAMPLE, "--from", "frontend/web-0", "--to",
		    "backend/api-0", "--dport", "1", "--orig-dst",
		    "10.0.0.12:x", NULL },
		  EXIT_INVALID,
		  "stratactl: explain: --orig-dst: \"x\" is not a number from 0 to 65535\n" },
		{ { "-f", EXAMPLE, "--from", "10.0.0.5", "--to",
		    "frontend/web-0", "--dport", "1", "--orig-dst", "fd00::1",
		    NULL },
		  EXIT_INVALID,
		  "stratactl: explain: --orig-dst fd00::1 is not an IPv4 address\n" },
		{ { "-f", EXAMPLE, "--from", "frontend/web-0", "--to",
		    "backend/api-0", "--dport", "1", "--orig-dst", "svc:80",
		    NULL },
		  EXIT_INVALID,
		  "stratactl: explain: --orig-dst svc:80: not ADDRESS, IPV4:PORT or [IPV6]:PORT\n" },
		{ { "-f", EXAMPLE, "--from", "frontend/web-0", "--to",
		    "backend/api-0", "--dport", "1", "--felix", "VXLANPort=x",
		    NULL },
		  EXIT_INVALID,
		  "stratactl: explain: --felix VXLANPort: \"x\" is not a port\n" },
		{ { "-f", EXAMPLE, "--from", "10.1.1.1", "--to", "10.2.2.2",
		    "--dport", "1", NULL },
		  EXIT_USAGE,
		  "stratactl: neither end is a workload or host of a known node: give --node\n" },
		{ { "-f", EXAMPLE, "--from", "host", "--to", "10.2.2.2",
		    "--dport", "1", NULL },
		  EXIT_USAGE,
		  "stratactl: --from host: which node? give --node\n" },
		{ { "-f", EXAMPLE, "--from", "host:10.0.0", "--to", "10.2.2.2",
		    "--dport", "1", NULL },
		  EXIT_INVALID,
		  "stratactl: explain: --from host:10.0.0: \"10.0.0\" is not an address\n" },
		{ { "-f", "golden/validate/bad-shop", "--from", "a", "--to",
		    "b", "--dport", "1", NULL },
		  EXIT_INVALID,
		  NULL },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out, *err;
		int ret = xrun(cases[i].args, false, &out, &err);

		if (ret != cases[i].ret)
			fail_msg("case %zu: exit %d, not %d: %s", i, ret,
				 cases[i].ret, err);
		assert_string_equal(out, "");
		if (!cases[i].err) {
			assert_non_null(
				strstr(err, " errors in the manifests\n"));
		} else if (strncmp(err, cases[i].err, strlen(cases[i].err))) {
			fail_msg("case %zu: %s", i, err);
		}
		/* usage errors print the grammar after the message */
		if (ret == EXIT_USAGE)
			assert_non_null(
				strstr(err, "\nUsage: stratactl explain "));
		else if (cases[i].err)
			assert_string_equal(err, cases[i].err);
		free(out);
		free(err);
	}
}

/* Without manifests the running kernel is read: unreachable here unless
 * the module is loaded (then the end is not in it). */
static void explain_kernel(void **state)
{
	const char *args[] = { "--from",   "pod:x/nosuch", "--to",
			       "10.1.1.1", "--dport",	   "1",
			       NULL };
	char *out, *err;
	int ret = xrun(args, false, &out, &err);

	assert_string_equal(out, "");
	if (ret == EXIT_INVALID)
		assert_string_equal(
			err,
			"stratactl: explain: --from pod:x/nosuch: no such endpoint in the kernel\n");
	else if (ret == EXIT_UNREACHABLE)
		assert_non_null(strstr(err, "stratactl: connect: "));
	else
		assert_int_equal(ret, EXIT_PERM);
	free(out);
	free(err);
}

/*
 * --kernel without a kernel: read_kernel() gives the state compiled for
 * node @kernel_node, as compile --apply would have loaded it.
 */
static const char *kernel_node;

static int compiled_kernel(struct xctx *x)
{
	struct cmp *c = NULL;
	int ret = compile_node(x, kernel_node, false, &c, &x->kst);

	cmp_free(c);
	return ret;
}

/* A field of an explanation's JSON, as a string ("" if absent). */
static const char *jp_str(struct json_object *o, const char *a, const char *b)
{
	struct json_object *v = jp_get(o, a);

	if (b)
		v = jp_get(v, b);
	return v ? json_object_get_string(v) : "";
}

/*
 * With --kernel, ends of another node are named by the manifests and are
 * outside to this host: the same hooks and verdict as by their addresses,
 * and a note that only this host is modelled.
 */
static void explain_kernel_other_node(void **state)
{
	static const struct {
		const char *name; /* golden file, or NULL */
		const char *from, *to, *by_addr_from, *by_addr_to;
		const char *args[6];
		const char *verdict, *note;
	} cases[] = {
		/* into node-1: platform.allow-monitoring */
		{ "22-kernel-from-other-node",
		  "monitoring/prometheus-0",
		  "backend/api-0",
		  "10.65.3.10",
		  NULL,
		  { "--dport", "9100", NULL },
		  "allow",
		  "--from pod monitoring/prometheus-0 is on node node-2: only this host (node node-1) is modelled, where it is outside; node node-2's own policy for it is not part of this answer" },
		/* out of node-1: the API's egress (node-2's ingress is not
		 * modelled) */
		{ "23-kernel-to-other-node",
		  "backend/api-0",
		  "db/postgres-0",
		  NULL,
		  "10.65.2.10",
		  { "--dport", "5432", NULL },
		  "allow",
		  "--to pod db/postgres-0 is on node node-2: only this host (node node-1) is modelled, where it is outside; node node-2's own policy for it is not part of this answer" },
		/* allowed into node-1, where node-2 denies it on the way out
		 * (21-prometheus-probes-web-staged): what the note says */
		{ NULL,
		  "monitoring/prometheus-0",
		  "frontend/web-0",
		  "10.65.3.10",
		  NULL,
		  { "--dport", "8080", NULL },
		  "allow",
		  NULL },
		/* another node's host endpoint, by HostEndpoint name */
		{ NULL,
		  "node-2-eth0",
		  "node-1-eth0",
		  "10.0.0.12",
		  NULL,
		  { "--proto", "udp", "--dport", "8472", NULL },
		  "allow",
		  "--from HostEndpoint node-2-eth0 is on node node-2: only this host (node node-1) is modelled, where it is outside; node node-2's own policy for it is not part of this answer" },
	};
	size_t i, k;

	(void)state;
	read_kernel = compiled_kernel;
	kernel_node = "node-1";
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct json_object *j[2], *notes;
		const char *args[24];
		char *out, *err, name[96];
		bool found = false;
		int pass;

		for (pass = 0; pass < 2; pass++) {
			size_t n = 0;

			args[n++] = "--kernel";
			args[n++] = "-f";
			args[n++] = EXAMPLE;
			args[n++] = "--node";
			args[n++] = "node-1";
			args[n++] = "--from";
			args[n++] = pass && cases[i].by_addr_from
					    ? cases[i].by_addr_from
					    : cases[i].from;
			args[n++] = "--to";
			args[n++] = pass && cases[i].by_addr_to
					    ? cases[i].by_addr_to
					    : cases[i].to;
			for (k = 0; cases[i].args[k]; k++)
				args[n++] = cases[i].args[k];
			args[n] = NULL;
			if (xrun(args, true, &out, &err) != EXIT_OK)
				fail_msg("case %zu: %s", i, err);
			assert_string_equal(err, "");
			j[pass] = json_tokener_parse(out);
			assert_non_null(j[pass]);
			if (!pass && cases[i].name) {
				snprintf(name, sizeof(name), "%s.json",
					 cases[i].name);
				golden(name, out);
			}
			free(out);
			free(err);
			if (!pass && cases[i].name) {
				assert_int_equal(xrun(args, false, &out, &err),
						 EXIT_OK);
				assert_string_equal(err, "");
				snprintf(name, sizeof(name), "%s.txt",
					 cases[i].name);
				golden(name, out);
				free(out);
				free(err);
			}
		}
		/* the same answer as by address */
		assert_string_equal(jp_str(j[0], "source", NULL), "kernel");
		assert_string_equal(jp_str(j[0], "verdict", NULL),
				    cases[i].verdict);
		assert_string_equal(jp_str(j[1], "verdict", NULL),
				    cases[i].verdict);
		assert_true(json_object_equal(jp_get(j[0], "flow"),
					      jp_get(j[1], "flow")));
		assert_true(json_object_equal(jp_get(j[0], "nodes"),
					      jp_get(j[1], "nodes")));
		assert_int_equal(
			json_object_array_length(jp_get(j[0], "nodes")), 1);
		/* the other node's end: outside, named, on its node */
		for (k = 0; k < 2; k++) {
			const char *end = k ? "to" : "from";
			const char *spec = k ? cases[i].to : cases[i].from;
			const char *addr = k ? cases[i].by_addr_to
					     : cases[i].by_addr_from;

			if (!addr)
				continue;
			assert_string_equal(jp_str(j[0], end, "spec"), spec);
			assert_string_equal(jp_str(j[0], end, "role"),
					    "outside");
			assert_string_equal(jp_str(j[0], end, "node"),
					    "node-2");
			assert_string_equal(jp_str(j[0], end, "address"), addr);
			assert_null(jp_get(jp_get(j[0], end), "iface"));
			assert_non_null(jp_get(jp_get(j[0], end), "endpoint"));
			assert_null(jp_get(jp_get(j[1], end), "node"));
		}
		notes = jp_get(j[0], "notes");
		for (k = 0; k < json_object_array_length(notes); k++)
			if (cases[i].note &&
			    !strcmp(json_object_get_string(
					    json_object_array_get_idx(notes, k)),
				    cases[i].note))
				found = true;
		assert_true(found || !cases[i].note);
		json_object_put(j[0]);
		json_object_put(j[1]);
	}

	/* ends of this node come from the kernel only: node-2's kernel
	 * explained as node-1 has none of node-1's pods */
	kernel_node = "node-2";
	{
		static const struct {
			const char *from;
			const char *err;
		} errs[] = {
			{ "frontend/web-0",
			  "stratactl: explain: --from frontend/web-0: no such endpoint in the kernel (the manifests put pod frontend/web-0 on this host, node node-1)\n" },
			{ "nosuch/pod",
			  "stratactl: explain: --from nosuch/pod: no such endpoint in the kernel, nor pod, WorkloadEndpoint or HostEndpoint in the manifests\n" },
		};

		for (i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
			const char *args[] = {
				"--kernel", "-f",      EXAMPLE,	     "--node",
				"node-1",   "--from",  errs[i].from, "--to",
				"10.1.1.1", "--dport", "1",	     NULL
			};
			char *out, *err;

			assert_int_equal(xrun(args, false, &out, &err),
					 EXIT_INVALID);
			assert_string_equal(out, "");
			assert_string_equal(err, errs[i].err);
			free(out);
			free(err);
		}
	}
	read_kernel = kernel_state;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(explain_flows),
		cmocka_unit_test(explain_errors),
		cmocka_unit_test(explain_kernel),
		cmocka_unit_test(explain_kernel_other_node),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
