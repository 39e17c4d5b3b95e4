/* kesu wipe: erase drives with a method, each drive in its own job and
 * thread, behind the safety gate and the operator's confirmation. */
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/clock.h"

struct wipe_ctl {
	const char *method_id;
	const char *methods_dir;
	struct kesu_job_options job;
	enum cli_progress progress;
	bool json, yes, force, dry_run, restart, details;
	unsigned channel_flags;      /* KESU_CHANNEL_ALLOW_USB */
	const char *namespaces;      /* --namespaces: other NVMe namespaces --yes confirms */
	enum cli_hpa_mode hpa;
	char **devices;
	size_t ndevices;
	/* The record: who, for whom, why; where it goes. */
	struct kesu_job_context ctx; /* flags only; the config fills the rest */
	const char *assets;          /* comma-separated, one per drive in order */
	const char *ledger, *cert_dir, *key, *passphrase_file;
	const char *log;             /* --log FILE | syslog (oplog.c) */
	/* The disposal process (issue 14): what must hold before writing. */
	const char *approval, *policy, *trust;
	struct cli_signing_flags signing; /* the certificate's PDF signature */
};

struct drive {
	const char *arg;
	struct kesu_device dev;
	int fd;
	struct kesu_job *job;
	pthread_t thread;
	bool started;
	struct kesu_wipe *wipe;      /* the job's life in the ledger (kesu/wipe.h) */
	char asset[sizeof(((struct kesu_job_context *)0)->asset_number)];
	struct cli_firmware fw;      /* channel, caps, the method it runs */
	struct kesu_gate_verdict verdict; /* the gate's, for the confirmation */
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void wipe_usage(FILE *out)
{
	fprintf(out, _("Usage: kesu wipe [OPTIONS] DEVICE...\n\n"
	      "Erases each DEVICE (block device or image file) with a method, then reads\n"
	      "it back as the method or --verify says. Every drive goes through the\n"
	      "safety gate; if any is refused or not confirmed, nothing is written.\n"
	      "Drives are erased at the same time, each in its own job.\n\n"
	      "  -m, --method ID          erasure method (default %s; kesu methods)\n"
	      "      --methods-dir DIR    also load DIR/*.method\n"
	      "      --verify MODE        sample, full or none (default: the method's; none:\n"
	      "                           no certificate, exit status 7)\n"
	      "      --verify-passes P    last or all (default: the method's)\n"
	      "      --verify-percent N   sampled coverage in percent, 1 to 100 (default 10)\n"
	      "      --request-size SIZE  bytes per write, e.g. 1M, 4M (default 4M)\n"
	      "      --retries N          attempts after a media error, 0 to 100 (default 3)\n"
	      "      --progress MODE      auto, tty, json or none (default auto: tty at a terminal)\n"
	      "  -J, --json               print the job results as JSON on stdout\n"
	      "  -y, --yes                confirm without asking (scripts)\n"
	      "  -f, --force              with --yes: erase drives holding partitions or filesystems\n"
	      "  -n, --dry-run            make every check the real run makes (gate, approval,\n"
	      "                           policy, confirmation, unfinished job, ledger, key)\n"
	      "                           and write nothing; --json: a report of the checks\n"
	      "      --stop-after-pass N  stop after pass N, 1 to 64 (for testing; INTERRUPTED)\n"
	      "\nFirmware methods (the drive erases itself; kesu methods lists them):\n"
	      "      --hpa MODE           check (default: warn; Security Erase refuses), restore\n"
	      "                           (remove a Host Protected Area first, so its sectors\n"
	      "                           are erased too) or keep (erase without them). Hidden\n"
	      "                           sectors left make the job ERASED_WITH_EXCEPTIONS\n"
	      "                           (exit 10): its certificate says what remains\n"
	      "      --allow-usb          send ATA/NVMe commands through a USB bridge\n"
	      "      --poll-interval MS   how often to ask a sanitizing drive (default 1000)\n"
	      "\nThe record (every job goes to the ledger; a SUCCESS gets a signed certificate):\n"
	      "      --operator NAME      who erases (required here or in the config file)\n"
	      "      --operator-title T, --organisation ORG, --department DEPT, --location L, --phone P\n"
	      "      --approver NAME      who approved the disposal beforehand\n"
	      "      --class I|II|III     information class of the data on the drive\n"
	      "      --purpose P          disposal, lease-return, repair or reuse\n"
	      "      --asset N[,N...]     asset / property numbers, one per DEVICE in order\n"
	      "      --witness NAME       who witnessed the erasure (立会者; the policy may require one)\n"
	      "\nThe disposal process (docs/workflow.md; checked before anything is written):\n"
	      "      --approval FILE      the signed prior approval (事前承認, kesu approve) that\n"
	      "                           names these drives; its class and purpose apply\n"
	      "      --policy FILE        the policy profile (default: the config's, else the\n"
	      "                           built-in one: approval for class I and II, a witness\n"
	      "                           for class I; kesu policy show)\n"
	      "      --trust PATH         the trust store the approver's key must be in\n"
	      "      --ledger PATH        the ledger (default ~/.local/share/kesu/ledger.sqlite)\n"
	      "      --cert-dir DIR       certificates (default ~/.local/share/kesu/certificates)\n"
	      "      --key PATH           the station key (default ~/.config/kesu/station.key;\n"
	      "                           made on first use)\n"
	      "      --passphrase-file F  the key's passphrase, for scripts\n"
	      "      --restart            close an unfinished job for the drive with a signed\n"
	      "                           ABANDONED record and start anew (default: resume it,\n"
	      "                           once the drive proves it holds what the job wrote)\n"
	      "      --log FILE|syslog    the operations log: one JSON line per event (started,\n"
	      "                           pass, verify, outcome, errors; config log)\n"
	      "      --details            a details page at the end of the certificate: each\n"
	      "                           pass's speed over the drive, SMART before and after\n"
	      "      --checkpoint-interval S  sync and checkpoint every S seconds, 0.1 to 600\n"
	      "                           (default 5):\n"
	      "                           at most that much work is redone after a crash\n"
	      "  -h, --help               this help\n"),
	      KESU_METHOD_DEFAULT);
	fputs(_(cli_signing_help), out);
	fputs(_(cli_namespaces_help), out);
}

/* Options that contradict each other are refused, not one silently
 * ignored: --verify none reads nothing back, --verify full reads it all. */
static bool verify_options_agree(const struct kesu_job_options *job)
{
	const char *mode = job->verify_mode == KESU_VMODE_NONE ? "none"
			   : job->verify_mode == KESU_VMODE_FULL ? "full" : NULL;
	if (mode && job->verify_percent > 0) {
		cli_error("wipe: --verify-percent and --verify %s contradict each other (a percentage "
			  "is for --verify sample)", mode);
		return false;
	}
	if (job->verify_mode == KESU_VMODE_NONE && job->verify_passes != KESU_VPASSES_DEFAULT) {
		cli_error("wipe: --verify-passes and --verify none contradict each other (none "
			  "reads nothing back)");
		return false;
	}
	return true;
}

static int parse_wipe(int argc, char **argv, struct wipe_ctl *ctl)
{
	enum { O_METHODS_DIR = 256, O_VERIFY, O_VPASSES, O_VPERCENT, O_REQUEST, O_RETRIES,
	       O_PROGRESS, O_JSON, O_STOP_AFTER, O_OPERATOR, O_OP_TITLE, O_ORG, O_DEPT, O_LOCATION,
	       O_PHONE, O_APPROVER, O_CLASS, O_PURPOSE, O_ASSET, O_LEDGER, O_CERT_DIR, O_KEY,
	       O_PASSFILE, O_RESTART, O_CHECKPOINT, O_HPA, O_ALLOW_USB, O_POLL, O_WITNESS,
	       O_APPROVAL, O_POLICY, O_TRUST, O_DETAILS, O_LOG, O_NAMESPACES };
	static const struct option opts[] = {
		{"method", required_argument, NULL, 'm'},
		{"methods-dir", required_argument, NULL, O_METHODS_DIR},
		{"verify", required_argument, NULL, O_VERIFY},
		{"verify-passes", required_argument, NULL, O_VPASSES},
		{"verify-percent", required_argument, NULL, O_VPERCENT},
		{"request-size", required_argument, NULL, O_REQUEST},
		{"retries", required_argument, NULL, O_RETRIES},
		{"progress", required_argument, NULL, O_PROGRESS},
		{"json", no_argument, NULL, O_JSON},
		{"yes", no_argument, NULL, 'y'},
		{"force", no_argument, NULL, 'f'},
		{"dry-run", no_argument, NULL, 'n'},
		{"stop-after-pass", required_argument, NULL, O_STOP_AFTER},
		{"operator", required_argument, NULL, O_OPERATOR},
		{"operator-title", required_argument, NULL, O_OP_TITLE},
		{"organisation", required_argument, NULL, O_ORG},
		{"organization", required_argument, NULL, O_ORG},
		{"department", required_argument, NULL, O_DEPT},
		{"location", required_argument, NULL, O_LOCATION},
		{"phone", required_argument, NULL, O_PHONE},
		{"approver", required_argument, NULL, O_APPROVER},
		{"class", required_argument, NULL, O_CLASS},
		{"purpose", required_argument, NULL, O_PURPOSE},
		{"asset", required_argument, NULL, O_ASSET},
		{"ledger", required_argument, NULL, O_LEDGER},
		{"cert-dir", required_argument, NULL, O_CERT_DIR},
		{"key", required_argument, NULL, O_KEY},
		{"passphrase-file", required_argument, NULL, O_PASSFILE},
		{"restart", no_argument, NULL, O_RESTART},
		{"details", no_argument, NULL, O_DETAILS},
		{"log", required_argument, NULL, O_LOG},
		{"checkpoint-interval", required_argument, NULL, O_CHECKPOINT},
		{"hpa", required_argument, NULL, O_HPA},
		{"allow-usb", no_argument, NULL, O_ALLOW_USB},
		{"poll-interval", required_argument, NULL, O_POLL},
		{"namespaces", required_argument, NULL, O_NAMESPACES},
		{"witness", required_argument, NULL, O_WITNESS},
		{"approval", required_argument, NULL, O_APPROVAL},
		{"policy", required_argument, NULL, O_POLICY},
		{"trust", required_argument, NULL, O_TRUST},
		CLI_SIGNING_OPTIONS,
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	*ctl = (struct wipe_ctl){.method_id = KESU_METHOD_DEFAULT, .job.retries = -1};
	const char *progress = "auto";
	int c, longindex = 0;
	unsigned long long n;
	while ((c = cli_getopt(argc, argv, "m:yfnhJ", opts, &longindex)) != -1) {
		switch (c) {
		case 'm': ctl->method_id = optarg; break;
		case O_METHODS_DIR: ctl->methods_dir = optarg; break;
		case O_VERIFY:
			if (!strcmp(optarg, "sample")) ctl->job.verify_mode = KESU_VMODE_SAMPLE;
			else if (!strcmp(optarg, "full")) ctl->job.verify_mode = KESU_VMODE_FULL;
			else if (!strcmp(optarg, "none")) ctl->job.verify_mode = KESU_VMODE_NONE;
			else return cli_error("--verify: \"%s\" is not sample, full or none", optarg), -1;
			break;
		case O_VPASSES:
			if (!strcmp(optarg, "last")) ctl->job.verify_passes = KESU_VPASSES_LAST;
			else if (!strcmp(optarg, "all")) ctl->job.verify_passes = KESU_VPASSES_ALL;
			else return cli_error("--verify-passes: \"%s\" is not last or all", optarg), -1;
			break;
		case O_VPERCENT:
			if (!cli_parse_decimal("--verify-percent", optarg, 1, 100, 1, &ctl->job.verify_percent))
				return -1;
			break;
		case O_REQUEST:
			if (!cli_parse_size(optarg, &ctl->job.request_size) || ctl->job.request_size < 4096 ||
			    ctl->job.request_size > (256u << 20) || ctl->job.request_size % 4096)
				return cli_error("--request-size: \"%s\" is not a multiple of 4K from 4K to 256M", optarg), -1;
			break;
		case O_RETRIES:
			if (!cli_parse_uint("--retries", optarg, 0, 100, &n))
				return -1;
			ctl->job.retries = (int)n;
			break;
		case O_PROGRESS: progress = optarg; break;
		case 'J': /* -J: --json, as lsblk and smartctl */
		case O_JSON: ctl->json = true; break;
		case 'y': ctl->yes = true; break;
		case 'f': ctl->force = true; break;
		case 'n': ctl->dry_run = true; break;
		case O_STOP_AFTER:
			if (!cli_parse_uint("--stop-after-pass", optarg, 1, KESU_METHOD_PASSES_MAX, &n))
				return -1;
			ctl->job.stop_after_pass = (unsigned)n;
			break;
		case O_OPERATOR: case O_OP_TITLE: case O_ORG: case O_DEPT: case O_LOCATION:
		case O_PHONE: case O_APPROVER: case O_CLASS: case O_PURPOSE: {
			static const enum kesu_ctx_field field[] = {
				[O_OPERATOR - O_OPERATOR] = KESU_CTX_OPERATOR,
				[O_OP_TITLE - O_OPERATOR] = KESU_CTX_OPERATOR_TITLE,
				[O_ORG - O_OPERATOR] = KESU_CTX_ORGANISATION,
				[O_DEPT - O_OPERATOR] = KESU_CTX_DEPARTMENT,
				[O_LOCATION - O_OPERATOR] = KESU_CTX_LOCATION,
				[O_PHONE - O_OPERATOR] = KESU_CTX_PHONE,
				[O_APPROVER - O_OPERATOR] = KESU_CTX_APPROVER,
				[O_CLASS - O_OPERATOR] = KESU_CTX_CLASS,
				[O_PURPOSE - O_OPERATOR] = KESU_CTX_PURPOSE,
			};
			char flag[40]; /* as it was spelt: --organisation or --organization */
			snprintf(flag, sizeof(flag), "--%s", opts[longindex].name);
			if (!cli_set_field(&ctl->ctx, field[c - O_OPERATOR], flag, optarg))
				return -1;
			break;
		}
		case O_ASSET:
			if (!cli_check_assets("--asset", optarg))
				return -1;
			ctl->assets = optarg;
			break;
		case O_WITNESS:
			if (!cli_set_field(&ctl->ctx, KESU_CTX_WITNESS, "--witness", optarg))
				return -1;
			break;
		case O_APPROVAL: ctl->approval = optarg; break;
		case O_POLICY: ctl->policy = optarg; break;
		case O_TRUST: ctl->trust = optarg; break;
		case O_LEDGER: ctl->ledger = optarg; break;
		case O_CERT_DIR: ctl->cert_dir = optarg; break;
		case O_KEY: ctl->key = optarg; break;
		case O_PASSFILE: ctl->passphrase_file = optarg; break;
		case O_RESTART: ctl->restart = true; break;
		case O_DETAILS: ctl->details = true; break;
		case O_LOG: ctl->log = optarg; break;
		case O_CHECKPOINT:
			if (!cli_parse_decimal("--checkpoint-interval", optarg, 0.1, 600, 3, &ctl->job.sync_seconds))
				return -1;
			break;
		case O_HPA:
			if (!strcmp(optarg, "check")) ctl->hpa = CLI_HPA_CHECK;
			else if (!strcmp(optarg, "restore")) ctl->hpa = CLI_HPA_RESTORE;
			else if (!strcmp(optarg, "keep")) ctl->hpa = CLI_HPA_KEEP;
			else return cli_error("--hpa: \"%s\" is not check, restore or keep", optarg), -1;
			break;
		case O_ALLOW_USB: ctl->channel_flags |= KESU_CHANNEL_ALLOW_USB; break;
		case O_NAMESPACES:
			if (!cli_nsid_list_valid("--namespaces", optarg))
				return -1;
			ctl->namespaces = optarg;
			break;
		case O_POLL:
			if (!cli_parse_uint("--poll-interval", optarg, 1, 600000, &n))
				return -1;
			ctl->job.poll_ms = (unsigned)n;
			break;
		case 'h': wipe_usage(stdout); return 1;
		default:
			if (cli_signing_option(c, optarg, &ctl->signing))
				break;
			cli_bad_option("wipe");
			return -1;
		}
	}
	if (!strcmp(progress, "auto"))
		ctl->progress = isatty(STDERR_FILENO) ? CLI_PROGRESS_TTY : CLI_PROGRESS_NONE;
	else if (!strcmp(progress, "tty"))
		ctl->progress = CLI_PROGRESS_TTY;
	else if (!strcmp(progress, "json"))
		ctl->progress = CLI_PROGRESS_JSON;
	else if (!strcmp(progress, "none"))
		ctl->progress = CLI_PROGRESS_NONE;
	else
		return cli_error("--progress: \"%s\" is not auto, tty, json or none", progress), -1;
	if (!verify_options_agree(&ctl->job))
		return -1;
	if (optind == argc)
		return cli_error("wipe: name at least one DEVICE (kesu wipe --help)"), -1;
	for (int i = optind; i < argc; i++)
		if (!cli_check_text("DEVICE", argv[i])) /* its path is part of the record */
			return -1;
	ctl->devices = argv + optind;
	ctl->ndevices = (size_t)(argc - optind);
	return 0;
}

/* Says, before anything is written, that this drive's job will not end in
 * a certificate: nothing will be read back. */
static void warn_unverified(const struct wipe_ctl *ctl, const struct kesu_method *m, const char *path)
{
	bool none = ctl->job.verify_mode == KESU_VMODE_NONE ||
		    (ctl->job.verify_mode == KESU_VMODE_DEFAULT && m->verify == KESU_VERIFY_NONE);
	if (m->technique == KESU_TECHNIQUE_OVERWRITE && none)
		fprintf(stderr, _("kesu: %s: %s reads nothing back (verification: none): the drive will be "
			"written but NOT verified, and no certificate will be issued (exit status 7). "
			"Add --verify sample to get one.\n"), path, m->id);
}

/* Says why the gate refused a drive, or what else failed; the exit code. */
static int gate_failed(int rc, const struct kesu_gate_verdict *v, const char *path, const char *what)
{
	if (rc == -KESU_EREFUSED)
		cli_error("%s", v->reason);
	else
		cli_error("%s: %s%s", path, what, kesu_strerror(rc));
	return cli_exit_for(rc);
}

/* Gate, exclusive open and confirmation for every drive, before any
 * writing starts: each target is opened once, before the operator is
 * asked, and only that descriptor is written, so a node or file swapped
 * during the prompt is never the one erased. Returns an exit code;
 * KESU_EXIT_OK when all are open and confirmed. */
static int admit(const struct wipe_ctl *ctl, const struct kesu_method *method,
		 const struct kesu_method_set *methods, struct cli_station *st,
		 const struct cli_disposal *disposal, struct drive *drives)
{
	const struct kesu_gate_own_files *own = cli_station_own_files(st, &st->own);
	for (size_t i = 0; i < ctl->ndevices; i++) {
		struct drive *d = &drives[i];
		struct kesu_gate_verdict v;
		int rc = kesu_gate_check(d->arg, NULL, ctl->force, own, &d->dev, &v);
		if (rc < 0 && !(rc == -KESU_EREFUSED && !v.refusals))
			return gate_failed(rc, &v, d->arg, "");
		d->verdict = v;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(drives[j].dev.path, d->dev.path)) {
				cli_error("%s: named twice", d->dev.path);
				return KESU_EXIT_USAGE;
			}
		d->fd = kesu_gate_open(&d->dev, ctl->dry_run ? O_RDONLY : O_RDWR, &v);
		if (d->fd < 0)
			return gate_failed(d->fd, &v, d->dev.path, _("cannot open: "));
	}
	/* The approval and the policy, before the operator is asked. */
	for (size_t i = 0; i < ctl->ndevices; i++) {
		int code = cli_disposal_check(disposal, NULL, &drives[i].dev, drives[i].asset, method,
					      &ctl->job, &st->cfg.ctx, NULL);
		if (code != KESU_EXIT_OK)
			return code;
	}
	for (size_t i = 0; i < ctl->ndevices; i++) {
		struct drive *d = &drives[i];
		warn_unverified(ctl, method, d->dev.path);
		if (!cli_confirm(&d->dev, &d->verdict, ctl->yes, ctl->force))
			return KESU_EXIT_REFUSED;
	}
	/* What was confirmed is still what is open (the prompt can be long). */
	for (size_t i = 0; i < ctl->ndevices; i++) {
		struct kesu_gate_verdict v;
		int rc = kesu_gate_recheck(&drives[i].dev, drives[i].fd, &v);
		if (rc < 0)
			return gate_failed(rc, &v, drives[i].dev.path, "");
	}
	/* Firmware refusals (frozen, locked, unsupported) before any job starts. */
	for (size_t i = 0; i < ctl->ndevices; i++) {
		struct drive *d = &drives[i];
		int code = cli_firmware_prepare(&d->fw, &d->dev, d->fd, method, methods,
						ctl->channel_flags, ctl->hpa, ctl->dry_run, ctl->json,
						own, ctl->yes, ctl->namespaces);
		if (code != KESU_EXIT_OK)
			return code;
	}
	return KESU_EXIT_OK;
}

/* Written once by each job's thread when its job has ended, so the main
 * thread wakes at once instead of at its next redraw. */
static int jobs_done_fd = -1;

static void *run_job(void *arg)
{
	struct drive *d = arg;
	kesu_job_run(d->job);
	uint64_t one = 1;
	if (jobs_done_fd >= 0 && write(jobs_done_fd, &one, sizeof(one)) < 0) {
		/* the main thread then notices at its next redraw */
	}
	return NULL;
}

static int exit_code_for(const struct kesu_job_result *r)
{
	switch (r->outcome) {
	case KESU_OUTCOME_SUCCESS: return KESU_EXIT_OK;
	case KESU_OUTCOME_EXCEPTIONS: return KESU_EXIT_EXCEPTIONS;
	case KESU_OUTCOME_UNVERIFIED: return KESU_EXIT_UNVERIFIED;
	case KESU_OUTCOME_INTERRUPTED: return KESU_EXIT_INTERRUPTED;
	case KESU_OUTCOME_FAILED: break;
	}
	for (unsigned i = 0; i < r->npasses; i++)
		if (r->passes[i].bad.count)
			return KESU_EXIT_FAILURE;
	return r->error == -KESU_EVERIFY || r->error == 0 ? KESU_EXIT_VERIFY : KESU_EXIT_FAILURE;
}

static void print_ranges(const char *what, const struct kesu_range_list *l)
{
	if (!l->count)
		return;
	printf("    %s:", what);
	for (size_t i = 0; i < l->count && i < 20; i++)
		printf(" %llu-%llu", (unsigned long long)l->items[i].first,
		       (unsigned long long)(l->items[i].first + l->items[i].count - 1));
	printf(l->count > 20 ? _(" ... (%zu ranges)\n") : "\n", l->count);
}

static void print_summary(const struct kesu_job_result *r, const struct kesu_wipe_status *rec)
{
	char size[32], text[KESU_PASS_TEXT_MAX];
	cli_format_size(r->device.size, size, sizeof(size));
	if (rec->recorded)
		printf(_("%s: %s  method %s (%s)  %s\n"), r->device.path, kesu_outcome_name(r->outcome),
		       r->method.id, r->method.standard, size);
	else
		printf(_("%s: NOT RECORDED (the erase ended %s, but the ledger does not hold it)  method %s "
		       "(%s)  %s\n"), r->device.path, kesu_outcome_name(r->outcome), r->method.id,
		       r->method.standard, size);
	if (r->hidden.checked && (r->hidden.hpa_sectors || r->hidden.dco_sectors))
		printf(_("  hidden areas: HPA %llu sectors (%s), DCO %llu sectors\n"),
		       (unsigned long long)r->hidden.hpa_sectors,
		       r->hidden.hpa_restored ? _("removed first, erased") : _("NOT erased"),
		       (unsigned long long)r->hidden.dco_sectors);
	else if (r->hidden.unchecked)
		printf(_("  hidden areas: HPA not checked (the drive's native max address could not be "
		       "read), so sectors an HPA hides may not have been reached\n"));
	if (r->method.technique == KESU_TECHNIQUE_FIRMWARE) {
		const struct kesu_firmware_report *f = &r->firmware;
		printf("  %s: %s (%.1f s%s)\n", kesu_firmware_command_title(r->method.firmware),
		       f->detail[0] ? f->detail : _("not sent"), f->seconds,
		       f->followed_running ? _("; followed a sanitize already running") : "");
		if (f->marker_bytes)
			printf(_("  proof: %llu bytes marked before; after: %llu marked sectors unchanged, "
			       "%llu sectors not zero (expected: %s)\n"),
			       (unsigned long long)f->marker_bytes, (unsigned long long)f->unchanged_sectors,
			       (unsigned long long)f->nonzero_sectors, kesu_leaves_name(r->method.leaves));
	}
	for (unsigned i = 0; i < r->npasses; i++) {
		const struct kesu_pass_result *p = &r->passes[i];
		if (!p->started)
			continue;
		if (p->pass.type != KESU_PASS_FIRMWARE) { /* a firmware step is summed up above */
			printf(_("  pass %u/%u %-16s %8.2f s %7.0f MB/s%s\n"), p->number, r->npasses,
			       kesu_pass_describe(&p->pass, text, sizeof(text)), p->seconds,
			       p->seconds > 0 ? (double)p->bytes_written / p->seconds / 1e6 : 0.0,
			       p->completed ? "" : _("  (not completed)"));
			print_ranges(_("sectors not written"), &p->bad);
		}
		const struct kesu_verify_result *v = &p->verify;
		if (v->done)
			printf(_("    verify %s %.1f%%: %llu bytes read in %.1f s, %s\n"),
			       kesu_verify_mode_name(v->mode), v->plan.percent,
			       (unsigned long long)v->bytes_read, v->seconds,
			       v->error == 0 ? _("all match") : _("MISMATCH"));
		print_ranges(_("sectors that differ"), &v->mismatched);
		print_ranges(_("sectors unreadable"), &v->unreadable);
	}
	print_ranges(_("sectors not written (all passes)"), &r->unwritten);
	if (r->reason[0] && r->outcome != KESU_OUTCOME_EXCEPTIONS)
		printf("  %s\n", r->reason);
	for (unsigned i = 0; i < r->nexceptions && r->outcome == KESU_OUTCOME_EXCEPTIONS; i++) {
		char en[400], ja[400];
		kesu_exception_detail(&r->exceptions[i], en, sizeof(en), ja, sizeof(ja));
		printf(_("  exception (%s): %s\n"), kesu_exception_kind_name(r->exceptions[i].kind), en);
	}
	if ((r->outcome == KESU_OUTCOME_SUCCESS || r->outcome == KESU_OUTCOME_EXCEPTIONS) && rec->recorded)
		printf(_("  NIST SP 800-88 level achieved: %s\n"), kesu_nist_level_name(r->nist_level));
}

/* Draws progress (terminal: 4 times a second; JSON: once a second) until
 * every job has ended; a job's end or a signal wakes it at once. */
static void watch(const struct wipe_ctl *ctl, struct drive *drives)
{
	struct cli_running *runs = calloc((size_t)ctl->ndevices, sizeof(*runs));
	for (size_t i = 0; i < ctl->ndevices; i++)
		runs[i] = (struct cli_running){drives[i].dev.path, drives[i].job};
	bool first = true, cancelled = false;
	double last_json = 0;
	for (;;) {
		bool running = false;
		for (size_t i = 0; i < ctl->ndevices; i++) {
			struct kesu_job_progress p;
			kesu_job_progress(drives[i].job, &p);
			running |= p.phase != KESU_PHASE_FINISHED;
		}
		if (stop_requested && !cancelled) {
			for (size_t i = 0; i < ctl->ndevices; i++)
				kesu_job_cancel(drives[i].job);
			cancelled = true;
		}
		double now = (double)kesu_monotonic_ns() / 1e9;
		if (ctl->progress == CLI_PROGRESS_TTY || now - last_json >= 1.0 || !running) {
			cli_progress_draw(runs, (size_t)ctl->ndevices, ctl->progress, first);
			first = false;
			last_json = now;
		}
		if (!running)
			break;
		struct pollfd pfd = {.fd = jobs_done_fd, .events = POLLIN};
		if (poll(&pfd, jobs_done_fd >= 0 ? 1 : 0, 250) > 0) {
			uint64_t n;
			if (read(jobs_done_fd, &n, sizeof(n)) < 0) {
				/* drained by an earlier read; nothing to do */
			}
		}
	}
	free(runs);
}

/* Config, context checks and the station's paths: everything about the
 * record that can fail before a drive is opened. Nothing is created. */
static int load_station(const struct wipe_ctl *ctl, struct cli_station *st)
{
	int code = cli_station_context(st, &ctl->ctx, "wipe", N_("who is erasing"));
	return code == KESU_EXIT_OK ? cli_station_paths(st, ctl->ledger, ctl->cert_dir, ctl->key) : code;
}

/* The ledger and the key, made on first use: only once every drive is
 * open and confirmed, so a refused wipe leaves nothing behind. */
static int open_station(const struct wipe_ctl *ctl, struct cli_station *st)
{
	int code = cli_station_open_ledger(st);
	if (code == KESU_EXIT_OK)
		code = cli_station_load_key(st, ctl->passphrase_file);
	return code;
}

/* --asset A,B,C: one per drive, in the order the drives were named. */
static int split_assets(const struct wipe_ctl *ctl, struct drive *drives)
{
	if (!ctl->assets)
		return KESU_EXIT_OK;
	char *copy = strdup(ctl->assets), *save = NULL;
	size_t n = 0;
	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save), n++)
		if (n < ctl->ndevices)
			snprintf(drives[n].asset, sizeof(drives[n].asset), "%s", t);
	free(copy);
	if (n != ctl->ndevices) {
		cli_error("--asset: %zu numbers for %zu drives", n, ctl->ndevices);
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

/* Tells what prepare found for a drive, or why it refused. */
static int prepared(const struct drive *d, int rc, const struct kesu_wipe_found *found, const char *err)
{
	if (rc == -EEXIST) {
		cli_error("%s: wipe with --method %s to resume it, or --restart to close it and start anew",
			  err, found->other_method);
		return KESU_EXIT_USAGE;
	}
	if (rc < 0) {
		cli_error("%s%s", err, rc == -KESU_EPARSE ? _("; use --restart") : "");
		return cli_exit_for(rc);
	}
	if (found->abandoned)
		fprintf(stderr, _("kesu: %s: the unfinished job %s is closed as ABANDONED (ledger record "
			"%llu); starting anew\n"), d->dev.path, found->job_id,
			(unsigned long long)found->abandoned_seq);
	if (found->resumed)
		fprintf(stderr, _("kesu: %s: resuming job %s (started %s) at pass %u, byte %llu\n"),
			d->dev.path, found->job_id, found->started_utc, found->pass,
			(unsigned long long)found->offset);
	return KESU_EXIT_OK;
}

/* Creates each drive's job (resuming an unfinished one, once the drive
 * proves it holds what the job wrote), then records every start in the
 * ledger: nothing reaches the ledger until every drive is ready, and a
 * failure part-way takes back the rows already begun. */
static int start_jobs(const struct wipe_ctl *ctl, struct kesu_station *ks,
		      const struct cli_disposal *disposal, struct drive *drives)
{
	char err[KESU_ERRMSG_MAX];
	for (size_t i = 0; i < ctl->ndevices; i++) {
		struct drive *d = &drives[i];
		struct kesu_job_options opts = ctl->job;
		cli_firmware_options(&d->fw, &opts);
		struct kesu_wipe_found found;
		int rc = kesu_wipe_prepare(ks, &d->dev, d->fw.method,
					   (ctl->restart ? KESU_WIPE_RESTART : 0) |
					   (ctl->details ? KESU_WIPE_DETAILS : 0),
					   &opts, &d->wipe, &found, err, sizeof(err));
		int code = prepared(d, rc, &found, err);
		if (code != KESU_EXIT_OK)
			return code;
		/* Again with the ledger (a spent approval entry) and the method the
		 * drive will really run (auto-purge's choice). */
		char *approval_json = NULL;
		code = cli_disposal_check(disposal, ks->ledger, &d->dev, d->asset, d->fw.method, &opts,
					  &ks->ctx, &approval_json);
		if (code == KESU_EXIT_OK && kesu_wipe_set_approval(d->wipe, approval_json) < 0)
			code = KESU_EXIT_FAILURE;
		free(approval_json);
		if (code != KESU_EXIT_OK)
			return code;
		struct kesu_resume_proof proof;
		int fd = d->fd;
		d->fd = -1; /* the job owns it now, also on failure */
		rc = kesu_wipe_start(d->wipe, fd, &opts, &proof, err, sizeof(err));
		if (rc == -KESU_EREFUSED) {
			cli_error("refusing to resume: %s; kesu wipe --restart closes the old job and starts "
				  "anew", err);
			return KESU_EXIT_REFUSED;
		}
		if (rc < 0) {
			cli_error("%s%s", err, rc == -KESU_EPARSE ? _("; use --restart") : "");
			return cli_exit_for(rc);
		}
		d->job = kesu_wipe_job(d->wipe);
	}
	int code = KESU_EXIT_OK;
	for (size_t i = 0; i < ctl->ndevices && code == KESU_EXIT_OK; i++)
		if (kesu_wipe_begin(drives[i].wipe, err, sizeof(err)) < 0) {
			cli_error("%s", err);
			code = KESU_EXIT_FAILURE;
		}
	if (code != KESU_EXIT_OK)
		for (size_t i = 0; i < ctl->ndevices; i++)
			kesu_wipe_unbegin(drives[i].wipe);
	return code;
}

/* Where the outcome went: a result that is not in the ledger is never
 * shown as a bare SUCCESS. */
static void print_record(const struct kesu_job_result *r, const struct kesu_wipe_status *rec)
{
	if (!rec->recorded)
		printf(_("  NOT RECORDED: %s; no certificate was issued\n"), rec->not_recorded);
	else if (rec->seq)
		printf(_("  ledger: record %llu, job %s\n"), (unsigned long long)rec->seq, rec->job_id);
	else
		printf(_("  ledger: job %s left open; wipe this drive again to resume it\n"), rec->job_id);
	if (rec->document[0])
		printf("  %s: %s\n", !rec->certificate ? _("failure report (NOT a certificate)")
				      : r->outcome == KESU_OUTCOME_EXCEPTIONS ? _("certificate WITH EXCEPTIONS")
				      : _("certificate"), rec->document);
	else if (rec->recorded && rec->document_error[0])
		printf(_("  NO DOCUMENT: %s; kesu cert issue %s makes it from the ledger\n"),
		       rec->document_error, rec->job_id);

}

/* The outcome as printed and in --json: the engine's, unless the ledger
 * does not have it. */
static const char *shown_outcome(const struct kesu_job_result *r, const struct kesu_wipe_status *rec)
{
	return rec->recorded ? kesu_outcome_name(r->outcome) : "NOT_RECORDED";
}

static struct json_object *record_json(const struct kesu_wipe_status *rec)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "job_id", json_object_new_string(rec->job_id));
	json_object_object_add(o, "seq", rec->seq ? json_object_new_int64((int64_t)rec->seq) : NULL);
	json_object_object_add(o, "resumed", json_object_new_boolean(rec->resumed));
	json_object_object_add(o, "recorded", json_object_new_boolean(rec->recorded));
	json_object_object_add(o, "not_recorded_reason", rec->recorded ? NULL
				: json_object_new_string(rec->not_recorded));
	json_object_object_add(o, "certificate", rec->certificate ? json_object_new_string(rec->document) : NULL);
	json_object_object_add(o, "failure_report", !rec->certificate && rec->document[0]
				? json_object_new_string(rec->document) : NULL);
	json_object_object_add(o, "document_error", rec->document_error[0] && !rec->document[0]
				? json_object_new_string(rec->document_error) : NULL);
	return o;
}

