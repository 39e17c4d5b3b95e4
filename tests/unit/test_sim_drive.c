/* kesu-sim's drive description ($KESU_SIM, sim_drive_new) and the state
 * kept between runs ($KESU_SIM_STATE, sim_drive_save / sim_drive_load):
 * every kind, knobs, refusals naming the knob, and round trips of a
 * password left set and of a sanitize still running. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "kesu/ata.h"
#include "kesu/error.h"
#include "device_cmd.h"
#include "sim_criterion.h"

#define BYTES (64 * 512)

static int fd = -1;
static char dir[] = "/tmp/kesu-sim-state-XXXXXX";
static char state[256];

static void setup(void)
{
	sim_criterion_init();
	fd = sim_media(BYTES, 0x5a);
	cr_assert_not_null(mkdtemp(dir));
	snprintf(state, sizeof(state), "%s/state", dir);
}

static void teardown(void)
{
	close(fd);
	unlink(state);
	rmdir(dir);
}

TestSuite(sim_drive, .init = setup, .fini = teardown);

static void make(const char *spec, struct sim_drive *d)
{
	char err[256];
	int rc = sim_drive_new(spec, fd, BYTES, d, err, sizeof(err));
	cr_assert_eq(rc, 0, "%s: %s", spec, err);
}

/* Refused, with err naming what. */
static void refused(const char *spec, const char *what)
{
	struct sim_drive d;
	char err[256];
	cr_assert_eq(sim_drive_new(spec, fd, BYTES, &d, err, sizeof(err)), -EINVAL, "%s", spec);
	cr_assert_not_null(strstr(err, what), "%s: '%s' does not name '%s'", spec, err, what);
	cr_assert(d.ata == NULL && d.nvme == NULL && d.scsi == NULL, "nothing left to free");
}

Test(sim_drive, ata_knobs)
{
	struct sim_drive d;
	make("ata", &d);
	cr_assert_eq(d.kind, SIM_ATA);
	cr_assert(d.ata && !d.nvme && !d.scsi);
	cr_assert(d.ata->sec_supported && d.ata->sec_enhanced && d.ata->san_supported);
	cr_assert_not(d.ata->frozen);
	cr_assert_eq(d.ata->fd, fd);
	cr_assert_eq(d.ata->bytes, BYTES);
	sim_drive_free(&d);
	make("ata-hdd,frozen,no-enhanced,sanitize=crypto+overwrite,hpa=8,dco=100,erase-min=10,"
	     "enhanced-min=20,polls=5,liar,erase-fails,disable-fails,bridge-blocks,descriptor-sense,"
	     "abort=0xf4,timeout=0xb4,attempts=2,password=secret",
	     &d);
	struct sim_ata *a = d.ata;
	cr_assert(a->frozen && !a->sec_enhanced);
	cr_assert(a->san_supported && a->san_crypto && a->san_overwrite && !a->san_block);
	cr_assert_eq(a->hpa_sectors, 8);
	cr_assert_eq(a->dco_sectors, 100);
	cr_assert_eq(a->erase_minutes, 10);
	cr_assert_eq(a->enhanced_minutes, 20);
	cr_assert_eq(a->san_polls, 5);
	cr_assert(a->liar && a->erase_fails && a->disable_fails && a->bridge_blocks && a->descriptor_sense);
	cr_assert_eq(a->abort_opcode, 0xf4);
	cr_assert_eq(a->timeout_opcode, 0xb4);
	cr_assert_eq(a->attempts, 2);
	cr_assert(a->enabled && a->locked, "password=: set and locked, as after power-on");
	cr_assert_str_eq((const char *)a->user_pw, "secret");
	struct kesu_ata_identify id;
	cr_assert_eq(kesu_ata_identify_parse(a->identify, &id), 0);
	cr_assert_str_eq(id.serial, "SATA-HDD-1", "ata-hdd: the HDD capture");
	cr_assert_eq(id.sectors, 64 - 8, "IDENTIFY refreshed from the knobs");
	sim_drive_free(&d);
	make("ata,no-security,no-sanitize,fixed-sense,sanitize=none", &d);
	cr_assert_not(d.ata->sec_supported || d.ata->san_supported || d.ata->descriptor_sense);
	sim_drive_free(&d);
}

