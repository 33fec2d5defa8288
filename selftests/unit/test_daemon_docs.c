// SPDX-License-Identifier: GPL-2.0
/*
 * stratad's documentation against its code, so that neither drifts:
 *
 *  - stratad.conf(5): every key of conf.c is documented and every key
 *    documented exists, in conf.c's order, with conf.c's default (as
 *    --print-config writes it), its type (booleans, enumerations with
 *    every value, numbers and durations with their exact ranges, checked
 *    by setting the bounds and just past them) and every
 *    felix.KEY with Felix's default as the engine applies it;
 *  - the shipped example (userspace/daemon/stratad.conf.example): every
 *    key commented out at its default, in order; uncommented, stratad
 *    reads it and gets the defaults;
 *  - stratad(8): every metric /metrics can show, every field of the local
 *    API's status reply, every command and every error message the API
 *    gives for a malformed request.
 *
 * The manual pages are read as troff source: a key's entry is the ".TP"
 * tag "\fBKEY\fR = TYPE [(RANGE)], default \fBDEFAULT\fR".
 */
#include <sys/socket.h>
#include "daemon_test.h"
#include "api.h"
#include "cmp.h"
#include "conf.h"
#include "log.h"
#include "metrics.h"
#include "state.h"

#define MAN_CONF "../../userspace/man/stratad.conf.5"
#define MAN_D	 "../../userspace/man/stratad.8"
#define EXAMPLE	 "../../userspace/daemon/stratad.conf.example"

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t len = 0;

	if (!f)
		fail_msg("%s: %s", path, strerror(errno));
	assert_true(getdelim(&buf, &len, '\0', f) >= 0);
	fclose(f);
	return buf;
}

/* Troff text to plain text: font escapes dropped, \- \(dq \e \& \(em. */
static char *plain(const char *s)
{
	char *out = malloc(strlen(s) + 1), *o = out;

	assert_non_null(out);
	while (*s) {
		if (s[0] == '\\' && s[1] == 'f' && s[2]) {
			s += 3;
		} else if (s[0] == '\\' && s[1] == '-') {
			*o++ = '-';
			s += 2;
		} else if (s[0] == '\\' && s[1] == 'e') {
			*o++ = '\\';
			s += 2;
		} else if (s[0] == '\\' && s[1] == '&') {
			s += 2;
		} else if (!strncmp(s, "\\(dq", 4)) {
			*o++ = '"';
			s += 4;
		} else if (!strncmp(s, "\\(em", 4)) {
			*o++ = '-';
			s += 4;
		} else {
			*o++ = *s++;
		}
	}
	*o = '\0';
	return out;
}

/* The lines of section @sh (".SH NAME" up to the next ".SH"), one string. */
static char *section(const char *page, const char *sh)
{
	char head[128];
	const char *p, *end;

	snprintf(head, sizeof(head), "\n.SH %s\n", sh);
	p = strstr(page, head);
	if (!p)
		fail_msg("no section %s", sh);
	p += strlen(head);
	end = strstr(p, "\n.SH ");
	return strndup(p, end ? (size_t)(end - p + 1) : strlen(p));
}

/* One documented key. */
struct dkey {
	char *key;
	char *type; /* "BOOLEAN", ... or "a|b|c" for an enumeration */
	bool has_range;
	char *lo, *hi;
	char *def;
};

struct dkeys {
	struct dkey v[128];
	size_t n;
};