/* --json: the document run_jobs builds, printed once the summary is in it. */
static struct json_object *json_doc;

/* Runs the jobs, then records and reports each. Returns the worst code. */
static int run_jobs(const struct wipe_ctl *ctl, const struct cli_disposal *disposal,
		    const struct kesu_job_context *ctx, struct drive *drives)
{
	struct sigaction sa = {.sa_handler = on_signal};
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	jobs_done_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	for (size_t i = 0; i < ctl->ndevices; i++)
		drives[i].started = pthread_create(&drives[i].thread, NULL, run_job, &drives[i]) == 0;
	watch(ctl, drives);
	int code = KESU_EXIT_OK;
	struct json_object *results = json_object_new_array();
	for (size_t i = 0; i < ctl->ndevices; i++) {
		if (drives[i].started)
			pthread_join(drives[i].thread, NULL);
		const struct kesu_job_result *r = kesu_job_result(drives[i].job);
		struct kesu_wipe *w = drives[i].wipe;
		char err[KESU_ERRMSG_MAX];
		int c = exit_code_for(r);
		if (kesu_wipe_finish(w, drives[i].asset, err, sizeof(err)) < 0) {
			cli_error("%s", err);
			c = cli_exit_worse(c, KESU_EXIT_FAILURE);
		}
		if (kesu_wipe_status(w)->recorded && kesu_wipe_certify(w, err, sizeof(err)) < 0) {
			cli_error("%s: %s", r->device.path, err);
			c = cli_exit_worse(c, KESU_EXIT_FAILURE);
		}
		code = cli_exit_worse(code, c);
		const struct kesu_wipe_status *status = kesu_wipe_status(w);
		cli_oplog_job(r, status->job_id, shown_outcome(r, status), c);
		if (status->password_kept)
			fprintf(stderr, _("kesu: %s: the drive still has the temporary password kesu set, and "
				"kesu keeps it in the ledger: run `kesu unlock %s` to remove it\n"),
				r->device.path, r->device.path);
		if (ctl->json) {
			struct json_object *job = cli_job_json(r);
			json_object_object_add(job, "outcome", json_object_new_string(shown_outcome(r, status)));
			json_object_object_add(job, "erase_outcome", json_object_new_string(kesu_outcome_name(r->outcome)));
			json_object_object_add(job, "record", record_json(status));
			json_object_array_add(results, job);
		} else {
			print_summary(r, status);
			print_record(r, status);
		cli_disposal_after(disposal, ctx, r);
		}
	}
	if (jobs_done_fd >= 0)
		close(jobs_done_fd);
	jobs_done_fd = -1;
	if (ctl->json) { /* printed by cmd_wipe after the job summary, which it names */
		json_doc = json_object_new_object();
		json_object_object_add(json_doc, "kesu_version", json_object_new_string(KESU_VERSION));
		json_object_object_add(json_doc, "jobs", results);
		json_object_object_add(json_doc, "job_summary", NULL);
	} else {
		json_object_put(results);
	}
	return code;
}

