/* Physical destruction of a storage medium (issue 16, docs/methods.md
 * "Physical destruction"): the technique and what it reaches on the
 * medium (NIST SP 800-88 Rev.1 App. A), the photographs taken of it, the
 * earlier erasure jobs of the same medium, the rules of the approval and
 * the policy, and the signed record ("kind": "destruction") with its
 * certificate payload (物理破壊証明書, docs/certificate.md).
 *
 * Functions that take err/errsize put one English line there naming the
 * thing and the reason; they never print. */
#ifndef KESU_DESTROY_H
#define KESU_DESTROY_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "kesu/approval.h"
#include "kesu/device.h"
#include "kesu/host.h"
#include "kesu/ledger.h"
#include "kesu/policy.h"
#include "kesu/record.h"

enum kesu_destroy_technique {
	KESU_DESTROY_DRILL = 1,    /* drilled through (穿孔) */
	KESU_DESTROY_CRUSH,        /* deformed, crushed (変形・破砕) */
	KESU_DESTROY_SHRED,        /* shredded (破断・細断) */
	KESU_DESTROY_DISINTEGRATE, /* disintegrated, pulverized (粉砕) */
	KESU_DESTROY_INCINERATE,   /* incinerated (焼却) */
	KESU_DESTROY_DEGAUSS,      /* degaussed (磁気消去) */
};

/* A technique and what it reaches on one kind of medium. */
struct kesu_destroy_level {
	const char *level;      /* "destroy", "purge" or "none" (NIST SP 800-88) */
	const char *caveat_ja;  /* the honest limit, printed on the certificate */
	const char *caveat_en;
};

/* "drill" -> KESU_DESTROY_DRILL; 0 when name is none of them. */
enum kesu_destroy_technique kesu_destroy_technique_parse(const char *name);
const char *kesu_destroy_technique_name(enum kesu_destroy_technique t);
const char *kesu_destroy_technique_ja(enum kesu_destroy_technique t);
/* The media types a medium that is not attached may be given as
 * (lower case), and the record's spelling of each: "hdd" -> "HDD". NULL
 * when unknown. */
const char *kesu_destroy_media_type(const char *name);
/* What t reaches on media_type (the record's spelling: "HDD", "SSD",
 * "flash", "tape", "optical", "unknown", or an attached drive's
 * kesu_media_name). 0, or -KESU_EREFUSED (err says why) when the technique
 * does nothing on that medium: degaussing flash or optical media. */
int kesu_destroy_level_of(enum kesu_destroy_technique t, const char *media_type,
			  struct kesu_destroy_level *out, char *err, size_t errsize);

/* Photographs: JPEG or PNG, at most KESU_DESTROY_PHOTOS_MAX of at most
 * KESU_DESTROY_PHOTO_MAX bytes each and KESU_DESTROY_PHOTOS_TOTAL in all
 * (each is embedded twice, as attachment and as image: the certificate
 * stays under KESU_PDF_FILE_MAX). */
#define KESU_DESTROY_PHOTOS_MAX 8
#define KESU_DESTROY_PHOTO_MAX (8u << 20)
#define KESU_DESTROY_PHOTOS_TOTAL (24u << 20)
#define KESU_DESTROY_PHOTO_PIXELS (40u * 1000 * 1000) /* per photo: a PNG is decoded whole, a JPEG
							 * the page would draw as large */
struct kesu_destroy_photo {
	char name[16];   /* the attachment's name: photo-1.jpg, photo-2.png */
	char type[8];    /* "jpeg" or "png" */
	char sha256[65]; /* of the file's bytes, hex */
	unsigned char *data;
	size_t len;
};
/* Checks image bytes: the magic bytes of a JPEG or PNG, the size, and that
 * the PDF library can load it. type receives "jpeg" or "png". 0 or
 * -KESU_EPARSE (err: "not a JPEG or PNG image", ...). what names it. */
