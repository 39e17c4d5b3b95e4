/* Issue 20, NVMe: the namespace id comes from the drive (NVME_IOCTL_ID,
 * then sysfs), never from the name; a Format NVM or Sanitize that reaches
 * other namespaces lists them, gates them and records them; a sanitize
 * completes only when the log shows kesu's own command; Format keeps
 * MSET, PI and PIL. Against a simulated controller with two namespaces
 * whose NSIDs are not the names' numbers: nvme0n1 is nsid 2, nvme0n2 is
 * nsid 1. */
#include <criterion/criterion.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kesu/error.h"
#include "kesu/firmware.h"
#include "kesu/gate.h"
#include "kesu/job.h"
#include "kesu/record.h"
#include "kesu/target.h"
#include "sim.h"
#include "sim_criterion.h"

#define BYTES (4ull << 20)
#define OLD 0x5a

struct rig {
	int media;
	char sysfs[256];
	struct kesu_device dev;
	struct sim_nvme *c;
	struct kesu_passthru pt;
	struct kesu_drive_caps caps;
	struct kesu_method_set *methods;
	struct kesu_job *job;
};

static void write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

/* A sysfs controller directory with nvme0n1 (nsid 2) and nvme0n2 (nsid 1),
 * and a partition that must not count as a namespace. */
static void fake_sysfs(struct rig *r)
{
	char tmpl[] = "/tmp/kesu-nvme-scope.XXXXXX";
	cr_assert_not_null(mkdtemp(tmpl));
	char dir[512];
	snprintf(r->sysfs, sizeof(r->sysfs), "%s", tmpl);
	snprintf(dir, sizeof(dir), "%s/nvme0", tmpl);
	cr_assert_eq(mkdir(dir, 0700), 0);
	const char *names[] = {"nvme0n1", "nvme0n2", "nvme0c0n1"};
	const char *nsids[] = {"2\n", "1\n", "2\n"};
	for (int i = 0; i < 3; i++) {
		char ns[512];
		snprintf(ns, sizeof(ns), "%s/%s", dir, names[i]);
		cr_assert_eq(mkdir(ns, 0700), 0);
		write_file(ns, "nsid", nsids[i]);
	}
	snprintf(r->dev.sysfs_path, sizeof(r->dev.sysfs_path), "%s/nvme0n1", dir);
}

static void rig_init(struct rig *r, bool sysfs)
{
	sim_criterion_init();
	memset(r, 0, sizeof(*r));
	r->media = sim_media(BYTES, OLD);
	snprintf(r->dev.name, sizeof(r->dev.name), "nvme0n1");
	snprintf(r->dev.path, sizeof(r->dev.path), "/dev/nvme0n1");
	r->dev.transport = KESU_TRAN_NVME;
	r->dev.size = BYTES;
	r->dev.logical_sector = 512;
	r->dev.rotational = KESU_UNKNOWN;
	if (sysfs)
		fake_sysfs(r);
	r->c = sim_nvme_new(r->media, BYTES);
	cr_assert_not_null(r->c);
	r->c->nsid = 2;       /* the name says 1 */
	r->c->other_nsid = 1; /* nvme0n2 */
	r->pt = sim_nvme_passthru(r->c);
	char err[256];
	cr_assert_eq(kesu_method_set_load(&r->methods, NULL, err, sizeof(err)), 0, "%s", err);
}

static void rig_query(struct rig *r)
{
	int rc = kesu_drive_caps_query(&r->pt, &r->dev, &r->caps);
	cr_assert_eq(rc, 0, "caps: %s", r->caps.error);
}

static const struct kesu_job_result *run(struct rig *r, const char *method)
{
	const struct kesu_method *m = kesu_method_set_find(r->methods, method);
	cr_assert_not_null(m, "%s", method);
	struct kesu_job_options o = {.retries = -1, .passthru = &r->pt, .caps = &r->caps, .poll_ms = 1,
				     .request_size = 256 << 10};
	struct kesu_target t;
	cr_assert_eq(kesu_target_open_fd(dup(r->media), BYTES, 512, &t), 0);
	cr_assert_eq(kesu_job_new_target(&r->dev, &t, m, &o, &r->job), 0);
	kesu_job_run(r->job);
	return kesu_job_result(r->job);
}

static void rig_free(struct rig *r)
{
	kesu_job_free(r->job);
	kesu_method_set_free(r->methods);
	sim_nvme_free(r->c);
	close(r->media);
	if (r->sysfs[0]) {
		char cmd[600];
		snprintf(cmd, sizeof(cmd), "rm -rf -- '%s'", r->sysfs);
		cr_assert_eq(system(cmd), 0);
	}
}