/* --dry-run, once every drive is admitted: the checks the real run makes
 * when it starts writing (wipe_dry_run.c), then what would be done. With
 * --json, one report of the checks and the exit status reached. */
static int dry_run(const struct wipe_ctl *ctl, struct cli_station *st,
		   const struct cli_disposal *disposal, const struct drive *drives)
{
	struct json_object *checks = ctl->json ? json_object_new_array() : NULL;
	int code = cli_dry_run_station(st, ctl->passphrase_file, checks);
	for (size_t i = 0; i < ctl->ndevices && code == KESU_EXIT_OK; i++)
		code = cli_dry_run_drive(st, disposal, &drives[i].dev, drives[i].asset,
					 drives[i].fw.method, &ctl->job, ctl->restart, checks);
	struct json_object *would = json_object_new_array();
	for (size_t i = 0; i < ctl->ndevices && code == KESU_EXIT_OK; i++) {
		const struct kesu_method *m = drives[i].fw.method;
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "path", json_object_new_string(drives[i].dev.path));
		json_object_object_add(o, "method", json_object_new_string(m->id));
		json_object_array_add(would, o);
		if (ctl->json)
			continue;
		if (m->technique == KESU_TECHNIQUE_FIRMWARE)
			printf(_("%s: would be erased with %s (%s); nothing was sent or written\n"),
			       drives[i].dev.path, m->id, kesu_firmware_command_title(m->firmware));
		else
			printf(ngettext("%s: would be erased with %s (%u pass); nothing was written\n",
					"%s: would be erased with %s (%u passes); nothing was written\n",
					m->npasses),
			       drives[i].dev.path, m->id, m->npasses);
	}
	if (ctl->json) {
		struct json_object *doc = json_object_new_object();
		json_object_object_add(doc, "kesu_version", json_object_new_string(KESU_VERSION));
		json_object_object_add(doc, "dry_run", json_object_new_boolean(true));
		json_object_object_add(doc, "exit_status", json_object_new_int(code));
		json_object_object_add(doc, "checks", checks);
		json_object_object_add(doc, "would_erase", would);
		cli_print_json(doc);
		json_object_put(doc);
	} else {
		json_object_put(would);
	}
	return code;
}

