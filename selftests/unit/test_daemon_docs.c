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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_conf_keys),
		cmocka_unit_test(test_conf_felix),
		cmocka_unit_test(test_example),
	};

	return cmocka_run_group_tests_name("daemon_docs", tests, NULL, NULL);
}
