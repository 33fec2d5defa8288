// SPDX-License-Identifier: GPL-2.0
/*
 * A real etcd for tests (see etcd_harness.h).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <curl/curl.h>
#include <json-c/json.h>

#include "etcd_harness.h"

#define EH_MAX_PROCS 16

static pid_t eh_procs[EH_MAX_PROCS];
static bool eh_atexit_done;

static void eh_kill_all(void)
{
	int i;

	for (i = 0; i < EH_MAX_PROCS; i++) {
		if (eh_procs[i] > 0) {
			kill(eh_procs[i], SIGKILL);
			waitpid(eh_procs[i], NULL, 0);
			eh_procs[i] = 0;
		}
	}
}

static void eh_track(pid_t pid, bool add)
{
	int i;

	if (!eh_atexit_done) {
		atexit(eh_kill_all);
		eh_atexit_done = true;
	}
	for (i = 0; i < EH_MAX_PROCS; i++) {
		if (add && !eh_procs[i]) {
			eh_procs[i] = pid;
			return;
		}
		if (!add && eh_procs[i] == pid) {
			eh_procs[i] = 0;
			return;
		}
	}
}

static uint64_t eh_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void eh_pause_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* A port nothing listens on right now. */
static int eh_free_port(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd < 0)
		return -1;
	if (!bind(fd, (struct sockaddr *)&sa, sizeof(sa)) &&
	    !getsockname(fd, (struct sockaddr *)&sa, &len))
		port = ntohs(sa.sin_port);
	close(fd);
	return port;
}

