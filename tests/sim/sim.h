/* Simulated drives behind the kesu_passthru_ops table (device_cmd.h):
 * an ATA drive (IDENTIFY, Security feature set, SANITIZE, HPA, DCO), an
 * NVMe controller with one namespace (Identify, Format NVM, Sanitize, log
 * pages) and a SCSI disk (SANITIZE, REQUEST SENSE progress, REPORT
 * SUPPORTED OPERATION CODES, VPD B1). Each decodes the command from its
 * bytes (the CDB or the NVMe dwords), checks the layout against
 * docs/device-commands.md, and answers the way the kernel
 * would, through Kesu_ata_check / Kesu_scsi_check / Kesu_nvme_check.
 *
 * The user data lives in a file descriptor (a memfd in unit tests, the
 * loop device itself in kesu-sim), so what an erase does is read back
 * through kesu's ordinary read path. Used by the Criterion unit tests and
 * by the kesu-sim binary (sim_channel.c). */
#ifndef KESU_SIM_H
#define KESU_SIM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device_cmd.h"

/* Called on a command whose bytes break the layout; the default prints
 * "kesu-sim: protocol violation: MSG" to stderr and aborts. Unit tests
 * point it at a function that fails the test. */
extern void (*sim_violation)(const char *msg);

#define SIM_ATA_MAX_ATTEMPTS 5
#define SIM_ATA_ENHANCED_BYTE 0xa5 /* what an enhanced erase leaves */
#define SIM_CRYPTO_SEED 0xc3       /* crypto erases leave bytes derived from it (not a constant) */

/* What a crypto erase (ATA CRYPTO SCRAMBLE, NVMe SES=2 / crypto sanitize,
 * SCSI CRYPTOGRAPHIC ERASE) leaves at byte offset..offset+len-1: an
 * xorshift stream seeded from SIM_CRYPTO_SEED and the offset. */
void sim_crypto_bytes(uint64_t offset, uint8_t *out, size_t len);

/* The drives never close the fd they were given: its owner does. An erase
 * writes all of it (bytes, in 1 MiB chunks); a write that fails makes the
 * command fail (and is printed to stderr). Overwrites with INVERT leave the
 * inverted pattern after an even number of passes. */

struct sim_ata {
	int fd;                  /* the user data, sectors 0 .. bytes/512 - 1 */
	uint64_t bytes;
	uint8_t identify[512];
	uint64_t hpa_sectors;    /* hidden by an HPA: IDENTIFY reports bytes/512 - this */
	uint64_t dco_sectors;    /* hidden by DCO beyond the native max, 0 = none */
	bool hpa_volatile_open;  /* SET MAX ADDRESS EXT opened the HPA (volatile) */
	unsigned erase_minutes, enhanced_minutes; /* words 89/90 (sent as units of 2 min) */
	/* Security */
	bool sec_supported, sec_enhanced;
	bool enabled, locked, frozen;
	unsigned attempts;       /* wrong passwords since power-on */
	uint8_t user_pw[32], master_pw[32];
	bool prepared;           /* the previous command was ERASE PREPARE */
	bool native_read;        /* the previous command was READ NATIVE MAX EXT (SET MAX
	                            ADDRESS EXT aborts otherwise, as real drives do) */
	/* SANITIZE (word 59) */
	bool san_supported, san_crypto, san_block, san_overwrite;
	bool san_running, san_failed;
	unsigned san_polls_left, san_polls; /* status polls until done */
	uint16_t san_feature;
	uint32_t san_pattern;
	uint16_t san_count;      /* COUNT of the OVERWRITE: bit 7 invert, 3:0 passes (0 = 16) */
	/* Failure injection */
	bool bridge_blocks;      /* every ATA-16 is refused as usb-storage does */
	bool descriptor_sense;   /* errors in descriptor format (D_SENSE=1), else 6.1 fixed */
	int abort_opcode;        /* > 0: this command aborts (ABRT) */
	int timeout_opcode;      /* > 0: this command times out */
	bool liar;               /* erase/sanitize report success, data untouched */
	bool erase_fails;        /* ERASE UNIT aborts after the password check, password stays */
	bool disable_fails;      /* DISABLE PASSWORD aborts (recovery fails) */
	/* Fixed-format sense for successes too while descriptor_sense (D_SENSE)
	 * is off, as libata v6.10 did and some SAT bridges always do: COUNT
	 * 7:0 and LBA 23:0 only, byte 8 saying whether the upper halves are
	 * nonzero (left clear with fixed_no_extend, as a careless bridge does).
	 * MODE SELECT of the Control mode page sets descriptor_sense. */
	bool fixed_success, fixed_no_extend;
	bool mode_select_refused; /* MODE SELECT(10) is an invalid field in CDB */
	unsigned mode_selects;   /* MODE SELECT(10)s taken */
	bool amax;               /* ACS-3 Accessible Max Address (word 80 bit 10, 119 bit 8): 78h */
	bool legacy_hpa_aborts;  /* READ NATIVE MAX EXT and SET MAX ADDRESS EXT abort */
	bool san_frozen;         /* SANITIZE FREEZE LOCK: status bit 0x2000, sanitize aborts (03h) */
	bool san_fail_aborts;    /* after a failed sanitize SANITIZE STATUS aborts (reason 01h) */
	bool san_fails;          /* every sanitize fails at its end, data untouched */
	unsigned logical_sector; /* 0 or 512; 4096: a 4Kn drive (IDENTIFY words 106,
	                            117-118), every sector count and LBA in 4096-byte units */
	/* What was received */
	uint8_t last_cdb[16];
	uint8_t opcodes[256];
	unsigned ncmds;
	uint8_t last_password[32]; /* payload bytes 2..33 of the last security command */
};

