/* kesu key x509 | csr | import-cert, and the X.509 half of kesu key
 * generate and key show (docs/keys.md): beside each Ed25519 key, the
 * X.509 key BASE.x509.key (under the same passphrase) and the certificate
 * BASE.crt that PDF readers check, self-signed until the organisation's
 * CA issues one. */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/key.h"
#include "kesu/paths.h"
#include "kesu/trust.h"
#include "kesu/x509.h"

#define PATH_LEN 4096
#define DAYS_DEFAULT 3650 /* a station's certificate outlives its disks */
#define DAYS_MAX 36500

enum x509_verb { X_CERT, X_CSR, X_IMPORT };
static const char *const verbs[] = {"x509", "csr", "import-cert"};

struct x509_ctl {
	enum x509_verb verb;
	const char *key, *name, *output, *passphrase_file, *alg, *file;
	unsigned days;
	bool force;
};

bool cli_key_x509_verb(const char *word)
{
	for (size_t i = 0; i < 3; i++)
		if (!strcmp(word, verbs[i]))
			return true;
	return false;
}

static void x509_usage(FILE *out)
{
	fputs(_("Usage: kesu key x509 [--key PATH] [--name CN] [--days N] [--force]\n"
	      "                     [--x509-alg ALG] [--passphrase-file FILE]\n"
	      "       kesu key csr [--key PATH] [--name CN] [--passphrase-file FILE] -o FILE.csr\n"
	      "       kesu key import-cert [--key PATH] [--passphrase-file FILE] FILE\n\n"
	      "The X.509 certificate PDF signatures carry, beside the Ed25519 key PATH\n"
	      "(default: the station key): BASE.x509.key and BASE.crt, where BASE is PATH\n"
	      "without .key (docs/keys.md). kesu key --help says more.\n"),
	      out);
}

/* The exit status for a library failure: a file that is not what it
 * should be (not a certificate, not a key) is bad input, 2, as elsewhere. */
static int x509_exit(int rc)
{
	return rc == -KESU_EPARSE ? KESU_EXIT_USAGE : cli_exit_for(rc);
}

/* ---- the subject ---- */

/* ROLE and NAME of a --role key, from its public key's comment "kesu ROLE
 * public key: NAME[ (no passphrase)]". The comment is the holder's own
 * file: a default they can override with --name, never a decision. */
static bool comment_identity(const char *secret, char *role, size_t rsize, char *name,
			     size_t nsize)
{
	char pub[PATH_LEN], comment[KESU_COMMENT_MAX + 1], err[KESU_ERRMSG_MAX];
	enum kesu_role r;
	if (kesu_key_public_path(secret, pub, sizeof(pub)) < 0 ||
	    kesu_key_file_comment(pub, comment, sizeof(comment), err, sizeof(err)) < 0 ||
	    strncmp(comment, "kesu ", 5) != 0)
		return false;
	const char *mid = strstr(comment + 5, " public key: ");
	if (!mid || (size_t)(mid - comment - 5) >= rsize)
		return false;
	snprintf(role, rsize, "%.*s", (int)(mid - comment - 5), comment + 5);
	if (kesu_role_parse(role, &r) < 0)
		return false;
	snprintf(name, nsize, "%s", mid + 13);
	size_t n = strlen(name), s = strlen(KESU_TRUST_NO_PASSPHRASE);
	if (n >= s && !strcmp(name + n - s, KESU_TRUST_NO_PASSPHRASE))
		name[n - s] = '\0';
	return name[0] != '\0';
}

static int copy_field(char *dst, const char *src, const char *what)
{
	if (strlen(src) > KESU_X509_NAME_MAX) {
		cli_error("the %s is longer than %d bytes: too long for a certificate", what,
			  KESU_X509_NAME_MAX);
		return KESU_EXIT_USAGE;
	}
	snprintf(dst, KESU_X509_NAME_MAX + 1, "%s", src);
	return KESU_EXIT_OK;
}