Test(sim_drive, nvme_and_scsi_knobs)
{
	struct sim_drive d;
	make("nvme,no-format,fna=0x06,sanicap=3,nlbaf=4,polls=7,liar,fail=0x80", &d);
	cr_assert_eq(d.kind, SIM_NVME);
	struct sim_nvme *c = d.nvme;
	cr_assert_not(c->format);
	cr_assert_eq(c->fna, 6);
	cr_assert_eq(c->sanicap, 3);
	cr_assert_eq(c->id_ctrl[328], 3, "Identify refreshed");
	cr_assert_eq(c->nlbaf, 4);
	cr_assert_eq(c->sanitize_polls, 7);
	cr_assert(c->liar);
	cr_assert_eq(c->fail_opcode, 0x80);
	sim_drive_free(&d);
	make("scsi,sanitize=block,rotation=7200,polls=2,liar,descriptor-sense,abort-sa=3", &d);
	cr_assert_eq(d.kind, SIM_SCSI);
	struct sim_scsi *s = d.scsi;
	cr_assert(s->san_block && !s->san_crypto && !s->san_overwrite);
	cr_assert_eq(s->rotation_rate, 7200);
	cr_assert_eq(s->san_polls, 2);
	cr_assert(s->liar && s->descriptor_sense);
	cr_assert_eq(s->abort_sa, 3);
	struct kesu_passthru pt = sim_drive_passthru(&d);
	cr_assert_not_null(pt.ops->scsi);
	sim_drive_free(&d);
}

Test(sim_drive, bad_descriptions_name_what_is_wrong)
{
	refused("", "empty");
	refused("sata", "sata");
	refused("ata,frozen,bogus", "bogus");
	refused("nvme,frozen", "frozen"); /* an ATA knob on an NVMe drive */
	refused("scsi,fna=1", "fna");
	refused("ata,hpa=64", "hpa");     /* as large as the drive */
	refused("ata,hpa=x", "hpa");
	refused("ata,hpa", "needs a value");
	refused("ata,frozen=1", "takes no value");
	refused("ata,sanitize=crypto+fast", "sanitize");
	refused("ata,attempts=6", "attempts");
	refused("ata,abort=0x100", "abort");
	refused("ata,password=0123456789abcdef0123456789abcdefX", "password");
	refused("nvme,nlbaf=0", "nlbaf");
	refused("scsi,abort-sa=0x20", "abort-sa");
	refused("scsi,polls=0", "polls");
	struct sim_drive d;
	char err[256];
	cr_assert_eq(sim_drive_new("ata", fd, 1000, &d, err, sizeof(err)), -EINVAL, "not whole sectors");
}

static void send_pw(struct kesu_passthru *pt, void (*build)(struct kesu_ata_cmd *, uint8_t *), const char *pw,
		    int want)
{
	uint8_t payload[512];
	struct kesu_ata_cmd c;
	struct kesu_ata_result res;
	cr_assert_eq(Kesu_ata_security_payload(payload, false, false, pw, strlen(pw)), 0);
	build(&c, payload);
	cr_assert_eq(Kesu_ata_send(pt, &c, &res), want, "%s", res.reason);
}

Test(sim_drive, missing_state_is_no_state)
{
	struct sim_drive d;
	make("ata", &d);
	cr_assert_eq(sim_drive_load(&d, state), 0);
	cr_assert_not(d.ata->enabled);
	sim_drive_free(&d);
}

