/* The method file parser: strict, because a method file decides what is
 * written to a drive and what a certificate says was written. Every
 * mistake is reported as "NAME:LINE: reason" and nothing is guessed. */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/method.h"
#include "utf8.h"
#include "i18n.h"

struct parser {
	struct kesu_method *m;
	const char *name;
	unsigned line;
	char *err;
	size_t errsize;
	unsigned key_line[16]; /* where each single-valued key was set, 0 = not yet */
	unsigned pass_line;    /* the first pass line, 0 = none */
};

/* Single-valued keys: the required ones in the order "missing key" errors
 * are checked, then the optional ones (firmware methods). */
enum key {
	KEY_ID, KEY_VERSION, KEY_TITLE_EN, KEY_TITLE_JA, KEY_STANDARD, KEY_SOURCE, KEY_NIST,
	KEY_VERIFY, KEY_NREQUIRED,
	KEY_FIRMWARE = KEY_NREQUIRED, KEY_LEAVES, KEY_STANDARD_JA, KEY_CAVEAT_JA, KEY_CAVEAT_EN,
	KEY_NSINGLE,
	KEY_NOTE = KEY_NSINGLE, KEY_PASS, KEY_UNKNOWN,
};

static const char *const key_names[] = {
	[KEY_ID] = "id", [KEY_VERSION] = "version", [KEY_TITLE_EN] = "title.en",
	[KEY_TITLE_JA] = "title.ja", [KEY_STANDARD] = "standard", [KEY_SOURCE] = "source",
	[KEY_NIST] = "nist", [KEY_VERIFY] = "verify", [KEY_FIRMWARE] = "firmware",
	[KEY_LEAVES] = "leaves", [KEY_STANDARD_JA] = "standard.ja", [KEY_CAVEAT_JA] = "caveat.ja",
	[KEY_CAVEAT_EN] = "caveat.en", [KEY_NOTE] = "note", [KEY_PASS] = "pass",
};

__attribute__((format(printf, 2, 3)))
static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int rc = kesu_parse_error(p->err, p->errsize, p->name, p->line, fmt, ap);
	va_end(ap);
	return rc;
}

