#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kesu/error.h"

/* --json (docs/formats.md, "Errors"): stdout holds exactly one JSON
 * document. The first error message is kept so that, when the command
 * ends without having printed its document, cli_json_finish prints an
 * error document in its place. */
static bool json_mode, json_printed;
static char *json_error; /* whole: a cut could split a UTF-8 character */

void cli_error(const char *fmt, ...)
{
	/* Formatted once, whole (escaped names can be long), for every reader. */
	char small[512], *msg = small;
	va_list ap, again;
	va_start(ap, fmt);
	va_copy(again, ap);
	int n = vsnprintf(small, sizeof(small), _(fmt), ap); /* xgettext --keyword=cli_error */
	if (n >= (int)sizeof(small) && (msg = malloc((size_t)n + 1)))
		vsnprintf(msg, (size_t)n + 1, _(fmt), again);
	va_end(again);
	va_end(ap);
	if (!msg)
		msg = small; /* out of memory: the message cut short, never lost */
	fprintf(stderr, "kesu: %s\n", msg);
	cli_oplog_error(msg); /* when --log is on */
	if (json_mode && !json_error)
		json_error = strdup(msg);
	if (msg != small)
		free(msg);
}

void cli_json_mode_set(bool on)
{
	json_mode = on;
}

bool cli_json_mode(void)
{
	return json_mode;
}

int cli_exit_for(int err)
{
	switch (-err) {
	case 0: return KESU_EXIT_OK;
	case ENOENT: return KESU_EXIT_USAGE; /* a named file or device that is not there */
	case KESU_EREFUSED: return KESU_EXIT_REFUSED;
	case KESU_EUNSUPPORTED: return KESU_EXIT_UNSUPPORTED;
	case KESU_EVERIFY: return KESU_EXIT_VERIFY;
	case KESU_EINTERRUPTED: return KESU_EXIT_INTERRUPTED;
	default: return KESU_EXIT_FAILURE;
	}
}

static int severity(int code)
{
	static const int order[] = {KESU_EXIT_VERIFY, KESU_EXIT_FAILURE, KESU_EXIT_UNSUPPORTED,
				    KESU_EXIT_INTERRUPTED, KESU_EXIT_UNVERIFIED, KESU_EXIT_EXCEPTIONS,
				    KESU_EXIT_NOT_PUSHED, KESU_EXIT_OK};
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (order[i] == code)
			return (int)(sizeof(order) / sizeof(order[0]) - i);
	return 100 + code; /* usage, refused, ...: before any drive ran; keep them */
}

int cli_exit_worse(int a, int b)
{
	return severity(a) >= severity(b) ? a : b;
}

void cli_format_size(unsigned long long bytes, char *buf, size_t size)
{
	static const char units[] = "BKMGTPE";
	double v = (double)bytes;
	int u = 0;
	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, size, "%lluB", bytes);
	else if (v < 10 && v != (double)(unsigned long long)v)
		snprintf(buf, size, "%.1f%c", v, units[u]);
	else
		snprintf(buf, size, "%.0f%c", v, units[u]);
}

const char *cli_tristate(enum kesu_tristate t)
{
	/* tokens (JSON says them as they are); N_: kesu info translates them */
	return t == KESU_YES ? N_("yes") : t == KESU_NO ? N_("no") : N_("unknown");
}

const char *cli_device_state(const struct kesu_device *dev)
{
	/* Through the stack too (dev->stack): a loop on a mounted device is mounted. */
	if (dev->system_reasons || dev->stack[KESU_STACK_SYSTEM][0])
		return "SYSTEM";
	if (dev->swap_active || dev->stack[KESU_STACK_SWAP][0])
		return "swap";
	if (dev->nmounts || dev->stack[KESU_STACK_MOUNTED][0])
		return "mounted";
	if (dev->nholders || dev->stack[KESU_STACK_HELD][0])
		return "held";
	if (dev->busy) /* open O_EXCL by a program: the wipe's open would fail */
		return "busy";
	return "free";
}

struct json_object *cli_json_format_version(void)
{
	struct json_object *v = json_object_new_array();
	json_object_array_add(v, json_object_new_int(CLI_JSON_FORMAT_MAJOR));
	json_object_array_add(v, json_object_new_int(CLI_JSON_FORMAT_MINOR));
	return v;
}

struct json_object *cli_json_versioned(struct json_object *doc)
{
	if (!json_object_is_type(doc, json_type_object))
		return json_object_get(doc); /* a caller's mistake: printed as it is */
	struct json_object *out = json_object_new_object();
	json_object_object_add(out, "json_format_version", cli_json_format_version());
	json_object_object_foreach(doc, key, val)
		if (strcmp(key, "json_format_version") != 0)
			json_object_object_add(out, key, json_object_get(val));
	return out;
}

void cli_fprint_json(FILE *out, struct json_object *doc)
{
	struct json_object *v = cli_json_versioned(doc);
	fprintf(out, "%s\n", json_object_to_json_string_ext(v, JSON_C_TO_STRING_PRETTY |
								   JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(v);
	if (out == stdout)
		json_printed = true;
}

void cli_print_json(struct json_object *doc)
{
	cli_fprint_json(stdout, doc);
}

int cli_json_finish(int code)
{
	if (!json_mode || json_printed || code == KESU_EXIT_OK)
		return code;
	struct json_object *doc = json_object_new_object(), *e = json_object_new_object();
	json_object_object_add(e, "message", json_error ? json_object_new_string(json_error) : NULL);
	json_object_object_add(e, "exit_status", json_object_new_int(code));
	json_object_object_add(doc, "error", e);
	cli_print_json(doc);
	json_object_put(doc);
	fflush(stdout);
	return code;
}
