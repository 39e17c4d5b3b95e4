/* kesu key generate | show | sign | verify: the station's signing key
 * (docs/keys.md). Passphrases are read into guarded memory (sodium_malloc)
 * with read(2), never through stdio buffers, and are never echoed. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/fileio.h"
#include "kesu/key.h"
#include "kesu/paths.h"
#include "kesu/trust.h"
#include "kesu/x509.h"

#define PASS_MAX 1024 /* bytes of a passphrase, with its NUL */
#define PATH_LEN 4096
/* A file to sign is read whole, as signify does: a certificate, an export. */
#define SIGNED_FILE_MAX ((size_t)1 << 30)
/* A signify signature file: a comment line and one line of base64. */
#define SIG_FILE_MAX 16384

enum key_verb { VERB_GENERATE, VERB_SHOW, VERB_SIGN, VERB_VERIFY };

struct key_ctl {
	enum key_verb verb;
	const char *key;             /* --key: the secret key file */
	const char *pubkey;          /* --pubkey: the public key file */
	const char *passphrase_file; /* --passphrase-file */
	bool ask;                    /* --ask-passphrase */
	const char *sigfile;         /* -x: the signature file (default FILE.sig) */
	const char *file;            /* sign, verify: the signed file */
	const char *role;            /* generate --role: a person's or organisation's key */
	const char *name;            /* generate --name: its holder */
	const char *output;          /* generate -o: the secret key file */
	bool no_passphrase;          /* generate --no-passphrase */
	const char *x509_alg;        /* generate --x509-alg: the X.509 key's algorithm */
};

static void key_usage(FILE *out)
{
	fputs(_("Usage: kesu key generate [--key PATH] [--pubkey PATH]\n"
	      "                         [--passphrase-file FILE | --ask-passphrase]\n"
	      "       kesu key generate --role ROLE --name NAME [-o FILE] [--pubkey PATH]\n"
	      "                         [--passphrase-file FILE | --ask-passphrase |\n"
	      "                          --no-passphrase]\n"
	      "       kesu key show [--key PATH | --pubkey PATH]\n"
	      "       kesu key sign [--key PATH] [--passphrase-file FILE] [-x SIGFILE] FILE\n"
	      "       kesu key verify [--pubkey PATH | --key PATH] [-x SIGFILE] FILE\n"
	      "       kesu key x509 [--key PATH] [--name CN] [--days N] [--force]\n"
	      "                     [--x509-alg ALG] [--passphrase-file FILE]\n"
	      "       kesu key csr [--key PATH] [--name CN] [--passphrase-file FILE] -o FILE.csr\n"
	      "       kesu key import-cert [--key PATH] [--passphrase-file FILE] FILE\n\n"
	      "The station's Ed25519 signing key, which signs certificates and the ledger.\n"
	      "generate  makes a new key pair; never overwrites one (exit status 1);\n"
	      "          with --role, a key for a person or an organisation instead of\n"
	      "          the station (docs/trust.md); kesu trust add makes it count.\n"
	      "          Beside it, the X.509 key BASE.x509.key (same passphrase) and a\n"
	      "          self-signed certificate BASE.crt for PDF signatures (BASE: the\n"
	      "          key's path without .key)\n"
	      "show      prints the fingerprint and key number (no passphrase needed),\n"
	      "          and the certificate's subject, issuer, validity and SHA-256\n"
	      "sign      writes FILE.sig, a detached signature in OpenBSD signify's format\n"
	      "          (check it with: signify -V -p station.pub -m FILE)\n"
	      "verify    checks FILE.sig (signify's or kesu's) against a public key;\n"
	      "          exit status 4 when it does not match\n"
	      "x509      makes BASE.x509.key (when missing) and a self-signed BASE.crt for\n"
	      "          an existing key; an existing BASE.crt only with --force\n"
	      "csr       writes a certificate signing request (PKCS#10) for the\n"
	      "          organisation's CA\n"
	      "import-cert  installs the CA's answer FILE (PEM or DER, with its chain) as\n"
	      "          BASE.crt: only a certificate for this key, valid now, that allows\n"
	      "          signatures (exit status 4 otherwise)\n\n"
	      "  --key PATH              secret key (default $KESU_KEY, else\n"
	      "                          $XDG_CONFIG_HOME/kesu/station.key)\n"
	      "  --pubkey PATH           public key (default: the secret key's path with\n"
	      "                          .key replaced by .pub)\n"
	      "  --passphrase-file FILE  the passphrase is FILE's first line\n"
	      "  --ask-passphrase        generate: ask for a passphrase at the terminal\n"
	      "                          (without either, the secret key is unprotected;\n"
	      "                          sign asks at a terminal when the key needs one)\n"
	      "  -x SIGFILE              the signature file (default FILE.sig)\n"
	      "  --role ROLE             generate: approver, witness, validator or\n"
	      "                          contractor; the public key's comment names the\n"
	      "                          role and holder\n"
	      "  --name NAME             generate --role: the holder (a person or an\n"
	      "                          organisation), as the trust store will name it\n"
	      "  -o FILE                 generate --role: the secret key file (default\n"
	      "                          $XDG_CONFIG_HOME/kesu/keys/ROLE-NAME.key); the\n"
	      "                          public key is FILE with .key replaced by .pub\n"
	      "  --no-passphrase         generate --role: an approver's, witness's or\n"
	      "                          validator's key needs a passphrase unless this\n"
	      "                          is given; the public key's comment then says\n"
	      "                          \"(no passphrase)\"\n"
	      "  --x509-alg ALG          generate, x509: the X.509 key's algorithm,\n"
	      "                          ecdsa-p256 (default) or rsa3072\n"
	      "  --name CN               x509, csr: the certificate's common name (default:\n"
	      "                          the holder's name of a --role key, else\n"
	      "                          \"kesu station HOSTNAME\"); O and OU are the config\n"
	      "                          file's organisation and department\n"
	      "  --days N                x509: valid for N days (default 3650)\n"
	      "  --force                 x509: replace an existing BASE.crt (also one the\n"
	      "                          CA issued) with a new self-signed certificate\n"
	      "  -o FILE                 csr: the request file\n"
	      "  -h, --help              this help\n"),
	      out);
}

