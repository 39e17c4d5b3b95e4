/* kesu cert verify FILE.pdf | DIR: every check of a certificate, printed
 * with the signers and times, from the PDF and a trust anchor alone. */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/batch.h"
#include "kesu/cert.h"
#include "kesu/countersign.h"
#include "kesu/paths.h"
#include "kesu/pdf.h"
#include "kesu/trust.h"
#include "kesu/x509.h"

#define DIR_FILES_MAX 100000
#define verify_ctl cli_verify_ctl

/* Messages can quote the document or the ledger: shown escaped. */
static void say(const char *mark, const char *what, const char *msg)
{
	char safe[1024];
	printf("  [%s] ", mark);
	cli_put_padded(what, 18); /* columns, not bytes: what may be Japanese */
	printf(" %s\n", cli_escape(msg, safe, sizeof(safe)));
}

static const char *role_label(const char *role)
{
	static const struct {
		const char *id, *label;
	} labels[] = {{"operator", "担当者 / operator"}, {"witness", "立会者 / witness"},
		      {"validator", "確認者 / validator"}, {"approver", "承認者 / approver"}};
	for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
		if (!strcmp(role, labels[i].id))
			return labels[i].label;
	return role[0] ? role : _("(not a kesu field)");
}

static void print_signature(size_t i, const struct kesu_pades_signature *s, bool anchors)
{
	char what[32], line[1400], a[600], b[300];
	snprintf(what, sizeof(what), "%s %zu", s->doc_timestamp ? _("timestamp") : C_("PDF", "signature"), i + 1);
	if (s->doc_timestamp)
		snprintf(line, sizeof(line), _("document timestamp %s by %s"), s->timestamp_utc,
			 cli_escape(s->signer.common_name, a, sizeof(a)));
	else
		snprintf(line, sizeof(line), _("%s: %s, signed %s%s%s"), role_label(s->role),
			 cli_escape(s->signer.subject, a, sizeof(a)),
			 s->claimed_time[0] ? s->claimed_time : _("(no time)"),
			 s->has_timestamp ? _(", timestamp ") : "",
			 s->has_timestamp ? s->timestamp_utc : "");
	bool unproven = !s->ok && !anchors && s->range_ok && s->digest_ok && s->signature_ok;
	say(s->ok ? "ok" : unproven ? "--" : "FAILED", what, line);
	if (s->ok && s->anchor_name[0])
		printf(_("       %-18s trusted through %s%s%s%s\n"), "",
		       cli_escape(s->anchor_name, b, sizeof(b)), s->anchor_role[0] ? " (" : "",
		       s->anchor_role, s->anchor_role[0] ? ")" : "");
	if (s->has_timestamp && s->tsa.common_name[0])
		printf(_("       %-18s timestamp authority %s%s\n"), "",
		       cli_escape(s->tsa.common_name, b, sizeof(b)),
		       s->timestamp_ok ? "" : _(" (not verified)"));
	if (!s->ok)
		printf("       %-18s %s\n", "",
		       cli_escape(unproven ? _("intact, but no trust anchor to prove who signed it "
					       "(--trust CA.pem)") : s->msg, b, sizeof(b)));
}

static void print_pades(const struct kesu_cert_check *c)
{
	if (!c->pdf_signed) {
		say("--", _("PDF signatures"), _("none (a certificate made before PDF signatures)"));
		return;
	}
	for (size_t i = 0; i < c->pades.count; i++)
		print_signature(i, &c->pades.sig[i], c->anchors_given);
	if (!c->station_first)
		say("FAILED", _("first signature"), _("the first signature is not the station's (担当者)"));
	say(c->pades.updates_ok ? "ok" : "FAILED", _("after signing"),
	    c->pades.updates_ok ? _("nothing but signatures and timestamps was added after the "
				  "first signature")
				: c->pades.updates_msg);
	if (c->page_checked || c->page_msg[0])
		say(!c->page_checked ? "--" : c->page_ok ? "ok" : "FAILED", _("page"), c->page_msg);
}

