/* One description of a drive's facts, as lsblk describes its columns.
 * Each row names a fact once for all three places that show it: its
 * kesu list column (-o NAME), its key in the JSON device object
 * (docs/formats.md) and its kesu info label, with one value function and
 * one type that says how each of them renders it. So the table, the JSON
 * and kesu info cannot drift apart (tests/unit/test_device_columns.c). */
#ifndef KESU_DEVICE_COLUMNS_H
#define KESU_DEVICE_COLUMNS_H

#include "cli.h"

/* A drive as the columns see it. */
struct cli_drive {
	const struct kesu_device *dev;
	const struct kesu_drive_caps *caps; /* NULL: the drive was not asked */
	const char *why;                    /* why it was not asked or did not answer */
};

enum cli_col_type {
	CLI_COL_STRING, /* text; "" is not known or none */
	CLI_COL_NUMBER, /* an unsigned count */
	CLI_COL_SIZE,   /* bytes: the table says 1.5G, JSON the number, info both */
	CLI_COL_BOOL,   /* the table 1/0, JSON true/false, info yes/no */
	CLI_COL_LIST,   /* strings: the table joins them with ',', JSON an array */
	CLI_COL_ARRAY,  /* JSON only: an array the row's json function builds */
	CLI_COL_OBJECT, /* JSON only: an object the row's json function builds, or null */
};

enum cli_col_flag {
	CLI_COL_TRUNC = 1u << 0,      /* the table may cut it to fit 80 columns */
	CLI_COL_TRUNC_LAST = 1u << 1, /* cut last among equals: the operator types the serial */
	CLI_COL_ASKS = 1u << 2,       /* needs the drive asked through its command channel */
	CLI_COL_IF_KNOWN = 1u << 3,   /* kesu info prints the line only when the fact is known */
};

#define CLI_COL_TEXT_MAX 512

/* What a value function found; unknown or none: known is false. */
struct cli_col_value {
	bool known;
	const char *text;          /* STRING */
	unsigned long long number; /* NUMBER, SIZE */
	bool yes;                  /* BOOL */
	const char *items;         /* LIST: count strings, stride bytes apart */
	size_t count, stride;
	char buf[CLI_COL_TEXT_MAX]; /* where a value function builds its text */
};

struct cli_column {
	const char *name;  /* kesu list -o NAME; NULL: not a table column */
	const char *key;   /* key in the JSON device object; NULL: not in the JSON */
	const char *label; /* kesu info's label (its first section); NULL: not there */
	const char *help;  /* one line, for kesu list --help */
	enum cli_col_type type;
	unsigned flags;    /* enum cli_col_flag */
	void (*value)(const struct cli_drive *d, struct cli_col_value *v); /* scalar and LIST rows */
	struct json_object *(*json)(const struct cli_drive *d);           /* ARRAY and OBJECT rows */
};

/* In the order of the JSON object and of kesu info's lines. */
extern const struct cli_column cli_columns[];
extern const size_t cli_ncolumns;

/* The table column called name, in any case; NULL when there is none. */
const struct cli_column *cli_column_find(const char *name);
/* The table cell: '-' when not known or none. */
void cli_column_text(const struct cli_column *c, const struct cli_drive *d, char *buf, size_t size);
/* kesu info's value: "" when not known. false: no line (CLI_COL_IF_KNOWN). */
bool cli_column_info(const struct cli_column *c, const struct cli_drive *d, char *buf, size_t size);
/* The JSON value; NULL is JSON null. */
struct json_object *cli_column_json(const struct cli_column *c, const struct cli_drive *d);

/* The JSON-only members built whole (device_json.c). */
struct json_object *cli_json_partitions(const struct cli_drive *d);
struct json_object *cli_json_system_reasons(const struct cli_drive *d);
struct json_object *cli_json_stack(const struct cli_drive *d);
struct json_object *cli_json_smart(const struct cli_drive *d);
struct json_object *cli_json_capabilities(const struct cli_drive *d);
/* null when the drive was not asked (caps NULL). */
struct json_object *cli_json_firmware_erase(const struct cli_drive *d);

#endif
