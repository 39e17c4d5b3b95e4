/* The job context: the station's own facts, and the check of every field
 * an operator gives, by flag or config file (docs/ledger.md). Only valid,
 * printable text that the certificate can show whole is ever signed. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kesu/config.h"
#include "kesu/error.h"
#include "kesu/field_limits.h"
#include "kesu/record.h"
#include "kesu/vocabulary.h"
#include "sysfs.h"
#include "utf8.h"
#include "i18n.h"

#define NO_VOCAB (-1)
#define SLOT(member) offsetof(struct kesu_job_context, member), \
		     sizeof(((struct kesu_job_context *)0)->member)

static const struct ctx_field {
	const char *name;
	size_t offset, size;
	unsigned limit;              /* code points; 0 = a word from the vocabulary */
	int vocab;                   /* enum kesu_vocab, or NO_VOCAB */
} fields[KESU_CTX_FIELDS] = {
	[KESU_CTX_OPERATOR] = {"operator", SLOT(operator_name), KESU_LIMIT_OPERATOR, NO_VOCAB},
	[KESU_CTX_OPERATOR_TITLE] = {"operator_title", SLOT(operator_title), KESU_LIMIT_OPERATOR_TITLE, NO_VOCAB},
	[KESU_CTX_ORGANISATION] = {"organisation", SLOT(organisation), KESU_LIMIT_ORGANISATION, NO_VOCAB},
	[KESU_CTX_DEPARTMENT] = {"department", SLOT(department), KESU_LIMIT_DEPARTMENT, NO_VOCAB},
	[KESU_CTX_LOCATION] = {"location", SLOT(location), KESU_LIMIT_LOCATION, NO_VOCAB},
	[KESU_CTX_PHONE] = {"phone", SLOT(phone), KESU_LIMIT_PHONE, NO_VOCAB},
	[KESU_CTX_APPROVER] = {"approver", SLOT(approver), KESU_LIMIT_APPROVER, NO_VOCAB},
	[KESU_CTX_CLASS] = {"class", SLOT(classification), 0, KESU_VOCAB_CLASS},
	[KESU_CTX_PURPOSE] = {"purpose", SLOT(purpose), 0, KESU_VOCAB_PURPOSE},
	[KESU_CTX_ASSET_NUMBER] = {"asset_number", SLOT(asset_number), KESU_LIMIT_ASSET_NUMBER, NO_VOCAB},
	[KESU_CTX_WITNESS] = {"witness", SLOT(witness), KESU_LIMIT_WITNESS, NO_VOCAB},
};

void kesu_context_station(struct kesu_job_context *ctx)
{
	char host[KESU_FIELD] = "";
	if (gethostname(host, sizeof(host) - 1) < 0)
		host[0] = '\0';
	Kesu_trim_copy(ctx->hostname, sizeof(ctx->hostname), host, strlen(host));
	Kesu_sysfs_read_str("/etc", "machine-id", ctx->machine_id, sizeof(ctx->machine_id));
	snprintf(ctx->tool_version, sizeof(ctx->tool_version), "%s", KESU_VERSION);
	char err[8];
	kesu_host_identity_read(NULL, &ctx->host, err, sizeof(err)); /* unknown is not an error */
}

const char *kesu_ctx_field_name(enum kesu_ctx_field f)
{
	return (unsigned)f < KESU_CTX_FIELDS ? fields[f].name : "?";
}

static bool is_space(unsigned cp)
{
	return cp == ' ' || cp == 0x3000;
}

/* Bytes of the first max characters of valid text: to quote it whole. */
static int prefix_bytes(const char *s, size_t len, size_t max)
{
	size_t i = 0;
	unsigned cp;
	for (size_t chars = 0; i < len && chars < max; chars++)
		i += Kesu_utf8_decode((const unsigned char *)s + i, len - i, &cp);
	return (int)i;
}


int kesu_text_check(const char *value, size_t len, char *why, size_t whysize)
{
	size_t bad = Kesu_utf8_invalid_at(value, len);
	if (bad < len) {
		snprintf(why, whysize, _("is not valid UTF-8 (byte %zu is 0x%02x)"), bad + 1,
			 (unsigned char)value[bad]);
		return -KESU_EPARSE;
	}
	size_t chars = 0;
	for (size_t i = 0; i < len; chars++) {
		unsigned cp;
		i += Kesu_utf8_decode((const unsigned char *)value + i, len - i, &cp);
		if (Kesu_utf8_is_control(cp)) {
			snprintf(why, whysize, _("has a control character (U+%04X) at character %zu"),
				 cp, chars + 1);
			return -KESU_EPARSE;
		}
	}
	return 0;
}

/* The certificate wraps at spaces and between CJK characters only. */
static int check_tokens(const char *value, size_t len, char *why, size_t whysize)
{
	size_t start = 0, columns = 0;
	for (size_t i = 0; i <= len;) {
		unsigned cp = 0;
		size_t n = i < len ? Kesu_utf8_decode((const unsigned char *)value + i, len - i, &cp) : 1;
		bool breaks = i == len || is_space(cp) || Kesu_utf8_is_cjk(cp);
		if (!breaks) {
			if (columns == 0)
				start = i;
			columns += Kesu_utf8_columns(cp);
		} else if (columns > KESU_LIMIT_TOKEN_COLUMNS) {
			snprintf(why, whysize, _("has \"%.*s...\", %zu columns without a space; at most %d fit "
				 "a line of the certificate"), prefix_bytes(value + start, len - start, 16),
				 value + start, columns, KESU_LIMIT_TOKEN_COLUMNS);
			return -KESU_EPARSE;
		} else {
			columns = 0;
		}
		i += n;
	}
	return 0;
}

