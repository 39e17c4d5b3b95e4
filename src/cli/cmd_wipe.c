/* kesu wipe: erase drives with a method, each drive in its own job and
 * thread, behind the safety gate and the operator's confirmation. */
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

struct wipe_ctl {
	const char *method_id;
	const char *methods_dir;
	struct kesu_job_options job;
	enum cli_progress progress;
	bool json, yes, force, dry_run;
	char **devices;
	size_t ndevices;
};

struct drive {
	const char *arg;
	struct kesu_device dev;
	int fd;
	struct kesu_job *job;
	pthread_t thread;
	bool started;
};

static volatile sig_atomic_t stop_requested;

static void on_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

static void wipe_usage(FILE *out)
{
	fputs("Usage: kesu wipe [OPTIONS] DEVICE...\n\n"
	      "Erases each DEVICE (block device or image file) with a method, then reads\n"
	      "it back as the method or --verify says. Every drive goes through the\n"
	      "safety gate; if any is refused or not confirmed, nothing is written.\n"
	      "Drives are erased at the same time, each in its own job.\n\n"
	      "  -m, --method ID          erasure method (default " KESU_METHOD_DEFAULT "; kesu methods)\n"
	      "      --methods-dir DIR    also load DIR/*.method\n"
	      "      --verify MODE        sample, full or none (default: the method's)\n"
	      "      --verify-passes P    last or all (default: the method's)\n"
	      "      --verify-percent N   sampled coverage in percent (default 10)\n"
	      "      --request-size SIZE  bytes per write, e.g. 1M, 4M (default 4M)\n"
	      "      --retries N          attempts after a media error (default 3)\n"
	      "      --progress MODE      auto, tty, json or none (default auto: tty at a terminal)\n"
	      "      --json               print the job results as JSON on stdout\n"
	      "  -y, --yes                confirm without asking (scripts)\n"
	      "  -f, --force              with --yes: erase drives holding partitions or filesystems\n"
	      "  -n, --dry-run            run the gate and the confirmation, write nothing\n"
	      "      --stop-after-pass N  stop after pass N (for testing; the job is INTERRUPTED)\n"
	      "  -h, --help               this help\n",
	      out);
}

/* "4M", "1048576", "64K" -> bytes. */
static bool parse_size(const char *s, size_t *out)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	unsigned long long mult = 1;
	if (*end == 'K' || *end == 'k')
		mult = 1 << 10;
	else if (*end == 'M' || *end == 'm')
		mult = 1 << 20;
	else if (*end == 'G' || *end == 'g')
		mult = 1 << 30;
	if (mult != 1)
		end++;
	if (end == s || *end || v == 0 || v > (1ULL << 40) / mult)
		return false;
	*out = (size_t)(v * mult);
	return true;
}