Test(sim_drive, a_password_left_set_survives)
{
	struct sim_drive d;
	make("ata,erase-fails", &d);
	struct kesu_passthru pt = sim_drive_passthru(&d);
	send_pw(&pt, Kesu_ata_set_password_cmd, "kesu-pw", 0);
	d.ata->attempts = 1;
	cr_assert_eq(sim_drive_save(&d, state), 0);
	sim_drive_free(&d);

	/* The next run: same drive, still powered. */
	make("ata", &d);
	cr_assert_eq(sim_drive_load(&d, state), 0);
	cr_assert(d.ata->enabled);
	cr_assert_not(d.ata->locked, "no power cycle between runs");
	cr_assert_eq(d.ata->attempts, 1);
	uint8_t want[32] = "kesu-pw";
	cr_assert_arr_eq(d.ata->user_pw, want, 32);
	pt = sim_drive_passthru(&d);
	send_pw(&pt, Kesu_ata_unlock_cmd, "wrong", -KESU_EUNSUPPORTED);
	cr_assert_eq(sim_drive_save(&d, state), 0);
	sim_drive_free(&d);

	/* Power-cycled: locked, counter reset; the right password recovers it. */
	make("ata,power-cycle", &d);
	cr_assert_eq(sim_drive_load(&d, state), 0);
	cr_assert(d.ata->enabled && d.ata->locked);
	cr_assert_eq(d.ata->attempts, 0);
	pt = sim_drive_passthru(&d);
	send_pw(&pt, Kesu_ata_unlock_cmd, "kesu-pw", 0);
	send_pw(&pt, Kesu_ata_disable_password_cmd, "kesu-pw", 0);
	cr_assert_eq(sim_drive_save(&d, state), 0);
	sim_drive_free(&d);
	make("ata", &d);
	cr_assert_eq(sim_drive_load(&d, state), 0);
	cr_assert_not(d.ata->enabled);
	sim_drive_free(&d);
}

Test(sim_drive, frozen_and_hpa_state)
{
	struct sim_drive d;
	make("ata,frozen,hpa=8", &d);
	d.ata->hpa_volatile_open = true;
	cr_assert_eq(sim_drive_save(&d, state), 0);
	sim_drive_free(&d);
	make("ata,hpa=8", &d);
	cr_assert_eq(sim_drive_load(&d, state), 0);
	cr_assert(d.ata->frozen, "frozen until a power cycle");
	cr_assert(d.ata->hpa_volatile_open);
	sim_drive_free(&d);
	make("ata,hpa=8,power-cycle", &d);
	cr_assert_eq(sim_drive_load(&d, state), 0);
	cr_assert_not(d.ata->frozen);
	cr_assert_not(d.ata->hpa_volatile_open, "the volatile opening closes");
	cr_assert_eq(d.ata->hpa_sectors, 8);
	sim_drive_free(&d);
}

static uint16_t ata_sanitize(struct kesu_passthru *pt, enum kesu_ata_sanitize_action a, uint32_t pattern)
{
	struct kesu_ata_cmd c;
	struct kesu_ata_result res;
	cr_assert_eq(Kesu_ata_sanitize_cmd(&c, a, false, pattern, 1, false), 0);
	cr_assert_eq(Kesu_ata_send(pt, &c, &res), 0, "%s", res.reason);
	return res.count;
}

Test(sim_drive, an_ata_sanitize_runs_on_across_runs_and_a_power_cycle)
{
	struct sim_drive d;
	make("ata,polls=3", &d);
	struct kesu_passthru pt = sim_drive_passthru(&d);
	ata_sanitize(&pt, KESU_ATA_SANITIZE_OVERWRITE, 0xa1b2c3d4);
	cr_assert(ata_sanitize(&pt, KESU_ATA_SANITIZE_STATUS, 0) & KESU_ATA_SANITIZE_IN_PROGRESS);
	cr_assert_eq(sim_drive_save(&d, state), 0);
	sim_drive_free(&d);
	make("ata,polls=3,power-cycle", &d);
	cr_assert_eq(sim_drive_load(&d, state), 0);
	cr_assert(d.ata->san_running, "a sanitize survives a power cycle");
	cr_assert_eq(d.ata->san_polls_left, 2);
	pt = sim_drive_passthru(&d);
	cr_assert(ata_sanitize(&pt, KESU_ATA_SANITIZE_STATUS, 0) & KESU_ATA_SANITIZE_IN_PROGRESS);
	cr_assert(sim_media_all(fd, BYTES, 0x5a));
	cr_assert_eq(ata_sanitize(&pt, KESU_ATA_SANITIZE_STATUS, 0), KESU_ATA_SANITIZE_DONE_OK);
	static const uint8_t pat[4] = {0xa1, 0xb2, 0xc3, 0xd4};
	cr_assert(sim_media_pattern(fd, BYTES, pat, 4), "the pattern came through the state file");
	sim_drive_free(&d);
}