/* Whether the controller got a command of opcode op. */
static bool sent_opcode(const struct sim_nvme *c, uint8_t op)
{
	for (unsigned i = 0; i < c->ncmds && i < sizeof(c->opcodes); i++)
		if (c->opcodes[i] == op)
			return true;
	return false;
}

/* sanitization.firmware.scope of the job's record, as JSON text. */
static struct json_object *scope_of(const struct kesu_job_result *res, struct json_object **fw)
{
	*fw = kesu_record_firmware_json(res);
	cr_assert_not_null(*fw);
	struct json_object *s = NULL;
	cr_assert(json_object_object_get_ex(*fw, "scope", &s));
	return s;
}

static const char *str_at(struct json_object *o, const char *key)
{
	struct json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	return json_object_get_string(v);
}

static int64_t int_at(struct json_object *o, const char *key)
{
	struct json_object *v;
	cr_assert(json_object_object_get_ex(o, key, &v), "%s", key);
	return json_object_get_int64(v);
}

/* ---- item 1: the nsid ------------------------------------------------------ */

Test(nvme_scope, the_nsid_comes_from_the_ioctl_and_the_format_goes_there)
{
	struct rig r;
	rig_init(&r, true);
	r.c->fna = 0x04; /* format scoped to the namespace */
	rig_query(&r);
	cr_assert_eq(r.caps.nsid, 2, "NVME_IOCTL_ID, not the name's 1");
	cr_assert(r.caps.nvme_ns_listed);
	cr_assert_eq(r.caps.nvme_ns_count, 2);
	cr_assert_eq(r.caps.nvme_ns_list[0].nsid, 1);
	cr_assert_str_eq(r.caps.nvme_ns_list[0].device, "/dev/nvme0n2");
	cr_assert_eq(r.caps.nvme_ns_list[1].nsid, 2);
	cr_assert_str_eq(r.caps.nvme_ns_list[1].device, "/dev/nvme0n1");
	const struct kesu_job_result *res = run(&r, "nvme-format-erase");
	cr_assert_eq(res->outcome, KESU_OUTCOME_SUCCESS, "%s / %s", res->reason, res->firmware.detail);
	cr_assert_eq(r.c->last.opcode, KESU_NVME_FORMAT_NVM);
	cr_assert_eq(r.c->last.nsid, 2, "Format NVM to nsid 2");
	cr_assert_eq(r.c->last.cdw10, 0x00000200, "golden cdw10: SES 1, LBAF 0, MSET/PI/PIL 0");
	cr_assert(!r.c->other_erased, "the other namespace untouched");
	cr_assert(sim_media_all(r.media, BYTES, 0x00));
	struct json_object *fw, *s = scope_of(res, &fw);
	cr_assert_not_null(s);
	cr_assert_str_eq(str_at(s, "reason"), "namespace");
	cr_assert_eq(int_at(s, "sent_nsid"), 2);
	struct json_object *a;
	cr_assert(json_object_object_get_ex(s, "namespaces", &a));
	cr_assert_eq(json_object_array_length(a), 1);
	cr_assert_eq(int_at(json_object_array_get_idx(a, 0), "nsid"), 2);
	cr_assert_str_eq(str_at(json_object_array_get_idx(a, 0), "device"), "/dev/nvme0n1");
	json_object_put(fw);
	rig_free(&r);
}

Test(nvme_scope, without_the_ioctl_the_nsid_comes_from_sysfs)
{
	struct rig r;
	rig_init(&r, true);
	r.c->no_nsid_ioctl = true;
	rig_query(&r);
	cr_assert_eq(r.caps.nsid, 2, "/sys/block/nvme0n1/nsid");
	cr_assert_eq(r.caps.nvme_ns.size, BYTES / 512, "Identify Namespace of nsid 2");
	rig_free(&r);
}