static int parse_wipe(int argc, char **argv, struct wipe_ctl *ctl)
{
	enum { O_METHODS_DIR = 256, O_VERIFY, O_VPASSES, O_VPERCENT, O_REQUEST, O_RETRIES,
	       O_PROGRESS, O_JSON, O_STOP_AFTER };
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
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	*ctl = (struct wipe_ctl){.method_id = KESU_METHOD_DEFAULT, .job.retries = -1};
	const char *progress = "auto";
	int c;
	char *end;
	while ((c = getopt_long(argc, argv, "m:yfnh", opts, NULL)) != -1) {
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
			ctl->job.verify_percent = strtod(optarg, &end);
			if (*end || !(ctl->job.verify_percent >= 1 && ctl->job.verify_percent <= 100))
				return cli_error("--verify-percent: \"%s\" is not a number from 1 to 100", optarg), -1;
			break;
		case O_REQUEST:
			if (!parse_size(optarg, &ctl->job.request_size) || ctl->job.request_size < 4096 ||
			    ctl->job.request_size > (256u << 20) || ctl->job.request_size % 4096)
				return cli_error("--request-size: \"%s\" is not a multiple of 4K from 4K to 256M", optarg), -1;
			break;
		case O_RETRIES:
			ctl->job.retries = (int)strtol(optarg, &end, 10);
			if (*end || ctl->job.retries < 0 || ctl->job.retries > 100)
				return cli_error("--retries: \"%s\" is not a number from 0 to 100", optarg), -1;
			break;
		case O_PROGRESS: progress = optarg; break;
		case O_JSON: ctl->json = true; break;
		case 'y': ctl->yes = true; break;
		case 'f': ctl->force = true; break;
		case 'n': ctl->dry_run = true; break;
		case O_STOP_AFTER:
			ctl->job.stop_after_pass = (unsigned)strtoul(optarg, &end, 10);
			if (*end || ctl->job.stop_after_pass == 0)
				return cli_error("--stop-after-pass: \"%s\" is not a pass number", optarg), -1;
			break;
		case 'h': wipe_usage(stdout); return 1;
		default: wipe_usage(stderr); return -1;
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
	if (optind == argc)
		return cli_error("wipe: name at least one DEVICE (kesu wipe --help)"), -1;
	ctl->devices = argv + optind;
	ctl->ndevices = (size_t)(argc - optind);
	return 0;
}

/* Gate, confirmation and exclusive open for every drive, before any
 * writing starts. Returns an exit code; KESU_EXIT_OK when all are open. */
static int admit(const struct wipe_ctl *ctl, struct drive *drives)
{
	for (size_t i = 0; i < ctl->ndevices; i++) {
		struct drive *d = &drives[i];
		struct kesu_gate_verdict v;
		int rc = kesu_gate_check(d->arg, NULL, ctl->force, &d->dev, &v);
		if (rc < 0 && !(rc == -KESU_EREFUSED && !v.refusals)) {
			if (rc == -KESU_EREFUSED)
				cli_error("%s", v.reason);
			else
				cli_error("%s: %s", d->arg, kesu_strerror(rc));
			return cli_exit_for(rc);
		}
		if (!cli_confirm(&d->dev, &v, ctl->yes, ctl->force))
			return KESU_EXIT_REFUSED;
		for (size_t j = 0; j < i; j++)
			if (!strcmp(drives[j].dev.path, d->dev.path)) {
				cli_error("%s: named twice", d->dev.path);
				return KESU_EXIT_USAGE;
			}
	}
	for (size_t i = 0; i < ctl->ndevices; i++) {
		struct drive *d = &drives[i];
		struct kesu_gate_verdict v;
		d->fd = kesu_gate_open(&d->dev, ctl->dry_run ? O_RDONLY : O_RDWR, &v);
		if (d->fd < 0) {
			if (d->fd == -KESU_EREFUSED)
				cli_error("%s", v.reason);
			else
				cli_error("%s: cannot open: %s", d->dev.path, kesu_strerror(d->fd));
			return cli_exit_for(d->fd);
		}
	}
	return KESU_EXIT_OK;
}

static void *run_job(void *arg)
{
	struct drive *d = arg;
	kesu_job_run(d->job);
	return NULL;
}

static int exit_code_for(const struct kesu_job_result *r)
{
	switch (r->outcome) {
	case KESU_OUTCOME_SUCCESS:
	case KESU_OUTCOME_UNVERIFIED: return KESU_EXIT_OK;
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
	printf(l->count > 20 ? " ... (%zu ranges)\n" : "\n", l->count);
}

static void print_summary(const struct kesu_job_result *r)
{
	char size[32], text[KESU_PASS_TEXT_MAX];
	cli_format_size(r->device.size, size, sizeof(size));
	printf("%s: %s  method %s (%s)  %s\n", r->device.path, kesu_outcome_name(r->outcome),
	       r->method.id, r->method.standard, size);
	for (unsigned i = 0; i < r->npasses; i++) {
		const struct kesu_pass_result *p = &r->passes[i];
		if (!p->started)
			continue;
		printf("  pass %u/%u %-16s %8.2f s %7.0f MB/s%s\n", p->number, r->npasses,
		       kesu_pass_describe(&p->pass, text, sizeof(text)), p->seconds,
		       p->seconds > 0 ? (double)p->bytes_written / p->seconds / 1e6 : 0.0,
		       p->completed ? "" : "  (not completed)");
		print_ranges("sectors not written", &p->bad);
		const struct kesu_verify_result *v = &p->verify;
		if (v->done)
			printf("    verify %s %.1f%%: %llu bytes read in %.1f s, %s\n",
			       kesu_verify_mode_name(v->mode), v->plan.percent,
			       (unsigned long long)v->bytes_read, v->seconds,
			       v->error == 0 ? "all match" : "MISMATCH");
		print_ranges("sectors that differ", &v->mismatched);
		print_ranges("sectors unreadable", &v->unreadable);
	}
	if (r->reason[0])
		printf("  %s\n", r->reason);
	if (r->outcome == KESU_OUTCOME_SUCCESS)
		printf("  NIST SP 800-88 level achieved: %s\n", kesu_nist_level_name(r->method.nist));
}

static void watch(const struct wipe_ctl *ctl, struct drive *drives)
{
	struct cli_running *runs = calloc((size_t)ctl->ndevices, sizeof(*runs));
	for (size_t i = 0; i < ctl->ndevices; i++)
		runs[i] = (struct cli_running){drives[i].dev.path, drives[i].job};
	bool first = true, cancelled = false;
	unsigned tick = 0;
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
		/* Terminal: 4 redraws a second. JSON: one object a second. */
		if (ctl->progress == CLI_PROGRESS_TTY || tick % 4 == 0 || !running) {
			cli_progress_draw(runs, (size_t)ctl->ndevices, ctl->progress, first);
			first = false;
		}
		if (!running)
			break;
		struct timespec quarter = {0, 250000000};
		nanosleep(&quarter, NULL);
		tick++;
	}
	free(runs);
}

int cmd_wipe(int argc, char **argv)
{
	struct wipe_ctl ctl;
	int parsed = parse_wipe(argc, argv, &ctl);
	if (parsed != 0)
		return parsed > 0 ? KESU_EXIT_OK : KESU_EXIT_USAGE;
	struct kesu_method_set *methods;
	char err[512];
	if (kesu_method_set_load(&methods, ctl.methods_dir, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		return KESU_EXIT_USAGE;
	}
	const struct kesu_method *method = kesu_method_set_find(methods, ctl.method_id);
	if (!method) {
		cli_error("unknown method \"%s\" (kesu methods lists them)", ctl.method_id);
		kesu_method_set_free(methods);
		return KESU_EXIT_USAGE;
	}
	struct drive *drives = calloc((size_t)ctl.ndevices, sizeof(*drives));
	for (size_t i = 0; i < ctl.ndevices; i++) {
		drives[i].arg = ctl.devices[i];
		drives[i].fd = -1;
	}
	int code = admit(&ctl, drives);
	if (code == KESU_EXIT_OK && ctl.dry_run) {
		for (size_t i = 0; i < ctl.ndevices; i++)
			printf("%s: would be erased with %s (%u passes); nothing was written\n",
			       drives[i].dev.path, method->id, method->npasses);
	} else if (code == KESU_EXIT_OK) {
		struct sigaction sa = {.sa_handler = on_signal};
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		signal(SIGPIPE, SIG_IGN);
		for (size_t i = 0; i < ctl.ndevices && code == KESU_EXIT_OK; i++) {
			int rc = kesu_job_new(&drives[i].dev, drives[i].fd, method, &ctl.job, &drives[i].job);
			if (rc < 0) {
				cli_error("%s: %s", drives[i].dev.path, kesu_strerror(rc));
				code = cli_exit_for(rc);
			} else {
				drives[i].fd = -1; /* the job owns it now */
			}
		}
		for (size_t i = 0; i < ctl.ndevices && code == KESU_EXIT_OK; i++)
			drives[i].started = pthread_create(&drives[i].thread, NULL, run_job, &drives[i]) == 0;
		if (code == KESU_EXIT_OK) {
			watch(&ctl, drives);
			struct json_object *results = json_object_new_array();
			for (size_t i = 0; i < ctl.ndevices; i++) {
				pthread_join(drives[i].thread, NULL);
				const struct kesu_job_result *r = kesu_job_result(drives[i].job);
				int c = exit_code_for(r);
				code = c > code ? c : code;
				if (ctl.json)
					json_object_array_add(results, cli_job_json(r));
				else
					print_summary(r);
			}
			if (ctl.json) {
				struct json_object *doc = json_object_new_object();
				json_object_object_add(doc, "kesu_version", json_object_new_string(KESU_VERSION));
				json_object_object_add(doc, "jobs", results);
				cli_print_json(doc);
				json_object_put(doc);
			} else {
				json_object_put(results);
			}
		}
	}
	for (size_t i = 0; i < ctl.ndevices; i++) {
		kesu_job_free(drives[i].job);
		if (drives[i].fd >= 0)
			close(drives[i].fd);
	}
	free(drives);
	kesu_method_set_free(methods);
	return code;
}
