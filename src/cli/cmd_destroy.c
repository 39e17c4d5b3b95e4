/* kesu destroy: records the physical destruction of a storage medium
 * (issue 16) and issues its 物理破壊証明書. The medium is an attached
 * drive (its identity is read; nothing is written to it) or one that can
 * no longer be attached, named by serial or asset number. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "kesu/cert.h"
#include "kesu/destroy.h"
#include "kesu/disposal.h"
#include "kesu/gate.h"

struct destroy_ctl {
	const char *device, *serial, *model, *media_type, *technique_name;
	const char *location, *contractor, *note;
	const char *approval, *policy, *trust, *ledger, *cert_dir, *key, *passphrase_file;
	const char *photo_paths[KESU_DESTROY_PHOTOS_MAX];
	size_t nphotos;
	bool json;
	enum kesu_destroy_technique technique;
	struct kesu_job_context ctx;
	struct cli_signing_flags signing;
};

static void destroy_usage(FILE *out)
{
	fputs(_("Usage: kesu destroy (DEVICE | --serial S [--model M] | --asset A)\n"
	      "                    --technique drill|crush|shred|disintegrate|incinerate|degauss\n"
	      "                    [--witness NAME] [--location L] [--contractor ORG]\n"
	      "                    [--photo FILE]... [--approval FILE] [--note TEXT] [OPTIONS]\n\n"
	      "Records the physical destruction of a storage medium in the ledger (a signed\n"
	      "record, linked to the medium's earlier erasure jobs) and issues its\n"
	      "物理破壊証明書 / Certificate of Physical Destruction, signed like a wipe's\n"
	      "certificate. The medium is an attached DEVICE (its identity is read; it must\n"
	      "not be the system disk; nothing is written to it), or one that can no longer\n"
	      "be attached, named by --serial (and --model) or --asset.\n\n"
	      "What each technique reaches (docs/methods.md, NIST SP 800-88 Rev.1 App. A):\n"
	      "shred, disintegrate, incinerate: Destroy (on flash only when every chip is\n"
	      "broken up); degauss: Purge on magnetic media (HDD, tape), refused on flash\n"
	      "and optical media; drill, crush: the standard's physical destruction (notes\n"
	      "11, 18), but no NIST level: undamaged pieces may still be read in a lab.\n\n"
	      "  --technique T          how the medium was destroyed (required)\n"
	      "  --serial S, --model M  a medium that is not attached\n"
	      "  --asset A              its asset number (alone, or with DEVICE or --serial)\n"
	      "  --media-type TYPE      hdd, ssd, flash, tape, optical or unknown (default) for\n"
	      "                         a medium that is not attached; the level depends on it\n"
	      "  --photo FILE           a JPEG or PNG photograph (up to 8, 8 MiB each, 24 MiB in\n"
	      "                         all): hashed into the record, embedded in the PDF\n"
	      "  --witness NAME         who witnessed it (立会者; the policy may require one)\n"
	      "  --location L           where it was destroyed\n"
	      "  --contractor ORG       the contractor who destroyed it (委託先)\n"
	      "  --note TEXT            a remark for the record (備考)\n"
	      "  --approval FILE        the prior approval (事前承認) naming the medium; its\n"
	      "                         entry must be unspent (a FAILED wipe does not spend it)\n"
	      "  --policy FILE, --trust PATH   as for kesu wipe\n"
	      "  --operator NAME, --operator-title T, --organisation O, --department D,\n"
	      "  --approver NAME, --class I|II|III, --purpose P   the record's people, as for wipe\n"
	      "  --ledger PATH, --cert-dir DIR, --key PATH, --passphrase-file F\n"
	      "  -J, --json             print the result as JSON\n\n"
	      "Exit status: 0 recorded and certified; 1 failure; 2 bad input (nothing\n"
	      "recorded: a missing or non-image photo, an unknown technique, degaussing a\n"
	      "flash medium); 5 refused (the system disk, the approval, the policy).\n\n"),
	      out);
	fputs(_(cli_signing_help), out);
}

/* A free text for the record: valid, at most 128 characters. */
static bool text_arg(const char *flag, const char *value, const char **out)
{
	size_t chars = 0;
	for (const char *s = value; *s; s++)
		chars += ((unsigned char)*s & 0xc0) != 0x80;
	if (!cli_check_text(flag, value))
		return false;
	if (chars == 0 || chars > 128) {
		cli_error("%s: %zu characters (1 to 128)", flag, chars);
		return false;
	}
	*out = value;
	return true;
}