/* "\fBKEY\fR = TYPE [(LO to HI)], default \fBDEF\fR..." */
static void parse_tag(const char *tag, struct dkey *k)
{
	const char *p = tag, *e, *d;
	char *spec, *q;

	memset(k, 0, sizeof(*k));
	if (strncmp(p, "\\fB", 3))
		fail_msg("tag \"%s\" does not start with \\fB", tag);
	p += 3;
	e = strstr(p, "\\fR = ");
	if (!e)
		fail_msg("tag \"%s\": no \"\\fR = \"", tag);
	k->key = strndup(p, (size_t)(e - p));
	p = e + 6;
	d = strstr(p, ", default \\fB");
	if (!d)
		fail_msg("tag \"%s\": no default", tag);
	spec = strndup(p, (size_t)(d - p));
	e = strstr(d + 13, "\\fR");
	if (!e)
		fail_msg("tag \"%s\": the default is not closed", tag);
	k->def = strndup(d + 13, (size_t)(e - d - 13));
	q = strstr(spec, " (");
	if (q) {
		char lo[64], hi[64];

		if (sscanf(q, " (%63s to %63[^)])", lo, hi) != 2)
			fail_msg("tag \"%s\": range \"%s\"", tag, q);
		k->has_range = true;
		k->lo = strdup(lo);
		k->hi = strdup(hi);
		*q = '\0';
	}
	if (strstr(spec, " | ")) {
		char *t = plain(spec), *r = t, *w = t;

		/* "a | b | c" -> "a|b|c" */
		for (; *r; r++)
			if (*r != ' ')
				*w++ = *r;
		*w = '\0';
		k->type = t;
	} else {
		if (strncmp(spec, "\\fI", 3) || strlen(spec) < 7 ||
		    strcmp(spec + strlen(spec) - 3, "\\fR"))
			fail_msg("tag \"%s\": type \"%s\"", tag, spec);
		k->type = strndup(spec + 3, strlen(spec) - 6);
	}
	free(spec);
	q = plain(k->def);
	free(k->def);
	k->def = q;
}

/* Every ".TP" tag of @text with a key (prefix @prefix or none). */
static void parse_keys(const char *text, const char *prefix, struct dkeys *ks)
{
	const char *p = text;

	ks->n = 0;
	while ((p = strstr(p, ".TP\n"))) {
		const char *nl;
		char *tag;

		p += 4;
		nl = strchr(p, '\n');
		assert_non_null(nl);
		tag = strndup(p, (size_t)(nl - p));
		if (!strncmp(tag, "\\fB", 3) && strstr(tag, "\\fR = ") &&
		    (!prefix || !strncmp(tag + 3, prefix, strlen(prefix)))) {
			assert_true(ks->n < 128);
			parse_tag(tag, &ks->v[ks->n++]);
		}
		free(tag);
	}
}

static void dkeys_release(struct dkeys *ks)
{
	size_t i;

	for (i = 0; i < ks->n; i++) {
		free(ks->v[i].key);
		free(ks->v[i].type);
		free(ks->v[i].lo);
		free(ks->v[i].hi);
		free(ks->v[i].def);
	}
	ks->n = 0;
}

/* The defaults as --print-config writes them: keys[i] = values[i]. */
struct printed {
	char *text;
	char *keys[128], *values[128];
	size_t n;
};

static void print_defaults(struct printed *p, const char *nodename)
{
	struct dconf c;
	size_t len = 0;
	FILE *f;
	char *line, *save = NULL;

	memset(p, 0, sizeof(*p));
	setenv("NODENAME", nodename, 1);
	dconf_init(&c);
	f = open_memstream(&p->text, &len);
	assert_non_null(f);
	dconf_print(&c, f);
	fclose(f);
	dconf_release(&c);
	line = strdup(p->text);
	for (char *l = strtok_r(line, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *eq = strstr(l, " = ");

		assert_non_null(eq);
		assert_true(p->n < 128);
		p->keys[p->n] = strndup(l, (size_t)(eq - l));
		p->values[p->n] = strdup(eq + 3);
		p->n++;
	}
	free(line);
}

static void printed_release(struct printed *p)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		free(p->keys[i]);
		free(p->values[i]);
	}
	free(p->text);
}

/* Set @key to @value on fresh defaults: 0 or -EINVAL with @err. */
static int try_set(const char *key, const char *value, char *err, size_t len)
{
	struct dconf c;
	int ret;

	dconf_init(&c);
	err[0] = '\0';
	ret = dconf_set(&c, key, value, err, len);
	dconf_release(&c);
	return ret;
}

static void expect_ok(const char *key, const char *value)
{
	char err[512];

	if (try_set(key, value, err, sizeof(err)))
		fail_msg("%s = %s: refused: %s", key, value, err);
}