static void print_integrity(const char *pdf, const struct kesu_cert_check *c)
{
	if (c->verdict == KESU_CERT_INVALID)
		printf(_("  integrity: INVALID — changed, forged, signed by another key or an "
		       "untrusted signer, or not in the ledger\n"));
	else if (c->verdict == KESU_CERT_UNCHECKED)
		printf(_("  integrity: NOT FULLY CHECKED — every check made holds, but one marked [--] "
		       "could not be made\n"));
	else
		printf(_("  integrity: INTACT\n"));
	(void)pdf;
	if (!c->payload_ok)
		printf(_("  outcome:   unknown (the payload is not proven)\n"));
	else if (c->success)
		printf(_("  outcome:   %s — a certificate\n"), c->outcome);
	else if (!strcmp(c->outcome, "ERASED_WITH_EXCEPTIONS"))
		printf(_("  outcome:   %s — erased with exceptions, NOT a certificate of the whole "
		       "medium: the document says what remains\n"), c->outcome);
	else if (!strcmp(c->document, "failure-report"))
		printf(_("  outcome:   %s — a failure report, NOT a certificate: the drive was not sanitized\n"),
		       c->outcome[0] ? c->outcome : "?");
	else
		printf(_("  outcome:   %s — NOT a certificate\n"), c->outcome[0] ? c->outcome : "?");
}

static void print_check(const char *pdf, const struct kesu_cert_check *c)
{
	char id[256], document[256], outcome[256], name[1024];
	printf("%s\n", cli_escape(pdf, name, sizeof(name)));
	printf(_("  certificate %s: %s, outcome %s\n"),
	       cli_escape(c->certificate_id[0] ? c->certificate_id : "?", id, sizeof(id)),
	       cli_escape(c->document[0] ? c->document : "?", document, sizeof(document)),
	       cli_escape(c->outcome[0] ? c->outcome : "?", outcome, sizeof(outcome)));
	print_pades(c);
	say(c->payload_ok ? "ok" : "FAILED", _("embedded payload"), c->payload_msg);
	if (c->file_checked)
		say(c->file_ok ? "ok" : "FAILED", _("PDF.sig"), c->file_msg);
	else if (!c->pdf_signed)
		say("--", _("PDF.sig"), c->file_msg);
	if (c->ledger_checked)
		say(c->ledger_ok ? "ok" : "FAILED", _("ledger"), c->ledger_msg);
	else
		say("--", _("ledger"), _("not checked (no ledger at hand)"));
	print_integrity(pdf, c);
}

static const char *verdict_word(enum kesu_cert_verdict v)
{
	static const char *const words[] = {
		[KESU_CERT_INVALID] = "INVALID",
		[KESU_CERT_NOT_CERTIFICATE] = "NOT A CERTIFICATE",
		[KESU_CERT_UNCHECKED] = "UNCHECKED",
		[KESU_CERT_VALID] = "VALID",
	};
	return words[v];
}

/* One .countersig file's line; a rejected one is named by its file. */
static void print_countersig(const char *path, int rc, const struct kesu_countersig *cs,
			     const char *err)
{
	char a[512], why[2 * KESU_ERRMSG_MAX];
	size_t n = strlen(path);
	if (rc == 0) {
		printf(_("  countersignature: %s %s (%s) %s: OK\n"), kesu_role_id(cs->role),
		       cli_escape(cs->signer_name, a, sizeof(a)), cs->signer_fingerprint,
		       cs->signed_utc);
		return;
	}
	if (!strncmp(err, path, n) && !strncmp(err + n, ": ", 2))
		err += n + 2; /* the file is named once */
	printf(_("  countersignature: %s: REJECTED: %s\n"), cli_escape(path, a, sizeof(a)),
	       cli_escape(err, why, sizeof(why)));
}

/* The .countersig files beside pdf, each checked against the trust store
 * and this PDF's payload. Returns how many were rejected. */
