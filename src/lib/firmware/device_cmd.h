/* Device commands: one small function table (struct kesu_passthru_ops)
 * through which every ATA, NVMe admin and SCSI command goes, so the same
 * firmware-erase code drives a real drive (SG_IO, NVME_IOCTL_ADMIN_CMD:
 * sgio.c) and, in tests, a simulated drive (tests/sim/sim.h).
 *
 * Building a command is separate from sending it (as in nvme-cli): the
 * kesu_*_cmd() builders only fill a struct (ata_cdb.c, nvme_cmd.c,
 * scsi_cmd.c); the ops send it and check every status field. Layouts:
 * docs/passthru.md and docs/device-commands.md.
 *
 * Internal to the library (and its tests): front ends only open and close
 * a channel (kesu/passthru.h). */
#ifndef KESU_DEVICE_CMD_H
#define KESU_DEVICE_CMD_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kesu/ata.h"
#include "kesu/nvme.h" /* KESU_NVME_IDENTIFY_SIZE */
#include "kesu/passthru.h"

/* ---- ATA (sent as SCSI ATA PASS-THROUGH(16), opcode 0x85) ---------------- */

enum kesu_ata_protocol {
	KESU_ATA_NON_DATA = 3,
	KESU_ATA_PIO_IN = 4,
	KESU_ATA_PIO_OUT = 5,
};

/* ATA command opcodes kesu sends. */
enum {
	KESU_ATA_READ_NATIVE_MAX_EXT = 0x27,
	KESU_ATA_SET_MAX_ADDRESS_EXT = 0x37,
	/* ACS-3 Accessible Max Address Configuration: FEATURE 0000h GET NATIVE
	 * MAX ADDRESS EXT, 0001h SET ACCESSIBLE MAX ADDRESS EXT. */
	KESU_ATA_ACCESSIBLE_MAX_ADDRESS = 0x78,
	KESU_ATA_DEVICE_CONFIGURATION = 0xb1, /* DCO; FEATURE 0xc2 = IDENTIFY */
	KESU_ATA_SANITIZE = 0xb4,
	KESU_ATA_IDENTIFY = 0xec,
	KESU_ATA_SEC_SET_PASSWORD = 0xf1,
	KESU_ATA_SEC_UNLOCK = 0xf2,
	KESU_ATA_SEC_ERASE_PREPARE = 0xf3,
	KESU_ATA_SEC_ERASE_UNIT = 0xf4,
	KESU_ATA_SEC_DISABLE_PASSWORD = 0xf6,
};

/* SANITIZE (0xB4) subcommands, in the FEATURE field. */
enum kesu_ata_sanitize_action {
	KESU_ATA_SANITIZE_STATUS = 0x0000,
	KESU_ATA_SANITIZE_CRYPTO = 0x0011,    /* LBA = "Cryp" 0x43727970 */
	KESU_ATA_SANITIZE_BLOCK = 0x0012,     /* LBA = "BkEr" 0x426b4572 */
	KESU_ATA_SANITIZE_OVERWRITE = 0x0014, /* LBA 47:32 = "OW" 0x4f57, 31:0 the pattern */
};
#define KESU_ATA_SANITIZE_KEY_CRYPTO 0x43727970u
#define KESU_ATA_SANITIZE_KEY_BLOCK 0x426b4572u
#define KESU_ATA_SANITIZE_KEY_OVERWRITE 0x4f57u
/* SANITIZE STATUS EXT output, in the COUNT field; progress in LBA 15:0. */
#define KESU_ATA_SANITIZE_DONE_OK 0x8000u     /* completed without error */
#define KESU_ATA_SANITIZE_IN_PROGRESS 0x4000u
#define KESU_ATA_SANITIZE_FROZEN 0x2000u
/* SANITIZE DEVICE ERROR REASON, in LBA 7:0 of an aborted SANITIZE (ACS-3). */
enum kesu_ata_sanitize_reason {
	KESU_ATA_SANITIZE_ERR_NONE = 0,        /* reason not reported */
	KESU_ATA_SANITIZE_ERR_FAILED = 1,      /* the last sanitize was unsuccessful */
	KESU_ATA_SANITIZE_ERR_UNSUPPORTED = 2, /* unsupported sanitize device command */
	KESU_ATA_SANITIZE_ERR_FROZEN = 3,      /* device in the Sanitize Frozen state */
	KESU_ATA_SANITIZE_ERR_ANTIFREEZE = 4,  /* SANITIZE ANTIFREEZE LOCK is on */
};

