/* kesu approve: the approver's prior approval of a disposal (事前承認,
 * 様式第3号): names the media, the class, the purpose, the methods and
 * level allowed and the last valid day, signs it with the approver's key
 * and writes the .kesu-approval file, and on request its printable form
 * (docs/approvals.md). Everything is checked before the passphrase is
 * asked for (kesu_approval_draft_check), and nothing is written unless
 * all of it holds. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/approval.h"
#include "kesu/fileio.h"
#include "kesu/pdf.h"
#include "kesu/trust.h"
#include "kesu/vocabulary.h"

#define MEDIA_ARGS_MAX 64

struct approve_ctl {
	const char *media[MEDIA_ARGS_MAX], *media_files[MEDIA_ARGS_MAX];
	size_t n_media, n_media_files;
	const char *klass, *purpose, *methods, *min_level, *valid_until, *note, *organisation;
	const char *name, *key, *passphrase_file, *out, *pdf, *trust, *methods_dir;
	bool force;
};

static void approve_usage(FILE *out)
{
	fputs(_("Usage: kesu approve (--media LIST | --media-file FILE.csv)... --class I|II|III\n"
	      "                    --purpose disposal|lease-return|repair|reuse --methods ID[,ID...]\n"
	      "                    [--min-level clear|purge|destroy] --valid-until YYYY-MM-DD\n"
	      "                    [--note TEXT] [--organisation TEXT] --name NAME --key FILE\n"
	      "                    [--passphrase-file FILE] -o FILE.kesu-approval [--pdf FILE.pdf]\n"
	      "                    [--force] [--trust PATH] [--methods-dir DIR]\n\n"
	      "Signs a prior approval of a disposal (事前承認, 様式第3号): the media it covers,\n"
	      "their class, the purpose, the methods and level allowed and the last valid\n"
	      "day. kesu wipe --approval FILE checks all of it before writing (docs/approvals.md).\n\n"
	      "  --media LIST          media, comma-separated: SERIAL, SERIAL:SIZE or asset:ASSET.\n"
	      "                        SIZE is the drive's exact size (kesu info): bytes, or with\n"
	      "                        K, M, G, T (powers of 1000, as drives are sold) or KiB, MiB,\n"
	      "                        GiB, TiB (powers of 1024): 500107862016, 500G, 465GiB\n"
	      "  --media-file FILE     a CSV list: a header row naming serial, size, asset (and\n"
	      "                        description, ignored), then one medium a row\n"
	      "  --class CLASS         重要性分類: I, II or III\n"
	      "  --purpose PURPOSE     disposal, lease-return, repair or reuse\n"
	      "  --methods IDS         the methods allowed (kesu methods lists them)\n"
	      "  --min-level LEVEL     the lowest NIST SP 800-88 level allowed\n"
	      "  --valid-until DATE    the last day it may be used (local time), today or later\n"
	      "  --note TEXT           a note printed on the form\n"
	      "  --organisation TEXT   default: the config file's organisation\n"
	      "  --name NAME           the approver, as the trust store names the key\n"
	      "  --key FILE            the approver's secret key (kesu key generate --role approver)\n"
	      "  --passphrase-file F   the key's passphrase is F's first line (else it is asked)\n"
	      "  -o FILE               the approval file to write (never replaced without --force)\n"
	      "  --pdf FILE            also write the printable 媒体廃棄承認書\n"
	      "  --force               replace -o and --pdf files that exist\n"
	      "  --trust PATH          the trust store to compare --name with (default $KESU_TRUST,\n"
	      "                        else the config file's trust = PATH, else\n"
	      "                        $XDG_CONFIG_HOME/kesu/trust.json)\n"
	      "  --methods-dir DIR     also load DIR/*.method\n"
	      "  -h, --help            this help\n"),
	      out);
}

enum { O_MEDIA = 256, O_MEDIA_FILE, O_CLASS, O_PURPOSE, O_METHODS, O_MIN_LEVEL, O_VALID_UNTIL,
       O_NOTE, O_ORG, O_NAME, O_KEY, O_PASS, O_PDF, O_FORCE, O_TRUST, O_METHODS_DIR };

static int parse_args(int argc, char **argv, struct approve_ctl *c)
{
	static const struct option opts[] = {
		{"media", required_argument, NULL, O_MEDIA},
		{"media-file", required_argument, NULL, O_MEDIA_FILE},
		{"class", required_argument, NULL, O_CLASS},
		{"purpose", required_argument, NULL, O_PURPOSE},
		{"methods", required_argument, NULL, O_METHODS},
		{"min-level", required_argument, NULL, O_MIN_LEVEL},
		{"valid-until", required_argument, NULL, O_VALID_UNTIL},
		{"note", required_argument, NULL, O_NOTE},
		{"organisation", required_argument, NULL, O_ORG},
		{"name", required_argument, NULL, O_NAME},
		{"key", required_argument, NULL, O_KEY},
		{"passphrase-file", required_argument, NULL, O_PASS},
		{"pdf", required_argument, NULL, O_PDF},
		{"force", no_argument, NULL, O_FORCE},
		{"trust", required_argument, NULL, O_TRUST},
		{"methods-dir", required_argument, NULL, O_METHODS_DIR},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0}};
	int o;
	optind = 1;
	opterr = 0;
	while ((o = cli_getopt(argc, argv, "ho:", opts, NULL)) != -1) {
		switch (o) {
		case O_MEDIA:
		case O_MEDIA_FILE: {
			bool file = o == O_MEDIA_FILE;
			size_t *n = file ? &c->n_media_files : &c->n_media;
			if (*n == MEDIA_ARGS_MAX) {
				cli_error("approve: more than %d %s options", MEDIA_ARGS_MAX,
					  file ? "--media-file" : "--media");
				return KESU_EXIT_USAGE;
			}
			(file ? c->media_files : c->media)[(*n)++] = optarg;
			break;
		}
		case O_CLASS: c->klass = optarg; break;
		case O_PURPOSE: c->purpose = optarg; break;
		case O_METHODS: c->methods = optarg; break;
		case O_MIN_LEVEL: c->min_level = optarg; break;
		case O_VALID_UNTIL: c->valid_until = optarg; break;
		case O_NOTE: c->note = optarg; break;
		case O_ORG: c->organisation = optarg; break;
		case O_NAME: c->name = optarg; break;
		case O_KEY: c->key = optarg; break;
		case O_PASS: c->passphrase_file = optarg; break;
		case 'o': c->out = optarg; break;
		case O_PDF: c->pdf = optarg; break;
		case O_FORCE: c->force = true; break;
		case O_TRUST: c->trust = optarg; break;
		case O_METHODS_DIR: c->methods_dir = optarg; break;
		case 'h': approve_usage(stdout); return -1;
		default: return cli_bad_option("approve");
		}
	}
	if (optind < argc) {
		cli_error("approve: unexpected argument \"%s\"", argv[optind]);
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

static int require(const struct approve_ctl *c)
{
	const struct { const char *value, *flag; } need[] = {
		{c->klass, "--class I|II|III"}, {c->purpose, "--purpose PURPOSE"},
		{c->methods, "--methods ID[,ID...]"}, {c->valid_until, "--valid-until YYYY-MM-DD"},
		{c->name, "--name NAME"}, {c->key, "--key FILE"}, {c->out, "-o FILE.kesu-approval"}};
	if (!c->n_media && !c->n_media_files) {
		cli_error("approve: which media? give --media LIST or --media-file FILE.csv");
		return KESU_EXIT_USAGE;
	}
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!need[i].value) {
			cli_error("approve: %s is required", need[i].flag);
			return KESU_EXIT_USAGE;
		}
	const char *outs[] = {c->out, c->pdf};
	struct stat st;
	for (int i = 0; i < 2; i++)
		if (outs[i] && !c->force && lstat(outs[i], &st) == 0) {
			cli_error("approve: %s exists; it is not replaced without --force", outs[i]);
			return KESU_EXIT_USAGE;
		}
	if (c->pdf && strcmp(c->pdf, c->out) == 0) {
		cli_error("approve: -o and --pdf name the same file %s", c->out);
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

static bool set_text(char *dst, size_t size, const char *flag, const char *value)
{
	if (strlen(value) >= size) {
		cli_error("approve: %s is too long (%zu bytes, at most %zu)", flag, strlen(value), size - 1);
		return false;
	}
	snprintf(dst, size, "%s", value);
	return true;
}

/* --methods: each id must be one kesu knows. */
static int set_methods(struct kesu_approval *a, const char *list,
		       const struct kesu_method_set *set)
{
	char copy[1024], *save = NULL;
	if (!set_text(copy, sizeof(copy), "--methods", list))
		return KESU_EXIT_USAGE;
	for (char *id = strtok_r(copy, ",", &save); id; id = strtok_r(NULL, ",", &save)) {
		while (*id == ' ')
			id++;
		char *end = id + strlen(id);
		while (end > id && end[-1] == ' ')
			*--end = '\0';
		const struct kesu_method *m = kesu_method_set_find(set, id);
		if (!m) {
			cli_unknown_method("approve: --methods: ", set, id);
			return KESU_EXIT_USAGE;
		}
		if (a->n_methods == KESU_APPROVAL_METHODS_MAX) {
			cli_error("approve: --methods: more than %d", KESU_APPROVAL_METHODS_MAX);
			return KESU_EXIT_USAGE;
		}
		/* as kesu names it, whatever the case typed */
		snprintf(a->methods[a->n_methods++], sizeof(a->methods[0]), "%s", m->id);
	}
	if (a->n_methods == 0) {
		cli_error("approve: --methods names no method");
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

static int set_terms(struct kesu_approval *a, const struct approve_ctl *c)
{
	char words[80];
	if (!kesu_vocab_find(KESU_VOCAB_CLASS, c->klass)) {
		cli_error("approve: --class \"%s\" is not %s", c->klass,
			  kesu_vocab_list(KESU_VOCAB_CLASS, words, sizeof(words)));
		return KESU_EXIT_USAGE;
	}
	if (!kesu_vocab_find(KESU_VOCAB_PURPOSE, c->purpose)) {
		cli_error("approve: --purpose \"%s\" is not %s", c->purpose,
			  kesu_vocab_list(KESU_VOCAB_PURPOSE, words, sizeof(words)));
		return KESU_EXIT_USAGE;
	}
	snprintf(a->classification, sizeof(a->classification), "%s", c->klass);
	snprintf(a->purpose, sizeof(a->purpose), "%s", c->purpose);
	if (c->min_level) {
		for (int l = KESU_NIST_CLEAR; l <= KESU_NIST_DESTROY; l++)
			if (strcmp(c->min_level, kesu_nist_level_name((enum kesu_nist_level)l)) == 0)
				a->min_level = (enum kesu_nist_level)l;
		if (!a->min_level) {
			cli_error("approve: --min-level \"%s\" is not clear, purge or destroy",
				  c->min_level);
			return KESU_EXIT_USAGE;
		}
	}
	return set_text(a->valid_until, sizeof(a->valid_until), "--valid-until", c->valid_until) &&
			       (!c->note || set_text(a->note, sizeof(a->note), "--note", c->note))
		       ? KESU_EXIT_OK
		       : KESU_EXIT_USAGE;
}

static int set_media(struct kesu_approval *a, const struct approve_ctl *c)
{
	char err[KESU_ERRMSG_MAX];
	for (size_t i = 0; i < c->n_media; i++) {
		char *copy = strdup(c->media[i]), *save = NULL;
		int rc = copy ? 0 : -ENOMEM;
		for (char *w = strtok_r(copy, ",", &save); rc == 0 && w; w = strtok_r(NULL, ",", &save))
			rc = kesu_approval_media_add(a, w, err, sizeof(err));
		free(copy);
		if (rc) {
			cli_error("approve: --media: %s", rc == -ENOMEM ? strerror(ENOMEM) : err);
			return KESU_EXIT_USAGE;
		}
	}
	for (size_t i = 0; i < c->n_media_files; i++) {
		int rc = kesu_approval_media_csv(a, c->media_files[i], err, sizeof(err));
		if (rc) {
			cli_error("approve: --media-file %s", err);
			return rc == -KESU_EPARSE || rc == -ENOENT ? KESU_EXIT_USAGE : cli_exit_for(rc);
		}
	}
	return KESU_EXIT_OK;
}

/* The organisation: the flag, else the config file's. */
static int set_organisation(struct kesu_approval *a, const struct approve_ctl *c)
{
	struct cli_station st;
	memset(&st, 0, sizeof(st));
	if (c->organisation)
		return set_text(a->organisation, sizeof(a->organisation), "--organisation",
				c->organisation)
			       ? KESU_EXIT_OK
			       : KESU_EXIT_USAGE;
	int code = cli_station_load_config(&st);
	if (code == KESU_EXIT_OK)
		snprintf(a->organisation, sizeof(a->organisation), "%s", st.cfg.ctx.organisation);
	return code;
}

/* An approval a station will refuse is better caught here: the key must
 * not be trusted under another name. A key not in this station's store is
 * only noted (the approver may sign on a machine of their own). */
static int check_trust(const struct approve_ctl *c, const struct kesu_public_key *pk)
{
	char path[4096], fp[KESU_FINGERPRINT_SIZE];
	struct kesu_trust *t = NULL;
	int code = cli_trust_open_configured(c->trust, path, sizeof(path), &t);
	if (code != KESU_EXIT_OK)
		return code;
	kesu_key_fingerprint(pk, fp, sizeof(fp));
	bool found = false;
	for (size_t i = 0; i < kesu_trust_count(t); i++) {
		const struct kesu_trust_entry *e = kesu_trust_at(t, i);
		if (e->role != KESU_ROLE_APPROVER || strcmp(e->fingerprint, fp) != 0)
			continue;
		found = true;
		if (strcmp(e->name, c->name) != 0) {
			cli_error("approve: the trust store %s names key %s \"%s\", not \"%s\": "
				  "give --name \"%s\"", path, fp, e->name, c->name, e->name);
			code = KESU_EXIT_USAGE;
		}
	}
	if (!found)
		fprintf(stderr, _("kesu: note: key %s is not a trusted approver in %s; stations "
				"accept the approval once it is (kesu trust add --role approver)\n"),
			fp, path);
	kesu_trust_free(t);
	return code;
}

static int build(struct kesu_approval *a, const struct approve_ctl *c,
		 struct kesu_method_set **set)
{
	char err[KESU_ERRMSG_MAX];
	if (kesu_method_set_load(set, c->methods_dir, err, sizeof(err)) < 0) {
		cli_error("approve: %s", err);
		return KESU_EXIT_USAGE;
	}
	int code = set_terms(a, c);
	if (code == KESU_EXIT_OK)
		code = set_methods(a, c->methods, *set);
	if (code == KESU_EXIT_OK)
		code = set_organisation(a, c);
	return code == KESU_EXIT_OK ? set_media(a, c) : code;
}

static int sign_and_write(struct kesu_approval *a, const struct approve_ctl *c,
			  const struct kesu_method_set *set)
{
	char err[KESU_ERRMSG_MAX], *text = NULL;
	size_t len = 0;
	struct kesu_secret_key *sk = NULL;
	struct kesu_public_key pk;
	if (kesu_key_read_secret_public(c->key, &pk, err, sizeof(err)) < 0) {
		cli_error("approve: %s", err);
		return KESU_EXIT_USAGE;
	}
	if (kesu_approval_draft_check(a, c->name, time(NULL), err, sizeof(err)) < 0) {
		cli_error("approve: %s", err);
		return KESU_EXIT_USAGE;
	}
	int code = check_trust(c, &pk);
	if (code == KESU_EXIT_OK)
		code = cli_load_secret_key(c->key, c->passphrase_file, &sk);
	if (code != KESU_EXIT_OK)
		return code;
	int rc = kesu_approval_sign(a, c->name, sk, time(NULL), &text, &len, err, sizeof(err));
	kesu_key_secret_free(sk);
	if (rc) {
		cli_error("approve: %s", err);
		return rc == -KESU_EPARSE ? KESU_EXIT_USAGE : cli_exit_for(rc);
	}
	rc = kesu_file_write_atomic(c->out, text, len, 0644, c->force ? 0 : KESU_FILE_NO_REPLACE, err,
				    sizeof(err));
	if (rc == 0 && c->pdf) {
		rc = kesu_pdf_approval(a, text, len, set, c->pdf, err, sizeof(err));
		if (rc)
			cli_error("approve: %s (the approval %s is written; kesu approval show %s "
				  "--pdf FILE prints the form again)", err, c->out, c->out);
	} else if (rc) {
		cli_error("approve: %s", err);
	}
	free(text);
	if (rc)
		return cli_exit_for(rc);
	printf(ngettext("approval %s: %zu medium, class %s, %s, valid until %s\n",
			"approval %s: %zu media, class %s, %s, valid until %s\n", (unsigned long)a->n_media),
	       a->number, a->n_media, a->classification, a->purpose, a->valid_until);
	printf(_("written to %s\nhash %s\n"), c->out, a->hash);
	if (c->pdf)
		printf(_("form (媒体廃棄承認書) %s\n"), c->pdf);
	return KESU_EXIT_OK;
}

int cmd_approve(int argc, char **argv)
{
	struct approve_ctl c = {0};
	int code = parse_args(argc, argv, &c);
	if (code)
		return code < 0 ? KESU_EXIT_OK : code;
	code = require(&c);
	if (code != KESU_EXIT_OK)
		return code;
	struct kesu_approval *a = calloc(1, sizeof(*a));
	struct kesu_method_set *set = NULL;
	if (!a) {
		cli_error("approve: %s", strerror(ENOMEM));
		return KESU_EXIT_FAILURE;
	}
	code = build(a, &c, &set);
	if (code == KESU_EXIT_OK)
		code = sign_and_write(a, &c, set);
	kesu_method_set_free(set);
	kesu_approval_free(a);
	return code;
}