Test(sim_drive, nvme_and_scsi_sanitize_state)
{
	struct sim_drive d;
	make("nvme,polls=2", &d);
	struct kesu_passthru pt = sim_drive_passthru(&d);
	struct kesu_nvme_admin a;
	struct kesu_nvme_result r;
	cr_assert_eq(Kesu_nvme_sanitize_cmd(&a, KESU_NVME_SANACT_OVERWRITE, false, 1, false, false, 0x01020304), 0);
	cr_assert_eq(Kesu_nvme_send(&pt, &a, &r), 0, "%s", r.reason);
	cr_assert_eq(sim_drive_save(&d, state), 0);
	sim_drive_free(&d);
	make("nvme,polls=2", &d);
	cr_assert_eq(sim_drive_load(&d, state), 0);
	cr_assert_eq(d.nvme->sstat & 7, KESU_NVME_SSTAT_IN_PROGRESS);
	pt = sim_drive_passthru(&d);
	cr_assert_eq(Kesu_nvme_sanitize_cmd(&a, KESU_NVME_SANACT_BLOCK, false, 0, false, false, 0), 0);
	cr_assert_eq(Kesu_nvme_send(&pt, &a, &r), -EBUSY, "still running");
	uint8_t log[512];
	for (int i = 0; i < 2; i++) {
		cr_assert_eq(Kesu_nvme_get_log_cmd(&a, KESU_NVME_LOG_SANITIZE, KESU_NVME_NSID_ALL, log, 512), 0);
		cr_assert_eq(Kesu_nvme_send(&pt, &a, &r), 0);
	}
	cr_assert_eq(log[2] & 7, KESU_NVME_SSTAT_DONE);
	static const uint8_t pat[4] = {0x04, 0x03, 0x02, 0x01};
	cr_assert(sim_media_pattern(fd, BYTES, pat, 4));
	cr_assert_eq(sim_drive_save(&d, state), 0);
	sim_drive_free(&d);
	make("scsi,polls=2", &d);
	cr_assert_eq(sim_drive_load(&d, state), -EINVAL, "an NVMe state on a SCSI drive");
	sim_drive_free(&d);

	unlink(state);
	make("scsi,polls=2", &d);
	pt = sim_drive_passthru(&d);
	struct kesu_scsi_cmd c;
	struct kesu_scsi_result sr;
	uint8_t params[8], sense[32];
	static const uint8_t spat[2] = {0x77, 0x88};
	int n = Kesu_scsi_sanitize_overwrite_params(params, sizeof(params), 1, false, spat, 2);
	cr_assert_eq(Kesu_scsi_sanitize_cmd(&c, KESU_SCSI_SANITIZE_OVERWRITE, true, false, params, (uint16_t)n), 0);
	cr_assert_eq(Kesu_scsi_send(&pt, &c, &sr), 0, "%s", sr.reason);
	cr_assert_eq(sim_drive_save(&d, state), 0);
	sim_drive_free(&d);
	make("scsi,polls=2", &d);
	cr_assert_eq(sim_drive_load(&d, state), 0);
	cr_assert(d.scsi->san_running);
	cr_assert_eq(d.scsi->ow_len, 2);
	pt = sim_drive_passthru(&d);
	struct kesu_sense s;
	do {
		Kesu_scsi_request_sense_cmd(&c, false, sense, sizeof(sense));
		cr_assert_eq(Kesu_scsi_send(&pt, &c, &sr), 0);
		cr_assert_eq(Kesu_sense_parse(sense, sizeof(sense), &s), 0);
	} while (s.key == 0x02);
	cr_assert_eq(s.key, 0);
	cr_assert(sim_media_pattern(fd, BYTES, spat, 2));
	sim_drive_free(&d);
}

Test(sim_drive, a_bad_state_file_is_refused)
{
	struct sim_drive d;
	FILE *f = fopen(state, "w");
	cr_assert_not_null(f);
	fprintf(f, "kind=ata\nenabled=1\nno_such_key=3\n");
	fclose(f);
	make("ata", &d);
	cr_assert_eq(sim_drive_load(&d, state), -EINVAL);
	sim_drive_free(&d);
	f = fopen(state, "w");
	fprintf(f, "kind=ata\nuser_pw=abc\n"); /* not 64 hex digits */
	fclose(f);
	make("ata", &d);
	cr_assert_eq(sim_drive_load(&d, state), -EINVAL);
	sim_drive_free(&d);
}