Test(nvme_scope, no_nsid_means_every_nvme_command_is_refused_not_guessed)
{
	struct rig r;
	rig_init(&r, false);
	r.c->no_nsid_ioctl = true;
	rig_query(&r); /* the controller's facts still come (kesu info) */
	cr_assert_eq(r.caps.nsid, 0);
	cr_assert(strstr(r.caps.nsid_error, "namespace id"), "%s", r.caps.nsid_error);
	cr_assert_eq(r.caps.nvme_ns.size, 0, "no Identify Namespace of a guessed nsid");
	char why[512];
	for (int cmd = KESU_FW_NVME_FORMAT_ERASE; cmd <= KESU_FW_NVME_SANITIZE_OVERWRITE; cmd++) {
		int rc = kesu_firmware_check((enum kesu_firmware_command)cmd, &r.caps, false, NULL, why,
					     sizeof(why));
		cr_assert_eq(rc, -KESU_EREFUSED, "%s", why);
		cr_assert(strstr(why, "refusing to guess"), "%s", why);
		cr_assert_null(strchr(why, '\n'), "one line");
	}
	const struct kesu_job_result *res = run(&r, "nvme-format-erase");
	cr_assert_neq(res->outcome, KESU_OUTCOME_SUCCESS);
	cr_assert(!sent_opcode(r.c, KESU_NVME_FORMAT_NVM), "no Format sent");
	cr_assert(strstr(res->firmware.detail, "refusing to guess"), "%s", res->firmware.detail);
	rig_free(&r);
}

/* ---- item 2: FNA scope --------------------------------------------------- */

/* A test judge: /dev/nvme0n2 is mounted when mounted_ns2 is set; the
 * verdict comes from the real gate (kesu_gate_judge). */
static bool mounted_ns2;
static unsigned judged;

static int judge(const char *device, struct kesu_gate_verdict *v, void *ctx)
{
	(void)ctx;
	judged++;
	struct kesu_device *d = calloc(1, sizeof(*d));
	cr_assert_not_null(d);
	snprintf(d->path, sizeof(d->path), "%s", device);
	d->size = BYTES;
	if (mounted_ns2 && !strcmp(device, "/dev/nvme0n2")) {
		d->nmounts = 1;
		snprintf(d->mounts[0], sizeof(d->mounts[0]), "/srv/data");
	}
	bool ok = kesu_gate_judge(d, true, v);
	free(d);
	return ok ? 0 : -KESU_EREFUSED;
}

Test(nvme_scope, fna_bit_1_lists_gates_and_records_the_other_namespace)
{
	struct rig r;
	rig_init(&r, true);
	r.c->fna = 0x06; /* secure erase applies to all namespaces; crypto erase */
	rig_query(&r);
	struct kesu_nvme_scope s;
	char why[512];
	cr_assert_eq(kesu_nvme_scope(&r.caps, KESU_FW_NVME_FORMAT_ERASE, &s, why, sizeof(why)), 0, "%s", why);
	cr_assert_eq(s.count, 2);
	cr_assert_str_eq(s.reason, "FNA bit 1");
	cr_assert_eq(s.send_nsid, 2, "bit 1 alone: sent to the namespace");
	cr_assert(s.ns[0].nsid == 2 && !strcmp(s.ns[0].device, "/dev/nvme0n1"), "the chosen one first");
	cr_assert(s.ns[1].nsid == 1 && !strcmp(s.ns[1].device, "/dev/nvme0n2"));
	char list[512];
	kesu_nvme_scope_list(&s, list, sizeof(list));
	cr_assert_str_eq(list, "nsid 2 /dev/nvme0n1, nsid 1 /dev/nvme0n2");

	/* Gated: a mounted other namespace refuses the command. */
	mounted_ns2 = true;
	judged = 0;
	int rc = kesu_nvme_scope_gate(&s, &r.dev, NULL, judge, NULL, why, sizeof(why));
	cr_assert_eq(rc, -KESU_EREFUSED);
	cr_assert_eq(judged, 1, "only the other namespace is judged here");
	cr_assert(strstr(why, "namespace 1") && strstr(why, "/dev/nvme0n2 is mounted on /srv/data"),
		  "%s", why);
	mounted_ns2 = false;
	cr_assert_eq(kesu_nvme_scope_gate(&s, &r.dev, NULL, judge, NULL, why, sizeof(why)), 0, "%s", why);

	/* Run: the record holds both namespaces. */
	const struct kesu_job_result *res = run(&r, "nvme-format-erase");
	cr_assert_eq(res->outcome, KESU_OUTCOME_SUCCESS, "%s / %s", res->reason, res->firmware.detail);
	cr_assert_eq(r.c->last.nsid, 2);
	cr_assert(r.c->other_erased, "FNA bit 1: the other namespace went too");
	struct json_object *fw, *sj = scope_of(res, &fw);
	cr_assert_str_eq(str_at(sj, "reason"), "FNA bit 1");
	struct json_object *a;
	cr_assert(json_object_object_get_ex(sj, "namespaces", &a));
	cr_assert_eq(json_object_array_length(a), 2);
	cr_assert_eq(int_at(json_object_array_get_idx(a, 1), "nsid"), 1);
	cr_assert_str_eq(str_at(json_object_array_get_idx(a, 1), "device"), "/dev/nvme0n2");
	json_object_put(fw);
	rig_free(&r);
}

