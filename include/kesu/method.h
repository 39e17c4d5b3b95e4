/* Erasure methods are data: one text file per method (methods/<id>.method,
 * format in docs/methods.md). This header has the parsed form, the parser,
 * and the set of methods kesu knows: the built-in ones embedded in the
 * binary plus, optionally, a user directory. */
#ifndef KESU_METHOD_H
#define KESU_METHOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define KESU_METHOD_ID_MAX 32       /* bytes of an id */
#define KESU_METHOD_TEXT_MAX 255    /* bytes of a title, standard, source or note */
#define KESU_METHOD_PASSES_MAX 64   /* passes of one method */
#define KESU_METHOD_NOTES_MAX 16    /* note lines of one method */
#define KESU_METHOD_RANDOM_MAX 16   /* random bytes R1..R16 of one method */
#define KESU_METHOD_LINE_MAX 1024   /* bytes of one line */
#define KESU_METHOD_FILE_MAX 65536  /* bytes of one file */
#define KESU_PATTERN_MAX 64         /* bytes of one repeating pattern */
#define KESU_PASS_TEXT_MAX 256      /* buffer for kesu_pass_describe / _format */
#define KESU_METHOD_DEFAULT "dod-3pass" /* what the users' policy asks for */

enum kesu_pass_type {
	KESU_PASS_BYTE = 1,      /* one fixed byte, e.g. 00 */
	KESU_PASS_PATTERN,       /* 2..64 bytes repeated, e.g. 92 49 24 */
	KESU_PASS_RANDOM_BYTE,   /* Rn: one byte drawn at random per job, repeated */
	KESU_PASS_COMPLEMENT,    /* ~Rn: the bitwise complement of Rn */
	KESU_PASS_RANDOM_STREAM, /* random: the job's PRNG stream (kesu/prng.h) */
	KESU_PASS_FIRMWARE,      /* a firmware method's one step: the drive erases itself */
};

/* How a method erases. */
enum kesu_technique {
	KESU_TECHNIQUE_OVERWRITE = 0, /* kesu writes the passes */
	KESU_TECHNIQUE_FIRMWARE,      /* a command makes the drive erase itself */
};

/* The firmware erase commands kesu can send (kesu/firmware.h runs them).
 * The names (kesu_firmware_command_name) are the ids of the shipped
 * methods that use them. */
enum kesu_firmware_command {
	KESU_FW_NONE = 0,
	KESU_FW_AUTO,                        /* auto-purge: chosen per drive */
	KESU_FW_ATA_SECURITY_ERASE,
	KESU_FW_ATA_SECURITY_ERASE_ENHANCED,
	KESU_FW_ATA_SANITIZE_CRYPTO,
	KESU_FW_ATA_SANITIZE_BLOCK,
	KESU_FW_ATA_SANITIZE_OVERWRITE,
	KESU_FW_NVME_FORMAT_ERASE,
	KESU_FW_NVME_FORMAT_CRYPTO,
	KESU_FW_NVME_SANITIZE_BLOCK,
	KESU_FW_NVME_SANITIZE_CRYPTO,
	KESU_FW_NVME_SANITIZE_OVERWRITE,
	KESU_FW_SCSI_SANITIZE_BLOCK,
	KESU_FW_SCSI_SANITIZE_CRYPTO,
	KESU_FW_SCSI_SANITIZE_OVERWRITE,
	KESU_FW_COUNT
};

/* What the drive holds after a firmware erase, as far as kesu checks it. */
enum kesu_firmware_leaves {
	KESU_LEAVES_CHANGED = 1, /* something other than what was there (crypto, block erase) */
	KESU_LEAVES_ZERO,        /* zeros everywhere (normal security erase, overwrite with 00) */
};

struct kesu_pass {
	enum kesu_pass_type type;
	unsigned len;                    /* bytes in bytes[]: 1 for BYTE, 2..64 for
					  * PATTERN, 0 otherwise */
	uint8_t bytes[KESU_PATTERN_MAX]; /* BYTE, PATTERN: written repeating from
					  * the first byte of the drive */
	unsigned random_byte;            /* RANDOM_BYTE, COMPLEMENT: n of Rn (1..16) */
};

/* NIST SP 800-88 level a method achieves. Overwriting is Clear. */
enum kesu_nist_level {
	KESU_NIST_CLEAR = 1,
	KESU_NIST_PURGE,
	KESU_NIST_DESTROY,
};

/* Which passes are read back and compared after writing. */
enum kesu_verify {
	KESU_VERIFY_NONE = 0,
	KESU_VERIFY_LAST,
	KESU_VERIFY_ALL,
};

