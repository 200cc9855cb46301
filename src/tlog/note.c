/*
 * src/tlog/note.c - the log's Ed25519 key and its checkpoints, in the
 * signed-note form that transparency-log witnesses read and co-sign:
 *   <origin>\n<size>\n<base64 root>\n\n\u2014 <name> <base64(key id || signature)>\n
 * The key id is the first 4 bytes of SHA-256(name || "\n" || 0x01 || key);
 * 0x01 names Ed25519. The private key file (mode 0600) is written
 * PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>, the public one
 * <name>+<hex id>+<base64(0x01 || key)>.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "tandem/error.h"
#include "tlog_int.h"

#define ALG_ED25519 0x01
#define KEY_LINE_MAX 512
#define SIG_LINES_MAX 100
#define DASH "\xe2\x80\x94 "    /* U+2014 and a space: a signature line */
#define B64 sodium_base64_VARIANT_ORIGINAL

struct key {
	char name[TANDEM_TLOG_ORIGIN_MAX + 1];
	uint8_t id[4];
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t sk[crypto_sign_SECRETKEYBYTES];
};


bool tlog_origin_ok(const char *origin)
{
	size_t n = origin != NULL ? strlen(origin) : 0;

	if (n == 0 || n > TANDEM_TLOG_ORIGIN_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (origin[i] < 0x21 || origin[i] > 0x7e || origin[i] == '+')
			return false;
	return true;
}

static void key_id(const char *name, const uint8_t *pk, uint8_t id[4])
{
	crypto_hash_sha256_state st;
	uint8_t sum[crypto_hash_sha256_BYTES];
	const uint8_t sep[2] = { '\n', ALG_ED25519 };

	(void)crypto_hash_sha256_init(&st);
	(void)crypto_hash_sha256_update(&st, (const uint8_t *)name, strlen(name));
	(void)crypto_hash_sha256_update(&st, sep, 2);
	(void)crypto_hash_sha256_update(&st, pk, crypto_sign_PUBLICKEYBYTES);
	(void)crypto_hash_sha256_final(&st, sum);
	memcpy(id, sum, 4);
}

/* <prefix><name>+<hex id>+<base64(0x01 || key)>\n */
static void key_line(const char *prefix, const struct key *k, const uint8_t *material,
		     char *out, size_t size)
{
	uint8_t raw[1 + 32];
	char b64[sodium_base64_ENCODED_LEN(sizeof raw, B64)], hex[9];

	raw[0] = ALG_ED25519;
	memcpy(raw + 1, material, 32);
	(void)sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, B64);
	(void)sodium_bin2hex(hex, sizeof hex, k->id, 4);
	(void)snprintf(out, size, "%s%s+%s+%s\n", prefix, k->name, hex, b64);
	sodium_memzero(raw, sizeof raw);
}

/* Parses <name>+<hex id>+<base64(0x01 || 32 bytes)> (after prefix): the
 * name and the 32 bytes; the id is checked by the caller. */
static bool key_parse(const char *line, const char *prefix, struct key *k, uint8_t out[32])
{
	char text[KEY_LINE_MAX];
	char *plus1, *plus2, *end;
	uint8_t raw[64], id[4];
	size_t raw_len = 0, n;

	if (strncmp(line, prefix, strlen(prefix)) != 0)
		return false;
	n = strlen(line + strlen(prefix));
	if (n >= sizeof text)
		return false;
	memcpy(text, line + strlen(prefix), n + 1);
	end = text + strcspn(text, "\r\n");
	if (*end != '\0' && end[strspn(end, "\r\n")] != '\0')
		return false;
	*end = '\0';
	plus1 = strchr(text, '+');
	plus2 = plus1 != NULL ? strchr(plus1 + 1, '+') : NULL;
	if (plus2 == NULL || plus2 - plus1 != 9)
		return false;
	*plus1 = *plus2 = '\0';
	if (!tlog_origin_ok(text) ||
	    sodium_hex2bin(id, 4, plus1 + 1, 8, NULL, NULL, NULL) != 0 ||
	    sodium_base642bin(raw, sizeof raw, plus2 + 1, strlen(plus2 + 1), NULL, &raw_len,
			      NULL, B64) != 0 || raw_len != 33 || raw[0] != ALG_ED25519)
		return false;
	(void)snprintf(k->name, sizeof k->name, "%s", text);
	memcpy(k->id, id, 4);
	memcpy(out, raw + 1, 32);
	sodium_memzero(raw, sizeof raw);
	return true;
}

