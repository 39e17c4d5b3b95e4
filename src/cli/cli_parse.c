/* Strict option values: numbers in decimal digits only, within a range,
 * and the record's fields through the library's one check. Each refusal
 * is one line naming the flag. */
#include <getopt.h>
#include <string.h>

#include "cli.h"

/* The value as typed, made safe to print: control characters, and every
 * byte past ASCII when the value is not valid UTF-8, become \xNN. Long
 * values are cut, on a character boundary, after about 60 bytes. */
static const char *shown(const char *s, char *buf, size_t size)
{
	bool text = kesu_text_check(s, strlen(s), NULL, 0) == 0;
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0;
	for (; *p && (o < 60 || (text && (*p & 0xc0) == 0x80)) && o + 12 < size; p++) {
		if (*p < 0x20 || *p == 0x7f || (*p >= 0x80 && !text))
			o += (size_t)snprintf(buf + o, size - o, "\\x%02X", *p);
		else
			buf[o++] = (char)*p;
	}
	snprintf(buf + o, size - o, "%s", *p ? "..." : "");
	return buf;
}

/* Digits only: no sign, no space, no 0x, no exponent; at most 19 of them,
 * so that the value cannot overflow. */
static bool all_digits(const char *s, size_t n)
{
	if (n == 0 || n > 19)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

static unsigned long long digits_value(const char *s, size_t n)
{
	unsigned long long v = 0;
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (unsigned long long)(s[i] - '0');
	return v;
}

bool cli_parse_uint(const char *flag, const char *text, unsigned long long min,
		    unsigned long long max, unsigned long long *out)
{
	size_t n = strlen(text);
	unsigned long long v = all_digits(text, n) ? digits_value(text, n) : 0;
	if (!all_digits(text, n) || v < min || v > max) {
		char buf[96];
		cli_error("%s: \"%s\" is not a number from %llu to %llu", flag, shown(text, buf, sizeof(buf)),
			  min, max);
		return false;
	}
	*out = v;
	return true;
}

bool cli_parse_decimal(const char *flag, const char *text, double min, double max,
		       unsigned decimals, double *out)
{
	/* Computed by hand: strtod would follow the locale's decimal point
	 * and accept "0x10", "1e3", " 5" and "inf". */
	const char *dot = strchr(text, '.');
	size_t whole = dot ? (size_t)(dot - text) : strlen(text);
	size_t frac = dot ? strlen(dot + 1) : 0;
	bool ok = all_digits(text, whole) && (!dot || (frac > 0 && frac <= decimals &&
						     all_digits(dot + 1, frac)));
	double v = 0;
	if (ok) {
		v = (double)digits_value(text, whole);
		double scale = 1;
		for (size_t i = 0; i < frac; i++)
			scale *= 10;
		if (frac)
			v += (double)digits_value(dot + 1, frac) / scale;
	}
	if (!ok || !(v >= min && v <= max)) {
		char buf[96];
		cli_error("%s: \"%s\" is not a number from %g to %g%s", flag, shown(text, buf, sizeof(buf)),
			  min, max, decimals == 0 ? "" : decimals == 1 ? _(" (one decimal at most)")
			  : _(" (three decimals at most)"));
		return false;
	}
	*out = v;
	return true;
}

bool cli_parse_size(const char *text, size_t *out)
{
	size_t n = strlen(text);
	unsigned long long mult = 1;
	char unit = n ? text[n - 1] : '\0';
	if (unit == 'K' || unit == 'k')
		mult = 1ULL << 10;
	else if (unit == 'M' || unit == 'm')
		mult = 1ULL << 20;
	else if (unit == 'G' || unit == 'g')
		mult = 1ULL << 30;
	if (mult != 1)
		n--;
	if (!all_digits(text, n))
		return false;
	unsigned long long v = digits_value(text, n);
	if (v == 0 || v > (1ULL << 40) / mult)
		return false;
	*out = (size_t)(v * mult);
	return true;
}

bool cli_set_field(struct kesu_job_context *ctx, enum kesu_ctx_field f, const char *flag,
		   const char *value)
{
	char why[KESU_ERRMSG_MAX];
	if (kesu_context_set(ctx, f, value, why, sizeof(why)) < 0) {
		cli_error("%s: %s", flag, why);
		return false;
	}
	return true;
}

bool cli_check_assets(const char *flag, char *list)
{
	/* "A-1, A-2" means "A-1,A-2": drop spaces around each number, in place. */
	char *out = list;
	for (char *in = list; *in;) {
		while (*in == ' ')
			in++;
		char *comma = strchr(in, ',');
		size_t n = comma ? (size_t)(comma - in) : strlen(in);
		while (n && in[n - 1] == ' ')
			n--;
		char number[KESU_LIMIT_BYTES(KESU_LIMIT_ASSET_NUMBER) + 1], why[KESU_ERRMSG_MAX];
		if (n >= sizeof(number))
			n = sizeof(number) - 1; /* still too long: refused below */
		memcpy(number, in, n);
		number[n] = '\0';
		if (n == 0 || kesu_ctx_field_check(KESU_CTX_ASSET_NUMBER, number, why, sizeof(why)) < 0 ||
		    n >= KESU_FIELD) {
			if (n == 0)
				snprintf(why, sizeof(why), _("an empty asset number (two commas, or one at an end)"));
			else if (n >= KESU_FIELD)
				snprintf(why, sizeof(why), _("\"%.20s...\" is too long"), number);
			cli_error("%s: %s", flag, why);
			return false;
		}
		memmove(out, number, n);
		out += n;
		if (!comma)
			break;
		*out++ = ',';
		in = comma + 1;
		if (!*in) { /* a trailing comma */
			cli_error("%s: an empty asset number (two commas, or one at an end)", flag);
			return false;
		}
	}
	*out = '\0';
	return true;
}

bool cli_check_text(const char *what, const char *value)
{
	char why[200], buf[96];
	if (kesu_text_check(value, strlen(value), why, sizeof(why)) < 0) {
		cli_error("%s \"%s\": %s", what, shown(value, buf, sizeof(buf)), why);
		return false;
	}
	return true;
}

/* ---- Refused options: one line, as lsblk says it, never the whole help ----
 * getopt's own message is off (opterr = 0): it has no "kesu:" and no
 * command name, and the help that followed it buried the one line that
 * mattered. cli_getopt remembers what it was given so that
 * cli_bad_option can tell which of getopt's refusals it was. */
static struct {
	int argc;
	char **argv;
	const char *shortopts;
	const struct option *longopts;
} parsing;

int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
	       int *longindex)
{
	parsing.argc = argc;
	parsing.argv = argv;
	parsing.shortopts = shortopts;
	parsing.longopts = longopts;
	opterr = 0;
	return getopt_long(argc, argv, shortopts, longopts, longindex);
}

