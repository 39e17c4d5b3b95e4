/* Shared by the certificate renderer's files (pdf_*.c): the payload's facts
 * as display text, and the drawing context with its text and grid helpers. */
#ifndef KESU_PDF_INTERNAL_H
#define KESU_PDF_INTERNAL_H

#include <hpdf.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kesu/field_limits.h"
#include "kesu/pdf.h"

/* bytes of one displayed payload string: the longest field within
 * kesu/field_limits.h (128 code points of up to 4 bytes) fits whole */
#define CERT_TEXT KESU_LIMIT_BYTES(KESU_LIMIT_ORGANISATION)
#define CERT_PASSES_MAX 256  /* passes a payload may list */
#define CERT_INTERRUPTS_SHOWN 3
#define CERT_EXCEPTIONS_MAX 3   /* kesu/job.h KESU_EXCEPTIONS_MAX */
#define CERT_EXCEPTION_TEXT 512 /* one exception's line */
#define CERT_RANGES_SHOWN 50 /* unwritten ranges listed; the rest are counted */

/* One entry of sanitization.passes. Numbers are -1 when null. */
struct cert_pass {
	long long number;
	char pattern[CERT_TEXT];
	int byte; /* the random byte of an R pass, -1 when null */
	char seed[80];
	long long bytes_written, milliseconds, bad_sectors;
	bool completed;
	int verify_passed; /* passes[i].verify.passed: 1, 0, or -1 when not read back */
};

struct cert_range {
	long long first, count;
};

/* Every fact the page shows, validated and sanitised (valid UTF-8, BMP only,
 * no control characters). Empty text and -1 mean null / not given. */
/* What the payload's "document" is: each kind has its reader and page
 * (pdf_payload.c: wipe; pdf_destroy*.c; pdf_batch*.c). The parts every
 * kind shares (id, times, parties, approval, station, ledger, tool) are
 * struct cert's; each kind's own facts hang off it. */
enum cert_kind {
	CERT_WIPE,        /* "certificate" or "failure-report" */
	CERT_DESTRUCTION, /* "destruction-certificate": 物理破壊証明書 */
	CERT_BATCH,       /* "batch-certificate": 一括消去証明書 with 明細 */
};
struct cert_destruction; /* pdf_destroy.h */
struct cert_details;     /* below: the details page (v4, --details) */
struct cert_batch;       /* pdf_batch.h */