int cli_key_x509_subject(const char *secret, const char *role, const char *name,
			 struct kesu_x509_subject *s)
{
	char crole[32], cname[KESU_COMMENT_MAX + 1], cn[300], why[KESU_ERRMSG_MAX];
	memset(s, 0, sizeof(*s));
	struct cli_station *st = calloc(1, sizeof(*st)); /* for the config file only */
	int code = st ? cli_station_load_config(st) : KESU_EXIT_FAILURE;
	if (!role && comment_identity(secret, crole, sizeof(crole), cname, sizeof(cname))) {
		role = crole;
		name = name ? name : cname;
	}
	if (name) {
		snprintf(cn, sizeof(cn), "%s", name);
	} else {
		char host[256] = "";
		gethostname(host, sizeof(host) - 1);
		snprintf(cn, sizeof(cn), "kesu station %.100s", host);
	}
	if (code == KESU_EXIT_OK)
		code = copy_field(s->common_name, cn, _("common name"));
	if (code == KESU_EXIT_OK)
		code = copy_field(s->organisation, st->cfg.ctx.organisation, _("organisation"));
	if (code == KESU_EXIT_OK)
		code = copy_field(s->unit, st->cfg.ctx.department, _("department"));
	if (code == KESU_EXIT_OK)
		code = copy_field(s->title, role ? role : "station", _("title"));
	free(st);
	if (code == KESU_EXIT_OK && kesu_x509_subject_check(s, why, sizeof(why)) < 0) {
		cli_error("the certificate's subject: %s (--name, or the config file's "
			  "organisation and department)",
			  why);
		code = KESU_EXIT_USAGE;
	}
	return code;
}

/* ---- making and showing ---- */