/* The long option element "--name[=value]" names: exact, else the one it
 * abbreviates; *count says how many it abbreviates (2 or more: ambiguous). */
static const struct option *long_named(const char *elem, size_t *count)
{
	const char *name = elem + 2, *eq = strchr(name, '=');
	size_t n = eq ? (size_t)(eq - name) : strlen(name);
	const struct option *found = NULL;
	*count = 0;
	for (const struct option *o = parsing.longopts; o && o->name; o++) {
		if (strncmp(o->name, name, n) != 0)
			continue;
		if (o->name[n] == '\0') {
			*count = 1;
			return o;
		}
		if (!found || found->flag != o->flag || found->val != o->val ||
		    found->has_arg != o->has_arg)
			(*count)++;
		found = o;
	}
	return found;
}

/* Says what was wrong with the long option elem; false when nothing was
 * (the refusal was a short option after it). */
static bool long_refusal(const char *cmd, const char *elem, bool last)
{
	size_t count;
	const struct option *o = long_named(elem, &count);
	bool eq = strchr(elem, '=') != NULL;
	if (count == 0)
		cli_error("%1$s: unrecognized option '%2$s' (see kesu %1$s --help)", cmd, elem);
	else if (count > 1)
		cli_error("%1$s: option '%2$s' is ambiguous (see kesu %1$s --help)", cmd, elem);
	else if (o->has_arg == no_argument && eq)
		cli_error("%1$s: option '--%2$s' takes no value (see kesu %1$s --help)", cmd,
			  o->name);
	else if (o->has_arg == required_argument && !eq && last)
		cli_error("%1$s: option '--%2$s' needs a value (see kesu %1$s --help)", cmd, o->name);
	else
		return false;
	return true;
}

int cli_bad_option(const char *cmd)
{
	int i = optind - 1;
	const char *elem = i > 0 && i < parsing.argc ? parsing.argv[i] : NULL;
	if (elem && strncmp(elem, "--", 2) == 0 && elem[2] &&
	    long_refusal(cmd, elem, i == parsing.argc - 1))
		return KESU_EXIT_USAGE;
	const char *in = optopt > 0 && optopt < 128 && parsing.shortopts ?
			 strchr(parsing.shortopts, optopt) : NULL;
	if (in && in[1] == ':')
		cli_error("%1$s: option '-%2$c' needs a value (see kesu %1$s --help)", cmd, optopt);
	else if (optopt > 32 && optopt < 127)
		cli_error("%1$s: invalid option '-%2$c' (see kesu %1$s --help)", cmd, optopt);
	else
		cli_error("%1$s: invalid option \"%2$s\" (see kesu %1$s --help)", cmd,
			  elem ? elem : "?");
	return KESU_EXIT_USAGE;
}