struct cert {
	enum cert_kind kind;
	struct cert_destruction *destruction; /* CERT_DESTRUCTION, malloc'd */
	struct cert_batch *batch;             /* CERT_BATCH, malloc'd */
	struct cert_details *details;         /* v4 "details": its own page, malloc'd */
	bool failure; /* "document": "failure-report" (or any document whose
		       * outcome is not the one it certifies) */
	char id[40];
	char issued_utc[40], issued_local[40];
	int offset_min;    /* the station's UTC offset, from issued_local */
	bool offset_known; /* issued_local carried one */
	char outcome[32], reason[CERT_TEXT], reason_ja[CERT_TEXT];
	/* outcome ERASED_WITH_EXCEPTIONS (v3): a certificate, not a failure
	 * report, that states what remains; failure is false for it */
	bool with_exceptions;
	size_t nexceptions;
	struct cert_exception {
		char kind[32], detail[CERT_EXCEPTION_TEXT], detail_ja[CERT_EXCEPTION_TEXT];
	} exceptions[CERT_EXCEPTIONS_MAX];
	char org_name[CERT_TEXT], org_department[CERT_TEXT], org_location[CERT_TEXT],
		org_phone[KESU_LIMIT_BYTES(KESU_LIMIT_PHONE)];
	char operator_name[CERT_TEXT], operator_title[CERT_TEXT];
	char approver_name[CERT_TEXT], approver_title[CERT_TEXT];
	char witness_name[CERT_TEXT];
	struct { /* the prior approval the job ran under (kesu/approval.h) */
		char number[40], date[16], approver[CERT_TEXT], fingerprint[48], hash[80];
		long long entry;
	} approval;
	char classification[8], purpose[20];
	struct {
		char vendor[CERT_TEXT], model[CERT_TEXT], serial[CERT_TEXT], wwn[80],
			firmware[80], transport[40], media_type[40], path[CERT_TEXT],
			asset_number[CERT_TEXT];
		long long size_bytes, logical_sector, physical_sector;
	} media;
	/* v3 "host": the machine the medium was in (SMBIOS, kesu/host.h);
	 * known is false when the payload has none (then no row is drawn). */
	struct {
		bool known;
		char manufacturer[CERT_TEXT], product[CERT_TEXT], serial[CERT_TEXT],
			asset_tag[CERT_TEXT];
	} host;
	int version;  /* kesu_certificate: 1, or 2 with the firmware facts */
	char technique[40], nist_level[20];
	bool firmware; /* technique "firmware": fw holds the command and its proof */
	struct {
		char command[40], title[CERT_TEXT], detail[CERT_TEXT], leaves[12];
		bool followed_running;
		int password_cleared; /* 1, 0, or -1 when null (kesu set no password) */
		long long marker_bytes, unchanged_sectors, nonzero_sectors;
	} fw;
	struct {
		bool known; /* sanitization.hidden_areas given (ATA drives) */
		long long hpa_sectors, dco_sectors;
		bool hpa_restored;
	} hidden;
	struct {
		char id[64], title_ja[CERT_TEXT], title_en[CERT_TEXT], standard[CERT_TEXT],
			standard_ja[CERT_TEXT], source[CERT_TEXT], caveat_ja[CERT_TEXT],
			caveat_en[CERT_TEXT], sha256[80];
		long long version;
	} method;
	char started_utc[40], ended_utc[40];
	size_t ninterrupts;
	struct {
		long long pass, offset;
		char at_utc[40];
	} interrupts[CERT_INTERRUPTS_SHOWN];
	struct cert_pass *passes; /* malloc'd, npasses entries */
	size_t npasses;
	/* sanitization.unwritten: distinct sectors no pass could write. -1:
	 * not in the payload (older records), then only the passes' counts
	 * are known. */
	long long unwritten_sectors;
	size_t nunwritten; /* ranges in the payload; the first CERT_RANGES_SHOWN kept */
	struct cert_range unwritten[CERT_RANGES_SHOWN];
	struct {
		char mode[20], percent[20], seed[80];
		long long samples, bytes_read, mismatched, unreadable;
		int passed; /* 1, 0, or -1 when null */
	} verify;
	char tool_name[40], tool_version[40];
	char station_host[CERT_TEXT], station_key[CERT_TEXT], station_machine[80];
	char ledger_job[80], ledger_hash[80];
	long long ledger_seq;
	char payload_hash[65]; /* BLAKE2b-256 of the payload bytes, hex */
	char sig_line[CERT_TEXT]; /* the signature's base64 line */
};

/* pdf_payload.c: parses and checks a v1 or v2 payload. 0 or -KESU_EPARSE (err set)
 * or -ENOMEM. Free with Kesu_cert_free. */
int Kesu_cert_parse(const char *payload, size_t len, struct cert *c, char *err, size_t errsize);
void Kesu_cert_free(struct cert *c);
/* pdf_destroy_payload.c / pdf_batch_payload.c: the kind's own members
 * of the payload into c->destruction / c->batch (the shared ones are read
 * already). 0 or -KESU_EPARSE (err via r) or -ENOMEM. Freed by Kesu_cert_free. */
struct pj_reader;
int Kesu_cert_read_destruction(struct pj_reader *r, json_object *root, struct cert *c);
void Kesu_cert_destruction_free(struct cert_destruction *d);
int Kesu_cert_read_batch(struct pj_reader *r, json_object *root, struct cert *c);
void Kesu_cert_batch_free(struct cert_batch *b);
/* pdf_details_payload.c: "details" (version 4 only, and there required)
 * into c->details. 0, -KESU_EPARSE or -ENOMEM. */