/* ATA status and error register bits. */
#define KESU_ATA_STATUS_ERR 0x01
#define KESU_ATA_STATUS_DRQ 0x08
#define KESU_ATA_STATUS_DF 0x20
#define KESU_ATA_STATUS_DRDY 0x40
#define KESU_ATA_STATUS_BSY 0x80
#define KESU_ATA_ERROR_ABRT 0x04

/* The 512-byte payload of the SECURITY commands that carry a password. */
#define KESU_ATA_SECURITY_PAYLOAD 512

struct kesu_ata_cmd {
	uint8_t protocol;   /* enum kesu_ata_protocol */
	bool ext48;         /* 48-bit command: EXTEND bit, high register bytes */
	uint16_t feature;   /* FEATURE 15:0 (15:8 only with ext48) */
	uint16_t count;     /* COUNT 15:0; with data: the length in 512-byte blocks */
	uint64_t lba;       /* LBA 47:0 (23:0 without ext48; 27:24 go in device) */
	uint8_t device;     /* DEVICE register: 0x40 (LBA mode) for every kesu command */
	uint8_t command;    /* the ATA opcode */
	void *data;         /* PIO-in: filled; PIO-out: sent; NULL for non-data */
	size_t data_len;    /* bytes, = count * 512 for data protocols */
	unsigned timeout_s; /* 0: the sender's default (30 s) */
};

/* What came back, whichever way the sender reported it. */
struct kesu_ata_result {
	bool regs_valid;    /* status..lba below came from the drive */
	uint8_t status, error;
	uint16_t count;     /* COUNT 15:0 (15:8 only from descriptor sense) */
	uint64_t lba;       /* LBA 47:0 (47:24 only from descriptor sense) */
	/* Which parts came back: fixed-format sense holds COUNT 7:0 and LBA
	 * 23:0 only, and says in byte 8 whether the upper halves are nonzero;
	 * libata < 6.10's fixed layout holds no LBA at all. A 48-bit answer
	 * is whole only when the halves it needs are valid. */
	bool lba_low_valid;   /* LBA 23:0 */
	bool count_high_valid; /* COUNT 15:8 (0 when fixed sense says it is zero) */
	bool lba_high_valid;  /* LBA 47:24 (likewise) */
	bool sense_valid;
	uint8_t sense_key, asc, ascq;
	const char *reason; /* static text: why it failed, "ok" on success; never NULL after a call */
};

/* ---- NVMe admin ---------------------------------------------------------- */

enum {
	KESU_NVME_GET_LOG_PAGE = 0x02,
	KESU_NVME_IDENTIFY = 0x06,
	KESU_NVME_FORMAT_NVM = 0x80,
	KESU_NVME_SANITIZE = 0x84,
};
enum kesu_nvme_sanact {
	KESU_NVME_SANACT_EXIT_FAILURE = 1,
	KESU_NVME_SANACT_BLOCK = 2,
	KESU_NVME_SANACT_OVERWRITE = 3,
	KESU_NVME_SANACT_CRYPTO = 4,
};
#define KESU_NVME_NSID_ALL 0xffffffffu
/* Identify CNS values kesu asks. */
#define KESU_NVME_CNS_NAMESPACE 0x00
#define KESU_NVME_CNS_CONTROLLER 0x01
#define KESU_NVME_CNS_ACTIVE_NS 0x02
#define KESU_NVME_LOG_SMART 0x02
#define KESU_NVME_LOG_SANITIZE 0x81
#define KESU_NVME_LOG_SIZE 512
/* NVMe status (SCT << 8 | SC, plus DNR), as the ioctl returns it. */
#define KESU_NVME_SC_INVALID_OPCODE 0x001
#define KESU_NVME_SC_INVALID_FIELD 0x002
#define KESU_NVME_SC_SANITIZE_FAILED 0x01c
#define KESU_NVME_SC_SANITIZE_IN_PROGRESS 0x01d
#define KESU_NVME_SC_INVALID_FORMAT 0x10a
#define KESU_NVME_DNR 0x4000
/* Sanitize Status log (0x81): SPROG bytes 1:0, SSTAT bytes 3:2. */
enum kesu_nvme_sstat {
	KESU_NVME_SSTAT_NEVER = 0,
	KESU_NVME_SSTAT_DONE = 1,
	KESU_NVME_SSTAT_IN_PROGRESS = 2,
	KESU_NVME_SSTAT_FAILED = 3,
	KESU_NVME_SSTAT_DONE_NDAS = 4,
};

struct kesu_nvme_admin {
	uint8_t opcode;
	uint32_t nsid;
	uint32_t cdw10, cdw11, cdw12, cdw13, cdw14, cdw15;
	void *data;          /* from the controller for Identify and Get Log Page */
	uint32_t data_len;
	unsigned timeout_ms; /* 0: the kernel's default */
};