static void expect_err(const char *key, const char *value, const char *msg)
{
	char err[512];

	if (!try_set(key, value, err, sizeof(err)))
		fail_msg("%s = %s: accepted", key, value);
	if (msg && strcmp(err, msg))
		fail_msg("%s = %s: \"%s\", expected \"%s\"", key, value, err,
			 msg);
}

static bool is_string_type(const char *t)
{
	static const char *const v[] = { "NAME",    "PATH", "FILE",
					 "ADDRESS", "URLS", "TEXT" };
	size_t i;

	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		if (!strcmp(t, v[i]))
			return true;
	return false;
}

/* The documented type and range of @k are the ones conf.c enforces. */
static void check_type(const struct dkey *k)
{
	char msg[512], v[64];

	if (!strcmp(k->type, "BOOLEAN")) {
		assert_false(k->has_range);
		expect_ok(k->key, "yes");
		expect_ok(k->key, "off");
		snprintf(msg, sizeof(msg),
			 "%s: \"maybe\" is not a boolean (true or false)",
			 k->key);
		expect_err(k->key, "maybe", msg);
	} else if (!strcmp(k->type, "NUMBER")) {
		unsigned long long lo, hi;

		if (!k->has_range)
			fail_msg("%s: a NUMBER needs its range", k->key);
		lo = strtoull(k->lo, NULL, 10);
		hi = strtoull(k->hi, NULL, 10);
		expect_ok(k->key, k->lo);
		expect_ok(k->key, k->hi);
		snprintf(v, sizeof(v), "%llu", hi + 1);
		snprintf(msg, sizeof(msg),
			 "%s: \"%s\" is not a number from %llu to %llu", k->key,
			 v, lo, hi);
		expect_err(k->key, v, msg);
		if (lo) {
			snprintf(v, sizeof(v), "%llu", lo - 1);
			snprintf(msg, sizeof(msg),
				 "%s: \"%s\" is not a number from %llu to %llu",
				 k->key, v, lo, hi);
			expect_err(k->key, v, msg);
		}
	} else if (!strcmp(k->type, "DURATION")) {
		unsigned int lo, hi;

		if (!k->has_range)
			fail_msg("%s: a DURATION needs its range", k->key);
		assert_int_equal(dconf_parse_duration_ms(k->lo, &lo), 0);
		assert_int_equal(dconf_parse_duration_ms(k->hi, &hi), 0);
		expect_ok(k->key, k->lo);
		expect_ok(k->key, k->hi);
		snprintf(v, sizeof(v), "%ums", hi + 1);
		snprintf(
			msg, sizeof(msg),
			"%s: \"%s\" is not a duration from %ums to %ums (a number with ms, s, min or h)",
			k->key, v, lo, hi);
		expect_err(k->key, v, msg);
		if (lo) {
			snprintf(v, sizeof(v), "%ums", lo - 1);
			snprintf(
				msg, sizeof(msg),
				"%s: \"%s\" is not a duration from %ums to %ums (a number with ms, s, min or h)",
				k->key, v, lo, hi);
			expect_err(k->key, v, msg);
		}
	} else if (is_string_type(k->type)) {
		assert_false(k->has_range);
		expect_ok(k->key, "/any thing, \"at all\"");
	} else if (strchr(k->type, '|')) {
		char *t = strdup(k->type), *save = NULL, err[512];

		assert_false(k->has_range);
		for (char *a = strtok_r(t, "|", &save); a;
		     a = strtok_r(NULL, "|", &save)) {
			expect_ok(k->key, a);
		}
		free(t);
		assert_int_not_equal(try_set(k->key, "bogus", err, sizeof(err)),
				     0);
		/* the message lists exactly the documented values */
		t = strdup(k->type);
		for (char *a = strtok_r(t, "|", &save); a;
		     a = strtok_r(NULL, "|", &save)) {
			if (!strstr(err, a))
				fail_msg("%s: \"%s\" does not name %s", k->key,
					 err, a);
		}
		free(t);
	} else {
		fail_msg("%s: unknown type \"%s\"", k->key, k->type);
	}
}

/* Every key of conf.c is documented, in its order, with its default and
 * type; and nothing else is. */
