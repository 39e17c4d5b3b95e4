/* kesu-sim's drive description ($KESU_SIM: a kind, then knobs) and the
 * state that outlives one run ($KESU_SIM_STATE). The knobs are listed in
 * tests/sim/README.md. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim_internal.h"

__attribute__((format(printf, 3, 4))) static int bad(char *err, size_t errsize, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errsize, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* A number (decimal or 0x hex) in [lo, hi]. */
static bool number(const char *v, unsigned long long lo, unsigned long long hi, unsigned long long *out)
{
	if (!v || !*v || *v == '-')
		return false;
	char *end;
	errno = 0;
	unsigned long long n = strtoull(v, &end, 0);
	if (errno || *end || n < lo || n > hi)
		return false;
	*out = n;
	return true;
}

/* "crypto+block+overwrite", any subset, or "none". */
static bool actions(const char *v, bool *crypto, bool *block, bool *overwrite)
{
	if (!v || !*v)
		return false;
	*crypto = *block = *overwrite = false;
	if (strcmp(v, "none") == 0)
		return true;
	char buf[64];
	if (strlen(v) >= sizeof(buf))
		return false;
	strcpy(buf, v);
	char *save = NULL;
	for (char *t = strtok_r(buf, "+", &save); t; t = strtok_r(NULL, "+", &save)) {
		if (strcmp(t, "crypto") == 0)
			*crypto = true;
		else if (strcmp(t, "block") == 0)
			*block = true;
		else if (strcmp(t, "overwrite") == 0)
			*overwrite = true;
		else
			return false;
	}
	return true;
}

/* Each knob handler: 1 = taken, 0 = not a knob of this kind, -1 = bad value. */
#define FLAG(name)  (strcmp(k, name) == 0 && !v)
#define VALUE(name) (strcmp(k, name) == 0 && v)

static int ata_knob(struct sim_drive *d, const char *k, const char *v)
{
	struct sim_ata *a = d->ata;
	unsigned long long n;
	uint64_t sectors = a->bytes / (a->logical_sector ? a->logical_sector : 512);
	if (FLAG("frozen")) a->frozen = true;
	else if (FLAG("no-security")) a->sec_supported = false;
	else if (FLAG("no-enhanced")) a->sec_enhanced = false;
	else if (FLAG("no-sanitize")) a->san_supported = false;
	else if (FLAG("liar")) a->liar = true;
	else if (FLAG("erase-fails")) a->erase_fails = true;
	else if (FLAG("disable-fails")) a->disable_fails = true;
	else if (FLAG("bridge-blocks")) a->bridge_blocks = true;
	else if (FLAG("fixed-sense")) a->descriptor_sense = false;
	else if (FLAG("descriptor-sense")) a->descriptor_sense = true;
	/* Issue 20: fixed-format success answers (byte 8 honest, or never
	 * set: a truncated READ NATIVE MAX), ACS-3 Accessible Max Address,
	 * the sanitize frozen or failing with its reason. */
	else if (FLAG("fixed-success")) a->fixed_success = true;
	else if (FLAG("fixed-no-extend")) a->fixed_success = a->fixed_no_extend = true;
	else if (FLAG("mode-select-refused")) a->mode_select_refused = true;
	else if (FLAG("amax")) a->amax = true;
	else if (FLAG("legacy-hpa-aborts")) a->legacy_hpa_aborts = true;
	else if (FLAG("sanitize-frozen")) a->san_frozen = true;
	else if (FLAG("sanitize-fails")) a->san_fails = a->san_fail_aborts = true;
	else if (VALUE("sector")) {
		if (strcmp(v, "512") && strcmp(v, "4096"))
			return -1;
		a->logical_sector = (unsigned)atoi(v);
		if (a->bytes % a->logical_sector)
			return -1;
	}
	else if (VALUE("sanitize")) {
		if (!actions(v, &a->san_crypto, &a->san_block, &a->san_overwrite))
			return -1;
		a->san_supported = a->san_crypto || a->san_block || a->san_overwrite;
	} else if (VALUE("hpa")) {
		if (!number(v, 0, sectors - 1, &n))
			return -1;
		a->hpa_sectors = n;
	} else if (VALUE("dco")) {
		if (!number(v, 0, (UINT64_C(1) << 48) - sectors, &n))
			return -1;
		a->dco_sectors = n;
	} else if (VALUE("erase-min") || VALUE("enhanced-min")) {
		if (!number(v, 0, 65534, &n))
			return -1;
		if (strcmp(k, "erase-min") == 0)
			a->erase_minutes = (unsigned)n;
		else
			a->enhanced_minutes = (unsigned)n;
	} else if (VALUE("polls")) {
		if (!number(v, 1, 1000000, &n))
			return -1;
		a->san_polls = (unsigned)n;
	} else if (VALUE("abort") || VALUE("timeout")) {
		if (!number(v, 1, 255, &n))
			return -1;
		if (strcmp(k, "abort") == 0)
			a->abort_opcode = (int)n;
		else
			a->timeout_opcode = (int)n;
	} else if (VALUE("attempts")) {
		if (!number(v, 0, SIM_ATA_MAX_ATTEMPTS, &n))
			return -1;
		a->attempts = (unsigned)n;
	} else if (VALUE("password")) {
		/* A user password left set, as by a failed erase: after power-on
		 * the drive is locked. */
		size_t len = strlen(v);
		if (len == 0 || len > 32)
			return -1;
		memset(a->user_pw, 0, 32);
		memcpy(a->user_pw, v, len);
		a->enabled = a->locked = true;
	} else
		return 0;
	return 1;
}