static int print_countersigs(const char *pdf, const char *certificate_id,
			     const struct kesu_trust *trust, bool quiet)
{
	char dir[KESU_PATH_MAX], err[KESU_ERRMSG_MAX];
	char **paths = NULL, *payload = NULL, *sig = NULL;
	size_t n = 0, len = 0, sig_len = 0;
	snprintf(dir, sizeof(dir), "%s", pdf);
	if (kesu_countersig_find(dirname(dir), certificate_id, &paths, &n, err, sizeof(err)) < 0)
		return cli_error("%s", err), 1;
	bool readable = n && kesu_pdf_read_payload(pdf, &payload, &len, &sig, &sig_len, err,
						   sizeof(err)) == 0;
	int bad = 0;
	for (size_t i = 0; i < n; i++) {
		struct kesu_countersig cs;
		int rc = -KESU_EVERIFY;
		if (readable && trust)
			rc = kesu_countersig_load(paths[i], trust, payload, len, &cs, err, sizeof(err));
		else
			snprintf(err, sizeof(err), readable ? _("no trust store to check it against")
							    : _("the certificate's payload cannot be read"));
		if (!quiet)
			print_countersig(paths[i], rc, &cs, err);
		bad += rc != 0;
	}
	free(payload);
	free(sig);
	kesu_countersig_paths_free(paths, n);
	return bad;
}

static int verdict_exit(enum kesu_cert_verdict v)
{
	switch (v) {
	case KESU_CERT_VALID: return KESU_EXIT_OK;
	case KESU_CERT_UNCHECKED: return KESU_EXIT_UNCHECKED;
	case KESU_CERT_NOT_CERTIFICATE: return KESU_EXIT_NOT_CERTIFICATE;
	case KESU_CERT_INVALID: break;
	}
	return KESU_EXIT_VERIFY;
}

/* The more severe of two verify statuses, as the help says: 4, then 8,
 * then 9, then 0; anything else (a file that could not be read) above all. */
static int verify_worse(int a, int b)
{
	static const int order[] = {KESU_EXIT_OK, KESU_EXIT_UNCHECKED, KESU_EXIT_NOT_CERTIFICATE,
				    KESU_EXIT_VERIFY};
	int ra = 4, rb = 4;
	for (int i = 0; i < 4; i++) {
		ra = order[i] == a ? i : ra;
		rb = order[i] == b ? i : rb;
	}
	return ra >= rb ? a : b;
}

/* What a certificate is checked against, gathered once. */
struct cli_verify_env {
	struct cli_station st;
	struct kesu_public_key pk;
	bool have_pk;
	struct kesu_trust *trust;
	struct kesu_x509_anchors *anchors;
	struct kesu_cert_trust t;
};

int cli_verify_trust_arg(struct verify_ctl *v, const char *arg)
{
	if (!kesu_x509_file_is_certificate(arg))
		v->trust_store = arg;
	else if (v->nanchor_files < CLI_TRUST_FILES_MAX)
		v->anchor_files[v->nanchor_files++] = arg;
	else
		return cli_error("--trust: at most %d certificate files", CLI_TRUST_FILES_MAX),
		       KESU_EXIT_USAGE;
	return KESU_EXIT_OK;
}

static int load_anchors(struct cli_verify_env *e, const struct verify_ctl *v)
{
	char err[KESU_ERRMSG_MAX], key[KESU_PATH_MAX], crt[KESU_PATH_MAX];
	if (!(e->anchors = kesu_x509_anchors_new()))
		return KESU_EXIT_FAILURE;
	for (size_t i = 0; i < v->nanchor_files; i++)
		if (kesu_x509_anchors_add_file(e->anchors, v->anchor_files[i], NULL, NULL, err,
					       sizeof(err)) < 0)
			return cli_error("%s", err), KESU_EXIT_USAGE;
	if (e->trust && kesu_trust_x509_anchors(e->trust, e->anchors, err, sizeof(err)) < 0)
		return cli_error("%s", err), KESU_EXIT_USAGE;
	/* this station's own certificate, and the one beside --pubkey KEY.pub:
	 * each vouches for what its station signed */
	char base[KESU_PATH_MAX];
	const char *stations[2] = {e->st.key_path, NULL};
	if (v->pubkey) {
		size_t n = strlen(v->pubkey);
		snprintf(base, sizeof(base), "%.*s.key", (int)(n > 4 && !strcmp(v->pubkey + n - 4, ".pub")
							      ? n - 4 : n), v->pubkey);
		stations[1] = base;
	}
	for (int i = 0; i < 2; i++)
		if (stations[i] &&
		    kesu_x509_paths(stations[i], key, sizeof(key), crt, sizeof(crt)) == 0 &&
		    access(crt, F_OK) == 0 &&
		    kesu_x509_anchors_add_file(e->anchors, crt, "station", NULL, err, sizeof(err)) < 0)
			return cli_error("%s", err), KESU_EXIT_USAGE;
	return KESU_EXIT_OK;
}