static void test_conf_keys(void **state)
{
	char *page = slurp(MAN_CONF), *keys = section(page, "KEYS");
	struct printed p;
	struct dkeys ks;
	size_t i;

	parse_keys(keys, NULL, &ks);
	print_defaults(&p, "$NODENAME");
	for (i = 0; i < ks.n && i < p.n; i++) {
		if (strcmp(ks.v[i].key, p.keys[i]))
			fail_msg(
				"stratad.conf(5) documents %s where conf.c has %s (key %zu)",
				ks.v[i].key, p.keys[i], i);
		if (strcmp(ks.v[i].def, p.values[i]))
			fail_msg(
				"%s: documented default \"%s\", conf.c's is \"%s\"",
				p.keys[i], ks.v[i].def, p.values[i]);
		check_type(&ks.v[i]);
	}
	if (ks.n != p.n)
		fail_msg(
			"stratad.conf(5) documents %zu keys, conf.c has %zu (first missing: %s)",
			ks.n, p.n, ks.n < p.n ? p.keys[ks.n] : ks.v[p.n].key);
	assert_int_equal(ks.n, 33);
	printed_release(&p);
	dkeys_release(&ks);
	free(keys);
	free(page);
}

static char *unquote(const char *s)
{
	size_t n = strlen(s);

	if (n >= 2 && s[0] == '"' && s[n - 1] == '"')
		return strndup(s + 1, n - 2);
	return strdup(s);
}

/* Settings after one felix key on the defaults. */
static int felix(struct sc_settings *s, const char *key, const char *value)
{
	struct sc_limits caps = { 0 };
	char why[160];

	sc_settings_default(s, &caps);
	return cmp_felix_setting(s, key, value, why, sizeof(why));
}

static void test_conf_felix(void **state)
{
	char *page = slurp(MAN_CONF), *sec = section(page, "KERNEL SETTINGS");
	struct sc_settings def, s;
	struct sc_limits caps = { 0 };
	struct dkeys ks;
	char err[512];
	size_t i;

	parse_keys(sec, "felix.", &ks);
	assert_int_equal(ks.n, 9);
	sc_settings_default(&def, &caps);
	for (i = 0; i < ks.n; i++) {
		const struct dkey *k = &ks.v[i];
		char *v = unquote(k->def);

		/* stratad takes the documented default ... */
		expect_ok(k->key, v);
		/* ... and it is the engine's default */
		if (felix(&s, k->key + 6, v))
			fail_msg("%s = %s: refused", k->key, v);
		if (memcmp(&s, &def, sizeof(s)))
			fail_msg(
				"%s: the documented default \"%s\" is not the engine's",
				k->key, v);
		if (!strcmp(k->type, "BOOLEAN")) {
			expect_ok(k->key, "true");
			expect_ok(k->key, "false");
			expect_err(k->key, "maybe", NULL);
		} else if (strchr(k->type, '|')) {
			char *t = strdup(k->type), *save = NULL;

			for (char *a = strtok_r(t, "|", &save); a;
			     a = strtok_r(NULL, "|", &save))
				expect_ok(k->key, a);
			free(t);
			expect_err(k->key, "bogus", NULL);
		} else {
			static const struct {
				const char *type, *bad;
			} bad[] = {
				{ "PORTS", "tcp:99999" },
				{ "PREFIXES", "" },
				{ "PORT", "0" },
				{ "MASK", "0" },
			};
			size_t j;

			for (j = 0; j < sizeof(bad) / sizeof(bad[0]); j++)
				if (!strcmp(k->type, bad[j].type))
					break;
			if (j == sizeof(bad) / sizeof(bad[0]))
				fail_msg("%s: unknown type \"%s\"", k->key,
					 k->type);
			expect_err(k->key, bad[j].bad, NULL);
		}
		free(v);
	}
	expect_err("felix.NoSuchKey", "1",
		   "unknown FelixConfiguration key \"NoSuchKey\"");
	assert_int_not_equal(try_set("felix.VXLANPort", "0", err, sizeof(err)),
			     0);
	assert_string_equal(err, "felix.VXLANPort: \"0\" is not a port");
	dkeys_release(&ks);
	free(sec);
	free(page);
}