Test(nvme_scope, fna_bit_0_sends_the_format_to_every_namespace)
{
	struct rig r;
	rig_init(&r, true);
	r.c->fna = 0x05;
	rig_query(&r);
	const struct kesu_job_result *res = run(&r, "nvme-format-crypto");
	cr_assert_eq(res->outcome, KESU_OUTCOME_SUCCESS, "%s / %s", res->reason, res->firmware.detail);
	cr_assert_eq(r.c->last.opcode, KESU_NVME_FORMAT_NVM);
	cr_assert_eq(r.c->last.nsid, KESU_NVME_NSID_ALL);
	cr_assert_eq(r.c->last.cdw10, 0x00000400, "golden cdw10: SES 2");
	cr_assert_str_eq(res->firmware.scope.reason, "FNA bit 0");
	cr_assert_eq(res->firmware.scope.count, 2);
	rig_free(&r);
}

Test(nvme_scope, sanitize_covers_the_subsystem_and_a_namespace_without_a_device)
{
	struct rig r;
	rig_init(&r, false); /* no sysfs: only the chosen one has a device */
	rig_query(&r);
	struct kesu_nvme_scope s;
	char why[512];
	cr_assert_eq(kesu_nvme_scope(&r.caps, KESU_FW_NVME_SANITIZE_BLOCK, &s, why, sizeof(why)), 0, "%s", why);
	cr_assert_str_eq(s.reason, "sanitize");
	cr_assert_eq(s.send_nsid, 0);
	cr_assert_eq(s.count, 2);
	cr_assert_str_eq(s.ns[1].device, "");
	judged = 0;
	cr_assert_eq(kesu_nvme_scope_gate(&s, &r.dev, NULL, judge, NULL, why, sizeof(why)), 0);
	cr_assert_eq(judged, 0, "nothing to gate without a block device");
	const struct kesu_job_result *res = run(&r, "nvme-sanitize-block");
	cr_assert_eq(res->outcome, KESU_OUTCOME_SUCCESS, "%s / %s", res->reason, res->firmware.detail);
	struct json_object *fw, *sj = scope_of(res, &fw);
	struct json_object *a;
	cr_assert(json_object_object_get_ex(sj, "namespaces", &a));
	cr_assert_eq(json_object_array_length(a), 2);
	cr_assert_null(str_at(json_object_array_get_idx(a, 1), "device"), "null: no block device");
	json_object_put(fw);
	rig_free(&r);
}

Test(nvme_scope, a_controller_that_cannot_list_its_namespaces_gets_no_wide_command)
{
	struct rig r;
	rig_init(&r, true);
	r.c->no_ns_list = true;
	r.c->fna = 0x06;
	rig_query(&r);
	cr_assert(!r.caps.nvme_ns_listed);
	char why[512];
	cr_assert_eq(kesu_firmware_check(KESU_FW_NVME_FORMAT_ERASE, &r.caps, false, NULL, why, sizeof(why)),
		     -KESU_EREFUSED);
	cr_assert(strstr(why, "CNS 02h"), "%s", why);
	cr_assert_eq(kesu_firmware_check(KESU_FW_NVME_SANITIZE_CRYPTO, &r.caps, false, NULL, why, sizeof(why)),
		     -KESU_EREFUSED);
	r.c->fna = 0x04;
	rig_query(&r);
	cr_assert_eq(kesu_firmware_check(KESU_FW_NVME_FORMAT_ERASE, &r.caps, false, NULL, why, sizeof(why)), 0,
		     "%s", why);
	rig_free(&r);
}

/* ---- item 5: sanitize completion ------------------------------------------ */

Test(nvme_scope, a_completed_log_of_another_command_is_not_completion)
{
	struct rig r;
	rig_init(&r, false);
	r.c->log_scdw10_xor = 0x6; /* block erase (2) reads as crypto erase (4) */
	rig_query(&r);
	const struct kesu_job_result *res = run(&r, "nvme-sanitize-block");
	cr_assert_eq(res->outcome, KESU_OUTCOME_FAILED);
	cr_assert(strstr(res->firmware.detail, "another command"), "%s", res->firmware.detail);
	cr_assert(strstr(res->firmware.detail, "0x00000014"), "%s", res->firmware.detail);
	rig_free(&r);
}

