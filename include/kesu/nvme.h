/* NVMe Identify Controller, Identify Namespace and the Sanitize Status log
 * page: what an NVMe drive says about itself, including the facts firmware
 * erasure depends on (Format NVM, FNA, SANICAP).
 *
 * Offsets follow the NVMe base specification; each was checked against the
 * Linux kernel's include/linux/nvme.h (struct nvme_id_ctrl, struct
 * nvme_id_ns, struct nvme_lbaf) and libnvme's src/nvme/types.h (enum
 * nvme_id_ctrl_oacs, nvme_id_ctrl_fna, nvme_id_ctrl_sanicap, struct
 * nvme_sanitize_log_page). All multi-byte fields are little endian. */
#ifndef KESU_NVME_H
#define KESU_NVME_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KESU_NVME_IDENTIFY_SIZE 4096
#define KESU_NVME_SANITIZE_LOG_SIZE 512
#define KESU_NVME_MAX_LBAF 64
/* Sanitize Status log: "no time period is reported". */
#define KESU_NVME_TIME_UNKNOWN 0xffffffffu

/* Identify Controller (CNS 01h). */
struct kesu_nvme_id_ctrl {
	uint16_t vid, ssvid;             /* bytes 0-1, 2-3: PCI vendor ids */
	char serial[21];                 /* SN, bytes 4-23, ASCII space padded */
	char model[41];                  /* MN, bytes 24-63 */
	char firmware[9];                /* FR, bytes 64-71 */
	uint32_t version;                /* VER, bytes 80-83: major<<16 | minor<<8 | tertiary */
	uint16_t oacs;                   /* bytes 256-257 */
	uint32_t sanicap;                /* bytes 328-331 */
	uint32_t namespaces;             /* NN, bytes 516-519 */
	uint8_t fna;                     /* byte 524 */
	/* OACS: optional admin commands. */
	bool security_commands;          /* bit 0: Security Send/Receive (TCG Opal) */
	bool format;                     /* bit 1: Format NVM */
	bool ns_management;              /* bit 3: Namespace Management */
	/* FNA: Format NVM attributes. User-data erase (SES=1) needs no bit of
	 * its own: it comes with Format NVM. */
	bool format_all_namespaces;      /* bit 0: a format formats every namespace */
	bool secure_erase_all_namespaces;/* bit 1: a secure erase erases every namespace */
	bool format_crypto_erase;        /* bit 2: crypto erase (SES=2) supported */
	/* SANICAP: the Sanitize command. */
	bool sanitize_crypto;            /* bit 0: CES */
	bool sanitize_block;             /* bit 1: BES */
	bool sanitize_overwrite;         /* bit 2: OWS */
	bool sanitize_no_dealloc_inhibited; /* bit 29: NDI, No-Deallocate After
	                                       Sanitize is not honoured */
	unsigned sanitize_nodmmas;       /* bits 31:30: 0 not reported, 1 media not
	                                    modified after sanitize, 2 modified */
};

struct kesu_nvme_lbaf {
	unsigned metadata_size;          /* MS, bytes of metadata per block */
	unsigned data_size;              /* 1 << LBADS bytes; 0 if not in use */
	unsigned relative_performance;   /* RP: 0 best .. 3 degraded */
};

/* Identify Namespace (CNS 00h). */
struct kesu_nvme_id_ns {
	uint64_t size;                   /* NSZE, bytes 0-7, in logical blocks */
	uint64_t capacity;               /* NCAP, bytes 8-15, in logical blocks */
	uint64_t utilization;            /* NUSE, bytes 16-23 */
	unsigned nformats;               /* NLBAF (byte 25) + 1 */
	unsigned format_index;           /* FLBAS (byte 26): bits 3:0, with bits 6:5
	                                    above them when there are over 16 formats */
	bool metadata_extended;          /* FLBAS bit 4: metadata at the end of each block
	                                    (Format NVM's MSET) */
	unsigned protection_type;        /* DPS (byte 29) bits 2:0: PI type 0..3 (Format's PI) */
	bool protection_first;           /* DPS bit 3: PI in the first bytes of the
	                                    metadata (Format's PIL) */
	unsigned block_size;             /* current format's data size, bytes */
	unsigned metadata_size;          /* current format's metadata, bytes */
	uint64_t size_bytes;             /* size * block_size */
	uint8_t nguid[16];               /* bytes 104-119, zero if none */
	uint8_t eui64[8];                /* bytes 120-127, zero if none */
	char nguid_hex[33];              /* 32 lower-case hex digits, "" if zero */
	char eui64_hex[17];              /* 16 lower-case hex digits, "" if zero */
	struct kesu_nvme_lbaf lbaf[KESU_NVME_MAX_LBAF]; /* LBAF table, byte 128, 4 bytes each */
};