static int x509_paths(const char *secret, char *key, char *crt)
{
	if (kesu_x509_paths(secret, key, PATH_LEN, crt, PATH_LEN) < 0) {
		cli_error("%s: path too long", secret);
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

int cli_key_x509_paths_free(const char *secret)
{
	char key[PATH_LEN], crt[PATH_LEN];
	if (access(secret, F_OK) == 0)
		return KESU_EXIT_OK; /* the key's own refusal names it */
	int code = x509_paths(secret, key, crt);
	for (const char *p = key; code == KESU_EXIT_OK && p; p = p == key ? crt : NULL)
		if (access(p, F_OK) == 0) {
			cli_error("%s already exists; no key was made", p);
			code = KESU_EXIT_FAILURE;
		}
	return code;
}

/* The label column: 12 display columns and a space (English output stays
 * "%-12s "). */
static void put_label(const char *label)
{
	cli_put_padded(label, 12);
	putchar(' ');
}

static void say_key(const char *key)
{
	struct stat st = {0};
	stat(key, &st);
	put_label(_("x509 key"));
	printf(_("%s (mode %04o, %s)\n"), key, (unsigned)(st.st_mode & 07777),
	       kesu_x509_key_is_protected(key) ? _("protected by a passphrase")
					       : _("not protected by a passphrase"));
}

static void say_cert(const char *crt, const struct kesu_x509_info *i)
{
	put_label(_("certificate"));
	printf("%s (%s%s)\n", crt, i->self_signed ? _("self-signed, ") : "",
	       i->algorithm);
	put_label(_("subject"));
	printf("%s\n", i->subject);
	put_label(_("issuer"));
	printf("%s\n", i->issuer);
	put_label(_("valid"));
	printf(_("%s to %s\n"), i->not_before_utc, i->not_after_utc);
	put_label("sha256");
	printf("%s\n", i->sha256);
}

int cli_key_x509_new(const char *secret, const char *pass, const char *alg_text,
		     const struct kesu_x509_subject *subject, unsigned days, bool replace)
{
	char key[PATH_LEN], crt[PATH_LEN], err[KESU_ERRMSG_MAX];
	enum kesu_x509_alg alg = KESU_X509_ECDSA_P256;
	struct kesu_x509_info info;
	int code = x509_paths(secret, key, crt);
	if (code != KESU_EXIT_OK)
		return code;
	if (alg_text)
		kesu_x509_alg_parse(alg_text, &alg); /* checked with the options */
	int rc = 0;
	if (access(key, F_OK) != 0)
		rc = kesu_x509_key_generate(key, alg, pass, err, sizeof(err));
	if (rc == 0)
		rc = kesu_x509_self_sign(key, pass, subject, days ? days : DAYS_DEFAULT, time(NULL),
					 replace, crt, err, sizeof(err));
	if (rc == 0)
		rc = kesu_x509_cert_describe(crt, &info, err, sizeof(err));
	if (rc < 0) {
		cli_error("%s", err);
		return x509_exit(rc);
	}
	say_key(key);
	say_cert(crt, &info);
	return KESU_EXIT_OK;
}

/* Whether an unprotected key's certificate is its own (a protected one is
 * checked when it signs: show asks for no passphrase). */
static bool cert_is_the_keys(const char *key, const char *crt)
{
	char err[KESU_ERRMSG_MAX];
	struct kesu_signer *s = NULL;
	if (access(key, F_OK) != 0 || kesu_x509_key_is_protected(key))
		return true;
	int rc = kesu_signer_open_files(key, crt, NULL, &s, err, sizeof(err));
	kesu_signer_close(s);
	return rc != -KESU_EVERIFY;
}

int cli_key_x509_show(const char *secret)
{
	char key[PATH_LEN], crt[PATH_LEN], err[KESU_ERRMSG_MAX];
	struct kesu_x509_info info;
	if (x509_paths(secret, key, crt) != KESU_EXIT_OK)
		return KESU_EXIT_USAGE;
	bool has_key = access(key, F_OK) == 0, has_crt = access(crt, F_OK) == 0;
	if (has_key)
		say_key(key);
	if (!has_crt) {
		if (has_key) {
			put_label(_("certificate"));
			printf(_("%s (missing: kesu key x509 makes one)\n"), crt);
		}
		return KESU_EXIT_OK;
	}
	int rc = kesu_x509_cert_describe(crt, &info, err, sizeof(err));
	if (rc < 0) {
		put_label(_("certificate"));
		printf(_("%s (unreadable)\n"), crt);
		cli_error("%s", err);
		return KESU_EXIT_FAILURE;
	}
	say_cert(crt, &info);
	if (!cert_is_the_keys(key, crt)) {
		cli_error("%s is for another key than %s", crt, key);
		return KESU_EXIT_FAILURE;
	}
	time_t now = time(NULL);
	char utc[32];
	kesu_time_utc(now, utc);
	if (strcmp(utc, info.not_after_utc) > 0)
		cli_error("warning: %s expired on %s", crt, info.not_after_utc);
	return KESU_EXIT_OK;
}

/* ---- the verbs ---- */

/* The Ed25519 key's path: --key, else the station key's default. */
static int secret_of(const struct x509_ctl *c, char *secret)
{
	if (c->key) {
		snprintf(secret, PATH_LEN, "%s", c->key);
	} else if (kesu_default_path(KESU_PATH_SECRET_KEY, secret, PATH_LEN) < 0) {
		cli_error("cannot tell where the station key lives (set KESU_KEY or HOME, or give "
			  "--key)");
		return KESU_EXIT_FAILURE;
	}
	if (access(secret, F_OK) != 0) {
		cli_error("no key at %s (kesu key generate makes one)", secret);
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

/* The passphrase path's key needs, when it is protected (*pass NULL when
 * not). For a new X.509 key it is the Ed25519 key's, checked on it. */
static int passphrase_for(const struct x509_ctl *c, const char *path, bool ed25519,
			  char **pass)
{
	char err[KESU_ERRMSG_MAX];
	*pass = NULL;
	bool protected = ed25519 ? kesu_key_secret_is_protected(path)
				 : kesu_x509_key_is_protected(path);
	if (!protected)
		return KESU_EXIT_OK;
	int code = cli_passphrase_get(c->passphrase_file, path, pass);
	struct kesu_secret_key *sk = NULL;
	int rc = code == KESU_EXIT_OK && ed25519 ? kesu_key_load_secret(path, *pass, &sk, err,
									sizeof(err))
						   : 0;
	kesu_key_secret_free(sk);
	if (rc < 0) {
		cli_error("%s", err);
		code = x509_exit(rc);
	}
	if (code != KESU_EXIT_OK) {
		cli_passphrase_free(*pass);
		*pass = NULL;
	}
	return code;
}

static int do_x509(const struct x509_ctl *c, const char *secret, const char *key,
		   const char *crt)
{
	struct kesu_x509_subject subject;
	bool new_key = access(key, F_OK) != 0;
	if (!c->force && access(crt, F_OK) == 0) {
		cli_error("%s already exists (--force replaces it with a new self-signed "
			  "certificate)",
			  crt);
		return KESU_EXIT_FAILURE;
	}
	if (c->alg && !new_key) {
		cli_error("key x509: %s exists; --x509-alg is for a new key", key);
		return KESU_EXIT_USAGE;
	}
	int code = cli_key_x509_subject(secret, NULL, c->name, &subject);
	char *pass = NULL;
	if (code == KESU_EXIT_OK)
		code = passphrase_for(c, new_key ? secret : key, new_key, &pass);
	if (code == KESU_EXIT_OK)
		code = cli_key_x509_new(secret, pass, c->alg, &subject, c->days, c->force);
	cli_passphrase_free(pass);
	return code;
}

static int do_csr(const struct x509_ctl *c, const char *secret, const char *key)
{
	char err[KESU_ERRMSG_MAX];
	struct kesu_x509_subject subject;
	int code = cli_key_x509_subject(secret, NULL, c->name, &subject);
	char *pass = NULL;
	if (code == KESU_EXIT_OK)
		code = passphrase_for(c, key, false, &pass);
	if (code != KESU_EXIT_OK)
		return code;
	int rc = kesu_x509_csr_write(key, pass, &subject, c->output, err, sizeof(err));
	cli_passphrase_free(pass);
	if (rc < 0) {
		cli_error("%s", err);
		return x509_exit(rc);
	}
	put_label(_("request"));
	printf("%s\n", c->output);
	put_label(_("key"));
	printf("%s\n", key);
	put_label(_("subject"));
	printf("CN=%s", subject.common_name);
	const char *rest[][2] = {{"title", subject.title}, {"OU", subject.unit},
				 {"O", subject.organisation}};
	for (size_t i = 0; i < 3; i++)
		if (rest[i][1][0])
			printf(",%s=%s", rest[i][0], rest[i][1]);
	printf("\n");
	printf(_("Send the request to the organisation's CA; install its answer with\n"
	       "  kesu key import-cert%s%s FILE\n"),
	       c->key ? " --key " : "", c->key ? c->key : "");
	return KESU_EXIT_OK;
}

static int do_import(const struct x509_ctl *c, const char *key, const char *crt)
{
	char err[KESU_ERRMSG_MAX];
	struct kesu_x509_info info;
	int rc = kesu_x509_cert_import(key, c->file, crt, time(NULL), &info, err, sizeof(err));
	if (rc == -ENOKEY) {
		/* Protected, and no certificate beside it to compare with. */
		char *pass = NULL;
		int code = passphrase_for(c, key, false, &pass);
		if (code != KESU_EXIT_OK)
			return code;
		rc = kesu_x509_cert_import_unlock(key, pass, c->file, crt, time(NULL), &info, err,
						  sizeof(err));
		cli_passphrase_free(pass);
	}
	if (rc < 0) {
		cli_error("%s; %s is unchanged", err, crt);
		return x509_exit(rc);
	}
	printf(_("installed %s as %s\n"), c->file, crt);
	say_cert(crt, &info);
	return KESU_EXIT_OK;
}

/* ---- options ---- */

/* What each verb takes besides --key and --passphrase-file. */
static int check_options(const struct x509_ctl *c, int nargs)
{
	const char *v = verbs[c->verb];
	if (c->verb != X_CERT && (c->days || c->force || c->alg)) {
		cli_error("key %s: --days, --force and --x509-alg are for key x509", v);
		return -1;
	}
	if (c->verb == X_IMPORT && (c->name || c->output)) {
		cli_error("key import-cert: takes no --name or -o (the CA's answer names the "
			  "holder)");
		return -1;
	}
	if ((c->verb == X_CSR) != (c->output != NULL)) {
		cli_error(c->output ? "key %s: -o is for csr" : "key %s: give -o FILE.csr", v);
		return -1;
	}
	if (nargs != (c->verb == X_IMPORT ? 1 : 0)) {
		cli_error("key %s: %s (kesu key --help)", v,
			  c->verb == X_IMPORT ? "name the CA's answer FILE" : "takes no arguments");
		return -1;
	}
	return 0;
}

static int parse_x509_options(int argc, char **argv, struct x509_ctl *c, int *code)
{
	enum { O_KEY = 256, O_NAME, O_DAYS, O_FORCE, O_ALG, O_PASSFILE };
	static const struct option opts[] = {
		{"key", required_argument, NULL, O_KEY},
		{"name", required_argument, NULL, O_NAME},
		{"days", required_argument, NULL, O_DAYS},
		{"force", no_argument, NULL, O_FORCE},
		{"x509-alg", required_argument, NULL, O_ALG},
		{"passphrase-file", required_argument, NULL, O_PASSFILE},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	unsigned long long days = 0;
	enum kesu_x509_alg alg;
	int opt;
	*code = KESU_EXIT_USAGE;
	while (c->verb < 2 && strcmp(argv[1], verbs[c->verb]))
		c->verb++;
	optind = 1;
	while ((opt = cli_getopt(argc - 1, argv + 1, "o:h", opts, NULL)) != -1) {
		switch (opt) {
		case O_KEY: c->key = optarg; break;
		case O_NAME: c->name = optarg; break;
		case O_DAYS:
			if (!cli_parse_uint("--days", optarg, 1, DAYS_MAX, &days))
				return -1;
			c->days = (unsigned)days;
			break;
		case O_FORCE: c->force = true; break;
		case O_ALG: c->alg = optarg; break;
		case O_PASSFILE: c->passphrase_file = optarg; break;
		case 'o': c->output = optarg; break;
		case 'h': x509_usage(stdout); *code = KESU_EXIT_OK; return -1;
		default: cli_bad_option("key"); return -1;
		}
	}
	if (c->alg && kesu_x509_alg_parse(c->alg, &alg) < 0) {
		cli_error("key x509: --x509-alg: \"%s\" is not ecdsa-p256 or rsa3072", c->alg);
		return -1;
	}
	if (check_options(c, argc - 1 - optind) < 0)
		return -1;
	c->file = c->verb == X_IMPORT ? argv[1 + optind] : NULL;
	return 0;
}

int cmd_key_x509(int argc, char **argv)
{
	struct x509_ctl c = {0};
	char secret[PATH_LEN], key[PATH_LEN], crt[PATH_LEN];
	int code;
	if (parse_x509_options(argc, argv, &c, &code) < 0)
		return code;
	code = secret_of(&c, secret);
	if (code == KESU_EXIT_OK)
		code = x509_paths(secret, key, crt);
	if (code == KESU_EXIT_OK && c.verb != X_CERT && access(key, F_OK) != 0) {
		cli_error("no X.509 key at %s (kesu key x509 makes one)", key);
		code = KESU_EXIT_USAGE;
	}
	if (code != KESU_EXIT_OK)
		return code;
	switch (c.verb) {
	case X_CERT: return do_x509(&c, secret, key, crt);
	case X_CSR: return do_csr(&c, secret, key);
	case X_IMPORT: return do_import(&c, key, crt);
	}
	return KESU_EXIT_FAILURE;
}