#define CERT_PROFILE_POINTS 128 /* kesu/job.h KESU_PROFILE_POINTS_MAX */
struct cert_profile {
	long long number;      /* the pass, as in sanitization.passes */
	bool known;            /* profile not null (null: a firmware erase, an old record) */
	long long from;        /* points cover the pass from this byte */
	unsigned npoints;
	struct {
		long long offset, bytes_per_second;
	} points[CERT_PROFILE_POINTS];
};
struct cert_smart {
	bool known;            /* null: the drive gave none */
	int healthy;           /* 1, 0, or -1 when null */
	long long power_on_hours, reallocated_sectors, pending_sectors, temperature_c; /* -1: null */
};
struct cert_details {
	size_t npasses;
	struct cert_profile *passes; /* malloc'd */
	struct cert_smart before, after;
};
int Kesu_cert_read_details(struct pj_reader *r, json_object *root, struct cert *c);
void Kesu_cert_details_free(struct cert_details *d);
/* Copies src into dst (size >= 4) as sanitised text, cut on a character. */
void Kesu_cert_text(char *dst, size_t size, const char *src, size_t len);

/* pdf_format.c: display forms. Each writes a NUL-terminated string to out. */
void Kesu_fmt_count(char *out, size_t size, long long n);   /* 67,108,864 */
void Kesu_fmt_capacity(char *out, size_t size, long long bytes); /* 67,108,864 bytes (67.1 GB / 64.0 GiB) */
void Kesu_fmt_duration(char *out, size_t size, long long ms);
void Kesu_fmt_time(char *out, size_t size, const char *iso); /* 2026-11-22 04:30:12 UTC */
void Kesu_fmt_pattern(char *out, size_t size, const struct cert_pass *p);
void Kesu_fmt_short_hex(char *out, size_t size, const char *hex, size_t keep);
void Kesu_fmt_purpose(char *out, size_t size, const char *purpose); /* "リース返却 / lease return" */
const char *Kesu_fmt_verify_mode(const char *mode);
/* pdf_sections.c: "manufacturer product · S/N serial · 資産番号 tag",
 * the known parts of c->host. */
void Kesu_fmt_host(char *out, size_t size, const struct cert *c);
const char *Kesu_fmt_technique(const char *technique);
const char *Kesu_fmt_outcome_ja(const char *outcome);
/* The document's title: "データ消去証明書" / "Certificate of Data
 * Sanitization", "データ消去失敗報告書", "物理破壊証明書", ... by kind and outcome. */
const char *Kesu_cert_title_ja(const struct cert *c);
const char *Kesu_cert_title_en(const struct cert *c);
int Kesu_fmt_issued_date(const char *iso, HPDF_Date *date); /* 0 when parsed */
/* The offset of a local ISO time ("...+09:00") in minutes; 0 or -1. */
int Kesu_fmt_offset(const char *iso_local, int *minutes);
/* A UTC ISO time ("2026-12-06T01:30:12Z") in the station's zone:
 * "2026-12-06 10:30:12 (UTC+09:00)", with era "令和8年12月6日 10:30:12
 * (UTC+09:00)"; "... UTC" when the offset is not known. */
void Kesu_fmt_local(char *out, size_t size, const char *utc, int offset_min, bool known, bool era);

/* Page geometry (points; y measured downwards from the page top). */
#define PAGE_W 595.276f
#define PAGE_H 841.89f
#define MARGIN_X 60.0f /* left: 21 mm, room for a two-hole punch (20 mm) */
#define MARGIN_R 34.0f /* right */
#define MARGIN_TOP 32.0f
#define MARGIN_BOTTOM 26.0f
#define CONTENT_W (PAGE_W - MARGIN_X - MARGIN_R)
#define CONTENT_CX (MARGIN_X + CONTENT_W / 2)
#define FOOTER_H 16.0f
#define PAGE_BODY_END (PAGE_H - MARGIN_BOTTOM - FOOTER_H)

#define PDF_PAGES_MAX 128 /* a batch certificate of thousands of media */

struct rgb {
	float r, g, b;
};

