/* The small per-user config file: defaults for who runs kesu and where
 * it keeps things (docs/ledger.md, "Config file"); and the check of every
 * field an operator gives, by flag or config file (context.c). */
#ifndef KESU_CONFIG_H
#define KESU_CONFIG_H
#include <stddef.h>

#include "kesu/field_limits.h"
#include "kesu/record.h"

#define KESU_LIMIT_CLASS_LABEL 16 /* the certificate's label for the class */

struct kesu_config {
	struct kesu_job_context ctx; /* operator, organisation, class, purpose, ... */
	char ledger[4096];           /* "" = the default path */
	char cert_dir[4096];
	char key[4096];
	char trust[4096];            /* the trust store; "" = the default (kesu/trust.h) */
	char method[33];             /* "" = KESU_METHOD_DEFAULT (kesu tui's first choice) */
	/* The certificate's style, stored as given; the certificate code maps
	 * them to its own style struct. */
	char date_style[8];          /* "western", "era" (令和8年12月6日), "" = western */
	char class_label[64];        /* "" = 重要性分類; as kesu_pdf_style's */
	char policy[4096];           /* "" = the built-in policy (kesu/policy.h); relative:
				      * to the config file's directory */
	/* The certificate's PDF signature (docs/certificate.md). */
	char tsa[2048];              /* a timestamp authority's URL: B-T; "" = B-B */
	char pkcs12[4096];           /* the station's identity in a PKCS#12 file */
	char pkcs11[2048];           /* or on a token: a PKCS#11 URI */
	char pdf_signature[12];      /* "visible" (the default) or "invisible" */
	char signify_sig[4];         /* "yes": also write PDF.sig; "" = no */
	char log[4096];              /* the operations log: a file, "syslog", "" = none */
	char server[4096];           /* the central store's URL (docs/central.md); "" = none */
};

/* Reads "key = value" lines from path into cfg, which the caller has
 * zeroed. A missing file is fine (0). Otherwise path must be a regular
 * file (a FIFO, device or directory is refused without waiting on it).
 * Syntax: an optional UTF-8 BOM; '#' starts a comment at the start of a
 * line or after white space; "\#" is a literal '#'; white space around
 * keys and values is dropped. Every line must be valid UTF-8 without
 * control characters; each key may appear once; each value is checked as
 * kesu_context_set does. Errors are -KESU_EPARSE (-errno when the file
 * cannot be read) with err "PATH:LINE: reason" (or "PATH: reason"). */
int kesu_config_load(const char *path, struct kesu_config *cfg, char *err, size_t errsize);

/* The certificate's style as the config file asks for it. */
struct kesu_pdf_style;
void kesu_config_pdf_style(const struct kesu_config *cfg, struct kesu_pdf_style *style);

/* ---- The fields of a job's context (context.c) ---- */

enum kesu_ctx_field {
	KESU_CTX_OPERATOR,
	KESU_CTX_OPERATOR_TITLE,
	KESU_CTX_ORGANISATION,
	KESU_CTX_DEPARTMENT,
	KESU_CTX_LOCATION,
	KESU_CTX_PHONE,
	KESU_CTX_APPROVER,
	KESU_CTX_CLASS,
	KESU_CTX_PURPOSE,
	KESU_CTX_ASSET_NUMBER,
	KESU_CTX_WITNESS,
	KESU_CTX_FIELDS
};

/* The field's name as the config file and the record spell it:
 * "operator", "operator_title", "organisation", ..., "class", "purpose",
 * "asset_number". */
const char *kesu_ctx_field_name(enum kesu_ctx_field f);

/* Valid UTF-8 without control characters (C0, DEL, C1, U+2028/2029, the
 * bidirectional overrides): what every string that is signed needs.
 * Returns 0, or -KESU_EPARSE with why ("is not valid UTF-8 (byte 3 is
 * 0xff)"); why may be NULL. */
int kesu_text_check(const char *value, size_t len, char *why, size_t whysize);

/* Checks one value for field f as it would be stored. Refused: text that
 * is not valid UTF-8; control characters (utf8.h); white space at either
 * end; more code points than the field's limit (field_limits.h) or more
 * bytes than it holds; a token (a run of characters neither space nor
 * CJK) wider than KESU_LIMIT_TOKEN_COLUMNS, which the certificate cannot
 * wrap; an empty operator; a class other than I, II, III or a purpose
 * other than disposal, lease-return, repair, reuse. Returns 0, or
 * -KESU_EPARSE with why (one line, without the field's name). */
int kesu_ctx_field_check(enum kesu_ctx_field f, const char *value, char *why, size_t whysize);

/* Stores value in ctx after dropping spaces (U+0020, U+3000) at both
 * ends, if kesu_ctx_field_check accepts it. An operator that is only white
 * space is refused; for other fields it means "not given" (""). */
int kesu_context_set(struct kesu_job_context *ctx, enum kesu_ctx_field f, const char *value,
		     char *why, size_t whysize);

/* Checks every field of ctx, the station's too (valid UTF-8, no control
 * characters). Returns 0, or -KESU_EPARSE with *field the first bad one
 * (KESU_CTX_FIELDS for a station field) and why. kesu_context_check
 * (record.h) is this with "NAME: why" in err. */
int kesu_context_check_fields(const struct kesu_job_context *ctx, enum kesu_ctx_field *field,
			      char *why, size_t whysize);
#endif