/* Every line must be UTF-8 without control characters other than tab. */
static int check_text(struct parser *p, const char *line, size_t len)
{
	const unsigned char *s = (const unsigned char *)line;
	for (size_t i = 0; i < len;) {
		unsigned cp;
		size_t n = Kesu_utf8_decode(s + i, len - i, &cp);
		if (!n)
			return fail(p, _("not valid UTF-8 (byte 0x%02x at column %zu)"), s[i], i + 1);
		if (n == 1 && ((s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f))
			return fail(p, _("control character 0x%02x at column %zu"), s[i], i + 1);
		i += n;
	}
	return 0;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t';
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A decimal number without sign or leading zero, 1..max; 0 if not. */
static unsigned parse_count(const char *s, unsigned max)
{
	unsigned long v = 0;
	if (*s < '1' || *s > '9')
		return 0;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return 0;
		v = v * 10 + (unsigned long)(*s - '0');
		if (v > max)
			return 0;
	}
	return (unsigned)v;
}

static int parse_hex_pass(struct parser *p, const char *value, struct kesu_pass *pass)
{
	unsigned n = 0;
	for (const char *s = value; *s;) {
		const char *start = s;
		while (*s && !is_space(*s))
			s++;
		size_t toklen = (size_t)(s - start);
		if (toklen != 2 || hex_digit(start[0]) < 0 || hex_digit(start[1]) < 0)
			return fail(p, _("bad hex byte \"%.*s\" (expected two hex digits such as 00 or ff)"),
				    (int)toklen, start);
		if (n == KESU_PATTERN_MAX)
			return fail(p, _("pattern is longer than %d bytes"), KESU_PATTERN_MAX);
		pass->bytes[n++] = (uint8_t)(hex_digit(start[0]) << 4 | hex_digit(start[1]));
		while (is_space(*s))
			s++;
	}
	pass->len = n;
	pass->type = n == 1 ? KESU_PASS_BYTE : KESU_PASS_PATTERN;
	return 0;
}

static int parse_pass(struct parser *p, const char *value)
{
	struct kesu_method *m = p->m;
	if (m->npasses == KESU_METHOD_PASSES_MAX)
		return fail(p, _("more than %d passes"), KESU_METHOD_PASSES_MAX);
	struct kesu_pass *pass = &m->passes[m->npasses];
	memset(pass, 0, sizeof(*pass));

	if (strcmp(value, "random") == 0) {
		pass->type = KESU_PASS_RANDOM_STREAM;
	} else if ((value[0] == 'R' && value[1] >= '0' && value[1] <= '9') || value[0] == '~') {
		bool complement = value[0] == '~';
		unsigned n = 0;
		if (!complement || value[1] == 'R')
			n = parse_count(value + 1 + complement, KESU_METHOD_RANDOM_MAX);
		if (!n && complement)
			return fail(p, _("bad complement \"%s\" (expected ~R1 to ~R%d)"), value,
				    KESU_METHOD_RANDOM_MAX);
		if (!n)
			return fail(p, _("bad random byte \"%s\" (expected R1 to R%d)"), value,
				    KESU_METHOD_RANDOM_MAX);
		if (complement && n > m->nrandom_bytes)
			return fail(p, _("complement ~R%u has no preceding random byte R%u"), n, n);
		if (!complement && n > m->nrandom_bytes + 1)
			return fail(p, _("random byte R%u used before R%u"), n, m->nrandom_bytes + 1);
		pass->type = complement ? KESU_PASS_COMPLEMENT : KESU_PASS_RANDOM_BYTE;
		pass->random_byte = n;
		if (n > m->nrandom_bytes)
			m->nrandom_bytes = n;
	} else if (hex_digit(value[0]) >= 0) {
		int rc = parse_hex_pass(p, value, pass);
		if (rc)
			return rc;
	} else {
		return fail(p, _("unknown pass type \"%s\""), value);
	}
	m->npasses++;
	return 0;
}

static int copy_text(struct parser *p, enum key key, char *dst, const char *value)
{
	size_t len = strlen(value);
	if (len > KESU_METHOD_TEXT_MAX)
		return fail(p, _("%s is longer than %d bytes"), key_names[key], KESU_METHOD_TEXT_MAX);
	memcpy(dst, value, len + 1);
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static int set_id(struct parser *p, const char *value)
{
	size_t len = strlen(value);
	if (len > KESU_METHOD_ID_MAX)
		return fail(p, _("id is longer than %d bytes"), KESU_METHOD_ID_MAX);
	for (const char *s = value; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9') || *s == '-'))
			return fail(p, _("id \"%s\" may contain only a-z, 0-9 and -"), value);
	const char *file = base_name(p->name);
	size_t flen = strlen(file);
	if (flen != len + 7 || memcmp(file, value, len) != 0 || strcmp(file + len, ".method") != 0)
		return fail(p, _("file name \"%s\" does not match id \"%s\" (expected \"%s.method\")"),
			    file, value, value);
	memcpy(p->m->id, value, len + 1);
	p->m->id_line = p->line;
	return 0;
}

static int set_key(struct parser *p, enum key key, const char *value)
{
	struct kesu_method *m = p->m;
	switch (key) {
	case KEY_ID:
		return set_id(p, value);
	case KEY_VERSION:
		m->version = parse_count(value, 999999);
		if (!m->version)
			return fail(p, _("version \"%s\" is not a whole number from 1 to 999999"), value);
		return 0;
	case KEY_TITLE_EN:
		return copy_text(p, key, m->title_en, value);
	case KEY_TITLE_JA:
		return copy_text(p, key, m->title_ja, value);
	case KEY_STANDARD:
		return copy_text(p, key, m->standard, value);
	case KEY_SOURCE:
		return copy_text(p, key, m->source, value);
	case KEY_STANDARD_JA:
		return copy_text(p, key, m->standard_ja, value);
	case KEY_CAVEAT_JA:
		return copy_text(p, key, m->caveat_ja, value);
	case KEY_CAVEAT_EN:
		return copy_text(p, key, m->caveat_en, value);
	case KEY_NIST:
		/* Which level fits the technique is checked once the whole file
		 * is read (the firmware key may come later). */
		if (strcmp(value, "clear") == 0)
			m->nist = KESU_NIST_CLEAR;
		else if (strcmp(value, "purge") == 0)
			m->nist = KESU_NIST_PURGE;
		else if (strcmp(value, "destroy") == 0)
			m->nist = KESU_NIST_DESTROY;
		else
			return fail(p, _("unknown nist level \"%s\" (expected clear or purge)"), value);
		return 0;
	case KEY_FIRMWARE:
		m->firmware = kesu_firmware_command_parse(value);
		if (m->firmware == KESU_FW_NONE)
			return fail(p, _("unknown firmware command \"%s\" (kesu(8) lists them)"), value);
		m->technique = KESU_TECHNIQUE_FIRMWARE;
		return 0;
	case KEY_LEAVES:
		if (strcmp(value, "changed") == 0)
			m->leaves = KESU_LEAVES_CHANGED;
		else if (strcmp(value, "zero") == 0)
			m->leaves = KESU_LEAVES_ZERO;
		else
			return fail(p, _("unknown leaves value \"%s\" (expected changed or zero)"), value);
		return 0;
	case KEY_VERIFY:
		if (strcmp(value, "none") == 0)
			m->verify = KESU_VERIFY_NONE;
		else if (strcmp(value, "last") == 0)
			m->verify = KESU_VERIFY_LAST;
		else if (strcmp(value, "all") == 0)
			m->verify = KESU_VERIFY_ALL;
		else
			return fail(p, _("unknown verify value \"%s\" (expected none, last or all)"),
				    value);
		return 0;
	case KEY_NOTE:
		if (m->nnotes == KESU_METHOD_NOTES_MAX)
			return fail(p, _("more than %d notes"), KESU_METHOD_NOTES_MAX);
		return copy_text(p, key, m->notes[m->nnotes++], value);
	case KEY_PASS:
		if (!p->pass_line)
			p->pass_line = p->line;
		return parse_pass(p, value);
	default:
		return fail(p, _("internal error: key %d"), (int)key);
	}
}

static int parse_line(struct parser *p, char *line)
{
	while (is_space(*line))
		line++;
	size_t len = strlen(line);
	while (len && is_space(line[len - 1]))
		line[--len] = '\0';
	if (!len || line[0] == '#')
		return 0;

	char *value = line;
	while (*value && !is_space(*value))
		value++;
	size_t keylen = (size_t)(value - line);
	while (is_space(*value))
		*value++ = '\0';

	enum key key = KEY_UNKNOWN;
	for (int k = 0; k < KEY_UNKNOWN; k++)
		if (strlen(key_names[k]) == keylen && memcmp(key_names[k], line, keylen) == 0)
			key = (enum key)k;
	if (key == KEY_UNKNOWN)
		return fail(p, _("unknown key \"%.*s\""), (int)keylen, line);
	if (!*value)
		return fail(p, _("%s has no value"), key_names[key]);
	if (key < KEY_NSINGLE) {
		if (p->key_line[key])
			return fail(p, _("duplicate key \"%s\" (first on line %u)"), key_names[key],
				    p->key_line[key]);
		p->key_line[key] = p->line;
	}
	return set_key(p, key, value);
}

/* The rules that tie keys together: what each technique needs and allows. */
static int check_technique(struct parser *p)
{
	struct kesu_method *m = p->m;
	if (m->technique == KESU_TECHNIQUE_OVERWRITE) {
		if (p->key_line[KEY_LEAVES]) {
			p->line = p->key_line[KEY_LEAVES];
			return fail(p, _("leaves belongs to firmware methods (no firmware key)"));
		}
		if (m->nist != KESU_NIST_CLEAR) {
			p->line = p->key_line[KEY_NIST];
			return fail(p, _("nist level \"%s\" is not reached by overwriting: "
				    "overwrite methods achieve \"clear\""), kesu_nist_level_name(m->nist));
		}
		if (!m->npasses)
			return fail(p, _("no passes (a method needs at least one \"pass\" line)"));
		return 0;
	}
	if (m->npasses) {
		p->line = p->pass_line;
		return fail(p, _("a firmware method has no passes: the drive erases itself"));
	}
	if (!p->key_line[KEY_LEAVES]) {
		p->line = p->key_line[KEY_FIRMWARE];
		return fail(p, _("firmware method without \"leaves\" (changed or zero)"));
	}
	if (m->nist == KESU_NIST_DESTROY) {
		p->line = p->key_line[KEY_NIST];
		return fail(p, _("nist level \"destroy\" is not reached by a command: "
			    "firmware methods achieve \"clear\" or \"purge\""));
	}
	/* One step the job runs like a pass, so results, records and
	 * certificates list it where the passes go. */
	m->npasses = 1;
	m->passes[0] = (struct kesu_pass){.type = KESU_PASS_FIRMWARE};
	return 0;
}

int kesu_method_parse(const char *text, size_t len, const char *name, struct kesu_method *m,
		      char *err, size_t errsize)
{
	struct parser p = {.m = m, .name = name, .line = 1, .err = err, .errsize = errsize};
	memset(m, 0, sizeof(*m));
	if (errsize)
		err[0] = '\0';
	snprintf(m->origin, sizeof(m->origin), "%s", name);
	if (len > KESU_METHOD_FILE_MAX)
		return fail(&p, _("file is larger than %d bytes"), KESU_METHOD_FILE_MAX);
	crypto_hash_sha256(m->sha256, (const unsigned char *)text, len);

	size_t pos = 0;
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0)
		pos = 3; /* a byte order mark, as Windows editors write */
	char line[KESU_METHOD_LINE_MAX + 1];
	for (; pos < len; p.line++) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - text) : len;
		size_t linelen = end - pos;
		if (linelen && text[end - 1] == '\r')
			linelen--; /* CRLF line ends */
		if (linelen > KESU_METHOD_LINE_MAX)
			return fail(&p, _("line is longer than %d bytes"), KESU_METHOD_LINE_MAX);
		int rc = check_text(&p, text + pos, linelen);
		if (rc)
			return rc;
		memcpy(line, text + pos, linelen);
		line[linelen] = '\0';
		rc = parse_line(&p, line);
		if (rc)
			return rc;
		pos = end + 1;
		if (!nl)
			break;
	}
	/* Whole-file errors name the last line. */
	if (p.line > 1 && len && text[len - 1] == '\n')
		p.line--;
	for (int k = 0; k < KEY_NREQUIRED; k++)
		if (!p.key_line[k])
			return fail(&p, _("missing required key \"%s\""), key_names[k]);
	return check_technique(&p);
}