enum { O_TECHNIQUE = 256, O_SERIAL, O_MODEL, O_ASSET, O_MEDIA_TYPE, O_PHOTO, O_WITNESS,
       O_LOCATION, O_CONTRACTOR, O_NOTE, O_APPROVAL, O_POLICY, O_TRUST, O_LEDGER, O_CERT_DIR,
       O_KEY, O_PASSFILE, O_JSON, O_OPERATOR, O_OP_TITLE, O_ORG, O_DEPT, O_APPROVER, O_CLASS,
       O_PURPOSE };

static int context_option(int c, const char *arg, struct destroy_ctl *ctl)
{
	static const struct {
		int opt;
		enum kesu_ctx_field field;
		const char *flag;
	} fields[] = {
		{O_OPERATOR, KESU_CTX_OPERATOR, "--operator"},
		{O_OP_TITLE, KESU_CTX_OPERATOR_TITLE, "--operator-title"},
		{O_ORG, KESU_CTX_ORGANISATION, "--organisation"},
		{O_DEPT, KESU_CTX_DEPARTMENT, "--department"},
		{O_APPROVER, KESU_CTX_APPROVER, "--approver"},
		{O_CLASS, KESU_CTX_CLASS, "--class"},
		{O_PURPOSE, KESU_CTX_PURPOSE, "--purpose"},
		{O_WITNESS, KESU_CTX_WITNESS, "--witness"},
		{O_ASSET, KESU_CTX_ASSET_NUMBER, "--asset"},
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].opt == c)
			return cli_set_field(&ctl->ctx, fields[i].field, fields[i].flag, arg) ? 1 : -1;
	return 0;
}

static int option(int c, const char *arg, struct destroy_ctl *ctl)
{
	int field = context_option(c, arg, ctl);
	if (field)
		return field > 0 ? 0 : -1;
	switch (c) {
	case O_TECHNIQUE: ctl->technique_name = arg; return 0;
	case O_SERIAL: return text_arg("--serial", arg, &ctl->serial) ? 0 : -1;
	case O_MODEL: return text_arg("--model", arg, &ctl->model) ? 0 : -1;
	case O_MEDIA_TYPE: ctl->media_type = arg; return 0;
	case O_LOCATION: return text_arg("--location", arg, &ctl->location) ? 0 : -1;
	case O_CONTRACTOR: return text_arg("--contractor", arg, &ctl->contractor) ? 0 : -1;
	case O_NOTE: return text_arg("--note", arg, &ctl->note) ? 0 : -1;
	case O_APPROVAL: ctl->approval = arg; return 0;
	case O_POLICY: ctl->policy = arg; return 0;
	case O_TRUST: ctl->trust = arg; return 0;
	case O_LEDGER: ctl->ledger = arg; return 0;
	case O_CERT_DIR: ctl->cert_dir = arg; return 0;
	case O_KEY: ctl->key = arg; return 0;
	case O_PASSFILE: ctl->passphrase_file = arg; return 0;
	case 'J': /* -J: --json, as lsblk and smartctl */
	case O_JSON: ctl->json = true; return 0;
	case O_PHOTO:
		if (ctl->nphotos == KESU_DESTROY_PHOTOS_MAX) {
			cli_error("--photo: at most %d photographs", KESU_DESTROY_PHOTOS_MAX);
			return -1;
		}
		ctl->photo_paths[ctl->nphotos++] = arg;
		return 0;
	default:
		return cli_signing_option(c, arg, &ctl->signing) ? 0 : -2;
	}
}

/* The medium named one way, the technique known, the media type only
 * where it is not read from the drive. */