/* A drive over fd (bytes of user data, a multiple of 512), built from the
 * captured QEMU IDENTIFY data (tests/fixtures/ata/sata-ssd or sata-hdd),
 * security supported and disabled, sanitize supported, not frozen. */
struct sim_ata *sim_ata_new(int fd, uint64_t bytes, bool rotational);
void sim_ata_free(struct sim_ata *d);
/* Power cycle: locked again if a password is set, not frozen, counter
 * reset, a volatile HPA opening closed; a running sanitize keeps running. */
void sim_ata_power_cycle(struct sim_ata *d);
/* IDENTIFY words from the state (security, sanitize, sizes, checksum). */
void sim_ata_refresh_identify(struct sim_ata *d);
/* close() does not free: the owner calls sim_ata_free. */
struct kesu_passthru sim_ata_passthru(struct sim_ata *d);

struct sim_nvme {
	int fd;
	uint64_t bytes;          /* NSZE = bytes / 512, LBA format 0 = 512 bytes */
	uint8_t id_ctrl[4096];
	bool format;             /* OACS bit 1 */
	uint8_t fna;             /* bit 0 all namespaces, 1 secure erase all, 2 crypto erase */
	uint8_t sanicap;         /* bit 0 crypto, 1 block, 2 overwrite */
	unsigned nlbaf;          /* LBA formats the namespace offers (1..64): 0 is 512
	                            bytes, the others 4096 */
	unsigned flbas;          /* the current format (the last Format NVM's LBAF) */
	unsigned sanitize_polls; /* log reads until a sanitize completes */
	bool liar;
	int fail_opcode;         /* > 0: this admin command completes with an error */
	/* Namespaces: the one whose data is fd (nsid, default 1: what
	 * NVME_IOCTL_ID answers), and optionally a second one without data,
	 * both with the same geometry. A Format NVM must keep MSET/PI/PIL. */
	uint32_t nsid;           /* the namespace with the data (NVME_IOCTL_ID answers it) */
	uint32_t other_nsid;     /* 0, or a second namespace without data */
	bool other_erased;       /* a format or sanitize reached the second namespace */
	bool no_ns_list;         /* Identify CNS 02h is refused (NVMe 1.0) */
	bool no_nsid_ioctl;      /* NVME_IOCTL_ID fails (-ENOTTY) */
	unsigned mset;           /* FLBAS bit 4: metadata at the end of the LBA */
	uint8_t dps;             /* DPS: PI type (2:0) and PIL (bit 3) */
	/* Sanitize log faults */
	bool instant;            /* a sanitize is done before a log read could see it run */
	bool no_gde;             /* a finished sanitize leaves Global Data Erased clear */
	uint32_t log_scdw10_xor; /* the log's SCDW10 differs from the command by this */
	/* Sanitize state */
	unsigned polls_left;
	uint16_t sprog, sstat;
	uint32_t scdw10;
	uint32_t pattern;        /* cdw11 of the last overwrite sanitize */
	/* What was received */
	struct kesu_nvme_admin last;
	uint8_t opcodes[256];
	unsigned ncmds;
};