static int open_env(struct cli_verify_env *e, const struct verify_ctl *v);

int cli_verify_open(struct cli_verify_env **out, const struct verify_ctl *v)
{
	struct cli_verify_env *e = calloc(1, sizeof(*e));
	*out = e;
	return e ? open_env(e, v) : KESU_EXIT_FAILURE;
}

int cli_verify_check(struct cli_verify_env *e, const char *pdf, struct kesu_cert_check *c)
{
	return kesu_cert_verify_with(pdf, &e->t, c);
}

const struct kesu_trust *cli_verify_trust(const struct cli_verify_env *e)
{
	return e->trust;
}

static int open_env(struct cli_verify_env *e, const struct verify_ctl *v)
{
	char pub[KESU_PATH_MAX], err[KESU_ERRMSG_MAX], tpath[KESU_PATH_MAX];
	int code = cli_station_load_config(&e->st);
	if (code == KESU_EXIT_OK)
		code = cli_station_paths(&e->st, v->ledger, NULL, NULL);
	if (code == KESU_EXIT_OK && v->pubkey) {
		if (kesu_key_load_public(v->pubkey, &e->pk, err, sizeof(err)) < 0)
			return cli_error("%s", err), KESU_EXIT_USAGE;
		e->have_pk = true;
	}
	if (code == KESU_EXIT_OK && !e->have_pk) { /* for certificates without PDF signatures */
		kesu_key_public_path(e->st.key_path, pub, sizeof(pub));
		e->have_pk = kesu_key_load_public(pub, &e->pk, err, sizeof(err)) == 0;
	}
	if (code == KESU_EXIT_OK)
		code = cli_trust_path(&e->st.cfg, v->trust_store, tpath, sizeof(tpath));
	if (code == KESU_EXIT_OK)
		code = cli_trust_load(tpath, &e->trust);
	if (code == KESU_EXIT_OK)
		code = load_anchors(e, v);
	bool use_ledger = !v->no_ledger && (v->ledger || access(e->st.ledger_path, F_OK) == 0);
	if (code == KESU_EXIT_OK && use_ledger)
		code = cli_station_open_ledger_readonly(&e->st);
	e->t = (struct kesu_cert_trust){v->pubkey ? &e->pk : NULL, e->anchors, e->st.ledger,
					e->have_pk ? &e->pk : NULL};
	return code;
}

void cli_verify_close(struct cli_verify_env *e)
{
	if (!e)
		return;
	kesu_x509_anchors_free(e->anchors);
	kesu_trust_free(e->trust);
	cli_station_close(&e->st);
	free(e);
}

/* One file: its checks printed (quiet: only the verdict line), or -1 when
 * it could not be read at all (said). */
