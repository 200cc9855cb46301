/*
 * src/ledger/actor.c - users and roles, the event log, and the small
 * helpers every ledger operation uses.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "ledger/ledger_int.h"
#include "tandem/error.h"
#include "tandem/ledger.h"

#define LOGIN_MAX 64
#define NAME_MAX_BYTES 200

/* The highest $N of sql: a statement given fewer values than it has
 * parameters would bind NULL to the others without a word. (Our SQL
 * never holds a $ inside a string literal.) */
static size_t params_of(const char *sql)
{
	size_t most = 0;

	for (const char *p = strchr(sql, '$'); p != NULL; p = strchr(p + 1, '$')) {
		size_t n = 0;

		for (const char *q = p + 1; *q >= '0' && *q <= '9' && n < 1000; q++)
			n = n * 10 + (size_t)(*q - '0');
		most = n > most ? n : most;
	}
	return most;
}

/* Binds the parameters of params (ledger_run) from ap; texts without a
 * copy when ref (a statement run and finalized before the caller's texts
 * can change). */
static int bind_all(struct tandem_stmt *st, const char *sql, const char *params, bool ref,
		    va_list ap)
{
	int rc = 0;

	if (params_of(sql) != strlen(params))
		return TANDEM_EINTERNAL;

	for (int i = 0; params[i] != '\0' && rc == 0; i++) {
		if (params[i] == 't') {
			const char *text = va_arg(ap, const char *);

			rc = ref ? tandem_stmt_bind_text_ref(st, i + 1, text) :
				   tandem_stmt_bind_text(st, i + 1, text);
		} else {
			int64_t v = va_arg(ap, int64_t);

			rc = params[i] == 'I' && v <= 0 ? tandem_stmt_bind_null(st, i + 1)
							 : tandem_stmt_bind_i64(st, i + 1, v);
		}
	}
	return rc;
}

int ledger_select(struct tandem_store *s, struct tandem_stmt **out, const char *sql,
		  const char *params, ...)
{
	va_list ap;
	int rc = tandem_store_prepare(s, sql, out);

	if (rc != 0) {
		*out = NULL;
		return rc;
	}
	va_start(ap, params);
	rc = bind_all(*out, sql, params, false, ap);
	va_end(ap);
	if (rc == 0)
		rc = tandem_stmt_step(*out);
	return rc;
}

int ledger_run(struct tandem_store *s, const char *sql, int64_t *out, bool *found,
	       const char *params, ...)
{
	struct tandem_stmt *st;
	va_list ap;
	int rc = tandem_store_prepare(s, sql, &st);

	if (found != NULL)
		*found = false;
	if (rc != 0)
		return rc;
	va_start(ap, params);
	rc = bind_all(st, sql, params, true, ap);
	va_end(ap);
	if (rc == 0)
		rc = tandem_stmt_step(st);
	if (rc == 1) {
		if (out != NULL)
			*out = tandem_stmt_i64(st, 0);
		if (found != NULL)
			*found = true;
		rc = 0;
	} else if (rc == 0 && out != NULL && found == NULL) {
		rc = TANDEM_EINTERNAL;
	}
	tandem_stmt_finalize(st);
	return rc;
}

int ledger_open_year(struct tandem_store *s, int64_t admin, int year, const char *rule,
		     struct tandem_diag *d, int64_t *id)
{
	bool found = false;
	int rc = ledger_run(s, "SELECT id FROM fiscal_year WHERE administration_id = $1 AND "
			    "year = $2 AND state = 'open'", id, &found, "ii", admin, (int64_t)year);

	if (rc == 0 && !found)
		rc = ledger_refuse(d, TANDEM_ENOENT, rule, 0,
				   "no open fiscal year %d for this administration", year);
	return rc;
}

void ledger_compact(const char *s, char *out, size_t size)
{
	size_t n = 0;

	for (; s != NULL && *s != '\0' && n + 1 < size; s++)
		if (*s != ' ')
			out[n++] = (char)(*s >= 'a' && *s <= 'z' ? *s - 'a' + 'A' : *s);
	out[n] = '\0';
}

/* The simulated time of tandem_ledger_clock_set(), or 0 for the real one. */
static int64_t clock_override;