/* The namespaces one controller shows (Identify CNS 02h, the active
 * namespace ID list) and the block device of each, from sysfs. */
#define KESU_NVME_NS_MAX 64
struct kesu_nvme_ns_ref {
	uint32_t nsid;
	char device[64];                 /* "/dev/nvme0n2", "" when no block device shows it */
};

/* What one Format NVM or Sanitize erases (docs/firmware.md, "Scope"). */
struct kesu_nvme_scope {
	uint32_t send_nsid;              /* the NSID the command goes to: the namespace's,
	                                    0xFFFFFFFF (FNA bit 0), 0 (Sanitize) */
	const char *reason;              /* static: "namespace" (only the chosen one),
	                                    "FNA bit 0", "FNA bit 1", "sanitize" */
	size_t count;                    /* every namespace erased, the chosen one first */
	struct kesu_nvme_ns_ref ns[KESU_NVME_NS_MAX];
};

/* Parses the active namespace ID list (4096 bytes: up to 1024 NSIDs in
 * increasing order, ended by 0). Returns the count kept (at most max), or
 * -KESU_EPARSE when more than max are listed or the list is not in order. */
int kesu_nvme_ns_list_parse(const uint8_t data[KESU_NVME_IDENTIFY_SIZE], uint32_t *nsids, size_t max);

enum kesu_nvme_sanitize_status {
	KESU_NVME_SANITIZE_NEVER = 0,          /* never sanitized */
	KESU_NVME_SANITIZE_COMPLETED = 1,      /* most recent one completed */
	KESU_NVME_SANITIZE_IN_PROGRESS = 2,
	KESU_NVME_SANITIZE_FAILED = 3,
	KESU_NVME_SANITIZE_COMPLETED_NO_DEALLOC = 4, /* completed, No-Deallocate was asked */
};

/* Sanitize Status log page (Log Identifier 81h). */
struct kesu_nvme_sanitize_log {
	unsigned progress;               /* SPROG, bytes 0-1: numerator over 65536;
	                                    FFFFh when not in progress */
	enum kesu_nvme_sanitize_status status; /* SSTAT bits 2:0, bytes 2-3 */
	unsigned overwrite_passes;       /* SSTAT bits 7:3: passes an overwrite completed */
	bool global_data_erased;         /* SSTAT bit 8: nothing written since the
	                                    last sanitize (or since manufacture) */
	uint32_t cdw10;                  /* SCDW10, bytes 4-7: the command that started it */
	/* Estimated seconds, KESU_NVME_TIME_UNKNOWN when not reported. */
	uint32_t time_overwrite;         /* bytes 8-11 (16 passes) */
	uint32_t time_block_erase;       /* bytes 12-15 */
	uint32_t time_crypto_erase;      /* bytes 16-19 */
	uint32_t time_overwrite_nd;      /* bytes 20-23: with No-Deallocate */
	uint32_t time_block_erase_nd;    /* bytes 24-27 */
	uint32_t time_crypto_erase_nd;   /* bytes 28-31 */
};

/* Parses 4096 bytes of Identify Controller data. Returns 0, or
 * -KESU_EPARSE when the data is all zero where identity must be (no
 * vendor id, serial or model). */
int kesu_nvme_id_ctrl_parse(const uint8_t data[KESU_NVME_IDENTIFY_SIZE],
			    struct kesu_nvme_id_ctrl *id);

/* Parses 4096 bytes of Identify Namespace data. Returns 0, or -KESU_EPARSE
 * when the current format is outside the format table or its block size
 * is below 512 bytes (LBADS < 9, which the specification forbids) or
 * above 2^31. An inactive namespace (NSZE 0) parses with size 0. */
int kesu_nvme_id_ns_parse(const uint8_t data[KESU_NVME_IDENTIFY_SIZE],
			  struct kesu_nvme_id_ns *ns);

/* Parses the Sanitize Status log page: len bytes, at least the first 32
 * (the page is 512). Returns 0, or -KESU_EPARSE when len is short or the
 * status is one of the reserved values 5-7. */
int kesu_nvme_sanitize_log_parse(const uint8_t *data, size_t len,
				 struct kesu_nvme_sanitize_log *log);

/* Progress of a sanitize in progress, in thousandths (0..1000). */
unsigned kesu_nvme_sanitize_permille(const struct kesu_nvme_sanitize_log *log);

/* "never sanitized", "completed", ... for a status. Never NULL. */
const char *kesu_nvme_sanitize_status_name(enum kesu_nvme_sanitize_status status);
#endif