static int verify_one(struct cli_verify_env *e, const char *pdf, bool quiet)
{
	struct kesu_cert_check *c = calloc(1, sizeof(*c));
	if (!c)
		return KESU_EXIT_FAILURE;
	int rc = kesu_cert_verify_with(pdf, &e->t, c), code;
	if (rc < 0 && rc != -KESU_EVERIFY) {
		cli_error("%s", c->file_msg[0] ? c->file_msg : kesu_strerror(rc));
		code = rc == -ENOENT ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
	} else {
		if (!quiet)
			print_check(pdf, c);
		/* A rejected countersignature is a failed check (docs/certificate.md). */
		if (print_countersigs(pdf, c->certificate_id, e->trust, quiet) > 0)
			c->verdict = KESU_CERT_INVALID;
		char name[1024];
		if (quiet)
			printf("%-17s %s\n", verdict_word(c->verdict), cli_escape(pdf, name, sizeof(name)));
		else if (c->verdict == KESU_CERT_NOT_CERTIFICATE &&
			 !strcmp(c->outcome, "ERASED_WITH_EXCEPTIONS"))
			printf("ERASED WITH EXCEPTIONS\n"); /* its own word; exit 8 all the same */
		else
			printf("%s\n", verdict_word(c->verdict));
		code = verdict_exit(c->verdict);
	}
	free(c);
	return code;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every *.pdf in dir, one line each, then a summary; the exit status is
 * the most severe file's. */
static int verify_dir(struct cli_verify_env *e, const char *dir)
{
	DIR *d = opendir(dir);
	if (!d)
		return cli_error("%s: %s", dir, strerror(errno)), KESU_EXIT_USAGE;
	char **names = NULL;
	size_t n = 0, counts[5] = {0};
	struct dirent *de;
	while ((de = readdir(d)) && n < DIR_FILES_MAX) {
		size_t len = strlen(de->d_name);
		if (len < 5 || strcmp(de->d_name + len - 4, ".pdf"))
			continue;
		char **grown = realloc(names, (n + 1) * sizeof(*names));
		if (!grown)
			break;
		names = grown;
		if (asprintf(&names[n], "%s/%s", dir, de->d_name) >= 0)
			n++;
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	int code = KESU_EXIT_OK;
	for (size_t i = 0; i < n; i++) {
		int one = verify_one(e, names[i], true);
		counts[one == KESU_EXIT_OK ? 0 : one == KESU_EXIT_UNCHECKED ? 1
			: one == KESU_EXIT_NOT_CERTIFICATE ? 2 : one == KESU_EXIT_VERIFY ? 3 : 4]++;
		code = verify_worse(code, one);
		free(names[i]);
	}
	free(names);
	printf(_("%zu PDF files: %zu VALID, %zu UNCHECKED, %zu NOT A CERTIFICATE, %zu INVALID, "
	       "%zu unreadable\n"), n, counts[0], counts[1], counts[2], counts[3], counts[4]);
	return n ? code : (cli_error("%s: no PDF files", dir), KESU_EXIT_USAGE);
}

/* One certificate a batch lists: DIR/kesu-ID.pdf there, verified like any
 * certificate, and the one the batch names. Its line, and its status. */
static int verify_member(struct cli_verify_env *e, const char *dir, const struct kesu_batch_ref *r)
{
	char path[KESU_PATH_MAX], err[KESU_ERRMSG_MAX], safe[2 * KESU_PATH_MAX], why[2 * KESU_ERRMSG_MAX];
	char *payload = NULL, *sig = NULL;
	size_t len = 0, sig_len = 0;
	snprintf(path, sizeof(path), "%s/kesu-%s.pdf", dir, r->certificate_id);
	cli_escape(path, safe, sizeof(safe));
	if (access(path, F_OK) != 0) {
		printf(_("%-17s %s (%s of %s): no such file\n"), "MISSING", safe, r->what, r->medium);
		return KESU_EXIT_VERIFY;
	}
	struct kesu_cert_check *c = calloc(1, sizeof(*c));
	if (!c)
		return KESU_EXIT_FAILURE;
	int rc = kesu_cert_verify_with(path, &e->t, c);
	int code = rc < 0 && rc != -KESU_EVERIFY ? KESU_EXIT_VERIFY : verdict_exit(c->verdict);
	const char *word = rc < 0 && rc != -KESU_EVERIFY ? "INVALID" : verdict_word(c->verdict);
	snprintf(why, sizeof(why), "%s", rc < 0 && rc != -KESU_EVERIFY ? c->file_msg
					 : kesu_cert_check_reason(c));
	if (kesu_pdf_read_payload(path, &payload, &len, &sig, &sig_len, err, sizeof(err)) < 0 ||
	    kesu_batch_ref_check(r, payload, len, err, sizeof(err)) < 0) {
		word = "INVALID";
		code = KESU_EXIT_VERIFY;
		snprintf(why, sizeof(why), _("not the certificate the batch lists: %s"), err);
	}
	printf(_("%-17s %s (%s of %s)%s%s\n"), word, safe, r->what, r->medium, why[0] ? ": " : "",
	       cli_escape(why, err, sizeof(err)));
	free(payload);
	free(sig);
	free(c);
	return code;
}

/* --members DIR: every certificate the batch lists; the worst status. */
static int verify_members(struct cli_verify_env *e, const char *pdf, const char *dir)
{
	char *payload = NULL, *sig = NULL, err[KESU_ERRMSG_MAX];
	size_t len = 0, sig_len = 0, n = 0, counts[4] = {0};
	struct kesu_batch_ref *refs = NULL;
	int rc = kesu_pdf_read_payload(pdf, &payload, &len, &sig, &sig_len, err, sizeof(err));
	if (rc == 0)
		rc = kesu_batch_refs(payload, len, &refs, &n, err, sizeof(err));
	free(payload);
	free(sig);
	if (rc < 0)
		return cli_error("%s: --members: %s", pdf, err), KESU_EXIT_USAGE;
	printf(_("members in %s:\n"), dir);
	int code = KESU_EXIT_OK;
	for (size_t i = 0; i < n; i++) {
		int one = verify_member(e, dir, &refs[i]);
		counts[one == KESU_EXIT_OK ? 0 : one == KESU_EXIT_UNCHECKED ? 1
			: one == KESU_EXIT_NOT_CERTIFICATE ? 2 : 3]++;
		code = verify_worse(code, one);
	}
	printf(ngettext("%zu certificate listed: %zu VALID, %zu UNCHECKED, %zu NOT A CERTIFICATE, "
			"%zu INVALID or missing\n",
			"%zu certificates listed: %zu VALID, %zu UNCHECKED, %zu NOT A CERTIFICATE, "
			"%zu INVALID or missing\n", (unsigned long)n),
	       n, counts[0], counts[1], counts[2], counts[3]);
	free(refs);
	return code;
}

static int cli_cert_verify(const char *target, const struct verify_ctl *v, const char *members)
{
	struct cli_verify_env *e;
	int code = cli_verify_open(&e, v);
	struct stat sb;
	bool dir = stat(target, &sb) == 0 && S_ISDIR(sb.st_mode);
	if (code == KESU_EXIT_OK && members && dir)
		code = (cli_error("cert verify: --members goes with one batch certificate, not a folder"),
			KESU_EXIT_USAGE);
	else if (code == KESU_EXIT_OK)
		code = dir ? verify_dir(e, target) : verify_one(e, target, false);
	/* the batch itself first; its members whatever it came to */
	if (members && (code == KESU_EXIT_OK || code == KESU_EXIT_VERIFY ||
			code == KESU_EXIT_NOT_CERTIFICATE || code == KESU_EXIT_UNCHECKED))
		code = verify_worse(code, verify_members(e, target, members));
	cli_verify_close(e);
	return code;
}

int cmd_cert_verify(int argc, char **argv)
{
	enum { O_PUBKEY = 256, O_LEDGER, O_NO_LEDGER, O_TRUST, O_MEMBERS };
	static const struct option opts[] = {
		{"pubkey", required_argument, NULL, O_PUBKEY}, {"ledger", required_argument, NULL, O_LEDGER},
		{"no-ledger", no_argument, NULL, O_NO_LEDGER}, {"trust", required_argument, NULL, O_TRUST},
		{"members", required_argument, NULL, O_MEMBERS},
		{"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	struct verify_ctl v = {0};
	const char *members = NULL;
	int c;
	while ((c = cli_getopt(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_PUBKEY: v.pubkey = optarg; break;
		case O_LEDGER: v.ledger = optarg; break;
		case O_NO_LEDGER: v.no_ledger = true; break;
		case O_MEMBERS: members = optarg; break;
		case O_TRUST:
			if (cli_verify_trust_arg(&v, optarg) != KESU_EXIT_OK)
				return KESU_EXIT_USAGE;
			break;
		case 'h': cli_cert_usage(stdout); return KESU_EXIT_OK;
		default: return cli_bad_option("cert verify");
		}
	}
	if (argc - optind != 1)
		return cli_error("cert verify: name one PDF file or folder"), KESU_EXIT_USAGE;
	return cli_cert_verify(argv[optind], &v, members);
}