void tandem_ledger_clock_set(int64_t unix_seconds)
{
	clock_override = unix_seconds > 0 ? unix_seconds : 0;
}

void ledger_now(char out[LEDGER_TIME_MAX])
{
	/* The text of the last second asked for, by thread: an import asks
	 * twice per invoice, and gmtime and strftime cost more than copying. */
	static _Thread_local time_t last = -1;
	static _Thread_local char text[LEDGER_TIME_MAX];
	time_t t = clock_override > 0 ? (time_t)clock_override : time(NULL);
	struct tm tm;

	if (t != last) {
		(void)gmtime_r(&t, &tm);
		(void)strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
		last = t;
	}
	memcpy(out, text, LEDGER_TIME_MAX);
}

int ledger_sha256_hex(const void *data, size_t len, char out[LEDGER_SHA256_HEX])
{
	unsigned char h[crypto_hash_sha256_BYTES];

	if (sodium_init() < 0 || crypto_hash_sha256(h, data, len) != 0)
		return TANDEM_EINTERNAL;
	(void)sodium_bin2hex(out, LEDGER_SHA256_HEX, h, sizeof h);
	return 0;
}

const char *ledger_keep(struct tandem_arena *a, const char *s)
{
	return tandem_arena_strndup(a, s, strlen(s));
}

int ledger_refuse(struct tandem_diag *d, int code, const char *rule, long line,
		  const char *fmt, ...)
{
	char msg[TANDEM_DIAG_MESSAGE_MAX];
	va_list ap;

	va_start(ap, fmt);
	(void)vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	(void)tandem_diag_add(d, TANDEM_SEV_ERROR, code, rule, NULL, line, "%s", msg);
	return code;
}

int ledger_event(struct tandem_store *s, int64_t user_id, const char *action, const char *object,
		 int64_t object_id, const char *input_sha256, const char *detail, int64_t *id)
{
	char now[LEDGER_TIME_MAX];
	int64_t ev;

	ledger_now(now);
	return ledger_run(s, "INSERT INTO event (at, user_id, action, object, object_id, "
			  "input_sha256, detail) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
			  id != NULL ? id : &ev, NULL, "tIttItt", now, user_id, action, object,
			  object_id, input_sha256, detail);
}

int ledger_actor(struct tandem_store *s, const char *actor, struct tandem_diag *d,
		 struct ledger_actor *out)
{
	struct tandem_stmt *st;
	int rc;

	memset(out, 0, sizeof *out);
	if (actor == NULL || actor[0] == '\0')
		return ledger_refuse(d, TANDEM_EPERM, "TANDEM-LEDGER-ACTOR", 0,
				     "no acting user: give --user LOGIN (or $TANDEM_USER)");
	rc = tandem_store_prepare(s, "SELECT id, role FROM app_user WHERE login = $1", &st);
	if (rc != 0)
		return rc;
	rc = tandem_stmt_bind_text(st, 1, actor);
	if (rc == 0)
		rc = tandem_stmt_step(st);
	if (rc == 1) {
		out->id = tandem_stmt_i64(st, 0);
		(void)snprintf(out->role, sizeof out->role, "%s", tandem_stmt_text(st, 1));
		rc = 0;
	} else if (rc == 0) {
		rc = ledger_refuse(d, TANDEM_EPERM, "TANDEM-LEDGER-ACTOR", 0,
				   "no user with login \"%.64s\"", actor);
	}
	tandem_stmt_finalize(st);
	return rc;
}

bool ledger_actor_is(const struct ledger_actor *a, const char *roles)
{
	size_t n = strlen(a->role);

	for (const char *p = strstr(roles, a->role); n > 0 && p != NULL; p = strstr(p + 1, a->role))
		if ((p == roles || p[-1] == ' ' || p[-1] == ',') &&
		    (p[n] == '\0' || p[n] == ',' || p[n] == ' '))
			return true;
	return false;
}

/* "an ordonnateur, a comptable or an admin" from "ordonnateur, comptable,
 * admin". */