/* Writes text to dir/name (mode) through a temporary file and a rename. */
static int write_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char path[4096], tmp[4096];
	size_t len = strlen(text);
	int fd, rc = 0;

	if (!tlog_path_of(dir, name, path, sizeof path) ||
	    snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return TANDEM_EIO;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (fd < 0)
		return TANDEM_EIO;
	if (fchmod(fd, mode) != 0 || tlog_write_at(fd, text, len, 0) != 0 || fsync(fd) != 0)
		rc = TANDEM_EIO;
	(void)close(fd);
	if (rc == 0 && (rename(tmp, path) != 0 || tlog_sync_dir(dir) != 0))
		rc = TANDEM_EIO;
	if (rc != 0)
		(void)unlink(tmp);
	return rc;
}

int tlog_key_create(const char *dir, const char *origin, char *why, size_t why_size)
{
	struct key k;
	uint8_t seed[crypto_sign_SEEDBYTES];
	char line[KEY_LINE_MAX];
	int rc;

	if (sodium_init() < 0)
		return tlog_say(why, why_size, TANDEM_EINTERNAL, "libsodium cannot start");
	memset(&k, 0, sizeof k);
	(void)snprintf(k.name, sizeof k.name, "%s", origin);
	(void)crypto_sign_keypair(k.pk, k.sk);
	(void)crypto_sign_ed25519_sk_to_seed(seed, k.sk);
	key_id(k.name, k.pk, k.id);
	key_line("PRIVATE+KEY+", &k, seed, line, sizeof line);
	rc = write_file(dir, "key", line, 0600);
	sodium_memzero(line, sizeof line);
	sodium_memzero(seed, sizeof seed);
	sodium_memzero(k.sk, sizeof k.sk);
	if (rc == 0) {
		key_line("", &k, k.pk, line, sizeof line);
		rc = write_file(dir, "key.pub", line, 0644);
	}
	return rc != 0 ? tlog_say(why, why_size, rc, "cannot write the key files in %s", dir) : 0;
}

/* Reads dir/name (at most KEY_LINE_MAX bytes) into out. */
static int read_small(const char *dir, const char *name, char *out, size_t size, mode_t *mode)
{
	char path[4096];
	struct stat st;
	ssize_t n;
	int fd;

	if (!tlog_path_of(dir, name, path, sizeof path))
		return TANDEM_EIO;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? TANDEM_ENOENT : TANDEM_EIO;
	if (fstat(fd, &st) != 0) {
		(void)close(fd);
		return TANDEM_EIO;
	}
	*mode = st.st_mode & 0777;
	n = read(fd, out, size - 1);
	(void)close(fd);
	if (n < 0)
		return TANDEM_EIO;
	out[n] = '\0';
	return 0;
}

static int public_key(const char *line, struct key *k)
{
	uint8_t id[4];

	memset(k, 0, sizeof *k);
	if (!key_parse(line, "", k, k->pk))
		return TANDEM_EBADINPUT;
	key_id(k->name, k->pk, id);
	return memcmp(id, k->id, 4) == 0 ? 0 : TANDEM_EBADINPUT;
}

/* dir/key.pub, read and checked: its line and its key. */
static int read_public(const char *dir, char line[KEY_LINE_MAX], struct key *k)
{
	mode_t mode;
	int rc = read_small(dir, "key.pub", line, KEY_LINE_MAX, &mode);

	return rc != 0 ? rc : public_key(line, k);
}

int tlog_key_origin(const char *dir, char *out, size_t size)
{
	char line[KEY_LINE_MAX];
	struct key k;
	int rc = read_public(dir, line, &k);

	if (rc == 0)
		(void)snprintf(out, size, "%s", k.name);
	return rc;
}