int cmd_wipe(int argc, char **argv)
{
	struct wipe_ctl ctl;
	int parsed = parse_wipe(argc, argv, &ctl);
	if (parsed != 0)
		return parsed > 0 ? KESU_EXIT_OK : KESU_EXIT_USAGE;
	if (ctl.progress == CLI_PROGRESS_JSON) /* no plain line among the JSON lines */
		cli_progress_json_begin();
	struct kesu_method_set *methods;
	char err[KESU_ERRMSG_MAX];
	if (kesu_method_set_load(&methods, ctl.methods_dir, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		return KESU_EXIT_USAGE;
	}
	const struct kesu_method *method = kesu_method_set_find(methods, ctl.method_id);
	struct cli_station *st = calloc(1, sizeof(*st));
	struct drive *drives = calloc(ctl.ndevices, sizeof(*drives));
	for (size_t i = 0; i < ctl.ndevices; i++) {
		drives[i].arg = ctl.devices[i];
		drives[i].fd = -1;
	}
	int code = KESU_EXIT_OK;
	struct kesu_station ks;
	bool station_ready = false;
	struct cli_signing signing = {0};
	struct cli_disposal disposal = {0};
	if (!method) {
		cli_unknown_method("", methods, ctl.method_id);
		code = KESU_EXIT_USAGE;
	}
	if (code == KESU_EXIT_OK)
		code = split_assets(&ctl, drives);
	if (code == KESU_EXIT_OK)
		code = load_station(&ctl, st);
	if (code == KESU_EXIT_OK && !ctl.dry_run)
		code = cli_oplog_open(ctl.log ? ctl.log : st->cfg.log, "wipe", st->cfg.ctx.hostname);
	if (code == KESU_EXIT_OK)
		code = cli_disposal_load(&disposal, st, &ctl.ctx, methods, ctl.approval, ctl.policy, ctl.trust);
	if (code == KESU_EXIT_OK)
		code = admit(&ctl, method, methods, st, &disposal, drives);
	if (code == KESU_EXIT_OK && ctl.dry_run) {
		code = dry_run(&ctl, st, &disposal, drives);
	} else if (code == KESU_EXIT_OK) {
		code = open_station(&ctl, st);
		ctl.signing.passphrase_file = ctl.passphrase_file;
		if (code == KESU_EXIT_OK)
			code = cli_signing_open(st, &ctl.signing, &signing);
		if (code == KESU_EXIT_OK) {
			struct kesu_pdf_style style;
			kesu_config_pdf_style(&st->cfg, &style);
			kesu_station_init(&ks, st->ledger, st->sk, st->cert_dir, &st->cfg.ctx, &style);
			kesu_station_set_signing(&ks, &signing.cs);
			station_ready = true;
			code = start_jobs(&ctl, &ks, &disposal, drives);
			for (size_t i = 0; i < ctl.ndevices && code == KESU_EXIT_OK; i++)
				cli_oplog_started(&drives[i].dev, kesu_wipe_status(drives[i].wipe)->job_id,
						  drives[i].fw.method->id, kesu_wipe_status(drives[i].wipe)->resumed);
		}
		if (code == KESU_EXIT_OK)
			code = run_jobs(&ctl, &disposal, &ks.ctx, drives);
		if (station_ready && ctl.ndevices > 1) /* the job summary: wipe_summary.c */
			code = cli_exit_worse(code, cli_wipe_summary(st, &signing.cs, &drives->wipe, ctl.ndevices, sizeof(*drives), json_doc));
		if (json_doc) /* one document: the jobs and the summary */
			cli_print_json(json_doc);
		json_object_put(json_doc);
		json_doc = NULL;
	}
	for (size_t i = 0; i < ctl.ndevices; i++) {
		kesu_wipe_free(drives[i].wipe); /* the job, before the channel it borrows */
		cli_firmware_close(&drives[i].fw);
		if (drives[i].fd >= 0)
			close(drives[i].fd);
	}
	free(drives);
	if (station_ready)
		kesu_station_destroy(&ks);
	cli_signing_close(&signing);
	if (station_ready) /* server = URL: push_after_job.c */
		code = cli_push_after_job(st, code);
	cli_station_close(st);
	free(st);
	cli_disposal_free(&disposal);
	kesu_method_set_free(methods);
	cli_oplog_close(code, station_ready);
	return code;
}
