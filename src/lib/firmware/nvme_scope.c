/* Which namespaces one NVMe Format NVM or Sanitize erases, and the safety
 * gate for each of them. A secure-erase Format of one namespace erases
 * every namespace of the controller when FNA bit 1 is set, any Format
 * does when FNA bit 0 is set (then sent to NSID FFFFFFFFh, as nvme-cli
 * does), and Sanitize always acts on the whole NVM subsystem. Each such
 * namespace is a target like the chosen one: listed before the command,
 * gated, and recorded (docs/firmware.md, "Scope"). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/firmware.h"
#include "kesu/gate.h"
#include "firmware_internal.h"
#include "../i18n.h"

static bool is_format(enum kesu_firmware_command c)
{
	return c == KESU_FW_NVME_FORMAT_ERASE || c == KESU_FW_NVME_FORMAT_CRYPTO;
}

int kesu_nvme_scope(const struct kesu_drive_caps *caps, enum kesu_firmware_command command,
		    struct kesu_nvme_scope *scope, char *err, size_t errsize)
{
	memset(scope, 0, sizeof(*scope));
	if (err && errsize)
		err[0] = '\0';
	if (!caps->nsid) {
		snprintf(err, errsize, _("%s: refusing to guess which namespace to erase"),
			 caps->nsid_error[0] ? caps->nsid_error : _("the namespace id is unknown"));
		return -KESU_EREFUSED;
	}
	bool all;
	if (is_format(command)) {
		/* kesu's Formats are all secure erases (SES 1 or 2): bit 1 counts. */
		bool fna0 = caps->nvme_ctrl.format_all_namespaces;
		all = fna0 || caps->nvme_ctrl.secure_erase_all_namespaces;
		scope->send_nsid = fna0 ? KESU_NVME_NSID_ALL : caps->nsid;
		scope->reason = fna0 ? "FNA bit 0" : all ? "FNA bit 1" : "namespace";
	} else {
		all = true;
		scope->send_nsid = 0;
		scope->reason = "sanitize";
	}
	scope->ns[0] = (struct kesu_nvme_ns_ref){.nsid = caps->nsid};
	scope->count = 1;
	for (size_t i = 0; i < caps->nvme_ns_count; i++)
		if (caps->nvme_ns_list[i].nsid == caps->nsid)
			scope->ns[0] = caps->nvme_ns_list[i];
	if (!all)
		return 0;
	if (!caps->nvme_ns_listed) {
		snprintf(err, errsize,
			 _("%s erases every namespace of the controller (%s), but the controller did "
			   "not list its namespaces (Identify CNS 02h), so they cannot be checked"),
			 kesu_firmware_command_title(command), scope->reason);
		return -KESU_EREFUSED;
	}
	for (size_t i = 0; i < caps->nvme_ns_count && scope->count < KESU_NVME_NS_MAX; i++)
		if (caps->nvme_ns_list[i].nsid != caps->nsid)
			scope->ns[scope->count++] = caps->nvme_ns_list[i];
	return 0;
}

void kesu_nvme_scope_list(const struct kesu_nvme_scope *scope, char *out, size_t size)
{
	size_t used = 0;
	if (size)
		out[0] = '\0';
	for (size_t i = 0; i < scope->count && used < size; i++) {
		const struct kesu_nvme_ns_ref *n = &scope->ns[i];
		int w = snprintf(out + used, size - used, "%snsid %u %s", i ? ", " : "", (unsigned)n->nsid,
				 n->device[0] ? n->device : _("(no block device)"));
		if (w < 0)
			break;
		used += (size_t)w;
	}
}

/* The default judge: probe the device (no SMART, no contents: only its
 * use matters) and put it through the gate, warnings accepted. */
static int probe_judge(const char *device, struct kesu_gate_verdict *v, void *ctx)
{
	const struct kesu_gate_own_files *own = ctx;
	struct kesu_probe_env env = {.skip_smart = true, .skip_contents = true};
	struct kesu_device *d = malloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	int rc = kesu_gate_check(device, &env, true, own, d, v);
	free(d);
	return rc;
}

int kesu_nvme_scope_gate(const struct kesu_nvme_scope *scope, const struct kesu_device *chosen,
			 const struct kesu_gate_own_files *own, kesu_scope_judge_fn judge,
			 void *judge_ctx, char *err, size_t errsize)
{
	if (err && errsize)
		err[0] = '\0';
	if (!judge) {
		judge = probe_judge;
		judge_ctx = (void *)own;
	}
	for (size_t i = 0; i < scope->count; i++) {
		const struct kesu_nvme_ns_ref *n = &scope->ns[i];
		if (!n->device[0] || (chosen && !strcmp(n->device, chosen->path)))
			continue; /* no block device: nothing can use it; the chosen one is gated already */
		struct kesu_gate_verdict v;
		memset(&v, 0, sizeof(v));
		int rc = judge(n->device, &v, judge_ctx);
		if (rc == 0 || (rc == -KESU_EREFUSED && !v.refusals))
			continue;
		if (rc == -KESU_EREFUSED)
			snprintf(err, errsize, _("the command also erases namespace %u (%s): %s"),
				 (unsigned)n->nsid, scope->reason, v.reason);
		else
			snprintf(err, errsize, _("the command also erases namespace %u, %s, which cannot be "
						 "checked: %s"),
				 (unsigned)n->nsid, n->device, kesu_strerror(rc));
		return -KESU_EREFUSED;
	}
	return 0;
}