/* The example: every key commented out at its default, in conf.c's
 * order, and the documented felix keys at theirs; uncommented, the same
 * configuration as none. */
static void test_example(void **state)
{
	char *text = slurp(EXAMPLE), *page = slurp(MAN_CONF);
	char *sec = section(page, "KERNEL SETTINGS"), *save = NULL;
	char *copy = strdup(text), *uncommented = NULL, *dir, path[512];
	char *s, err[512];
	size_t ulen = 0, nk = 0, nf = 0, i;
	struct printed p;
	struct dkeys fk;
	struct dconf c;
	FILE *u = open_memstream(&uncommented, &ulen);

	print_defaults(&p, "HOSTNAME");
	parse_keys(sec, "felix.", &fk);
	for (char *l = strtok_r(copy, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *eq, *key, *val;

		if (l[0] != '#' || !(l[1] >= 'a' && l[1] <= 'z'))
			continue;
		eq = strstr(l, " = ");
		if (!eq)
			fail_msg("example: \"%s\"", l);
		key = strndup(l + 1, (size_t)(eq - l - 1));
		val = strdup(eq + 3);
		fprintf(u, "%s\n", l + 1);
		if (!strncmp(key, "felix.", 6)) {
			char *uv = unquote(val);

			if (nf >= fk.n || strcmp(fk.v[nf].key, key))
				fail_msg(
					"example: %s is not felix key %zu of stratad.conf(5)",
					key, nf);
			if (strcmp(fk.v[nf].def, val) &&
			    strcmp(fk.v[nf].def, uv))
				fail_msg(
					"example: %s = %s, documented default %s",
					key, val, fk.v[nf].def);
			free(uv);
			nf++;
		} else {
			if (nk >= p.n || strcmp(p.keys[nk], key))
				fail_msg("example: %s where conf.c has %s", key,
					 nk < p.n ? p.keys[nk] : "nothing");
			if (strcmp(p.values[nk], val))
				fail_msg("example: %s = %s, the default is %s",
					 key, val, p.values[nk]);
			nk++;
		}
		free(key);
		free(val);
	}
	fclose(u);
	assert_int_equal(nk, p.n);
	assert_int_equal(nf, fk.n);
	/* stratad reads it; commented, it changes nothing */
	dir = dt_tmpdir();
	setenv("NODENAME", "HOSTNAME", 1);
	dconf_init(&c);
	assert_int_equal(dconf_load(&c, EXAMPLE, false, err, sizeof(err)), 0);
	{
		size_t len = 0;
		FILE *f = open_memstream(&s, &len);

		dconf_print(&c, f);
		fclose(f);
	}
	assert_string_equal(s, p.text);
	free(s);
	dconf_release(&c);
	/* uncommented: the defaults, plus the felix lines at theirs */
	dt_write(dir, "all.conf", "%s", uncommented);
	snprintf(path, sizeof(path), "%s/all.conf", dir);
	setenv("NODENAME", "elsewhere", 1);
	dconf_init(&c);
	if (dconf_load(&c, path, false, err, sizeof(err)))
		fail_msg("uncommented example: %s", err);
	assert_int_equal(dconf_check(&c, err, sizeof(err)), 0);
	assert_string_equal(c.node_name, "HOSTNAME");
	assert_int_equal(c.n_felix, fk.n);
	{
		size_t len = 0;
		FILE *f = open_memstream(&s, &len);

		dconf_print(&c, f);
		fclose(f);
	}
	assert_true(strlen(s) > strlen(p.text));
	assert_memory_equal(s, p.text, strlen(p.text));
	for (i = 0; i < fk.n; i++) {
		char line[512];
		char *uv = unquote(fk.v[i].def);

		snprintf(line, sizeof(line), "\n%s = ", fk.v[i].key);
		assert_non_null(strstr(s, line));
		free(uv);
	}
	free(s);
	dconf_release(&c);
	dt_rmdir(dir);
	free(uncommented);
	printed_release(&p);
	dkeys_release(&fk);
	free(sec);
	free(copy);
	free(page);
	free(text);
}

/* --- stratad(8) ------------------------------------------------------ */

/* The "stratad_*" names in @text, each once, in order. */
static size_t metric_names(const char *text, char **out, size_t max)
{
	const char *p = text;
	size_t n = 0, i;

	while ((p = strstr(p, "stratad_"))) {
		size_t len = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
		char *name = strndup(p, len);
		bool dup = false;

		for (i = 0; i < n; i++)
			dup |= !strcmp(out[i], name);
		if (dup) {
			free(name);
		} else {
			assert_true(n < max);
			out[n++] = name;
		}
		p += len;
	}
	return n;
}

/* Every metric /metrics can show is documented under its type, and
 * every metric documented exists. */
static void test_metrics(void **state)
{
	char *page = slurp(MAN_D), *sec = section(page, "METRICS");
	char *text = NULL, *doc[64], *gauges, *counters, *hists;
	struct dmet_snapshot snap;
	size_t len = 0, nd, i, found = 0;
	const char *p;
	FILE *f = open_memstream(&text, &len);

	memset(&snap, 0, sizeof(snap));
	snap.have_kernel_stats = true; /* every optional metric */
	snap.first_programmed_s = 1;
	dmet_render(f, &snap);
	fclose(f);
	/* the sections of the page: gauges, then counters, then histograms */
	gauges = strstr(sec, "Gauges:");
	counters = strstr(sec, "Counters:");
	hists = strstr(sec, "Histograms");
	assert_non_null(gauges);
	assert_non_null(counters);
	assert_non_null(hists);
	assert_true(gauges < counters && counters < hists);
	for (p = text; (p = strstr(p, "# TYPE ")); p++) {
		char name[128], type[32], tag[160], *at;

		assert_int_equal(sscanf(p, "# TYPE %127s %31s", name, type), 2);
		snprintf(tag, sizeof(tag), ".TP\n.B %s\n", name);
		at = strstr(sec, tag);
		if (!at) {
			snprintf(tag, sizeof(tag), ".TP\n.BI %s{", name);
			at = strstr(sec, tag);
		}
		if (!at)
			fail_msg("stratad(8) METRICS does not document %s",
				 name);
		if (!strcmp(type, "gauge")     ? !(at > gauges && at < counters)
		    : !strcmp(type, "counter") ? !(at > counters && at < hists)
					       : at < hists)
			fail_msg("%s is a %s, documented elsewhere", name,
				 type);
		found++;
	}
	assert_int_equal(found, 27);
	nd = metric_names(sec, doc, 64);
	for (i = 0; i < nd; i++) {
		char want[160];

		snprintf(want, sizeof(want), "# TYPE %s ", doc[i]);
		if (!strstr(text, want))
			fail_msg(
				"stratad(8) documents %s, which /metrics does not show",
				doc[i]);
		free(doc[i]);
	}
	assert_int_equal(nd, found);
	free(text);
	free(sec);
	free(page);
}

/* A daemon in this process with its API on a socketpair. */
struct api_t {
	sd_event *loop;
	char *dir;
	struct dt_daemon d;
	struct dapi *api;
	int fd;
	char buf[1 << 16];
	size_t len;
};

static bool api_have_line(void *arg)
{
	struct api_t *t = arg;
	ssize_t n = recv(t->fd, t->buf + t->len, sizeof(t->buf) - 1 - t->len,
			 MSG_DONTWAIT);

	if (n > 0)
		t->len += (size_t)n;
	t->buf[t->len] = '\0';
	return memchr(t->buf, '\n', t->len) != NULL;
}

/* Send @req, return the reply (parsed). */
static struct json_object *api_call(struct api_t *t, const char *req)
{
	struct json_object *r;
	char *nl;

	assert_int_equal(send(t->fd, req, strlen(req), MSG_NOSIGNAL),
			 (ssize_t)strlen(req));
	if (!dt_run_until(t->loop, api_have_line, t, 3000))
		fail_msg("no reply to %s", req);
	nl = memchr(t->buf, '\n', t->len);
	*nl = '\0';
	r = json_tokener_parse(t->buf);
	assert_non_null(r);
	memmove(t->buf, nl + 1, t->len - (size_t)(nl - t->buf) - 1);
	t->len -= (size_t)(nl - t->buf) + 1;
	return r;
}

static const char *api_error(struct json_object *r)
{
	struct json_object *v;

	if (!json_object_object_get_ex(r, "error", &v))
		fail_msg("no error in %s", json_object_to_json_string(r));
	return json_object_get_string(v);
}

/* The bold words of the ".TP" tags and ".B"/".BR" lines in @text. */
static bool bold_word(const char *text, const char *word, bool tags_only)
{
	const char *p = text;
	size_t wl = strlen(word);

	while ((p = strstr(p, "\n.B"))) {
		const char *line = p + 1, *end = strchr(line, '\n'), *q;

		p = line;
		if (!end)
			break;
		if (tags_only &&
		    (line < text + 4 || strncmp(line - 4, ".TP\n", 4)))
			continue;
		if (strncmp(line, ".B ", 3) && strncmp(line, ".BR ", 4))
			continue;
		for (q = strchr(line, ' '); q && q < end; q++) {
			if (!strncmp(q, word, wl) &&
			    (q[-1] == ' ' || q[-1] == '"') &&
			    (q + wl == end || strchr(" ,\"", q[wl])))
				return true;
		}
	}
	return false;
}

/* The status reply's fields, every command and the error messages of
 * malformed requests are in LOCAL API. */
static void test_api(void **state)
{
	char *page = slurp(MAN_D), *raw = section(page, "LOCAL API");
	char *sec = plain(raw), *st, *ste, want[512], *save = NULL, *list;
	struct json_object *r, *ds;
	struct api_t *t = calloc(1, sizeof(*t));
	const char *e, *p;
	int sv[2];
	size_t i;
	static const struct {
		const char *req;
		const char *err; /* NULL: the reply's error is in the page */
	} bad[] = {
		{ "not json\n", NULL },
		{ "{}\n", NULL },
		{ "{\"command\":\"COMMAND\"}\n", NULL },
		{ "{\"command\":\"status\",\"timeoutMs\":-1}\n", NULL },
		{ "{\"command\":\"get\"}\n", NULL },
		{ "{\"command\":\"get\",\"what\":\"WHAT\"}\n", NULL },
		{ "{\"command\":\"get\",\"what\":\"resources\",\"kind\":\"KIND\"}\n",
		  NULL },
		{ "{\"command\":\"wait\",\"sequence\":\"1\"}\n", NULL },
		{ "{\"command\":\"wait\",\"generation\":-3}\n", NULL },
		{ "{\"command\":\"endpoint\"}\n", NULL },
		{ "{\"command\":\"endpoint\",\"endpoint\":\"ENDPOINT\"}\n",
		  NULL },
		{ "{\"command\":\"endpoint\",\"endpoint\":\"ENDPOINT\",\"wait\":true,\"timeoutMs\":1}\n",
		  "timed out after 1 ms: endpoint ENDPOINT is not programmed" },
		{ "{\"command\":\"wait\",\"generation\":99999,\"timeoutMs\":1}\n",
		  "timed out after 1 ms: programmed" },
	};

	assert_non_null(t);
	dlog_init(LOG_ERR, DLOG_STDERR, NULL);
	assert_int_equal(sd_event_new(&t->loop), 0);
	t->dir = dt_tmpdir();
	dt_write(t->dir, "00-ns.yaml",
		 "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n");
	dt_pod(t->dir, "a", "10.65.0.1", "web");
	dt_daemon_start(&t->d, t->loop, t->dir, NULL, NULL);
	t->api = dapi_new(t->loop, t->d.sync, t->d.status, "directory");
	assert_non_null(t->api);
	dapi_set_directory(t->api, t->dir);
	assert_int_equal(dsync_add_listener(t->d.sync, dapi_on_commit, t->api),
			 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv),
			 0);
	assert_int_equal(dapi_serve_fd(t->api, sv[0]), 0);
	t->fd = sv[1];
	dt_daemon_settle(&t->d);

	/* every field of the status reply, and every field of its
	 * "datastore", is a bold word of the status command's entry; every
	 * tag there is a field */
	st = strstr(raw, ".B {\\(dqcommand\\(dq:\\(dqstatus\\(dq}");
	assert_non_null(st);
	ste = strstr(st, "\n.RE\n");
	assert_non_null(ste);
	st = strndup(st, (size_t)(ste - st + 1));
	r = api_call(t, "{\"command\":\"status\"}\n");
	assert_non_null(
		json_object_object_get_ex(r, "firstProgrammedSeconds", NULL));
	json_object_object_foreach (r, k, v) {
		(void)v;
		if (!strcmp(k, "ok"))
			continue;
		if (!bold_word(st, k, true))
			fail_msg(
				"stratad(8): the status field \"%s\" is not documented",
				k);
	}
	assert_true(json_object_object_get_ex(r, "datastore", &ds));
	json_object_object_foreach (ds, dk, dv) {
		(void)dv;
		if (!bold_word(st, dk, false))
			fail_msg(
				"stratad(8): the status field \"datastore.%s\" is not documented",
				dk);
	}
	for (p = st; (p = strstr(p, ".TP\n.B")); p += 4) {
		char *line = strndup(p + 4, strcspn(p + 4, "\n")), *w;

		for (w = strtok_r(strchr(line, ' '), " ,\"", &save); w;
		     w = strtok_r(NULL, " ,\"", &save))
			if (!json_object_object_get_ex(r, w, NULL))
				fail_msg(
					"stratad(8) documents the status field \"%s\", which the reply does not have",
					w);
		free(line);
	}
	json_object_put(r);
	free(st);

	/* every command the API names has its entry, and every "what" */
	r = api_call(t, "{\"command\":\"COMMAND\"}\n");
	e = strrchr(api_error(r), '(');
	assert_non_null(e);
	list = strdup(e + 1);
	for (char *w = strtok_r(list, " ,)", &save); w;
	     w = strtok_r(NULL, " ,)", &save)) {
		if (!strcmp(w, "or"))
			continue;
		snprintf(want, sizeof(want), "{\"command\":\"%s\"", w);
		if (!strstr(sec, want))
			fail_msg("stratad(8) does not document the command %s",
				 w);
	}
	free(list);
	json_object_put(r);
	r = api_call(t, "{\"command\":\"get\",\"what\":\"WHAT\"}\n");
	e = strrchr(api_error(r), '(');
	list = strdup(e + 1);
	for (char *w = strtok_r(list, " ,)", &save); w;
	     w = strtok_r(NULL, " ,)", &save)) {
		if (!strcmp(w, "or"))
			continue;
		snprintf(want, sizeof(want),
			 "{\"command\":\"get\",\"what\":\"%s\"", w);
		if (!strstr(sec, want))
			fail_msg("stratad(8) does not document get %s", w);
	}
	free(list);
	json_object_put(r);

	/* the error messages, as the page writes them */
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		r = api_call(t, bad[i].req);
		e = api_error(r);
		if (bad[i].err) {
			assert_string_equal(e, bad[i].err);
			e = !strncmp(e, "timed out after 1 ms: endpoint", 30)
				    ? "timed out after T ms: endpoint ENDPOINT is not programmed"
				    : "timed out after T ms: PHASE[: LAST ERROR]";
		}
		if (!strstr(sec, e))
			fail_msg(
				"stratad(8) LOCAL API does not have the error \"%s\"",
				e);
		json_object_put(r);
	}
	snprintf(want, sizeof(want), "a request is larger than %u bytes",
		 DAPI_MAX_REQUEST);
	assert_non_null(strstr(sec, want));
	snprintf(want, sizeof(want), "up to %u (default %u)",
		 DAPI_MAX_TIMEOUT_MS, DAPI_DEFAULT_TIMEOUT_MS);
	assert_non_null(strstr(sec, want));
	assert_non_null(
		strstr(sec, "permission denied: the local API is for root"));

	close(t->fd);
	dapi_free(t->api);
	dt_daemon_stop(&t->d, false);
	sd_event_unref(t->loop);
	dt_rmdir(t->dir);
	free(t);
	free(sec);
	free(raw);
	free(page);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_keys),
		cmocka_unit_test(test_conf_felix),
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_api),
	};

	return cmocka_run_group_tests_name("daemon_docs", tests, NULL, NULL);
}
