#include <errno.h>
#include <stdarg.h>
#include <stdio.h>

#include "cli.h"
#include "kesu/error.h"

void cli_error(const char *fmt, ...)
{
	va_list ap;
	fputs("kesu: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, _(fmt), ap); /* xgettext --keyword=cli_error */
	va_end(ap);
	fputc('\n', stderr);
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
				    KESU_EXIT_OK};
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
	return t == KESU_YES ? "yes" : t == KESU_NO ? "no" : "unknown";
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
	return "free";
}

void cli_print_json(struct json_object *doc)
{
	puts(json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
						     JSON_C_TO_STRING_NOSLASHESCAPE));
}