struct kesu_nvme_result {
	uint32_t result;     /* completion dword 0 */
	uint16_t status;     /* 0 or SCT << 8 | SC (| KESU_NVME_DNR) */
	const char *reason;
};

/* ---- SCSI ---------------------------------------------------------------- */

enum kesu_data_dir { KESU_DIR_NONE, KESU_DIR_IN, KESU_DIR_OUT };

enum {
	KESU_SCSI_TEST_UNIT_READY = 0x00,
	KESU_SCSI_REQUEST_SENSE = 0x03,
	KESU_SCSI_INQUIRY = 0x12,
	KESU_SCSI_SANITIZE = 0x48,
	KESU_SCSI_MAINTENANCE_IN = 0xa3, /* service action 0x0c: REPORT SUPPORTED OPERATION CODES */
	KESU_SCSI_MODE_SELECT_10 = 0x55,
	KESU_SCSI_MODE_SENSE_10 = 0x5a,
};
enum kesu_scsi_sanitize_action {
	KESU_SCSI_SANITIZE_OVERWRITE = 0x01,
	KESU_SCSI_SANITIZE_BLOCK = 0x02,
	KESU_SCSI_SANITIZE_CRYPTO = 0x03,
	KESU_SCSI_SANITIZE_EXIT_FAILURE = 0x1f,
};

struct kesu_scsi_cmd {
	uint8_t cdb[16];
	uint8_t cdb_len;
	uint8_t dir;         /* enum kesu_data_dir */
	void *data;
	size_t data_len;
	unsigned timeout_s;  /* 0: 30 s */
};

/* Decoded sense data (fixed 0x70/0x71 or descriptor 0x72/0x73). */
struct kesu_sense {
	uint8_t response_code;  /* 0x70..0x73 */
	uint8_t key, asc, ascq;
	bool progress_valid;    /* sense-key specific progress (SKSV) */
	uint16_t progress;      /* 0..65535 = 0..100 % */
	bool ata_valid;         /* ATA registers found (descriptor 0x09 or fixed) */
	bool ata_libata_fixed;  /* fixed format laid out as Linux libata < 6.10 does */
	uint8_t ata_error, ata_status, ata_device;
	uint16_t ata_count;
	uint64_t ata_lba;
	bool ata_lba_low_valid, ata_count_high_valid, ata_lba_high_valid; /* as in kesu_ata_result */
	/* Progress indication descriptor (0x0a): the progress of the operation
	 * its own sense key / ASC / ASCQ name (e.g. 04/1B sanitize), reported
	 * next to another sense key such as UNIT ATTENTION. */
	bool pi_valid;
	uint8_t pi_key, pi_asc, pi_ascq;
	uint16_t pi_progress;
};

struct kesu_scsi_result {
	uint8_t status;         /* SCSI status byte */
	bool sense_valid;
	struct kesu_sense sense;
	const char *reason;
};

/* ---- The table ----------------------------------------------------------- */

/* Every op returns 0 only when every status field says success; otherwise
 * -KESU_EUNSUPPORTED (the command was refused as unknown: ILLEGAL REQUEST /
 * invalid opcode or field, ATA ABRT with no other error bit, NVMe invalid
 * opcode/field/format), -ETIMEDOUT, -EBUSY (sanitize in progress, not
 * ready), -EAGAIN (SCSI UNIT ATTENTION: the command was not run; send it
 * again), -KESU_EMEDIA, -EIO, or another -errno from the ioctl. The result
 * struct is filled in either case (reason never NULL). */
struct kesu_passthru_ops {
	int (*ata)(void *ctx, const struct kesu_ata_cmd *cmd, struct kesu_ata_result *res);
	int (*nvme_admin)(void *ctx, const struct kesu_nvme_admin *cmd, struct kesu_nvme_result *res);
	int (*scsi)(void *ctx, const struct kesu_scsi_cmd *cmd, struct kesu_scsi_result *res);
	void (*close)(void *ctx);
	/* NVMe: the namespace id of the block device the channel is open on
	 * (NVME_IOCTL_ID; the kernel's nvmeXnY numbers are not NSIDs). 0 with
	 * *nsid set, or a negative error (a controller's char device has none). */
	int (*nvme_nsid)(void *ctx, uint32_t *nsid);
};