/* Where a seal box's body is (below its label), for the PDF signature of
 * that role (kesu-render.json, kesu/pades.h): page 0-based, PDF points. */
#define PDF_SEALS 4 /* operator, witness, validator, approver */
struct seal_box {
	unsigned page;
	float x1, y1, x2, y2;
};

/* The drawing context: one document, the current page and where the next
 * block goes. */
struct pdf {
	HPDF_Doc doc;
	HPDF_Page page;
	HPDF_Font font;
	const struct cert *cert;
	float y;            /* top of the next block on the page */
	unsigned page_no;   /* 1-based */
	HPDF_Page pages[PDF_PAGES_MAX]; /* footers are drawn once the count is known */
	struct rgb accent;  /* section bars: blue for certificates, red for reports */
	bool era;           /* style: Japanese era dates */
	char class_label[CERT_TEXT]; /* style: the class's name, sanitised */
	int error;          /* first libharu error (HPDF_STATUS), 0 if none */
	struct seal_box seals[PDF_SEALS];
};

/* pdf_text.c */
/* Length of the UTF-8 sequence at s (n bytes available) and its code point,
 * 0 when invalid (overlong, surrogate, past U+10FFFF, cut short). */
#include "utf8.h" /* Kesu_utf8_decode */
int Kesu_pdf_font_load(struct pdf *p, const char *path, char *err, size_t errsize);
float Kesu_pdf_width(const struct pdf *p, float size, const char *s, size_t n);
size_t Kesu_pdf_fit_bytes(const struct pdf *p, float size, const char *s, float width);
void Kesu_pdf_text(struct pdf *p, float x, float top, float size, const char *s);
void Kesu_pdf_text_bold(struct pdf *p, float x, float top, float size, const char *s);
void Kesu_pdf_text_fit(struct pdf *p, float x, float top, float width, float size, float min_size,
		  const char *s);
void Kesu_pdf_text_center(struct pdf *p, float cx, float top, float size, bool bold, const char *s);
bool Kesu_pdf_is_wide(unsigned cp); /* CJK: a line may break beside it */
float Kesu_pdf_widest_token(const struct pdf *p, float size, const char *s);
unsigned Kesu_pdf_wrap_count(const struct pdf *p, float size, const char *s, float width);
unsigned Kesu_pdf_text_wrap(struct pdf *p, float x, float top, float width, float size,
		       float leading, unsigned max_lines, const char *s);
void Kesu_pdf_color(struct pdf *p, struct rgb c);
void Kesu_pdf_rect(struct pdf *p, float x, float top, float w, float h, const struct rgb *fill,
	      const struct rgb *stroke, float line_width);
void Kesu_pdf_line(struct pdf *p, float x1, float top1, float x2, float top2, struct rgb c,
	      float width);

/* pdf_layout.c: pages, section bars and label/value rows. */
/* The palette: compound literals, so no global data (and &RGB_X works). */
#define RGB_BLACK ((const struct rgb){0.08f, 0.08f, 0.10f})
#define RGB_GREY ((const struct rgb){0.38f, 0.40f, 0.44f})
#define RGB_RULE ((const struct rgb){0.62f, 0.65f, 0.70f})
#define RGB_LABEL ((const struct rgb){0.925f, 0.937f, 0.957f})
#define RGB_WHITE ((const struct rgb){1, 1, 1})
#define RGB_RED ((const struct rgb){0.72f, 0.08f, 0.08f})
#define RGB_GREEN ((const struct rgb){0.05f, 0.42f, 0.20f})
#define RGB_BLUE ((const struct rgb){0.11f, 0.23f, 0.42f})
#define RGB_DARK_RED ((const struct rgb){0.50f, 0.07f, 0.07f})
#define RGB_PALE_RED ((const struct rgb){0.99f, 0.93f, 0.93f})
#define ROW_H 13.0f
#define LABEL_W 92.0f
#define LABEL_SIZE 8.0f /* no label on the page is smaller */
#define HALF_W (CONTENT_W / 2)
#define VALUE_LINES 16  /* enough for any field within kesu/field_limits.h */
int Kesu_pdf_new_page(struct pdf *p);
void Kesu_pdf_need(struct pdf *p, float h); /* a new page unless h fits on this one */
void Kesu_pdf_footers(struct pdf *p);
void Kesu_pdf_section(struct pdf *p, const char *ja, const char *en);
float Kesu_pdf_label_height(const struct pdf *p, float w, const char *ja, const char *en);
void Kesu_pdf_label(struct pdf *p, float x, float top, float w, float h, const char *ja,
	       const char *en);