static int nvme_knob(struct sim_drive *d, const char *k, const char *v)
{
	struct sim_nvme *c = d->nvme;
	unsigned long long n;
	if (FLAG("no-format")) c->format = false;
	else if (FLAG("liar")) c->liar = true;
	else if (VALUE("fna") || VALUE("sanicap")) {
		if (!number(v, 0, 255, &n))
			return -1;
		if (strcmp(k, "fna") == 0)
			c->fna = (uint8_t)n;
		else
			c->sanicap = (uint8_t)n;
	} else if (VALUE("nlbaf")) {
		if (!number(v, 1, 64, &n))
			return -1;
		c->nlbaf = (unsigned)n;
	} else if (VALUE("polls")) {
		if (!number(v, 1, 1000000, &n))
			return -1;
		c->sanitize_polls = (unsigned)n;
	} else if (VALUE("fail")) {
		if (!number(v, 1, 255, &n))
			return -1;
		c->fail_opcode = (int)n;
	} else if (VALUE("nsid") || VALUE("other-nsid")) {
		if (!number(v, 1, 0xfffffffeu, &n))
			return -1;
		if (strcmp(k, "nsid") == 0)
			c->nsid = (uint32_t)n;
		else
			c->other_nsid = (uint32_t)n;
	} else if (FLAG("no-nsid")) c->no_nsid_ioctl = true;
	else
		return 0;
	return 1;
}

static int scsi_knob(struct sim_drive *d, const char *k, const char *v)
{
	struct sim_scsi *s = d->scsi;
	unsigned long long n;
	if (FLAG("liar")) s->liar = true;
	else if (FLAG("descriptor-sense")) s->descriptor_sense = true;
	else if (FLAG("fixed-sense")) s->descriptor_sense = false;
	else if (FLAG("desc-refused")) s->desc_refused = true;
	else if (FLAG("pi-descriptor")) s->pi_descriptor = true;
	else if (VALUE("unit-attentions")) {
		if (!number(v, 0, 1000, &n))
			return -1;
		s->unit_attentions = (unsigned)n;
	} else if (VALUE("sanitize")) {
		if (!actions(v, &s->san_crypto, &s->san_block, &s->san_overwrite))
			return -1;
	} else if (VALUE("rotation")) {
		if (!number(v, 0, 0xffff, &n))
			return -1;
		s->rotation_rate = (unsigned)n;
	} else if (VALUE("polls")) {
		if (!number(v, 1, 1000000, &n))
			return -1;
		s->san_polls = (unsigned)n;
	} else if (VALUE("abort-sa")) {
		if (!number(v, 1, 0x1f, &n))
			return -1;
		s->abort_sa = (int)n;
	} else
		return 0;
	return 1;
}

/* Every knob of each kind; "=" at the end: it takes a value. */
static const char *const ata_knobs[] = {
	"frozen", "no-security", "no-enhanced", "no-sanitize", "sanitize=", "hpa=", "dco=",
	"erase-min=", "enhanced-min=", "polls=", "liar", "erase-fails", "disable-fails",
	"bridge-blocks", "fixed-sense", "descriptor-sense", "abort=", "timeout=", "attempts=",
	"password=", "fixed-success", "fixed-no-extend", "mode-select-refused", "amax",
	"legacy-hpa-aborts", "sanitize-frozen", "sanitize-fails", "sector=", "power-cycle", NULL};