int tandem_tlog_public_key(const char *dir, char *out, size_t size)
{
	char line[KEY_LINE_MAX];
	struct key k;
	int rc = read_public(dir, line, &k);

	if (rc == 0 && (size_t)snprintf(out, size, "%s", line) >= size)
		rc = TANDEM_ELIMIT;
	return rc;
}

static int private_key(const char *dir, struct key *k, char *why, size_t why_size)
{
	char line[KEY_LINE_MAX];
	uint8_t seed[crypto_sign_SEEDBYTES], id[4];
	mode_t mode = 0;
	int rc = read_small(dir, "key", line, sizeof line, &mode);

	if (rc != 0)
		return tlog_say(why, why_size, rc, "cannot read %s/key", dir);
	if ((mode & 0077) != 0)
		rc = tlog_say(why, why_size, TANDEM_EPERM, "%s/key is readable by others (mode %03o): "
			 "chmod 600 it", dir, (unsigned)mode);
	else if (!key_parse(line, "PRIVATE+KEY+", k, seed))
		rc = tlog_say(why, why_size, TANDEM_EBADINPUT, "%s/key is not a signing key", dir);
	sodium_memzero(line, sizeof line);
	if (rc != 0)
		return rc;
	(void)crypto_sign_seed_keypair(k->pk, k->sk, seed);
	sodium_memzero(seed, sizeof seed);
	key_id(k->name, k->pk, id);
	if (memcmp(id, k->id, 4) != 0)
		return tlog_say(why, why_size, TANDEM_EBADINPUT, "%s/key: its id does not match it", dir);
	return 0;
}

int tandem_tlog_checkpoint(struct tandem_tlog *log, char *out, size_t size, char *why,
			   size_t why_size)
{
	struct key k;
	uint8_t sig[4 + crypto_sign_BYTES];
	char root[sodium_base64_ENCODED_LEN(TANDEM_TLOG_HASH, B64)];
	char sig64[sodium_base64_ENCODED_LEN(sizeof sig, B64)];
	int body, n, rc;

	if (sodium_init() < 0)
		return tlog_say(why, why_size, TANDEM_EINTERNAL, "libsodium cannot start");
	rc = private_key(log->dir, &k, why, why_size);
	if (rc != 0)
		return rc;
	(void)sodium_bin2base64(root, sizeof root, log->acked.root, TANDEM_TLOG_HASH, B64);
	body = snprintf(out, size, "%s\n%" PRIu64 "\n%s\n", k.name, log->acked.size, root);
	if (body < 0 || (size_t)body >= size) {
		sodium_memzero(k.sk, sizeof k.sk);
		return tlog_say(why, why_size, TANDEM_ELIMIT, "no room for the checkpoint");
	}
	memcpy(sig, k.id, 4);
	(void)crypto_sign_detached(sig + 4, NULL, (const uint8_t *)out, (size_t)body, k.sk);
	sodium_memzero(k.sk, sizeof k.sk);
	(void)sodium_bin2base64(sig64, sizeof sig64, sig, sizeof sig, B64);
	n = snprintf(out + body, size - (size_t)body, "\n" DASH "%s %s\n", k.name, sig64);
	if (n < 0 || (size_t)n >= size - (size_t)body)
		return tlog_say(why, why_size, TANDEM_ELIMIT, "no room for the checkpoint");
	rc = write_file(log->dir, "checkpoint", out, 0644);
	return rc != 0 ? tlog_say(why, why_size, rc, "cannot write %s/checkpoint", log->dir) : 0;
}

int tlog_public_key_parse(const char *line, char name[TANDEM_TLOG_ORIGIN_MAX + 1],
			  uint8_t id[4], uint8_t pk[32])
{
	struct key k;
	int rc = public_key(line, &k);

	if (rc == 0) {
		memcpy(name, k.name, sizeof k.name);
		memcpy(id, k.id, 4);
		memcpy(pk, k.pk, 32);
	}
	return rc;
}