char *kesu_pass_describe(const struct kesu_pass *pass, char *buf, size_t size)
{
	size_t used;
	switch (pass->type) {
	case KESU_PASS_BYTE:
		snprintf(buf, size, "0x%02x", pass->bytes[0]);
		break;
	case KESU_PASS_PATTERN:
		used = (size_t)snprintf(buf, size, "pattern");
		for (unsigned i = 0; i < pass->len && used < size; i++)
			used += (size_t)snprintf(buf + used, size - used, " %02x", pass->bytes[i]);
		break;
	case KESU_PASS_RANDOM_BYTE:
		snprintf(buf, size, "random byte R%u", pass->random_byte);
		break;
	case KESU_PASS_COMPLEMENT:
		snprintf(buf, size, "complement of R%u", pass->random_byte);
		break;
	case KESU_PASS_RANDOM_STREAM:
		snprintf(buf, size, "random stream");
		break;
	case KESU_PASS_FIRMWARE:
		snprintf(buf, size, "firmware erase");
		break;
	default:
		snprintf(buf, size, "unknown pass type %d", (int)pass->type);
	}
	return buf;
}

char *kesu_pass_format(const struct kesu_pass *pass, char *buf, size_t size)
{
	size_t used = 0;
	switch (pass->type) {
	case KESU_PASS_BYTE:
	case KESU_PASS_PATTERN:
		if (size)
			buf[0] = '\0';
		for (unsigned i = 0; i < pass->len && used < size; i++)
			used += (size_t)snprintf(buf + used, size - used, "%s%02x", i ? " " : "",
						 pass->bytes[i]);
		break;
	case KESU_PASS_RANDOM_BYTE:
		snprintf(buf, size, "R%u", pass->random_byte);
		break;
	case KESU_PASS_COMPLEMENT:
		snprintf(buf, size, "~R%u", pass->random_byte);
		break;
	case KESU_PASS_RANDOM_STREAM:
		snprintf(buf, size, "random");
		break;
	case KESU_PASS_FIRMWARE: /* no pass line: the method's firmware key */
		snprintf(buf, size, "firmware");
		break;
	default:
		snprintf(buf, size, "?");
	}
	return buf;
}

const char *kesu_nist_level_name(enum kesu_nist_level level)
{
	switch (level) {
	case KESU_NIST_CLEAR: return "clear";
	case KESU_NIST_PURGE: return "purge";
	case KESU_NIST_DESTROY: return "destroy";
	}
	return "unknown";
}

const char *kesu_verify_name(enum kesu_verify verify)
{
	switch (verify) {
	case KESU_VERIFY_NONE: return "none";
	case KESU_VERIFY_LAST: return "last";
	case KESU_VERIFY_ALL: return "all";
	}
	return "unknown";
}