static const char *const nvme_knobs[] = {"no-format", "fna=", "sanicap=", "nlbaf=", "polls=",
					 "liar", "fail=", "nsid=", "other-nsid=", "no-nsid",
					 "power-cycle", NULL};
static const char *const scsi_knobs[] = {"sanitize=", "rotation=", "polls=", "liar", "descriptor-sense",
					 "fixed-sense", "abort-sa=", "desc-refused", "pi-descriptor",
					 "unit-attentions=", "power-cycle", NULL};

/* 1 takes a value, 0 a flag, -1 no such knob. */
static int knob_kind(const char *const *list, const char *k)
{
	size_t n = strlen(k);
	for (; *list; list++)
		if (strncmp(*list, k, n) == 0 && ((*list)[n] == '\0' || ((*list)[n] == '=' && !(*list)[n + 1])))
			return (*list)[n] == '=';
	return -1;
}

static const char *kind_name(const struct sim_drive *d)
{
	return d->kind == SIM_ATA ? "ata" : d->kind == SIM_NVME ? "nvme" : "scsi";
}

int sim_drive_new(const char *spec, int fd, uint64_t bytes, struct sim_drive *out, char *err,
		  size_t errsize)
{
	memset(out, 0, sizeof(*out));
	if (errsize)
		err[0] = '\0';
	if (!spec || !*spec)
		return bad(err, errsize, "empty drive description");
	if (bytes < 512 || bytes % 512)
		return bad(err, errsize, "the medium (%llu bytes) is not a whole number of 512-byte sectors",
			   (unsigned long long)bytes);
	char *copy = strdup(spec);
	if (!copy)
		return -ENOMEM;
	char *save = NULL;
	char *kind = strtok_r(copy, ",", &save);
	int rc = 0;
	if (!kind) {
		rc = bad(err, errsize, "empty drive description");
	} else if (strcmp(kind, "ata") == 0 || strcmp(kind, "ata-hdd") == 0) {
		out->kind = SIM_ATA;
		out->ata = sim_ata_new(fd, bytes, strcmp(kind, "ata-hdd") == 0);
	} else if (strcmp(kind, "nvme") == 0) {
		out->kind = SIM_NVME;
		out->nvme = sim_nvme_new(fd, bytes);
	} else if (strcmp(kind, "scsi") == 0) {
		out->kind = SIM_SCSI;
		out->scsi = sim_scsi_new(fd, bytes);
	} else {
		rc = bad(err, errsize, "unknown drive kind '%s' (ata, ata-hdd, nvme, scsi)", kind);
	}
	if (rc == 0 && !out->ata && !out->nvme && !out->scsi)
		rc = bad(err, errsize, "cannot build the %s drive (fixtures missing?)", kind);
	for (char *t = rc ? NULL : strtok_r(NULL, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *v = strchr(t, '=');
		if (v)
			*v++ = '\0';
		const char *k = t;
		const char *const *list = out->kind == SIM_ATA    ? ata_knobs
					  : out->kind == SIM_NVME ? nvme_knobs
								  : scsi_knobs;
		int valued = knob_kind(list, k), taken;
		if (valued < 0) {
			rc = bad(err, errsize, "unknown knob '%s' for %s (see tests/sim/README.md)", k,
				 kind_name(out));
			break;
		}
		if (valued != (v != NULL)) {
			rc = bad(err, errsize, valued ? "knob '%s' needs a value (%s=...)" : "knob '%s' takes no value%s",
				 k, valued ? k : "");
			break;
		}
		if (FLAG("power-cycle")) {
			out->power_cycle = true;
			taken = 1;
		} else {
			taken = out->kind == SIM_ATA    ? ata_knob(out, k, v)
				: out->kind == SIM_NVME ? nvme_knob(out, k, v)
							: scsi_knob(out, k, v);
		}
		if (taken == 0)
			rc = bad(err, errsize, "unknown knob '%s' for %s (see tests/sim/README.md)", k,
				 kind_name(out));
		else if (taken < 0)
			rc = bad(err, errsize, "knob '%s': bad value '%s'", k, v);
		if (rc)
			break;
	}
	free(copy);
	if (rc) {
		sim_drive_free(out);
		return rc;
	}
	if (out->ata)
		sim_ata_refresh_identify(out->ata);
	if (out->nvme)
		sim_nvme_refresh(out->nvme);
	return 0;
}

void sim_drive_free(struct sim_drive *d)
{
	sim_ata_free(d->ata);
	sim_nvme_free(d->nvme);
	sim_scsi_free(d->scsi);
	d->ata = NULL;
	d->nvme = NULL;
	d->scsi = NULL;
}

struct kesu_passthru sim_drive_passthru(struct sim_drive *d)
{
	switch (d->kind) {
	case SIM_ATA: return sim_ata_passthru(d->ata);
	case SIM_NVME: return sim_nvme_passthru(d->nvme);
	default: return sim_scsi_passthru(d->scsi);
	}
}

/* ---- state file: key=value lines ------------------------------------------ */

int sim_drive_save(const struct sim_drive *d, const char *path)
{
	char tmp[4096];
	if ((size_t)snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= sizeof(tmp))
		return -ENAMETOOLONG;
	FILE *f = fopen(tmp, "we");
	if (!f)
		return -errno;
	char hex[2 * 512 + 1];
	fprintf(f, "# kesu-sim drive state (tests/sim/README.md)\nkind=%s\n", kind_name(d));
	if (d->ata) {
		const struct sim_ata *a = d->ata;
		fprintf(f, "enabled=%d\nlocked=%d\nfrozen=%d\nattempts=%u\n", a->enabled, a->locked, a->frozen,
			a->attempts);
		sim_hex_encode(a->user_pw, 32, hex);
		fprintf(f, "user_pw=%s\n", hex);
		sim_hex_encode(a->master_pw, 32, hex);
		fprintf(f, "master_pw=%s\n", hex);
		/* The last password the drive was sent, so a test can prove it
		 * appears nowhere kesu writes (test state, never kesu's). */
		sim_hex_encode(a->last_password, 32, hex);
		fprintf(f, "last_password=%s\n", hex);
		fprintf(f, "hpa_sectors=%llu\nhpa_volatile_open=%d\n", (unsigned long long)a->hpa_sectors,
			a->hpa_volatile_open);
		fprintf(f, "san_running=%d\nsan_failed=%d\nsan_polls_left=%u\nsan_feature=0x%04x\n"
			   "san_pattern=0x%08x\nsan_count=0x%04x\n",
			a->san_running, a->san_failed, a->san_polls_left, a->san_feature, a->san_pattern,
			a->san_count);
	}
	if (d->nvme) {
		const struct sim_nvme *c = d->nvme;
		fprintf(f, "sstat=0x%04x\nsprog=0x%04x\npolls_left=%u\nscdw10=0x%08x\npattern=0x%08x\nflbas=%u\n",
			c->sstat, c->sprog, c->polls_left, c->scdw10, c->pattern, c->flbas);
	}
	if (d->scsi) {
		const struct sim_scsi *s = d->scsi;
		fprintf(f, "san_running=%d\nsan_failed=%d\npolls_left=%u\nsan_sa=0x%02x\n", s->san_running,
			s->san_failed, s->polls_left, s->san_sa);
		sim_hex_encode(s->ow_pattern, s->ow_len, hex);
		fprintf(f, "ow_pattern=%s\now_passes=%u\now_invert=%d\n", hex, s->ow_passes, s->ow_invert);
	}
	int rc = ferror(f) ? -EIO : 0;
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	if (rc == 0 && rename(tmp, path) != 0)
		rc = -errno;
	if (rc)
		unlink(tmp);
	return rc;
}

/* One key=value of the state file into the drive. 0, or -EINVAL. */
static int load_key(struct sim_drive *d, const char *k, const char *v)
{
	unsigned long long n = 0;
	bool num = number(v, 0, UINT64_MAX, &n);
	if (strcmp(k, "kind") == 0)
		return strcmp(v, kind_name(d)) == 0 ? 0 : -EINVAL;
	if (d->ata) {
		struct sim_ata *a = d->ata;
		if (strcmp(k, "user_pw") == 0)
			return sim_hex_decode(v, a->user_pw, 32);
		if (strcmp(k, "master_pw") == 0)
			return sim_hex_decode(v, a->master_pw, 32);
		if (strcmp(k, "last_password") == 0)
			return sim_hex_decode(v, a->last_password, 32);
		if (!num)
			return -EINVAL;
		if (strcmp(k, "enabled") == 0) a->enabled = n;
		else if (strcmp(k, "locked") == 0) a->locked = n;
		else if (strcmp(k, "frozen") == 0) a->frozen = a->frozen || n; /* the knob freezes too */
		else if (strcmp(k, "attempts") == 0 && n <= SIM_ATA_MAX_ATTEMPTS) a->attempts = (unsigned)n;
		else if (strcmp(k, "hpa_sectors") == 0 && n < a->bytes / 512) a->hpa_sectors = n;
		else if (strcmp(k, "hpa_volatile_open") == 0) a->hpa_volatile_open = n;
		else if (strcmp(k, "san_running") == 0) a->san_running = n;
		else if (strcmp(k, "san_failed") == 0) a->san_failed = n;
		else if (strcmp(k, "san_polls_left") == 0 && n <= 0xffffffffu) a->san_polls_left = (unsigned)n;
		else if (strcmp(k, "san_feature") == 0 && n <= 0xffff) a->san_feature = (uint16_t)n;
		else if (strcmp(k, "san_pattern") == 0 && n <= 0xffffffffu) a->san_pattern = (uint32_t)n;
		else if (strcmp(k, "san_count") == 0 && n <= 0xffff) a->san_count = (uint16_t)n;
		else return -EINVAL;
		return 0;
	}
	if (d->nvme) {
		struct sim_nvme *c = d->nvme;
		if (!num)
			return -EINVAL;
		if (strcmp(k, "sstat") == 0 && n <= 0xffff) c->sstat = (uint16_t)n;
		else if (strcmp(k, "sprog") == 0 && n <= 0xffff) c->sprog = (uint16_t)n;
		else if (strcmp(k, "polls_left") == 0 && n <= 0xffffffffu) c->polls_left = (unsigned)n;
		else if (strcmp(k, "scdw10") == 0 && n <= 0xffffffffu) c->scdw10 = (uint32_t)n;
		else if (strcmp(k, "pattern") == 0 && n <= 0xffffffffu) c->pattern = (uint32_t)n;
		else if (strcmp(k, "flbas") == 0 && n < 64) c->flbas = (unsigned)n;
		else return -EINVAL;
		return 0;
	}
	struct sim_scsi *s = d->scsi;
	if (strcmp(k, "ow_pattern") == 0) {
		size_t len = strlen(v) / 2;
		if (len > sizeof(s->ow_pattern) || sim_hex_decode(v, s->ow_pattern, len) < 0)
			return -EINVAL;
		s->ow_len = (uint16_t)len;
		return 0;
	}
	if (!num)
		return -EINVAL;
	if (strcmp(k, "san_running") == 0) s->san_running = n;
	else if (strcmp(k, "san_failed") == 0) s->san_failed = n;
	else if (strcmp(k, "polls_left") == 0 && n <= 0xffffffffu) s->polls_left = (unsigned)n;
	else if (strcmp(k, "san_sa") == 0 && n <= 0x1f) s->san_sa = (uint8_t)n;
	else if (strcmp(k, "ow_passes") == 0 && n <= 31) s->ow_passes = (unsigned)n;
	else if (strcmp(k, "ow_invert") == 0) s->ow_invert = n;
	else return -EINVAL;
	return 0;
}

int sim_drive_load(struct sim_drive *d, const char *path)
{
	FILE *f = fopen(path, "re");
	int rc = 0;
	if (!f) {
		if (errno != ENOENT)
			return -errno;
	} else {
		char line[2048];
		unsigned lineno = 0;
		while (rc == 0 && fgets(line, sizeof(line), f)) {
			lineno++;
			line[strcspn(line, "\r\n")] = '\0';
			if (!line[0] || line[0] == '#')
				continue;
			char *eq = strchr(line, '=');
			if (eq)
				*eq = '\0';
			rc = eq ? load_key(d, line, eq + 1) : -EINVAL;
			if (rc)
				fprintf(stderr, "kesu-sim: %s:%u: bad state line '%s=%s' for a%s %s drive\n", path,
					lineno, line, eq ? eq + 1 : "", d->kind == SIM_ATA ? "n" : "", kind_name(d));
		}
		fclose(f);
	}
	if (rc == 0 && d->power_cycle && d->ata)
		sim_ata_power_cycle(d->ata);
	if (d->ata)
		sim_ata_refresh_identify(d->ata);
	return rc;
}
