/* A small, defensive PDF object reader: enough to find kesu's attachments
 * in a file kesu wrote (or qpdf rewrote), and nothing more. It never trusts
 * the file: every offset, length, count and depth is checked against the
 * buffer and against fixed limits, and garbage is an error, never a crash.
 * Used by pdf_read.c; no libharu here. */
#ifndef KESU_PDF_PARSE_H
#define KESU_PDF_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#define PDF_OBJNUM_MAX 8388607u /* the largest object number PDF allows */

enum pv_type { PV_NULL, PV_BOOL, PV_INT, PV_REAL, PV_STRING, PV_NAME, PV_ARRAY, PV_DICT, PV_REF };

/* A parsed value; strings, names and containers live in the reader's arena. */
struct pv {
	enum pv_type type;
	size_t n; /* STRING, NAME, REAL: bytes; ARRAY: items; DICT: key/value pairs */
	union {
		long long i;                    /* BOOL, INT */
		const unsigned char *s;         /* STRING, NAME: NUL-terminated; REAL: the
						 * number as written in the file, n bytes */
		struct pv *items;               /* ARRAY: n; DICT: 2n, key (NAME) then value */
		struct {
			unsigned num, gen;
		} ref;
	} u;
};

/* An indirect object: its value and, for a stream, where the data starts. */
struct pdf_obj {
	struct pv v;
	const unsigned char *data; /* NULL unless a stream */
	const unsigned char *end;  /* end of the buffer the data lies in */
};

/* What one file may cost, whatever it holds: the reader decodes only the
 * streams on the way to the attachments, and a crafted file ends in an
 * error naming the limit, never in gigabytes of memory or minutes. */
#define PDF_DECODED_MAX (16u << 20) /* bytes decoded from all streams together */
#define PDF_SCANNED_MAX (32u << 20) /* bytes the parser reads, over all objects */

struct pdf_entry;  /* object number -> where it is */
struct pdf_objstm; /* an object stream, decoded when first needed */
struct pdf_cached; /* an object already parsed */
struct pdf_chunk;

struct pdf_reader {
	const unsigned char *buf;
	size_t len;
	struct pdf_entry *index; /* objects at file offsets, sorted by number */
	size_t nindex, capindex;
	struct pdf_objstm *objstm; /* object streams, the last in the file first */
	size_t nobjstm;
	struct pdf_cached *cache; /* parsed objects, by their index entry */
	size_t ncache, capcache;
	struct pdf_chunk *arena;
	size_t arena_total;
	unsigned loads;  /* objects parsed so far: bounds the work garbage can cause */
	size_t scanned;  /* bytes parsed so far (PDF_SCANNED_MAX) */
	size_t decoded;  /* bytes decoded from streams so far (PDF_DECODED_MAX) */
	bool exhausted;  /* a limit above was reached: the whole read fails */
	char *err;
	size_t errsize;
};

/* pdf_index.c: indexes every "N G obj" in buf (the last definition of a
 * number wins, as with incremental updates) and notes its object streams,
 * which are decoded only when an object is not found outside them. 0,
 * -KESU_EPARSE (err set) or -ENOMEM. Kesu_pdf_reader_close in every case. */
int Kesu_pdf_reader_open(struct pdf_reader *r, const unsigned char *buf, size_t len, char *err,
		    size_t errsize);
void Kesu_pdf_reader_close(struct pdf_reader *r);

/* Puts the reason in err (replacing any earlier one); returns -KESU_EPARSE. */
int Kesu_pdf_fail(struct pdf_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The same for a work limit: marks the reader exhausted, so that no caller
 * takes the failure for mere damage and reads on. */
int Kesu_pdf_exhausted(struct pdf_reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* pdf_index.c: object num, parsed once and then remembered. 0, or
 * -KESU_EPARSE / -ENOMEM. */
int Kesu_pdf_load(struct pdf_reader *r, unsigned num, struct pdf_obj *out);
/* Where the definition of num that counts (the last in the file) starts:
 * 0, or -ENOENT when it is not at a file offset (absent, or in an object
 * stream). */
int Kesu_pdf_offset(struct pdf_reader *r, unsigned num, size_t *off);
/* The numbers of every object definition starting in [from, to), in
 * number order, into nums (at most max); returns how many there are. */
size_t Kesu_pdf_defined_between(const struct pdf_reader *r, size_t from, size_t to,
				unsigned *nums, size_t max);
/* Every "N G obj" definition in the file, superseded ones too, in number
 * order (and file order within a number). */
size_t Kesu_pdf_definitions(const struct pdf_reader *r);
void Kesu_pdf_definition_at(const struct pdf_reader *r, size_t i, unsigned *num, size_t *off);
/* pdf_read.c: the trailer dictionary that startxref leads to (after an
 * "xref" table, or a cross-reference stream's dictionary); *xref_off
 * receives startxref's offset (NULL: not wanted). */
int Kesu_pdf_find_trailer(struct pdf_reader *r, struct pv *trailer, size_t *xref_off);
/* pdf_value_write.c: v as PDF syntax appended to out (a growing buffer);
 * strings in hex, names escaped, reals as they were written. -ENOMEM. */
struct kesu_buf;
int Kesu_pdf_value_write(struct kesu_buf *out, const struct pv *v);
/* The same with every reference's number from map (ctx passed on); a
 * reference map gives 0 for is left out (map records why). */
int Kesu_pdf_value_write_mapped(struct kesu_buf *out, const struct pv *v,
				unsigned (*map)(void *ctx, unsigned num), void *ctx);
/* Parses the value at off (a trailer dictionary). */
int Kesu_pdf_parse_at(struct pdf_reader *r, size_t off, struct pv *out);
/* Parses an "N G obj" at off (an xref stream named by startxref). */
int Kesu_pdf_load_at(struct pdf_reader *r, size_t off, struct pdf_obj *out);

/* Between pdf_parse.c and pdf_index.c. */
int Kesu_pdf_parse_object(struct pdf_reader *r, const unsigned char *base, const unsigned char *end,
		     size_t off, bool header, struct pdf_obj *out);
bool Kesu_pdf_next_uint(struct pdf_reader *r, const unsigned char **p, const unsigned char *end,
		   unsigned long long *v);
bool Kesu_pdf_is_ws(unsigned c);
bool Kesu_pdf_is_regular(unsigned c);
void Kesu_pdf_arena_free(struct pdf_reader *r);

/* v itself, or the object it refers to (never a stream's data). */
int Kesu_pdf_resolve(struct pdf_reader *r, const struct pv *v, struct pv *out);
/* The value of key in a dictionary, or NULL. */
const struct pv *Kesu_pdf_dict_get(const struct pv *dict, const char *key);
bool Kesu_pdf_is_name(const struct pv *v, const char *name);

/* pdf_stream.c: a stream's decoded bytes (malloc'd, NUL-terminated, at most
 * max), honouring /Length (direct or indirect) and /Filter /FlateDecode;
 * counted against PDF_DECODED_MAX. */
int Kesu_pdf_stream_data(struct pdf_reader *r, const struct pdf_obj *o, size_t max,
		    unsigned char **data, size_t *len);

/* pdf_read.c: kesu_pdf_read_payload on a file already in memory (and the
 * fuzz target's entry point). */
int Kesu_pdf_read_memory(const unsigned char *buf, size_t len, char **payload, size_t *payload_len,
		    char **sig, size_t *sig_len, char *err, size_t errsize);

#endif