static int check_args(struct destroy_ctl *ctl)
{
	bool asset = ctl->ctx.asset_number[0] != '\0';
	if (!ctl->technique_name) {
		cli_error("destroy: --technique is required (drill, crush, shred, disintegrate, "
			  "incinerate or degauss)");
		return -1;
	}
	ctl->technique = kesu_destroy_technique_parse(ctl->technique_name);
	if (!ctl->technique) {
		cli_error("--technique: unknown technique \"%s\" (drill, crush, shred, "
			  "disintegrate, incinerate or degauss)", ctl->technique_name);
		return -1;
	}
	if (ctl->device && ctl->serial) {
		cli_error("destroy: name the medium once: DEVICE, or --serial for one not attached");
		return -1;
	}
	if (!ctl->device && !ctl->serial && !asset) {
		cli_error("destroy: name the medium: DEVICE, --serial S or --asset A");
		return -1;
	}
	if (ctl->model && !ctl->serial) {
		cli_error("--model: only with --serial (an attached drive's model is read)");
		return -1;
	}
	if (ctl->device && ctl->media_type) {
		cli_error("--media-type: only for a medium that is not attached (the drive's is read)");
		return -1;
	}
	if (ctl->media_type && !kesu_destroy_media_type(ctl->media_type)) {
		cli_error("--media-type: unknown type \"%s\" (hdd, ssd, flash, tape, optical or "
			  "unknown)", ctl->media_type);
		return -1;
	}
	return ctl->device && !cli_check_text("DEVICE", ctl->device) ? -1 : 0;
}