struct sim_nvme *sim_nvme_new(int fd, uint64_t bytes);
void sim_nvme_free(struct sim_nvme *c);
void sim_nvme_refresh(struct sim_nvme *c);
struct kesu_passthru sim_nvme_passthru(struct sim_nvme *c);

struct sim_scsi {
	int fd;
	uint64_t bytes;
	bool san_overwrite, san_block, san_crypto; /* what REPORT SUPPORTED OPERATION CODES says */
	unsigned rotation_rate;  /* VPD B1: 1 = non-rotating, 7200 = a disk, 0 = no page */
	bool descriptor_sense;   /* REQUEST SENSE / errors in descriptor format */
	unsigned san_polls;      /* REQUEST SENSE calls until done */
	bool liar;
	int abort_sa;            /* > 0: SANITIZE with this service action fails */
	bool desc_refused;       /* REQUEST SENSE with DESC=1: ILLEGAL REQUEST, invalid field */
	bool pi_descriptor;      /* descriptor format: progress in a 0Ah descriptor, not SKS */
	unsigned unit_attentions; /* pending UNIT ATTENTIONs (29/00), one per command */
	/* Sanitize state */
	bool san_running, san_failed;
	unsigned polls_left;
	uint8_t san_sa;
	uint8_t ow_pattern[512]; /* the OVERWRITE parameter list of the running sanitize */
	uint16_t ow_len;
	unsigned ow_passes;
	bool ow_invert;
	/* What was received */
	uint8_t last_cdb[16];
	uint8_t opcodes[256];
	unsigned ncmds;
};

struct sim_scsi *sim_scsi_new(int fd, uint64_t bytes);
void sim_scsi_free(struct sim_scsi *s);
struct kesu_passthru sim_scsi_passthru(struct sim_scsi *s);

/* kesu-sim's drive description, from $KESU_SIM: a kind, then knobs,
 * comma-separated, e.g. "ata,frozen", "ata-hdd,hpa=2048",
 * "nvme,sanicap=3,fna=4,liar", "scsi,rotation=7200". Kinds: ata (SSD),
 * ata-hdd, nvme, scsi. The full knob list is in tests/sim/README.md.
 * Returns 0 or -EINVAL (err says which knob). */
struct sim_drive {
	enum { SIM_ATA, SIM_NVME, SIM_SCSI } kind;
	struct sim_ata *ata;
	struct sim_nvme *nvme;
	struct sim_scsi *scsi;
	bool power_cycle;        /* knob power-cycle: sim_drive_load power-cycles
	                            the drive after loading its state */
};
int sim_drive_new(const char *spec, int fd, uint64_t bytes, struct sim_drive *out, char *err,
		  size_t errsize);
/* State that outlives one kesu-sim run (a password left set, a sanitize
 * still running, the attempt counter), in $KESU_SIM_STATE: loaded after
 * sim_drive_new, saved when the channel closes. A missing file is no state. */
int sim_drive_load(struct sim_drive *d, const char *path);
int sim_drive_save(const struct sim_drive *d, const char *path);
void sim_drive_free(struct sim_drive *d);
/* The channel of whichever drive d is; closing it frees nothing. */
struct kesu_passthru sim_drive_passthru(struct sim_drive *d);
#endif