/* ---- passphrases ---- */

static volatile sig_atomic_t pass_signal;

static void on_pass_signal(int sig)
{
	pass_signal = sig;
}

static char *pass_new(void)
{
	if (sodium_init() < 0)
		return NULL;
	char *p = sodium_malloc(PASS_MAX);
	if (p)
		p[0] = '\0';
	return p;
}

static void pass_free(char *p)
{
	if (p)
		sodium_free(p); /* wipes it */
}

/* The first line of path into buf. Returns an exit code. */
static int read_passphrase_file(const char *path, char *buf)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		int e = errno;
		cli_error("%s: %s", path, strerror(e));
		return e == ENOENT ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
	}
	size_t len = 0;
	char *nl = NULL;
	int code = KESU_EXIT_OK;
	while (!nl && len < PASS_MAX - 1) {
		ssize_t n = read(fd, buf + len, PASS_MAX - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			cli_error("%s: %s", path, strerror(errno));
			code = KESU_EXIT_FAILURE;
			break;
		}
		if (n == 0)
			break;
		nl = memchr(buf + len, '\n', (size_t)n);
		len += (size_t)n;
	}
	close(fd);
	if (code != KESU_EXIT_OK)
		return code;
	if (!nl && len == PASS_MAX - 1) {
		cli_error("%s: the passphrase is longer than %d bytes", path, PASS_MAX - 1);
		return KESU_EXIT_USAGE;
	}
	size_t end = nl ? (size_t)(nl - buf) : len;
	sodium_memzero(buf + end, PASS_MAX - end); /* the rest of the file, too */
	if (end > 0 && buf[end - 1] == '\r')
		buf[--end] = '\0';
	if (end == 0) {
		cli_error("%s: the first line (the passphrase) is empty", path);
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

/* Asks on the terminal with echo off. Returns an exit code. */
static int ask_passphrase(const char *prompt, char *buf)
{
	const int fd = STDIN_FILENO;
	struct termios saved, quiet;
	if (!isatty(fd) || tcgetattr(fd, &saved) < 0) {
		cli_error("standard input is not a terminal to ask for the passphrase on "
			  "(use --passphrase-file)");
		return KESU_EXIT_USAGE;
	}
	/* No SA_RESTART: a signal ends read() so the terminal gets its echo back. */
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP};
	struct sigaction sa = {.sa_handler = on_pass_signal}, old[5];
	sigemptyset(&sa.sa_mask);
	pass_signal = 0;
	for (int i = 0; i < 5; i++)
		sigaction(sigs[i], &sa, &old[i]);
	quiet = saved;
	quiet.c_lflag &= ~(tcflag_t)ECHO;
	tcsetattr(fd, TCSAFLUSH, &quiet);
	fputs(prompt, stderr);
	fflush(stderr);

	size_t len = 0;
	bool too_long = false, eof = false;
	char c = 0;
	for (;;) {
		ssize_t n = read(fd, &c, 1);
		if (n < 0 && errno == EINTR && !pass_signal)
			continue;
		if (n <= 0) {
			eof = true;
			break;
		}
		if (c == '\n')
			break;
		if (len < PASS_MAX - 1)
			buf[len++] = c;
		else
			too_long = true;
	}
	sodium_memzero(&c, sizeof(c));
	buf[len] = '\0';
	if (len > 0 && buf[len - 1] == '\r')
		buf[--len] = '\0';
	tcsetattr(fd, TCSAFLUSH, &saved);
	for (int i = 0; i < 5; i++)
		sigaction(sigs[i], &old[i], NULL);
	fputc('\n', stderr);

	if (pass_signal) {
		cli_error("interrupted");
		return KESU_EXIT_INTERRUPTED;
	}
	if (too_long) {
		cli_error("the passphrase is longer than %d bytes", PASS_MAX - 1);
		return KESU_EXIT_USAGE;
	}
	if (len == 0) {
		cli_error(eof ? _("no passphrase was typed") : _("the passphrase is empty"));
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

/* A new passphrase, typed twice. */
static int ask_new_passphrase(char *buf)
{
	int code = ask_passphrase("passphrase for the new key: ", buf);
	if (code != KESU_EXIT_OK)
		return code;
	char *again = pass_new();
	if (!again)
		return KESU_EXIT_FAILURE;
	code = ask_passphrase("the same passphrase again: ", again);
	if (code == KESU_EXIT_OK &&
	    (strlen(buf) != strlen(again) || sodium_memcmp(buf, again, strlen(buf)) != 0)) {
		cli_error("the passphrases do not match; no key was made");
		code = KESU_EXIT_FAILURE;
	}
	pass_free(again);
	return code;
}

int cli_passphrase_get(const char *passphrase_file, const char *path, char **pass)
{
	*pass = pass_new();
	if (!*pass) {
		cli_error("%s", strerror(ENOMEM));
		return KESU_EXIT_FAILURE;
	}
	int code;
	if (passphrase_file) {
		code = read_passphrase_file(passphrase_file, *pass);
	} else if (isatty(STDIN_FILENO)) {
		char prompt[PATH_LEN + 32];
		snprintf(prompt, sizeof(prompt), "passphrase for %s: ", path);
		code = ask_passphrase(prompt, *pass);
	} else {
		cli_error("%s is protected by a passphrase: give --passphrase-file FILE or run at "
			  "a terminal",
			  path);
		code = KESU_EXIT_USAGE;
	}
	if (code != KESU_EXIT_OK) {
		pass_free(*pass);
		*pass = NULL;
	}
	return code;
}

void cli_passphrase_free(char *pass)
{
	pass_free(pass);
}

/* ---- paths ---- */

/* --key or the default secret key path. Returns an exit code. */
static int secret_path(const struct key_ctl *ctl, char *buf)
{
	if (ctl->key) {
		snprintf(buf, PATH_LEN, "%s", ctl->key);
		return KESU_EXIT_OK;
	}
	int rc = kesu_default_path(KESU_PATH_SECRET_KEY, buf, PATH_LEN);
	if (rc < 0) {
		cli_error("cannot tell where the station key lives: %s (set KESU_KEY or HOME)",
			  kesu_strerror(rc));
		return KESU_EXIT_FAILURE;
	}
	return KESU_EXIT_OK;
}

/* The secret key path (--key or the default) and the public one (--pubkey,
 * else beside the secret key). Returns an exit code. */
static int key_paths(const struct key_ctl *ctl, char *secret, char *public)
{
	secret[0] = '\0';
	if (ctl->pubkey && !ctl->key && ctl->verb == VERB_VERIFY) {
		/* Only the public key matters: no need to find a home directory. */
		snprintf(public, PATH_LEN, "%s", ctl->pubkey);
		return KESU_EXIT_OK;
	}
	int code = secret_path(ctl, secret);
	if (code != KESU_EXIT_OK)
		return code;
	if (ctl->pubkey) {
		snprintf(public, PATH_LEN, "%s", ctl->pubkey);
		return KESU_EXIT_OK;
	}
	if (kesu_key_public_path(secret, public, PATH_LEN) < 0) {
		cli_error("%s: path too long", secret);
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

/* One-line error for a library failure on a key file; returns the exit code. */
static int key_error(int rc, const char *err, const char *path)
{
	if (rc == -ENOENT)
		cli_error("no key at %s (kesu key generate makes one)", path);
	else
		cli_error("%s", err);
	return cli_exit_for(rc);
}

int cli_load_secret_key(const char *path, const char *passphrase_file,
			struct kesu_secret_key **sk)
{
	char def[PATH_LEN], err[KESU_ERRMSG_MAX];
	*sk = NULL;
	if (!path) {
		struct key_ctl none = {0};
		int code = secret_path(&none, def);
		if (code != KESU_EXIT_OK)
			return code;
		path = def;
	}
	/* First without a passphrase: a missing, too open or malformed file is
	 * reported before anyone is asked for one. */
	int rc = kesu_key_load_secret(path, NULL, sk, err, sizeof(err));
	if (rc != -ENOKEY)
		return rc < 0 ? key_error(rc, err, path) : KESU_EXIT_OK;
	char *pass;
	int code = cli_passphrase_get(passphrase_file, path, &pass);
	if (code == KESU_EXIT_OK) {
		rc = kesu_key_load_secret(path, pass, sk, err, sizeof(err));
		code = rc < 0 ? key_error(rc, err, path) : KESU_EXIT_OK;
	}
	pass_free(pass);
	return code;
}

/* ---- files ---- */

/* The whole of a regular file, at most max bytes, malloc'd, through the one
 * bounded reader. Returns an exit code. */
static int read_whole(const char *path, size_t max, char **data, size_t *len)
{
	char err[PATH_LEN + 100];
	int rc = kesu_file_read_bounded(path, max, 0, data, len, err, sizeof(err));
	if (rc < 0) {
		cli_error("%s", err);
		return rc == -ENOENT ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
	}
	return KESU_EXIT_OK;
}

static int write_sigfile(const char *path, const char *text, size_t len)
{
	/* Replaces an older signature, as signify does, but atomically. */
	char err[KESU_ERRMSG_MAX];
	if (kesu_file_write_atomic(path, text, len, 0644, 0, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		return KESU_EXIT_FAILURE;
	}
	return KESU_EXIT_OK;
}

/* The label column is 12 display columns wide, not 12 bytes: a Japanese
 * label is two columns a character (English output stays "%-12s "). */
/* The label column: 12 display columns and a space (English output stays
 * "%-12s "). */
static void put_label(const char *label)
{
	cli_put_padded(label, 12);
	putchar(' ');
}

static void print_key(const char *label, const char *path, const char *note)
{
	put_label(label);
	printf("%s%s%s%s\n", path, note ? " (" : "", note ? note : "", note ? ")" : "");
}

static void print_identity(const struct kesu_public_key *pk)
{
	char fp[KESU_FINGERPRINT_SIZE], num[KESU_KEYNUM_HEX_SIZE];
	kesu_key_fingerprint(pk, fp, sizeof(fp));
	kesu_key_keynum_hex(pk->keynum, num, sizeof(num));
	put_label(_("fingerprint"));
	printf("%s\n", fp);
	put_label(_("key number"));
	printf("%s\n", num);
}

/* ---- the verbs ---- */

/* The new key's passphrase, when one was asked for (*pass NULL when not).
 * Returns an exit code. */
static int new_passphrase(const struct key_ctl *ctl, char **pass)
{
	*pass = NULL;
	if (!ctl->passphrase_file && !ctl->ask)
		return KESU_EXIT_OK;
	if (!(*pass = pass_new())) {
		cli_error("%s", strerror(ENOMEM));
		return KESU_EXIT_FAILURE;
	}
	int code = ctl->passphrase_file ? read_passphrase_file(ctl->passphrase_file, *pass)
					: ask_new_passphrase(*pass);
	if (code != KESU_EXIT_OK) {
		pass_free(*pass);
		*pass = NULL;
	}
	return code;
}

/* What generate printed for every key: files, protection, identity. */
static int say_generated(const char *secret, const char *public, bool protected)
{
	char err[KESU_ERRMSG_MAX];
	struct kesu_public_key pk;
	int rc = kesu_key_load_public(public, &pk, err, sizeof(err));
	if (rc < 0) {
		cli_error("%s", err);
		return KESU_EXIT_FAILURE;
	}
	print_key(_("secret key"), secret,
		  protected ? _("mode 0600, protected by a passphrase")
			    : _("mode 0600, not protected by a passphrase"));
	print_key(_("public key"), public, NULL);
	print_identity(&pk);
	return KESU_EXIT_OK;
}

static int key_generate(const struct key_ctl *ctl)
{
	char secret[PATH_LEN], public[PATH_LEN], err[KESU_ERRMSG_MAX];
	struct kesu_x509_subject subject;
	int code = key_paths(ctl, secret, public);
	/* The X.509 side is checked first, so a name that cannot go into a
	 * certificate or a leftover certificate stops before any key is made. */
	if (code == KESU_EXIT_OK)
		code = cli_key_x509_paths_free(secret);
	if (code == KESU_EXIT_OK)
		code = cli_key_x509_subject(secret, NULL, NULL, &subject);
	if (code != KESU_EXIT_OK)
		return code;
	char *pass;
	if ((code = new_passphrase(ctl, &pass)) != KESU_EXIT_OK)
		return code;
	int rc = kesu_key_generate(secret, public, pass, err, sizeof(err));
	if (rc < 0) {
		pass_free(pass);
		cli_error("%s", err);
		return cli_exit_for(rc);
	}
	code = say_generated(secret, public, ctl->passphrase_file || ctl->ask);
	int x509 = cli_key_x509_new(secret, pass, ctl->x509_alg, &subject, 0, false);
	pass_free(pass);
	return code != KESU_EXIT_OK ? code : x509;
}

/* ---- keys for people and organisations (--role) ---- */

/* NAME as a file name: ASCII letters and digits, lower case, other runs
 * as one '-'; "" when nothing is left (a name in Japanese). */
static void name_slug(const char *name, char *buf, size_t size)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)name; *p && n + 1 < size && n < 48;
	     p++) {
		bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			     (*p >= '0' && *p <= '9');
		if (alnum)
			buf[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
		else if (n > 0 && buf[n - 1] != '-')
			buf[n++] = '-';
	}
	while (n > 0 && buf[n - 1] == '-')
		n--;
	buf[n] = '\0';
}

/* Moves a key pair made under a temporary name to ROLE-KEYNUM.key/.pub
 * (link(2): never over an existing file). Returns an exit code. */
static int name_by_keynum(const char *dir, const char *role, char *secret, char *public)
{
	char err[KESU_ERRMSG_MAX], num[KESU_KEYNUM_HEX_SIZE], sec[PATH_LEN], pub[PATH_LEN];
	struct kesu_public_key pk;
	int code = KESU_EXIT_OK;
	if (kesu_key_load_public(public, &pk, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		code = KESU_EXIT_FAILURE;
	} else {
		kesu_key_keynum_hex(pk.keynum, num, sizeof(num));
		snprintf(sec, sizeof(sec), "%s/%s-%s.key", dir, role, num);
		snprintf(pub, sizeof(pub), "%s/%s-%s.pub", dir, role, num);
		if (link(secret, sec) < 0 || link(public, pub) < 0) {
			cli_error("%s: %s", access(sec, F_OK) ? sec : pub, strerror(errno));
			unlink(sec);
			code = KESU_EXIT_FAILURE;
		}
	}
	unlink(secret);
	unlink(public);
	if (code == KESU_EXIT_OK) {
		snprintf(secret, PATH_LEN, "%s", sec);
		snprintf(public, PATH_LEN, "%s", pub);
	}
	return code;
}

/* -o FILE, else the keys directory: ROLE-SLUG.key, or a temporary name
 * (*by_keynum) when the name has no ASCII letters or digits. */
static int role_paths(const struct key_ctl *ctl, char *secret, char *public, char *dir,
		      bool *by_keynum)
{
	char slug[64], tmp[17];
	unsigned char rnd[8];
	*by_keynum = false;
	if (ctl->output || ctl->key) {
		snprintf(secret, PATH_LEN, "%s", ctl->output ? ctl->output : ctl->key);
	} else {
		if (kesu_default_path(KESU_PATH_KEY_DIR, dir, PATH_LEN) < 0) {
			cli_error("cannot tell where to keep keys: set HOME or XDG_CONFIG_HOME, "
				  "or give -o FILE");
			return KESU_EXIT_USAGE;
		}
		name_slug(ctl->name, slug, sizeof(slug));
		if (!slug[0]) {
			randombytes_buf(rnd, sizeof(rnd));
			sodium_bin2hex(tmp, sizeof(tmp), rnd, sizeof(rnd));
			snprintf(slug, sizeof(slug), "new-%s", tmp);
			*by_keynum = true;
		}
		snprintf(secret, PATH_LEN, "%s/%s-%s.key", dir, ctl->role, slug);
	}
	if (ctl->pubkey)
		snprintf(public, PATH_LEN, "%s", ctl->pubkey);
	else if (kesu_key_public_path(secret, public, PATH_LEN) < 0) {
		cli_error("%s: path too long", secret);
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

static int key_generate_role(const struct key_ctl *ctl)
{
	char secret[PATH_LEN], public[PATH_LEN], dir[PATH_LEN], err[KESU_ERRMSG_MAX];
	char comment[KESU_COMMENT_MAX + 1];
	enum kesu_role role;
	bool by_keynum;
	if (kesu_role_parse(ctl->role, &role) < 0) {
		cli_error("key generate: unknown role \"%s\" (approver, witness, validator, "
			  "contractor)", ctl->role);
		return KESU_EXIT_USAGE;
	}
	if (kesu_trust_name_check(ctl->name, err, sizeof(err)) < 0) {
		cli_error("key generate: --name: %s", err);
		return KESU_EXIT_USAGE;
	}
	/* People sign approvals and countersignatures: a key on a stolen laptop
	 * must not sign on its own. Going without is allowed, but it shows. */
	bool protect = ctl->passphrase_file || ctl->ask;
	if (kesu_role_is_person(role) && !protect && !ctl->no_passphrase) {
		cli_error("key generate: %s %s's key needs a passphrase: give --passphrase-file "
			  "FILE or --ask-passphrase (or --no-passphrase, which its public key "
			  "will say)", role == KESU_ROLE_APPROVER ? "an" : "a", ctl->role);
		return KESU_EXIT_USAGE;
	}
	snprintf(comment, sizeof(comment), "kesu %s public key: %s%s", ctl->role, ctl->name,
		 protect ? "" : KESU_TRUST_NO_PASSPHRASE);
	struct kesu_x509_subject subject;
	int code = role_paths(ctl, secret, public, dir, &by_keynum);
	if (code == KESU_EXIT_OK && !by_keynum)
		code = cli_key_x509_paths_free(secret);
	if (code == KESU_EXIT_OK)
		code = cli_key_x509_subject(secret, ctl->role, ctl->name, &subject);
	char *pass = NULL;
	if (code == KESU_EXIT_OK)
		code = new_passphrase(ctl, &pass);
	if (code != KESU_EXIT_OK)
		return code;
	int rc = kesu_key_generate_named(secret, public, pass, comment, err, sizeof(err));
	if (rc < 0) {
		pass_free(pass);
		cli_error("%s", err);
		return cli_exit_for(rc);
	}
	if (by_keynum && (code = name_by_keynum(dir, ctl->role, secret, public)) != KESU_EXIT_OK) {
		pass_free(pass);
		return code;
	}
	put_label(_("role"));
	printf("%s\n", ctl->role);
	put_label(_("name"));
	printf("%s\n", ctl->name);
	code = say_generated(secret, public, protect);
	int x509 = cli_key_x509_new(secret, pass, ctl->x509_alg, &subject, 0, false);
	pass_free(pass);
	return code != KESU_EXIT_OK ? code : x509;
}

static int key_show(const struct key_ctl *ctl)
{
	char secret[PATH_LEN], public[PATH_LEN], err[KESU_ERRMSG_MAX];
	struct kesu_public_key pk, beside;
	int rc;
	if (ctl->pubkey && !ctl->key) {
		rc = kesu_key_load_public(ctl->pubkey, &pk, err, sizeof(err));
		if (rc < 0)
			return key_error(rc, err, ctl->pubkey);
		print_key(_("public key"), ctl->pubkey, NULL);
		print_identity(&pk);
		return KESU_EXIT_OK;
	}
	int code = key_paths(ctl, secret, public);
	if (code != KESU_EXIT_OK)
		return code;
	rc = kesu_key_read_secret_public(secret, &pk, err, sizeof(err));
	if (rc < 0)
		return key_error(rc, err, secret);
	struct stat st = {0};
	char note[96];
	snprintf(note, sizeof(note), _("mode %04o, %s"),
		 stat(secret, &st) == 0 ? (unsigned)(st.st_mode & 07777) : 0u,
		 kesu_key_secret_is_protected(secret) ? _("protected by a passphrase")
						      : _("not protected by a passphrase"));
	print_key(_("secret key"), secret, note);
	rc = kesu_key_load_public(public, &beside, err, sizeof(err));
	if (rc == -ENOENT)
		print_key(_("public key"), public, _("missing"));
	else if (rc < 0)
		print_key(_("public key"), public, _("unreadable"));
	else if (memcmp(&beside, &pk, sizeof(pk)) != 0)
		print_key(_("public key"), public, _("DOES NOT BELONG TO THIS SECRET KEY"));
	else
		print_key(_("public key"), public, NULL);
	print_identity(&pk);
	int x509 = cli_key_x509_show(secret);
	if (st.st_mode & 077)
		cli_error("warning: %s: permissions %04o are too open; chmod 600", secret,
			  (unsigned)(st.st_mode & 07777));
	return rc == 0 && memcmp(&beside, &pk, sizeof(pk)) == 0 ? x509 : KESU_EXIT_FAILURE;
}

static void sig_path(const struct key_ctl *ctl, char *buf)
{
	if (ctl->sigfile)
		snprintf(buf, PATH_LEN, "%s", ctl->sigfile);
	else
		snprintf(buf, PATH_LEN, "%s.sig", ctl->file);
}

static int key_sign(const struct key_ctl *ctl)
{
	char secret[PATH_LEN], public[PATH_LEN], sig[PATH_LEN], comment[PATH_LEN + 16];
	int code = key_paths(ctl, secret, public);
	if (code != KESU_EXIT_OK)
		return code;
	char *data;
	size_t len;
	code = read_whole(ctl->file, SIGNED_FILE_MAX, &data, &len);
	if (code != KESU_EXIT_OK)
		return code;
	struct kesu_secret_key *sk;
	code = cli_load_secret_key(secret, ctl->passphrase_file, &sk);
	if (code != KESU_EXIT_OK) {
		free(data);
		return code;
	}
	/* signify's own comment, naming the public key by its file name. */
	const char *base = strrchr(public, '/');
	snprintf(comment, sizeof(comment), "verify with %s", base ? base + 1 : public);
	char *text;
	size_t text_len;
	int rc = kesu_sign_detached(sk, data, len, comment, &text, &text_len);
	struct kesu_public_key pk;
	kesu_key_public_from_secret(sk, &pk);
	kesu_key_secret_free(sk);
	free(data);
	if (rc < 0) {
		cli_error("%s: cannot sign: %s", ctl->file, kesu_strerror(rc));
		return cli_exit_for(rc);
	}
	sig_path(ctl, sig);
	code = write_sigfile(sig, text, text_len);
	free(text);
	if (code == KESU_EXIT_OK) {
		char fp[KESU_FINGERPRINT_SIZE];
		kesu_key_fingerprint(&pk, fp, sizeof(fp));
		printf(_("%s: signature of %s by %s\n"), sig, ctl->file, fp);
	}
	return code;
}

static int key_verify(const struct key_ctl *ctl)
{
	char secret[PATH_LEN], public[PATH_LEN], sig[PATH_LEN], err[KESU_ERRMSG_MAX];
	int code = key_paths(ctl, secret, public);
	if (code != KESU_EXIT_OK)
		return code;
	struct kesu_public_key pk;
	int rc = kesu_key_load_public(public, &pk, err, sizeof(err));
	if (rc < 0)
		return key_error(rc, err, public);
	sig_path(ctl, sig);
	char *data, *text;
	size_t len, text_len;
	code = read_whole(ctl->file, SIGNED_FILE_MAX, &data, &len);
	if (code != KESU_EXIT_OK)
		return code;
	code = read_whole(sig, SIG_FILE_MAX, &text, &text_len);
	if (code != KESU_EXIT_OK) {
		free(data);
		return code;
	}
	rc = kesu_verify_detached(&pk, data, len, text, text_len, err, sizeof(err));
	free(data);
	free(text);
	if (rc < 0) {
		cli_error("%s: %s (%s)", ctl->file, err, sig);
		return cli_exit_for(rc);
	}
	char fp[KESU_FINGERPRINT_SIZE];
	kesu_key_fingerprint(&pk, fp, sizeof(fp));
	printf(_("%s: signature verified (%s, %s)\n"), ctl->file, sig, fp);
	return KESU_EXIT_OK;
}

/* ---- options ---- */

static int parse_verb(const char *word, enum key_verb *verb)
{
	static const char *const names[] = {"generate", "show", "sign", "verify"};
	for (int i = 0; i < 4; i++)
		if (strcmp(word, names[i]) == 0) {
			*verb = (enum key_verb)i;
			return 0;
		}
	return -1;
}

/* --role, --name, -o and --no-passphrase belong together, to generate. */
static int check_role_options(const struct key_ctl *ctl)
{
	bool any = ctl->role || ctl->name || ctl->output || ctl->no_passphrase;
	if (any && ctl->verb != VERB_GENERATE) {
		cli_error("key: --role, --name, -o and --no-passphrase are for generate");
		return -1;
	}
	if (any && (!ctl->role || !ctl->name)) {
		cli_error("key generate: --role ROLE and --name NAME go together (kesu key --help)");
		return -1;
	}
	if (ctl->output && ctl->key) {
		cli_error("key generate: give -o or --key, not both");
		return -1;
	}
	if (ctl->no_passphrase && (ctl->passphrase_file || ctl->ask)) {
		cli_error("key generate: --no-passphrase with a passphrase?");
		return -1;
	}
	return 0;
}

/* Fills ctl; returns -1 when done (exit code in *code) or 0 to go on. */
static int parse_key_options(int argc, char **argv, struct key_ctl *ctl, int *code)
{
	enum { OPT_KEY = 256, OPT_PUBKEY, OPT_PASSFILE, OPT_ASK, OPT_ROLE, OPT_NAME, OPT_NOPASS,
	       OPT_X509_ALG };
	static const struct option opts[] = {
		{"key", required_argument, NULL, OPT_KEY},
		{"pubkey", required_argument, NULL, OPT_PUBKEY},
		{"passphrase-file", required_argument, NULL, OPT_PASSFILE},
		{"ask-passphrase", no_argument, NULL, OPT_ASK},
		{"role", required_argument, NULL, OPT_ROLE},
		{"name", required_argument, NULL, OPT_NAME},
		{"no-passphrase", no_argument, NULL, OPT_NOPASS},
		{"x509-alg", required_argument, NULL, OPT_X509_ALG},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	*code = KESU_EXIT_USAGE;
	if (argc < 2 || argv[1][0] == '-') {
		bool help = argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"));
		if (argc >= 2 && !help) { /* one line, not the help (cli_bad_option) */
			cli_error("key: \"%s\": name the action first: kesu key ACTION [OPTIONS] (see "
				  "kesu key --help)", argv[1]);
			return -1;
		}
		key_usage(help ? stdout : stderr);
		*code = help ? KESU_EXIT_OK : KESU_EXIT_USAGE;
		return -1;
	}
	if (parse_verb(argv[1], &ctl->verb) < 0) {
		cli_error("key: unknown action \"%s\" (kesu key --help)", argv[1]);
		return -1;
	}
	int c;
	optind = 1;
	while ((c = cli_getopt(argc - 1, argv + 1, "x:o:h", opts, NULL)) != -1) {
		switch (c) {
		case OPT_KEY: ctl->key = optarg; break;
		case OPT_PUBKEY: ctl->pubkey = optarg; break;
		case OPT_PASSFILE: ctl->passphrase_file = optarg; break;
		case OPT_ASK: ctl->ask = true; break;
		case 'x': ctl->sigfile = optarg; break;
		case 'o': ctl->output = optarg; break;
		case OPT_ROLE: ctl->role = optarg; break;
		case OPT_NAME: ctl->name = optarg; break;
		case OPT_NOPASS: ctl->no_passphrase = true; break;
		case OPT_X509_ALG: ctl->x509_alg = optarg; break;
		case 'h': key_usage(stdout); *code = KESU_EXIT_OK; return -1;
		default: cli_bad_option("key"); return -1;
		}
	}
	int nargs = argc - 1 - optind;
	bool takes_file = ctl->verb == VERB_SIGN || ctl->verb == VERB_VERIFY;
	if (nargs != (takes_file ? 1 : 0)) {
		cli_error("key %s: %s (kesu key --help)", argv[1],
			  takes_file ? _("name one FILE") : _("takes no arguments"));
		return -1;
	}
	if (takes_file)
		ctl->file = argv[1 + optind];
	if (ctl->ask && (ctl->verb != VERB_GENERATE || ctl->passphrase_file)) {
		cli_error("key: --ask-passphrase is for generate, without --passphrase-file");
		return -1;
	}
	if (ctl->passphrase_file && (ctl->verb == VERB_SHOW || ctl->verb == VERB_VERIFY)) {
		cli_error("key %s: takes no passphrase", argv[1]);
		return -1;
	}
	if (ctl->sigfile && !takes_file) {
		cli_error("key %s: -x is for sign and verify", argv[1]);
		return -1;
	}
	if (ctl->verb == VERB_SHOW && ctl->key && ctl->pubkey) {
		cli_error("key show: give --key or --pubkey, not both");
		return -1;
	}
	if (ctl->verb == VERB_SIGN && ctl->pubkey) {
		cli_error("key sign: takes --key, not --pubkey");
		return -1;
	}
	if (ctl->x509_alg && ctl->verb != VERB_GENERATE) {
		cli_error("key %s: --x509-alg is for generate and x509", argv[1]);
		return -1;
	}
	enum kesu_x509_alg alg;
	if (ctl->x509_alg && kesu_x509_alg_parse(ctl->x509_alg, &alg) < 0) {
		cli_error("key generate: --x509-alg: \"%s\" is not ecdsa-p256 or rsa3072",
			  ctl->x509_alg);
		return -1;
	}
	return check_role_options(ctl);
}

int cmd_key(int argc, char **argv)
{
	struct key_ctl ctl = {0};
	int code;
	if (argc >= 2 && cli_key_x509_verb(argv[1]))
		return cmd_key_x509(argc, argv); /* x509, csr, import-cert: cmd_key_x509.c */
	if (parse_key_options(argc, argv, &ctl, &code) < 0)
		return code;
	switch (ctl.verb) {
	case VERB_GENERATE: return ctl.role ? key_generate_role(&ctl) : key_generate(&ctl);
	case VERB_SHOW: return key_show(&ctl);
	case VERB_SIGN: return key_sign(&ctl);
	case VERB_VERIFY: return key_verify(&ctl);
	}
	return KESU_EXIT_FAILURE;
}