static int parse_destroy(int argc, char **argv, struct destroy_ctl *ctl)
{
	static const struct option opts[] = {
		{"technique", required_argument, NULL, O_TECHNIQUE},
		{"serial", required_argument, NULL, O_SERIAL},
		{"model", required_argument, NULL, O_MODEL},
		{"asset", required_argument, NULL, O_ASSET},
		{"media-type", required_argument, NULL, O_MEDIA_TYPE},
		{"photo", required_argument, NULL, O_PHOTO},
		{"witness", required_argument, NULL, O_WITNESS},
		{"location", required_argument, NULL, O_LOCATION},
		{"contractor", required_argument, NULL, O_CONTRACTOR},
		{"note", required_argument, NULL, O_NOTE},
		{"approval", required_argument, NULL, O_APPROVAL},
		{"policy", required_argument, NULL, O_POLICY},
		{"trust", required_argument, NULL, O_TRUST},
		{"ledger", required_argument, NULL, O_LEDGER},
		{"cert-dir", required_argument, NULL, O_CERT_DIR},
		{"key", required_argument, NULL, O_KEY},
		{"passphrase-file", required_argument, NULL, O_PASSFILE},
		{"json", no_argument, NULL, O_JSON},
		{"operator", required_argument, NULL, O_OPERATOR},
		{"operator-title", required_argument, NULL, O_OP_TITLE},
		{"organisation", required_argument, NULL, O_ORG},
		{"department", required_argument, NULL, O_DEPT},
		{"approver", required_argument, NULL, O_APPROVER},
		{"class", required_argument, NULL, O_CLASS},
		{"purpose", required_argument, NULL, O_PURPOSE},
		CLI_SIGNING_OPTIONS,
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;
	optind = 1;
	while ((c = cli_getopt(argc, argv, "hJ", opts, NULL)) != -1) {
		if (c == 'h') {
			destroy_usage(stdout);
			return 1;
		}
		int r = option(c, optarg, ctl);
		if (r == -2)
			cli_bad_option("destroy");
		if (r)
			return -1;
	}
	if (argc - optind > 1) {
		cli_error("destroy: one medium at a time");
		return -1;
	}
	ctl->device = optind < argc ? argv[optind] : NULL;
	return check_args(ctl);
}

struct destroy_run {
	struct destroy_ctl *ctl;
	struct cli_station *st;
	struct cli_disposal disposal;
	struct kesu_device dev;
	struct kesu_destroy_target target;
	struct kesu_destroy_photo photos[KESU_DESTROY_PHOTOS_MAX];
	struct kesu_destroy_level level;
	char *approval_json, *earlier_json, *record;
	size_t nearlier;
	char job_id[KESU_JOB_ID_LEN + 1], cert_id[32], hash[65], pdf_path[KESU_PATH_MAX];
	uint64_t seq;
	uint64_t head; /* the ledger's last record when judged */
};

static int load_photos(struct destroy_run *r)
{
	char err[KESU_ERRMSG_MAX];
	size_t total = 0;
	for (size_t i = 0; i < r->ctl->nphotos; i++) {
		int rc = kesu_destroy_photo_load(r->ctl->photo_paths[i], (unsigned)i + 1, &r->photos[i],
						 err, sizeof(err));
		if (rc < 0) {
			cli_error("--photo %s", err);
			return KESU_EXIT_USAGE;
		}
		total += r->photos[i].len;
	}
	if (total > KESU_DESTROY_PHOTOS_TOTAL) {
		cli_error("--photo: %zu bytes of photographs, more than %u MiB in all", total,
			  KESU_DESTROY_PHOTOS_TOTAL >> 20);
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

/* An attached drive: read, never written, so only what makes it the
 * system's (system disk, mounted, swap, held, kesu's own file) refuses
 * it; a read-only drive is exactly one that may need destroying. */
static int probe_device(struct destroy_run *r)
{
	struct kesu_gate_verdict v;
	const struct kesu_gate_own_files *own = cli_station_own_files(r->st, &r->st->own);
	int rc = kesu_gate_check(r->ctl->device, NULL, true, own, &r->dev, &v);
	if (rc == -KESU_EREFUSED && (v.refusals & ~(unsigned)KESU_REFUSE_READ_ONLY) == 0)
		rc = 0;
	if (rc == -KESU_EREFUSED) {
		cli_error("%s: refused: %s", r->ctl->device, v.reason);
		return KESU_EXIT_REFUSED;
	}
	if (rc < 0) {
		cli_error("%s: %s", r->ctl->device, kesu_strerror(rc));
		return cli_exit_for(rc);
	}
	r->target = (struct kesu_destroy_target){
		.device = &r->dev, .serial = r->dev.serial, .model = r->dev.model,
		.asset = r->ctl->ctx.asset_number, .media_type = kesu_media_name(&r->dev),
		.size = r->dev.size};
	return KESU_EXIT_OK;
}

static int settle_level(struct destroy_run *r)
{
	char err[KESU_ERRMSG_MAX];
	if (kesu_destroy_level_of(r->ctl->technique, r->target.media_type, &r->level, err,
				  sizeof(err)) < 0) {
		cli_error("--technique %s: %s", r->ctl->technique_name, err);
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

static const char *medium_name(const struct destroy_run *r)
{
	return r->ctl->device ? r->ctl->device
	       : r->target.serial && r->target.serial[0] ? r->target.serial : r->target.asset;
}

static int judge(struct destroy_run *r)
{
	const struct kesu_job_context *ctx = &r->st->cfg.ctx;
	struct kesu_disposal_verdict v;
	char err[KESU_ERRMSG_MAX];
	if (kesu_ledger_head_seq(r->st->ledger, &r->head, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		return KESU_EXIT_FAILURE;
	}
	int rc = kesu_destroy_judge(&r->disposal.policy, r->disposal.approval, r->st->ledger,
				    &r->target, ctx->classification, ctx->purpose,
				    ctx->witness[0] != '\0', time(NULL), &v);
	if (rc == -KESU_EREFUSED) {
		if (v.stop == KESU_DISPOSAL_POLICY)
			cli_policy_refusal(v.policy, ctx->classification, v.detail);
		else if (v.stop == KESU_DISPOSAL_SPENT)
			cli_error("%s: %s: a second disposal under one approval entry is refused "
				  "(§3.2(9)c); ask for a new approval", medium_name(r), v.detail);
		else
			cli_error("%s: refused by the approval (§3.2(9)c): %s", medium_name(r),
				  v.detail);
		return KESU_EXIT_REFUSED;
	}
	if (rc < 0) {
		cli_error("%s", v.detail);
		return cli_exit_for(rc);
	}
	if (r->disposal.approval) {
		r->approval_json = kesu_approval_record_json(r->disposal.approval, v.entry);
		if (!r->approval_json)
			return KESU_EXIT_FAILURE;
	}
	return KESU_EXIT_OK;
}

static int record(struct destroy_run *r)
{
	char err[KESU_ERRMSG_MAX], subject[200];
	int rc = kesu_destroy_earlier_jobs(r->st->ledger, &r->target, &r->earlier_json,
					   &r->nearlier, err, sizeof(err));
	if (rc < 0) {
		cli_error("%s", err);
		return cli_exit_for(rc);
	}
	time_t now = time(NULL);
	struct kesu_destroy_facts f = {
		.technique = r->ctl->technique, .level = r->level, .location = r->ctl->location,
		.contractor = r->ctl->contractor, .note = r->ctl->note, .photos = r->photos,
		.nphotos = r->ctl->nphotos, .earlier_jobs_json = r->earlier_json,
		.approval_json = r->approval_json, .started = now, .ended = now};
	kesu_ledger_new_id(r->job_id);
	kesu_certificate_id(r->cert_id);
	size_t len = 0;
	r->record = kesu_destroy_record(&r->target, &f, &r->st->cfg.ctx, r->job_id, r->cert_id, &len);
	if (!r->record) {
		cli_error("%s: cannot build the record", medium_name(r));
		return KESU_EXIT_FAILURE;
	}
	kesu_destroy_subject(&r->target, subject, sizeof(subject));
	rc = kesu_ledger_append_at(r->st->ledger, r->head, subject, "destruction", r->record, len,
				   r->st->sk, r->job_id, &r->seq, r->hash, err, sizeof(err));
	if (rc == -EAGAIN)
		return rc;
	if (rc < 0) {
		cli_error("%s", err);
		return cli_exit_for(rc);
	}
	return KESU_EXIT_OK;
}

static int certify(struct destroy_run *r, const struct kesu_cert_signing *signing)
{
	char err[KESU_ERRMSG_MAX];
	struct kesu_pdf_file files[KESU_DESTROY_PHOTOS_MAX];
	for (size_t i = 0; i < r->ctl->nphotos; i++)
		files[i] = (struct kesu_pdf_file){r->photos[i].name, r->photos[i].data,
						  r->photos[i].len};
	size_t len = 0;
	char *payload = kesu_destroy_payload(r->record, r->seq, r->hash, time(NULL), &len);
	struct kesu_pdf_style style;
	kesu_config_pdf_style(&r->st->cfg, &style);
	int rc = payload ? kesu_cert_issue_files(payload, len, files, r->ctl->nphotos, r->st->sk,
						 r->st->cert_dir, &style, signing, r->pdf_path,
						 sizeof(r->pdf_path), err, sizeof(err))
			 : -ENOMEM;
	free(payload);
	if (rc < 0) {
		cli_error("record %llu (job %s) is in the ledger, but its certificate was not "
			  "written: %s", (unsigned long long)r->seq, r->job_id,
			  payload ? err : _("out of memory"));
		return KESU_EXIT_FAILURE;
	}
	return KESU_EXIT_OK;
}

static void report(const struct destroy_run *r)
{
	const char *technique = kesu_destroy_technique_name(r->ctl->technique);
	if (!r->ctl->json) {
		printf("%s: 物理破壊証明書 / certificate of physical destruction for %s (%s, NIST "
		       "SP 800-88 level %s; record %llu, job %s; %zu earlier job%s, %zu photo%s)\n",
		       r->pdf_path, medium_name(r), technique, r->level.level,
		       (unsigned long long)r->seq, r->job_id, r->nearlier, r->nearlier == 1 ? "" : "s",
		       r->ctl->nphotos, r->ctl->nphotos == 1 ? "" : "s");
		if (r->level.caveat_en[0])
			fprintf(stderr, _("kesu: note: %s\n"), r->level.caveat_en);
		return;
	}
	struct json_object *o = json_object_new_object(), *ph = json_object_new_array();
	for (size_t i = 0; i < r->ctl->nphotos; i++) {
		struct json_object *p = json_object_new_object();
		json_object_object_add(p, "name", json_object_new_string(r->photos[i].name));
		json_object_object_add(p, "sha256", json_object_new_string(r->photos[i].sha256));
		json_object_array_add(ph, p);
	}
	json_object_object_add(o, "certificate", json_object_new_string(r->pdf_path));
	json_object_object_add(o, "certificate_id", json_object_new_string(r->cert_id));
	json_object_object_add(o, "earlier_jobs", json_tokener_parse(r->earlier_json));
	json_object_object_add(o, "job_id", json_object_new_string(r->job_id));
	json_object_object_add(o, "nist_level", json_object_new_string(r->level.level));
	json_object_object_add(o, "outcome", json_object_new_string("DESTROYED"));
	json_object_object_add(o, "photos", ph);
	json_object_object_add(o, "record_hash", json_object_new_string(r->hash));
	json_object_object_add(o, "seq", json_object_new_int64((int64_t)r->seq));
	json_object_object_add(o, "technique", json_object_new_string(technique));
	cli_print_json(o);
	json_object_put(o);
}

static int prepare(struct destroy_run *r)
{
	struct destroy_ctl *ctl = r->ctl;
	char err[KESU_ERRMSG_MAX];
	struct kesu_method_set *methods = NULL;
	int code = load_photos(r);
	if (code == KESU_EXIT_OK && !ctl->device) {
		r->target = (struct kesu_destroy_target){
			.serial = ctl->serial, .model = ctl->model, .asset = ctl->ctx.asset_number,
			.media_type = kesu_destroy_media_type(ctl->media_type ? ctl->media_type
									       : "unknown")};
		code = settle_level(r); /* before any prompt: bad input records nothing */
	}
	if (code == KESU_EXIT_OK)
		code = cli_station_context(r->st, &ctl->ctx, "destroy", N_("who destroyed the medium"));
	if (code == KESU_EXIT_OK && kesu_method_set_load(&methods, NULL, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		code = KESU_EXIT_FAILURE;
	}
	if (code == KESU_EXIT_OK)
		code = cli_disposal_load(&r->disposal, r->st, &ctl->ctx, methods, ctl->approval,
					 ctl->policy, ctl->trust);
	kesu_method_set_free(methods);
	if (code == KESU_EXIT_OK)
		code = cli_station_paths(r->st, ctl->ledger, ctl->cert_dir, ctl->key);
	if (code == KESU_EXIT_OK && ctl->device)
		code = probe_device(r);
	if (code == KESU_EXIT_OK && ctl->device)
		code = settle_level(r);
	if (code == KESU_EXIT_OK)
		code = cli_station_open_records(r->st, ctl->ledger, ctl->key, ctl->passphrase_file);
	return code;
}

/* Judged and recorded as one step: when another process records
 * something in between (a wipe or destruction under the same approval
 * entry), the append is refused and the medium judged again. */
static int judge_and_record(struct destroy_run *r)
{
	for (int attempt = 0; attempt < 8; attempt++) {
		int code = judge(r);
		if (code == KESU_EXIT_OK)
			code = record(r);
		if (code != -EAGAIN)
			return code;
		free(r->approval_json);
		free(r->earlier_json);
		free(r->record);
		r->approval_json = r->earlier_json = r->record = NULL;
	}
	cli_error("%s: the ledger kept changing; nothing recorded, try again", medium_name(r));
	return KESU_EXIT_FAILURE;
}

int cmd_destroy(int argc, char **argv)
{
	struct destroy_ctl ctl = {0};
	int parsed = parse_destroy(argc, argv, &ctl);
	if (parsed)
		return parsed > 0 ? KESU_EXIT_OK : KESU_EXIT_USAGE;
	struct destroy_run *r = calloc(1, sizeof(*r));
	struct cli_station *st = calloc(1, sizeof(*st));
	if (!r || !st) {
		free(r);
		free(st);
		return KESU_EXIT_FAILURE;
	}
	r->ctl = &ctl;
	r->st = st;
	int code = prepare(r);
	struct cli_signing signing = {0};
	ctl.signing.passphrase_file = ctl.passphrase_file;
	if (code == KESU_EXIT_OK) /* before the record: a record without its certificate is rare */
		code = cli_signing_open(st, &ctl.signing, &signing);
	if (code == KESU_EXIT_OK)
		code = judge_and_record(r);
	if (code == KESU_EXIT_OK)
		code = certify(r, &signing.cs);
	if (code == KESU_EXIT_OK)
		report(r);
	cli_signing_close(&signing);
	for (size_t i = 0; i < ctl.nphotos; i++)
		kesu_destroy_photo_free(&r->photos[i]);
	free(r->approval_json);
	free(r->earlier_json);
	free(r->record);
	cli_disposal_free(&r->disposal);
	if (r->seq) /* server = URL: push_after_job.c */
		code = cli_push_after_job(st, code);
	cli_station_close(st);
	free(st);
	free(r);
	return code;
}