Test(nvme_scope, a_completion_never_seen_running_without_gde_is_not_completion)
{
	struct rig r;
	rig_init(&r, false);
	r.c->instant = true;
	r.c->no_gde = true;
	rig_query(&r);
	const struct kesu_job_result *res = run(&r, "nvme-sanitize-crypto");
	cr_assert_eq(res->outcome, KESU_OUTCOME_FAILED);
	cr_assert(strstr(res->firmware.detail, "never showed"), "%s", res->firmware.detail);
	rig_free(&r);
}

Test(nvme_scope, a_completion_never_seen_running_with_gde_is_completion)
{
	struct rig r;
	rig_init(&r, false);
	r.c->instant = true;
	rig_query(&r);
	const struct kesu_job_result *res = run(&r, "nvme-sanitize-block");
	cr_assert_eq(res->outcome, KESU_OUTCOME_SUCCESS, "%s / %s", res->reason, res->firmware.detail);
	cr_assert(strstr(res->firmware.detail, "global data erased"), "%s", res->firmware.detail);
	rig_free(&r);
}

Test(nvme_scope, seen_running_without_gde_is_completion)
{
	struct rig r;
	rig_init(&r, false);
	r.c->no_gde = true;
	r.c->sanitize_polls = 3;
	rig_query(&r);
	const struct kesu_job_result *res = run(&r, "nvme-sanitize-block");
	cr_assert_eq(res->outcome, KESU_OUTCOME_SUCCESS, "%s / %s", res->reason, res->firmware.detail);
	rig_free(&r);
}

/* ---- item 8: Format keeps MSET, PI and PIL ------------------------------------ */

Test(nvme_scope, format_keeps_mset_pi_and_pil)
{
	struct rig r;
	rig_init(&r, false);
	r.c->mset = true;
	r.c->dps = 0x09; /* PI type 1, PIL: first bytes of the metadata */
	rig_query(&r);
	cr_assert(r.caps.nvme_ns.metadata_extended);
	cr_assert_eq(r.caps.nvme_ns.protection_type, 1);
	cr_assert(r.caps.nvme_ns.protection_first);
	const struct kesu_job_result *res = run(&r, "nvme-format-erase");
	cr_assert_eq(res->outcome, KESU_OUTCOME_SUCCESS, "%s / %s", res->reason, res->firmware.detail);
	/* golden: SES 1 << 9 | PIL 1 << 8 | PI 1 << 5 | MSET 1 << 4 | LBAF 0 */
	cr_assert_eq(r.c->last.cdw10, 0x00000330);
	rig_free(&r);
}

/* The default judge probes the device and runs kesu_gate_check: an image
 * file standing in for the other namespace is refused as kesu's own file,
 * a device that is not there cannot be checked (refused, never skipped). */
Test(nvme_scope, the_default_gate_probes_each_other_namespace)
{
	sim_criterion_init();
	char img[] = "/tmp/kesu-nvme-scope-img.XXXXXX";
	int fd = mkstemp(img);
	cr_assert(fd >= 0);
	cr_assert_eq(ftruncate(fd, 1 << 20), 0);
	close(fd);
	struct kesu_nvme_scope s = {.send_nsid = 2, .reason = "FNA bit 1", .count = 2};
	s.ns[0] = (struct kesu_nvme_ns_ref){.nsid = 2, .device = "/dev/nvme0n1"};
	s.ns[1] = (struct kesu_nvme_ns_ref){.nsid = 1};
	snprintf(s.ns[1].device, sizeof(s.ns[1].device), "%s", img);
	struct kesu_device chosen;
	memset(&chosen, 0, sizeof(chosen));
	snprintf(chosen.path, sizeof(chosen.path), "/dev/nvme0n1");
	struct kesu_gate_own_files own = {.paths = {img}, .npaths = 1};
	char why[1200];
	cr_assert_eq(kesu_nvme_scope_gate(&s, &chosen, &own, NULL, NULL, why, sizeof(why)), -KESU_EREFUSED);
	cr_assert(strstr(why, "namespace 1 (FNA bit 1)") && strstr(why, "kesu's own file"), "%s", why);
	cr_assert_eq(kesu_nvme_scope_gate(&s, &chosen, NULL, NULL, NULL, why, sizeof(why)), 0, "%s", why);
	unlink(img);
	cr_assert_eq(kesu_nvme_scope_gate(&s, &chosen, NULL, NULL, NULL, why, sizeof(why)), -KESU_EREFUSED);
	cr_assert(strstr(why, "cannot be checked"), "%s", why);
}