int kesu_ctx_field_check(enum kesu_ctx_field f, const char *value, char *why, size_t whysize)
{
	if ((unsigned)f >= KESU_CTX_FIELDS) {
		snprintf(why, whysize, _("is not a field of the record"));
		return -EINVAL;
	}
	const struct ctx_field *d = &fields[f];
	size_t len = strlen(value);
	int rc = kesu_text_check(value, len, why, whysize);
	if (rc < 0)
		return rc;
	if (d->vocab != NO_VOCAB) {
		if (kesu_vocab_find((enum kesu_vocab)d->vocab, value))
			return 0;
		char words[80];
		kesu_vocab_list((enum kesu_vocab)d->vocab, words, sizeof(words));
		snprintf(why, whysize, _("\"%.*s\" is not %s"), prefix_bytes(value, len, 20), value, words);
		return -KESU_EPARSE;
	}
	if (f == KESU_CTX_OPERATOR && len == 0) {
		snprintf(why, whysize, _("is empty or only white space: name who erases"));
		return -KESU_EPARSE;
	}
	size_t chars = 0;
	unsigned first = 0, last = 0;
	for (size_t i = 0; i < len; chars++) {
		i += Kesu_utf8_decode((const unsigned char *)value + i, len - i, &last);
		if (chars == 0)
			first = last;
	}
	if (len && (is_space(first) || is_space(last))) {
		snprintf(why, whysize, _("begins or ends with white space"));
		return -KESU_EPARSE;
	}
	if (chars > d->limit || len >= d->size) {
		snprintf(why, whysize, _("is %zu characters long; at most %u fit"), chars, d->limit);
		return -KESU_EPARSE;
	}
	return check_tokens(value, len, why, whysize);
}

int kesu_context_set(struct kesu_job_context *ctx, enum kesu_ctx_field f, const char *value,
		     char *why, size_t whysize)
{
	if ((unsigned)f >= KESU_CTX_FIELDS) {
		snprintf(why, whysize, _("is not a field of the record"));
		return -EINVAL;
	}
	/* Drop spaces at both ends, whole characters only; text that is not
	 * UTF-8 is kept as it is, for the check to refuse. */
	size_t len = strlen(value), n, end = 0;
	unsigned cp;
	while (len && (n = Kesu_utf8_decode((const unsigned char *)value, len, &cp)) && is_space(cp))
		value += n, len -= n;
	for (size_t i = 0; i < len; i += n) {
		n = Kesu_utf8_decode((const unsigned char *)value + i, len - i, &cp);
		if (n == 0) {
			end = len;
			break;
		}
		if (!is_space(cp))
			end = i + n;
	}
	len = end;
	char text[KESU_LIMIT_BYTES(KESU_LIMIT_ORGANISATION) + 1];
	if (len >= sizeof(text))
		len = sizeof(text) - 1; /* still longer than any field: the check refuses it */
	memcpy(text, value, len);
	text[len] = '\0';
	if (!text[0] && f != KESU_CTX_OPERATOR) {
		((char *)ctx + fields[f].offset)[0] = '\0';
		return 0;
	}
	int rc = kesu_ctx_field_check(f, text, why, whysize);
	if (rc < 0)
		return rc;
	memcpy((char *)ctx + fields[f].offset, text, len + 1);
	return 0;
}

int kesu_context_check_fields(const struct kesu_job_context *ctx, enum kesu_ctx_field *field,
			      char *why, size_t whysize)
{
	for (unsigned f = 0; f < KESU_CTX_FIELDS; f++) {
		const char *value = (const char *)ctx + fields[f].offset;
		if (!value[0])
			continue; /* not given */
		if (kesu_ctx_field_check((enum kesu_ctx_field)f, value, why, whysize) < 0) {
			*field = (enum kesu_ctx_field)f;
			return -KESU_EPARSE;
		}
	}
	const char *station[] = {ctx->hostname, ctx->machine_id, ctx->key_fingerprint, ctx->tool_version};
	for (size_t i = 0; i < sizeof(station) / sizeof(station[0]); i++)
		if (kesu_text_check(station[i], strlen(station[i]), why, whysize) < 0) {
			*field = KESU_CTX_FIELDS;
			return -KESU_EPARSE;
		}
	return 0;
}

int kesu_context_check(const struct kesu_job_context *ctx, char *err, size_t errsize)
{
	enum kesu_ctx_field f;
	char why[200];
	int rc = kesu_context_check_fields(ctx, &f, why, sizeof(why));
	if (rc < 0)
		snprintf(err, errsize, "%s: %s", f < KESU_CTX_FIELDS ? kesu_ctx_field_name(f) : "station", why);
	return rc;
}