struct kesu_method {
	char id[KESU_METHOD_ID_MAX + 1];         /* [a-z0-9-]+, the file's name */
	unsigned version;                        /* of this definition; records cite it */
	char title_en[KESU_METHOD_TEXT_MAX + 1];
	char title_ja[KESU_METHOD_TEXT_MAX + 1];
	char standard[KESU_METHOD_TEXT_MAX + 1]; /* the name policies cite */
	char source[KESU_METHOD_TEXT_MAX + 1];   /* where the pass list comes from */
	char standard_ja[KESU_METHOD_TEXT_MAX + 1]; /* the standard in Japanese, optional */
	/* What the certificate must say about the name (DoD and NSA methods:
	 * those documents no longer specify an overwrite), optional. */
	char caveat_ja[KESU_METHOD_TEXT_MAX + 1];
	char caveat_en[KESU_METHOD_TEXT_MAX + 1];
	enum kesu_nist_level nist;               /* overwrite: clear; firmware: the best it
						  * reaches on any media (kesu/purge.h has
						  * the level per drive) */
	enum kesu_verify verify;
	enum kesu_technique technique;
	enum kesu_firmware_command firmware;     /* KESU_FW_NONE for overwrite methods */
	enum kesu_firmware_leaves leaves;        /* firmware methods: what the proof reads expect */
	unsigned npasses;
	struct kesu_pass passes[KESU_METHOD_PASSES_MAX];
	unsigned nnotes;
	char notes[KESU_METHOD_NOTES_MAX][KESU_METHOD_TEXT_MAX + 1];
	unsigned nrandom_bytes;                  /* R1..Rn the job must draw */
	uint8_t sha256[32];                      /* of the file's exact bytes */
	char origin[4096];                       /* the name it was parsed under */
	unsigned id_line;                        /* line of the id key, for messages */
	bool builtin;                            /* embedded in the binary */
};

/* Parses one method file held in memory. name is the file's name or path:
 * it starts every error message and its last component must be
 * "<id>.method". On error returns -KESU_EPARSE with err holding exactly
 * "NAME:LINE: reason" (truncated to errsize); m is then unspecified. */
int kesu_method_parse(const char *text, size_t len, const char *name, struct kesu_method *m,
		      char *err, size_t errsize);

/* A pass as a person reads it: "0x00", "pattern 92 49 24",
 * "random byte R1", "complement of R1", "random stream". Returns buf. */
char *kesu_pass_describe(const struct kesu_pass *p, char *buf, size_t size);

/* A pass as a method file writes it: "00", "92 49 24", "R1", "~R1",
 * "random". kesu_method_parse reads it back to the same pass. Returns buf. */
char *kesu_pass_format(const struct kesu_pass *p, char *buf, size_t size);

/* "ata-security-erase", ..., "auto" for KESU_FW_AUTO, "" for KESU_FW_NONE. */
const char *kesu_firmware_command_name(enum kesu_firmware_command c);
/* The command as the drive's documentation names it, e.g.
 * "ATA SECURITY ERASE UNIT (enhanced)". */
const char *kesu_firmware_command_title(enum kesu_firmware_command c);
/* KESU_FW_NONE when name is unknown. */
enum kesu_firmware_command kesu_firmware_command_parse(const char *name);
/* "overwrite", "firmware"; "changed", "zero". */
const char *kesu_technique_name(enum kesu_technique t);
const char *kesu_leaves_name(enum kesu_firmware_leaves l);

/* "clear", "purge", "destroy"; "none", "last", "all". */
const char *kesu_nist_level_name(enum kesu_nist_level level);
const char *kesu_verify_name(enum kesu_verify verify);

/* The methods kesu knows, in a stable order (by id). Opaque. */
struct kesu_method_set;

/* An empty set. Returns 0 or -ENOMEM. */
int kesu_method_set_new(struct kesu_method_set **set);
void kesu_method_set_free(struct kesu_method_set *set);

/* Parses text (see kesu_method_parse) and adds it. An id already in the
 * set is an error: a user file cannot replace a built-in method, so a
 * record's "dod-3pass version 1" always means the shipped definition. */
int kesu_method_set_add(struct kesu_method_set *set, const char *text, size_t len,
			const char *name, bool builtin, char *err, size_t errsize);

/* Adds every method embedded in the binary (methods/ at build time). */
int kesu_method_set_add_builtin(struct kesu_method_set *set, char *err, size_t errsize);

/* Adds every DIR/<name>.method (other names and hidden files are ignored),
 * in name order. Stops at the first bad file. I/O errors give -errno and
 * "PATH: reason". */
int kesu_method_set_add_dir(struct kesu_method_set *set, const char *dir, char *err,
			    size_t errsize);

/* The usual start: a new set with the built-ins, plus user_dir unless
 * NULL. On error *set is NULL. */
int kesu_method_set_load(struct kesu_method_set **set, const char *user_dir, char *err,
			 size_t errsize);

size_t kesu_method_set_count(const struct kesu_method_set *set);

/* The i-th method in id order, or NULL past the end. */
const struct kesu_method *kesu_method_set_at(const struct kesu_method_set *set, size_t i);

/* The method with that id, in any case ("DOD-3PASS"), or NULL. */
const struct kesu_method *kesu_method_set_find(const struct kesu_method_set *set, const char *id);

/* For "did you mean": the one method whose id is nearest to id (the same
 * but for punctuation, as "dod3pass", or at most two edits away, a swap of
 * two letters counting one), or NULL when none is near or two are. */
const struct kesu_method *kesu_method_set_nearest(const struct kesu_method_set *set,
						  const char *id);

#endif