static char *eh_b64(const char *in, size_t len)
{
	static const char a[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = (const unsigned char *)in;
	char *out = malloc((len + 2) / 3 * 4 + 1), *o = out;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		*o++ = a[p[i] >> 2];
		*o++ = a[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
		*o++ = a[((p[i + 1] & 15) << 2) | (p[i + 2] >> 6)];
		*o++ = a[p[i + 2] & 63];
	}
	if (i < len) {
		*o++ = a[p[i] >> 2];
		if (i + 1 < len) {
			*o++ = a[((p[i] & 3) << 4) | (p[i + 1] >> 4)];
			*o++ = a[(p[i + 1] & 15) << 2];
		} else {
			*o++ = a[(p[i] & 3) << 4];
			*o++ = '=';
		}
		*o++ = '=';
	}
	*o = 0;
	return out;
}

const char *eh_log_tail(struct eh_etcd *e)
{
	static char buf[4096];
	char path[300];
	ssize_t n = 0;
	off_t size;
	int fd;

	buf[0] = 0;
	snprintf(path, sizeof(path), "%s/etcd.log", e->dir);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return buf;
	size = lseek(fd, 0, SEEK_END);
	lseek(fd,
	      size > (off_t)sizeof(buf) - 1 ? size - (off_t)sizeof(buf) + 1 : 0,
	      SEEK_SET);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	return buf;
}

/* ---- the client ---- */

struct eh_buf {
	char *data;
	size_t len;
};

static size_t eh_collect(char *data, size_t size, size_t n, void *arg)
{
	struct eh_buf *b = arg;
	char *grown = realloc(b->data, b->len + size * n + 1);

	if (!grown)
		return 0;
	b->data = grown;
	memcpy(b->data + b->len, data, size * n);
	b->len += size * n;
	b->data[b->len] = 0;
	return size * n;
}

static struct json_object *eh_post(struct eh_etcd *e, const char *path,
				   struct json_object *body, long *http,
				   long timeout_ms, bool quiet)
{
	struct eh_buf b = { 0 };
	struct curl_slist *h = NULL;
	struct json_object *reply = NULL;
	char url[300], auth[300];
	CURLcode rc;

	if (!e->curl)
		e->curl = curl_easy_init();
	curl_easy_reset(e->curl);
	snprintf(url, sizeof(url), "%s%s", e->url, path);
	h = curl_slist_append(h, "Content-Type: application/json");
	if (e->token[0]) {
		snprintf(auth, sizeof(auth), "Authorization: %s", e->token);
		h = curl_slist_append(h, auth);
	}
	curl_easy_setopt(e->curl, CURLOPT_URL, url);
	curl_easy_setopt(e->curl, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e->curl, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(
		e->curl, CURLOPT_POSTFIELDS,
		json_object_to_json_string_ext(body, JSON_C_TO_STRING_PLAIN));
	curl_easy_setopt(e->curl, CURLOPT_WRITEFUNCTION, eh_collect);
	curl_easy_setopt(e->curl, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(e->curl, CURLOPT_TIMEOUT_MS, timeout_ms);
	if (e->opts.tls) {
		curl_easy_setopt(e->curl, CURLOPT_CAINFO, e->ca);
		curl_easy_setopt(e->curl, CURLOPT_SSLCERT, e->cert);
		curl_easy_setopt(e->curl, CURLOPT_SSLKEY, e->key);
	}
	rc = curl_easy_perform(e->curl);
	curl_slist_free_all(h);
	*http = 0;
	if (rc != CURLE_OK) {
		if (!quiet)
			fprintf(stderr, "etcd harness: %s: %s\n", path,
				curl_easy_strerror(rc));
	} else {
		curl_easy_getinfo(e->curl, CURLINFO_RESPONSE_CODE, http);
		reply = b.data ? json_tokener_parse(b.data) : NULL;
		if (*http != 200 && !quiet)
			fprintf(stderr, "etcd harness: %s: HTTP %ld: %s\n",
				path, *http, b.data ? b.data : "");
	}
	free(b.data);
	return reply;
}

static int eh_authenticate(struct eh_etcd *e)
{
	struct json_object *body = json_object_new_object(), *reply, *t;
	long http;
	int rc = -1;

	json_object_object_add(body, "name", json_object_new_string(e->user));
	json_object_object_add(body, "password",
			       json_object_new_string(e->password));
	e->token[0] = 0;
	reply = eh_post(e, "/v3/auth/authenticate", body, &http, 10000, false);
	if (http == 200 && json_object_object_get_ex(reply, "token", &t)) {
		snprintf(e->token, sizeof(e->token), "%s",
			 json_object_get_string(t));
		rc = 0;
	}
	json_object_put(reply);
	json_object_put(body);
	return rc;
}

/* POST @body (consumed); 200 or NULL. Re-authenticates once on 401. */
static struct json_object *eh_call(struct eh_etcd *e, const char *path,
				   struct json_object *body)
{
	struct json_object *reply;
	long http;

	reply = eh_post(e, path, body, &http, 10000, e->user[0]);
	if (http == 401 && e->user[0]) {
		json_object_put(reply);
		reply = NULL;
		if (!eh_authenticate(e))
			reply = eh_post(e, path, body, &http, 10000, false);
	} else if (http != 200 && e->user[0]) {
		fprintf(stderr, "etcd harness: %s: HTTP %ld: %s\n", path, http,
			reply ? json_object_to_json_string(reply) : "");
	}
	json_object_put(body);
	if (http != 200) {
		json_object_put(reply);
		return NULL;
	}
	return reply;
}

static int64_t eh_header_rev(struct json_object *reply)
{
	struct json_object *h, *r;

	if (!json_object_object_get_ex(reply, "header", &h) ||
	    !json_object_object_get_ex(h, "revision", &r))
		return -1;
	return strtoll(json_object_get_string(r), NULL, 10);
}

int64_t eh_revision(struct eh_etcd *e)
{
	struct json_object *reply =
		eh_call(e, "/v3/maintenance/status", json_object_new_object());
	int64_t rev = eh_header_rev(reply);

	json_object_put(reply);
	return rev;
}

static struct json_object *eh_kv(const char *key, const char *value)
{
	struct json_object *o = json_object_new_object();
	char *k = eh_b64(key, strlen(key));

	json_object_object_add(o, "key", json_object_new_string(k));
	free(k);
	if (value) {
		char *v = eh_b64(value, strlen(value));

		json_object_object_add(o, "value", json_object_new_string(v));
		free(v);
	}
	return o;
}

int64_t eh_put(struct eh_etcd *e, const char *key, const char *value)
{
	struct json_object *reply = eh_call(e, "/v3/kv/put", eh_kv(key, value));
	int64_t rev = eh_header_rev(reply);

	json_object_put(reply);
	return rev;
}

/* A transaction: if @target(@key) @result @n then @op (put or delete). */
static int64_t eh_txn(struct eh_etcd *e, const char *key, const char *value,
		      const char *target, const char *result, int64_t n)
{
	struct json_object *txn = json_object_new_object();
	struct json_object *cmp = eh_kv(key, NULL),
			   *op = json_object_new_object();
	struct json_object *a, *reply, *ok;
	char num[24];
	int64_t rev = -1;

	snprintf(num, sizeof(num), "%" PRId64, n);
	json_object_object_add(cmp, "result", json_object_new_string(result));
	json_object_object_add(cmp, "target", json_object_new_string(target));
	json_object_object_add(
		cmp, !strcmp(target, "VERSION") ? "version" : "mod_revision",
		json_object_new_string(num));
	a = json_object_new_array();
	json_object_array_add(a, cmp);
	json_object_object_add(txn, "compare", a);
	json_object_object_add(op,
			       value ? "request_put" : "request_delete_range",
			       eh_kv(key, value));
	a = json_object_new_array();
	json_object_array_add(a, op);
	json_object_object_add(txn, "success", a);
	json_object_object_add(txn, "failure", json_object_new_array());
	reply = eh_call(e, "/v3/kv/txn", txn);
	if (reply && json_object_object_get_ex(reply, "succeeded", &ok) &&
	    json_object_get_boolean(ok))
		rev = eh_header_rev(reply);
	else
		fprintf(stderr, "etcd harness: transaction on %s failed: %s\n",
			key, reply ? json_object_to_json_string(reply) : "");
	json_object_put(reply);
	return rev;
}

int64_t eh_create(struct eh_etcd *e, const char *key, const char *value)
{
	return eh_txn(e, key, value, "VERSION", "EQUAL", 0);
}

int64_t eh_update(struct eh_etcd *e, const char *key, const char *value,
		  int64_t mod)
{
	return eh_txn(e, key, value, "MOD", "EQUAL", mod);
}

int64_t eh_delete(struct eh_etcd *e, const char *key, int64_t mod)
{
	return eh_txn(e, key, NULL, "MOD", "EQUAL", mod);
}

int64_t eh_put_many(struct eh_etcd *e, const char *const *keys,
		    const char *const *values, size_t n)
{
	struct json_object *txn = json_object_new_object();
	struct json_object *ops = json_object_new_array(), *reply;
	int64_t rev;
	size_t i;

	for (i = 0; i < n; i++) {
		struct json_object *op = json_object_new_object();

		json_object_object_add(op, "request_put",
				       eh_kv(keys[i], values[i]));
		json_object_array_add(ops, op);
	}
	json_object_object_add(txn, "success", ops);
	reply = eh_call(e, "/v3/kv/txn", txn);
	rev = eh_header_rev(reply);
	json_object_put(reply);
	return rev;
}

int eh_compact(struct eh_etcd *e, int64_t rev)
{
	struct json_object *body = json_object_new_object(), *reply;

	json_object_object_add(body, "revision", json_object_new_int64(rev));
	json_object_object_add(body, "physical", json_object_new_boolean(1));
	reply = eh_call(e, "/v3/kv/compaction", body);
	if (!reply)
		return -1;
	json_object_put(reply);
	return 0;
}

int eh_auth_enable(struct eh_etcd *e, const char *user, const char *password)
{
	struct json_object *b, *reply;

	b = json_object_new_object();
	json_object_object_add(b, "name", json_object_new_string(user));
	json_object_object_add(b, "password", json_object_new_string(password));
	reply = eh_call(e, "/v3/auth/user/add", b);
	if (!reply)
		return -1;
	json_object_put(reply);
	b = json_object_new_object();
	json_object_object_add(b, "name", json_object_new_string("root"));
	json_object_put(eh_call(e, "/v3/auth/role/add", b)); /* may exist */
	b = json_object_new_object();
	json_object_object_add(b, "user", json_object_new_string(user));
	json_object_object_add(b, "role", json_object_new_string("root"));
	reply = eh_call(e, "/v3/auth/user/grant", b);
	if (!reply)
		return -1;
	json_object_put(reply);
	reply = eh_call(e, "/v3/auth/enable", json_object_new_object());
	if (!reply)
		return -1;
	json_object_put(reply);
	snprintf(e->user, sizeof(e->user), "%s", user);
	snprintf(e->password, sizeof(e->password), "%s", password);
	return eh_authenticate(e);
}

/* ---- the process ---- */

static int eh_certs(struct eh_etcd *e)
{
	char cmd[4096];
	int rc;

	snprintf(
		cmd, sizeof(cmd),
		"set -e; cd '%s'; exec >certs.log 2>&1\n"
		"key='-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes'\n"
		"openssl req -x509 $key -keyout ca.key -out ca.crt -days 2 -subj /CN=strata-test-ca\n"
		"openssl req $key -keyout server.key -out server.csr -subj /CN=etcd\n"
		"printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth,clientAuth\\n' >server.ext\n"
		"openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext -out server.crt\n"
		"openssl req $key -keyout client.key -out client.csr -subj /CN=stratad\n"
		"printf 'extendedKeyUsage=clientAuth\\n' >client.ext\n"
		"openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 2 -extfile client.ext -out client.crt\n",
		e->dir);
	rc = system(cmd);
	if (rc) {
		fprintf(stderr,
			"etcd harness: openssl failed (%d), see %s/certs.log\n",
			rc, e->dir);
		return -1;
	}
	snprintf(e->ca, sizeof(e->ca), "%s/ca.crt", e->dir);
	snprintf(e->cert, sizeof(e->cert), "%s/client.crt", e->dir);
	snprintf(e->key, sizeof(e->key), "%s/client.key", e->dir);
	return 0;
}

static int eh_spawn(struct eh_etcd *e)
{
	char data[300], log[300], peers[200], progress[80], srv_cert[300],
		srv_key[300];
	const char *argv[64];
	pid_t parent = getpid(), pid;
	int n = 0, fd;

	snprintf(data, sizeof(data), "%s/data", e->dir);
	snprintf(log, sizeof(log), "%s/etcd.log", e->dir);
	snprintf(peers, sizeof(peers), "strata=%s", e->peer_url);
	snprintf(srv_cert, sizeof(srv_cert), "%s/server.crt", e->dir);
	snprintf(srv_key, sizeof(srv_key), "%s/server.key", e->dir);
	argv[n++] = "etcd";
	argv[n++] = "--name=strata";
	argv[n++] = "--data-dir";
	argv[n++] = data;
	argv[n++] = "--listen-client-urls";
	argv[n++] = e->url;
	argv[n++] = "--advertise-client-urls";
	argv[n++] = e->url;
	argv[n++] = "--listen-peer-urls";
	argv[n++] = e->peer_url;
	argv[n++] = "--initial-advertise-peer-urls";
	argv[n++] = e->peer_url;
	argv[n++] = "--initial-cluster";
	argv[n++] = peers;
	argv[n++] = "--initial-cluster-token";
	argv[n++] = e->opts.cluster_token ? e->opts.cluster_token
					  : "strata-test";
	argv[n++] = "--heartbeat-interval=10";
	argv[n++] = "--election-timeout=100";
	argv[n++] = "--logger=zap";
	argv[n++] = "--log-outputs=stderr";
	if (e->opts.tls) {
		argv[n++] = "--cert-file";
		argv[n++] = srv_cert;
		argv[n++] = "--key-file";
		argv[n++] = srv_key;
		argv[n++] = "--client-cert-auth";
		argv[n++] = "--trusted-ca-file";
		argv[n++] = e->ca;
	}
	if (e->opts.progress_ms) {
		snprintf(progress, sizeof(progress),
			 "--experimental-watch-progress-notify-interval=%ums",
			 e->opts.progress_ms);
		argv[n++] = progress;
	}
	if (e->opts.big) {
		argv[n++] = "--max-txn-ops=100000";
		argv[n++] = "--max-request-bytes=67108864";
		argv[n++] = "--quota-backend-bytes=8589934592";
	}
	argv[n] = NULL;

	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
			close(fd);
		}
		fd = open("/dev/null", O_RDONLY);
		if (fd >= 0) {
			dup2(fd, 0);
			close(fd);
		}
		execvp("etcd", (char *const *)argv);
		fprintf(stderr, "exec etcd: %s\n", strerror(errno));
		_exit(127);
	}
	e->pid = pid;
	eh_track(pid, true);
	return 0;
}

/* Wait until etcd has a leader and answers; 0, -1 if it died or timed out. */
static int eh_wait_ready(struct eh_etcd *e)
{
	uint64_t deadline = eh_now_ms() + 20000;

	while (eh_now_ms() < deadline) {
		struct json_object *body = json_object_new_object(), *reply, *l;
		long http = 0;
		int status;

		if (waitpid(e->pid, &status, WNOHANG) == e->pid) {
			eh_track(e->pid, false);
			e->pid = 0;
			fprintf(stderr,
				"etcd harness: etcd exited (status %d):\n%s\n",
				status, eh_log_tail(e));
			json_object_put(body);
			return -1;
		}
		reply = eh_post(e, "/v3/maintenance/status", body, &http, 500,
				true);
		json_object_put(body);
		if (http == 200 &&
		    json_object_object_get_ex(reply, "leader", &l) &&
		    strcmp(json_object_get_string(l), "0")) {
			json_object_put(reply);
			return 0;
		}
		json_object_put(reply);
		eh_pause_ms(10);
	}
	fprintf(stderr, "etcd harness: etcd not ready after 20 s:\n%s\n",
		eh_log_tail(e));
	return -1;
}

static int eh_rm(const char *path, const struct stat *st, int flag,
		 struct FTW *ftw)
{
	return remove(path);
}

/* Remove directories left by a test that was killed (its pid is gone). */
static void eh_sweep(const char *base)
{
	char path[300], pidfile[320];
	struct dirent *d;
	DIR *dir = opendir(base);

	if (!dir)
		return;
	while ((d = readdir(dir))) {
		FILE *f;
		long pid = 0;

		if (strncmp(d->d_name, "strata-etcd-", 12))
			continue;
		snprintf(path, sizeof(path), "%s/%s", base, d->d_name);
		snprintf(pidfile, sizeof(pidfile), "%s/owner", path);
		f = fopen(pidfile, "r");
		if (!f)
			continue;
		if (fscanf(f, "%ld", &pid) == 1 && pid > 0 &&
		    kill((pid_t)pid, 0) && errno == ESRCH)
			nftw(path, eh_rm, 16, FTW_DEPTH | FTW_PHYS);
		fclose(f);
	}
	closedir(dir);
}

static int eh_tmpdir(struct eh_etcd *e)
{
	const char *base = getenv("TMPDIR");
	char owner[300];
	FILE *f;

	if (!access("/dev/shm", W_OK))
		base = "/dev/shm"; /* no fsync cost */
	else if (!base || !*base)
		base = "/tmp";
	eh_sweep(base);
	snprintf(e->dir, sizeof(e->dir), "%s/strata-etcd-XXXXXX", base);
	if (!mkdtemp(e->dir))
		return -1;
	snprintf(owner, sizeof(owner), "%s/owner", e->dir);
	f = fopen(owner, "w");
	if (!f)
		return -1;
	fprintf(f, "%ld\n", (long)getpid());
	fclose(f);
	return 0;
}

int eh_start(struct eh_etcd *e, const struct eh_opts *opts)
{
	int attempt;

	memset(e, 0, sizeof(*e));
	if (opts)
		e->opts = *opts;
	curl_global_init(CURL_GLOBAL_DEFAULT);
	if (eh_tmpdir(e)) {
		fprintf(stderr, "etcd harness: mkdtemp: %s\n", strerror(errno));
		return -1;
	}
	if (e->opts.tls && eh_certs(e))
		return -1;
	for (attempt = 0; attempt < 3; attempt++) {
		int cport = eh_free_port(), pport = eh_free_port();

		if (cport < 0 || pport < 0 || cport == pport)
			continue;
		snprintf(e->url, sizeof(e->url), "%s://127.0.0.1:%d",
			 e->opts.tls ? "https" : "http", cport);
		snprintf(e->peer_url, sizeof(e->peer_url),
			 "http://127.0.0.1:%d", pport);
		if (eh_spawn(e))
			return -1;
		if (!eh_wait_ready(e))
			return 0;
		eh_stop(e);
		eh_wipe(e);
	}
	return -1;
}

void eh_stop(struct eh_etcd *e)
{
	uint64_t deadline;

	if (e->pid <= 0)
		return;
	kill(e->pid, SIGTERM);
	deadline = eh_now_ms() + 10000;
	while (waitpid(e->pid, NULL, WNOHANG) != e->pid) {
		if (eh_now_ms() > deadline) {
			kill(e->pid, SIGKILL);
			waitpid(e->pid, NULL, 0);
			break;
		}
		eh_pause_ms(5);
	}
	eh_track(e->pid, false);
	e->pid = 0;
	if (e->curl) { /* no connection to the old process */
		curl_easy_cleanup(e->curl);
		e->curl = NULL;
	}
}

int eh_restart(struct eh_etcd *e)
{
	if (eh_spawn(e) || eh_wait_ready(e))
		return -1;
	if (e->user[0])
		return eh_authenticate(e);
	return 0;
}

void eh_wipe(struct eh_etcd *e)
{
	char data[300];

	snprintf(data, sizeof(data), "%s/data", e->dir);
	nftw(data, eh_rm, 16, FTW_DEPTH | FTW_PHYS);
	e->user[0] = e->password[0] = e->token[0] = 0;
}

void eh_set_cluster_token(struct eh_etcd *e, const char *token)
{
	e->opts.cluster_token = token;
}

void eh_destroy(struct eh_etcd *e)
{
	eh_stop(e);
	if (e->dir[0])
		nftw(e->dir, eh_rm, 16, FTW_DEPTH | FTW_PHYS);
	e->dir[0] = 0;
	if (e->curl)
		curl_easy_cleanup(e->curl);
	e->curl = NULL;
}