static void roles_in_words(const char *roles, char *out, size_t size)
{
	size_t n = 0, left = 1;

	for (const char *p = roles; *p != '\0'; p++)
		left += *p == ',';
	out[0] = '\0';
	for (const char *p = roles; *p != '\0' && n < size; left--) {
		size_t len;

		p += strspn(p, ", ");
		len = strcspn(p, ",");
		n += (size_t)snprintf(out + n, size - n, "%s%s %.*s",
				      n == 0 ? "" : left == 1 ? " or " : ", ",
				      strchr("aeiou", p[0]) != NULL ? "an" : "a", (int)len, p);
		p += len;
	}
}

int ledger_actor_as(struct tandem_store *s, const char *actor, const char *roles,
		    const char *doing, struct tandem_diag *d, struct ledger_actor *who)
{
	char words[128];
	int rc = ledger_actor(s, actor, d, who);

	if (rc != 0 || ledger_actor_is(who, roles))
		return rc;
	roles_in_words(roles, words, sizeof words);
	return ledger_refuse(d, TANDEM_EPERM, "TANDEM-LEDGER-ROLE", 0, "%s is for %s; %.64s is %s",
			     doing, words, actor, who->role);
}

static bool known_role(const char *role)
{
	struct ledger_actor a = { 0 };

	if (role == NULL || strlen(role) >= sizeof a.role)
		return false;
	(void)snprintf(a.role, sizeof a.role, "%s", role);
	return ledger_actor_is(&a, TANDEM_LEDGER_ROLES);
}

static int count_users(struct tandem_store *s, int64_t *n)
{
	return ledger_run(s, "SELECT count(*) FROM app_user", n, NULL, "");
}

static int insert_user(struct tandem_store *s, const char *login, const char *name,
		       const char *role, int64_t *id)
{
	char now[LEDGER_TIME_MAX];

	ledger_now(now);
	return ledger_run(s, "INSERT INTO app_user (login, name, role, created_at) "
			  "VALUES ($1, $2, $3, $4) RETURNING id", id, NULL, "tttt", login, name,
			  role, now);
}

int tandem_ledger_user_add(struct tandem_store *s, const char *actor, const char *login,
			   const char *name, const char *role, struct tandem_diag *d)
{
	struct ledger_actor a = { 0 };
	char detail[256];
	int64_t users = 0, id = 0;
	int rc;

	if (login == NULL || login[0] == '\0' || strlen(login) > LOGIN_MAX ||
	    login[strspn(login, "abcdefghijklmnopqrstuvwxyz0123456789._-")] != '\0')
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-LEDGER-USER", 0,
				     "a login is 1 to %d characters among a-z 0-9 . _ -",
				     LOGIN_MAX);
	if (name == NULL || name[0] == '\0' || strlen(name) > NAME_MAX_BYTES)
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-LEDGER-USER", 0,
				     "a user needs a name of 1 to %d bytes", NAME_MAX_BYTES);
	if (!known_role(role))
		return ledger_refuse(d, TANDEM_EBADINPUT, "TANDEM-LEDGER-USER", 0,
				     "unknown role \"%.32s\": one of %s", role ? role : "",
				     TANDEM_LEDGER_ROLES);
	rc = tandem_store_begin(s);
	if (rc != 0)
		return rc;
	rc = count_users(s, &users);
	if (rc == 0 && users == 0 && strcmp(role, "admin") != 0)
		rc = ledger_refuse(d, TANDEM_EPERM, "TANDEM-LEDGER-USER", 0,
				   "the first user of a database must be an admin");
	if (rc == 0 && users > 0) {
		rc = ledger_actor(s, actor, d, &a);
		if (rc == 0 && !ledger_actor_is(&a, "admin"))
			rc = ledger_refuse(d, TANDEM_EPERM, "TANDEM-LEDGER-USER", 0,
					   "only an admin adds users; %.64s is %s", actor, a.role);
	}
	if (rc == 0) {
		rc = insert_user(s, login, name, role, &id);
		if (rc == TANDEM_EEXIST)
			(void)ledger_refuse(d, rc, "TANDEM-LEDGER-USER", 0,
					    "login \"%.64s\" is taken", login);
	}
	(void)snprintf(detail, sizeof detail, "user %.64s added as %s", login, role);
	if (rc == 0)
		rc = ledger_event(s, a.id, "user.add", "app_user", id, NULL, detail, NULL);
	if (rc == 0)
		return tandem_store_commit(s);
	(void)tandem_store_rollback(s);
	return rc;
}