/* Send through pt; -KESU_EUNSUPPORTED when the channel lacks that op. */
int Kesu_ata_send(struct kesu_passthru *pt, const struct kesu_ata_cmd *cmd, struct kesu_ata_result *res);
int Kesu_nvme_send(struct kesu_passthru *pt, const struct kesu_nvme_admin *cmd, struct kesu_nvme_result *res);
int Kesu_scsi_send(struct kesu_passthru *pt, const struct kesu_scsi_cmd *cmd, struct kesu_scsi_result *res);
/* The channel's namespace id (ops->nvme_nsid); -KESU_EUNSUPPORTED without it. */
int Kesu_nvme_nsid(struct kesu_passthru *pt, uint32_t *nsid);

/* ---- Builders (ata_cdb.c): fill a command, never send ---------------------- */

/* Packs cmd into an ATA PASS-THROUGH(16) CDB. -EINVAL when the fields do
 * not fit (28-bit command with high bytes, data length != count * 512,
 * unknown protocol). */
int Kesu_ata_cdb_pack(const struct kesu_ata_cmd *cmd, uint8_t cdb[16]);

void Kesu_ata_identify_cmd(struct kesu_ata_cmd *c, uint8_t buf[512]);
void Kesu_ata_read_native_max_cmd(struct kesu_ata_cmd *c);
/* The SECURITY payload: word 0 bit 0 master (1) / user (0), bit 1 enhanced
 * (ERASE UNIT only); bytes 2..33 the password, zero-padded. -EINVAL when
 * the password is longer than 32 bytes. */
int Kesu_ata_security_payload(uint8_t out[KESU_ATA_SECURITY_PAYLOAD], bool master, bool enhanced,
			      const void *password, size_t len);
void Kesu_ata_set_password_cmd(struct kesu_ata_cmd *c, uint8_t payload[KESU_ATA_SECURITY_PAYLOAD]);
void Kesu_ata_unlock_cmd(struct kesu_ata_cmd *c, uint8_t payload[KESU_ATA_SECURITY_PAYLOAD]);
void Kesu_ata_disable_password_cmd(struct kesu_ata_cmd *c, uint8_t payload[KESU_ATA_SECURITY_PAYLOAD]);
void Kesu_ata_erase_prepare_cmd(struct kesu_ata_cmd *c);
/* DEVICE CONFIGURATION IDENTIFY (0xB1 / 0xC2): 512 bytes; words 3..6 hold
 * the highest LBA the drive could offer without a DCO restriction. */
void Kesu_ata_dco_identify_cmd(struct kesu_ata_cmd *c, uint8_t buf[512]);
/* SET MAX ADDRESS EXT (0x37) to max_lba (the last addressable sector, as
 * READ NATIVE MAX EXT returns it). COUNT bit 0 (VV) set keeps the value
 * across power cycles; kesu sends it clear (volatile): the hidden area
 * is opened for this erase only. */
void Kesu_ata_set_max_address_cmd(struct kesu_ata_cmd *c, uint64_t max_lba, bool keep);
/* ACS-3 (IDENTIFY word 119 bit 8): GET NATIVE MAX ADDRESS EXT (78h/0000h)
 * and SET ACCESSIBLE MAX ADDRESS EXT (78h/0001h) to max_lba. The drive
 * keeps a SET across power cycles (there is no volatile form). */
void Kesu_ata_get_native_max_cmd(struct kesu_ata_cmd *c);
void Kesu_ata_set_accessible_max_cmd(struct kesu_ata_cmd *c, uint64_t max_lba);
void Kesu_ata_erase_unit_cmd(struct kesu_ata_cmd *c, uint8_t payload[KESU_ATA_SECURITY_PAYLOAD],
			     unsigned timeout_s);
/* SANITIZE. For OVERWRITE: pattern, passes 1..16 (16 is sent as 0), invert
 * between passes; ignored for the others. failure_mode lets the drive leave
 * the failed state on its own (COUNT bit 4). -EINVAL on bad arguments. */
int Kesu_ata_sanitize_cmd(struct kesu_ata_cmd *c, enum kesu_ata_sanitize_action action,
			  bool failure_mode, uint32_t pattern, unsigned passes, bool invert);

void Kesu_nvme_identify_cmd(struct kesu_nvme_admin *c, uint32_t nsid, uint8_t cns,
			    uint8_t buf[KESU_NVME_IDENTIFY_SIZE]);
/* Format NVM: cdw10 = LBAF 3:0 | MSET << 4 | PI << 5 | PIL << 8 | SES << 9
 * (| LBAF 5:4 at 13:12). -EINVAL if lbaf > 63, pi > 7 or ses > 7. */
int Kesu_nvme_format_cmd(struct kesu_nvme_admin *c, uint32_t nsid, unsigned lbaf, bool mset,
			 unsigned pi, bool pil, unsigned ses, unsigned timeout_ms);