float Kesu_pdf_value_height(const struct pdf *p, const char *value, float w, unsigned max_lines);
void Kesu_pdf_value(struct pdf *p, float x, float top, float w, float h, const char *value,
	       unsigned max_lines);
void Kesu_pdf_cell(struct pdf *p, float x, float top, float w, float h);
void Kesu_pdf_row1(struct pdf *p, const char *ja, const char *en, const char *value,
	      unsigned max_lines);
void Kesu_pdf_row2(struct pdf *p, const char *ja1, const char *en1, const char *v1, const char *ja2,
	      const char *en2, const char *v2);

/* pdf_sections.c, pdf_passes.c, pdf_sign.c: the page's blocks, in order.
 * Facts a person reads come first; hashes, seeds, the signature and UTC
 * times are in the technical block at the end. */
bool Kesu_cert_unwritten(const struct cert *c); /* any sector left unwritten */
void Kesu_pdf_draw_header(struct pdf *p); /* a wipe's: title, banner or statement */
/* Every kind's top: the class marking, number and date, the title and its
 * rules. Then what the document states, in Japanese and English. */
void Kesu_pdf_draw_title(struct pdf *p);
void Kesu_pdf_draw_statement(struct pdf *p, const char *ja, const char *en);
void Kesu_pdf_draw_issue(struct pdf *p);
void Kesu_pdf_draw_medium(struct pdf *p);
/* the 「ホスト機 / Host machine」 row, when the payload names the host (v3) */
void Kesu_pdf_draw_host(struct pdf *p);
void Kesu_pdf_draw_method(struct pdf *p);
void Kesu_pdf_draw_verification(struct pdf *p);
void Kesu_pdf_draw_unwritten(struct pdf *p);
void Kesu_pdf_draw_outcome(struct pdf *p);
void Kesu_pdf_draw_passes(struct pdf *p);
void Kesu_pdf_draw_annex(struct pdf *p);
void Kesu_pdf_draw_technical(struct pdf *p);
void Kesu_pdf_draw_seals(struct pdf *p);
int Kesu_pdf_draw_qr(struct pdf *p, float x, float top, float size, const char *text);

/* pdf_destroy.c / pdf_batch.c: the whole page(s) of those kinds. */
void Kesu_pdf_render_destruction(struct pdf *p);
void Kesu_pdf_render_batch(struct pdf *p);
/* pdf_details.c: the details page, after the document, when the payload
 * has details. */
void Kesu_pdf_draw_details(struct pdf *p);

/* pdf.c: libharu's error handler (the first error into struct pdf's
 * error), and the saved document in memory (malloc'd). */
void Kesu_pdf_on_error(HPDF_STATUS error, HPDF_STATUS detail, void *user);
int Kesu_pdf_save_to_memory(HPDF_Doc doc, unsigned char **out, size_t *len);

/* pdf_attach.c: embeds name -> data as an attachment (compressed). */
int Kesu_pdf_attach(struct pdf *p, const char *name, const char *data, size_t len);

/* pdf_render_info.c: the kesu-render.json attachment: what re-rendering
 * the page needs (the style) and what it depends on (kesu's version,
 * libharu's, the font file's SHA-256), and the seal boxes. Canonical JSON,
 * malloc'd. */
char *Kesu_pdf_render_info(const struct pdf *p, const char *font_path, size_t *len);
/* "sha256:<hex>" of a font file, or "" when it cannot be read. */
void Kesu_pdf_font_digest(const char *path, char *out, size_t size);

#endif