int kesu_destroy_photo_check(const char *what, const unsigned char *data, size_t len,
			     char type[8], char *err, size_t errsize);
/* Reads and checks path as photo number index (1-based): name, type, hash
 * and bytes filled. 0, -KESU_EPARSE, or -errno (err names the file). */
int kesu_destroy_photo_load(const char *path, unsigned index, struct kesu_destroy_photo *p,
			    char *err, size_t errsize);
void kesu_destroy_photo_free(struct kesu_destroy_photo *p);

/* The medium destroyed: an attached drive (device set: its identity as a
 * wipe records it), or one that cannot be attached, named by serial (and
 * model) or asset number. */
struct kesu_destroy_target {
	const struct kesu_device *device; /* NULL: not attached */
	const char *serial, *model, *asset; /* "" or NULL when not given */
	const char *media_type;           /* the record's spelling (see above) */
	uint64_t size;                    /* 0: unknown (a medium not attached) */
};

/* The earlier jobs of the same medium in the ledger, oldest first, as the
 * record's "earlier_jobs" JSON array text (malloc'd): every finished wipe
 * record whose media.serial is serial (and media.size_bytes is size, when
 * size is known), or whose media.asset_number is asset. Each entry:
 * {"certificate_id","ended_utc","job_id","outcome","seq"}. *count
 * receives how many. 0 or a negative error. */
int kesu_destroy_earlier_jobs(struct kesu_ledger *l, const struct kesu_destroy_target *t,
			      char **json, size_t *count, char *err, size_t errsize);

/* The approval's and the policy's rules for a destruction. Under an
 * approval: not expired, the medium listed, class and purpose the
 * approval's; its methods and level do not apply (physical destruction is
 * the standard's own remedy, notes 11 and 18). The entry must not be spent:
 * no SUCCESS wipe and no destruction under it already (a FAILED wipe does
 * not spend it). The policy's class rules: approval and witness required.
 * 0 (v->entry set under an approval), -KESU_EREFUSED with v filled (stop,
 * approval or policy, detail), or a negative error reading the ledger. */
struct kesu_disposal_verdict;
int kesu_destroy_judge(const struct kesu_policy *policy, const struct kesu_approval *approval,
		       struct kesu_ledger *ledger, const struct kesu_destroy_target *t,
		       const char *classification, const char *purpose, bool witness, time_t now,
		       struct kesu_disposal_verdict *v);

/* Everything the record says of the destruction. */
struct kesu_destroy_facts {
	enum kesu_destroy_technique technique;
	struct kesu_destroy_level level;
	const char *location, *contractor, *note; /* "" or NULL: null */
	const struct kesu_destroy_photo *photos;
	size_t nphotos;
	const char *earlier_jobs_json; /* kesu_destroy_earlier_jobs; NULL: [] */
	const char *approval_json;     /* kesu_approval_record_json; NULL: none */
	time_t started, ended;
};

/* The record, canonical JSON (malloc'd; NULL when out of memory or a
 * JSON argument is not what it should be): "kesu_record": 1, "kind":
 * "destruction", "job_id", "certificate_id", the times, the people and
 * station from ctx, "media", "host" (ctx->host, for an attached drive only), "approval" (when
 * given), "outcome": "DESTROYED" and "destruction". */
char *kesu_destroy_record(const struct kesu_destroy_target *t, const struct kesu_destroy_facts *f,
			  const struct kesu_job_context *ctx, const char *job_id,
			  const char *certificate_id, size_t *len);
/* The ledger subject of the record: "medium:<serial>" or "asset:<asset>". */
void kesu_destroy_subject(const struct kesu_destroy_target *t, char *out, size_t size);
/* The certificate payload of a destruction record (canonical JSON,
 * malloc'd): "kesu_certificate": 3, "document":
 * "destruction-certificate", the record's parts and "ledger". */
char *kesu_destroy_payload(const char *record, uint64_t seq, const char *record_hash,
			   time_t issued, size_t *len);

#endif