/* Sanitize: cdw10 = SANACT | AUSE << 3 | OWPASS << 4 | OIPBP << 8 | NDAS << 9,
 * cdw11 = the overwrite pattern. -EINVAL for owpass > 15 or sanact not 1..4. */
int Kesu_nvme_sanitize_cmd(struct kesu_nvme_admin *c, enum kesu_nvme_sanact sanact, bool ause,
			   unsigned owpass, bool oipbp, bool ndas, uint32_t pattern);
/* Get Log Page: cdw10 = LID | NUMDL << 16, cdw11 = NUMDU (dwords - 1).
 * len a multiple of 4, >= 4. */
int Kesu_nvme_get_log_cmd(struct kesu_nvme_admin *c, uint8_t lid, uint32_t nsid, void *buf, uint32_t len);

/* SCSI SANITIZE (10-byte CDB): service action, IMMED (return at once, poll
 * REQUEST SENSE), AUSE; param_len: the overwrite parameter list length. */
int Kesu_scsi_sanitize_cmd(struct kesu_scsi_cmd *c, enum kesu_scsi_sanitize_action sa, bool immed,
			   bool ause, void *params, uint16_t param_len);
/* The OVERWRITE parameter list: INVERT, count (1..31), the pattern (1..len).
 * Returns its length or -EINVAL. */
int Kesu_scsi_sanitize_overwrite_params(uint8_t *out, size_t cap, unsigned passes, bool invert,
					const uint8_t *pattern, uint16_t pattern_len);
/* INQUIRY with EVPD for a VPD page (0xb1: Block Device Characteristics). */
void Kesu_scsi_inquiry_vpd_cmd(struct kesu_scsi_cmd *c, uint8_t page, uint8_t *buf, uint16_t len);
/* REPORT SUPPORTED OPERATION CODES for one command with a service action
 * (REPORTING OPTIONS 010b). Reply byte 1 bits 2:0: 3 or 5 = supported. */
void Kesu_scsi_report_opcode_cmd(struct kesu_scsi_cmd *c, uint8_t opcode, uint16_t service_action,
				 uint8_t *buf, uint16_t len);
void Kesu_scsi_test_unit_ready_cmd(struct kesu_scsi_cmd *c);
/* REQUEST SENSE (6-byte CDB), descriptor format when desc. */
void Kesu_scsi_request_sense_cmd(struct kesu_scsi_cmd *c, bool desc, uint8_t *buf, uint8_t len);
/* MODE SENSE(10) of the Control mode page (0Ah), current values, no block
 * descriptors; MODE SELECT(10) (PF) of the parameter list built by
 * Kesu_scsi_control_page_dsense from that answer with D_SENSE set or
 * cleared. The list is KESU_SCSI_CONTROL_LIST bytes. */
#define KESU_SCSI_CONTROL_LIST 20 /* 8-byte header + the 12-byte page */
void Kesu_scsi_mode_sense_control_cmd(struct kesu_scsi_cmd *c, uint8_t buf[KESU_SCSI_CONTROL_LIST]);
int Kesu_scsi_control_page_dsense(const uint8_t *answer, size_t len, bool d_sense,
				  uint8_t list[KESU_SCSI_CONTROL_LIST]);
void Kesu_scsi_mode_select_control_cmd(struct kesu_scsi_cmd *c, uint8_t list[KESU_SCSI_CONTROL_LIST]);

/* ---- Status checks (sense.c): shared by sgio.c and the simulated drives ---- */

/* Parses sense data of either format. -KESU_EPARSE when it is none. */
int Kesu_sense_parse(const uint8_t *sb, size_t len, struct kesu_sense *s);

/* Everything SG_IO reports about one command. */
struct kesu_sg_status {
	int ioctl_rc;           /* 0 or -errno */
	uint8_t status;         /* sg_io_hdr.status (SCSI status byte) */
	uint16_t host_status;   /* DID_* */
	uint16_t driver_status; /* DRIVER_* (checked masked with 0x0f) */
	const uint8_t *sense;
	size_t sense_len;       /* sb_len_wr */
};

/* The verdict on an ATA PASS-THROUGH: fills res and returns 0 or an error
 * as for kesu_passthru_ops. */
int Kesu_ata_check(const struct kesu_sg_status *st, struct kesu_ata_result *res);
int Kesu_scsi_check(const struct kesu_sg_status *st, struct kesu_scsi_result *res);
/* ioctl_rc: the NVME_IOCTL_ADMIN_CMD return (-errno, 0, or a positive NVMe status). */
int Kesu_nvme_check(int ioctl_rc, struct kesu_nvme_result *res);
#endif
