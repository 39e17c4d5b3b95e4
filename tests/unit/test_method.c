/* Method files: the shipped ones have exactly the passes (overwrite) or
 * the command, leaves and levels (firmware) docs/methods.md lists, every
 * malformed file gets its exact "file:line: reason", and the set refuses
 * duplicates. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kesu/error.h"
#include "kesu/method.h"
#include "kesu/purge.h"

/* The table in docs/methods.md, pass by pass in file syntax. */
struct expected {
	const char *id;
	const char *verify;
	unsigned nrandom_bytes;
	const char *passes; /* kesu_pass_format of each pass, joined by " | " */
};

static const struct expected shipped[] = {
	{"bsi-vsitr", "none", 0, "00 | ff | 00 | ff | 00 | ff | aa"},
	{"dod-3pass", "last", 0, "00 | ff | random"},
	{"dod-ece-7pass", "last", 3, "R1 | ~R1 | random | R2 | R3 | ~R3 | random"},
	{"gutmann", "none", 0,
	 "random | random | random | random | 55 | aa | 92 49 24 | 49 24 92 | 24 92 49 | 00 | 11 | "
	 "22 | 33 | 44 | 55 | 66 | 77 | 88 | 99 | aa | bb | cc | dd | ee | ff | 92 49 24 | "
	 "49 24 92 | 24 92 49 | 6d b6 db | b6 db 6d | db 6d b6 | random | random | random | random"},
	{"hmg-is5-enhanced", "last", 0, "00 | ff | random"},
	{"nist-clear", "last", 0, "00"},
	{"nsa-3pass", "last", 0, "random | random | 00"},
	{"one", "none", 0, "ff"},
	{"random", "none", 0, "random"},
	{"rcmp-ops-ii", "last", 0, "00 | ff | 00 | ff | 00 | ff | random"},
	{"schneier", "none", 0, "00 | ff | random | random | random | random | random"},
	{"zero", "none", 0, "00"},
};
#define NSHIPPED (sizeof(shipped) / sizeof(shipped[0]))

/* The firmware table in docs/methods.md: id, command, leaves, the file's
 * nist, and the level on a spinning disk and on flash (0: not applicable)
 * as docs/firmware.md reads NIST SP 800-88 Rev.1. Written out here, not
 * computed from the code, so that a change anywhere shows up. */
#define NA 0
struct expected_fw {
	const char *id;
	enum kesu_firmware_command command;
	const char *command_name;
	enum kesu_firmware_leaves leaves;
	enum kesu_nist_level nist;
	int on_hdd, on_flash;
	const char *title_ja;
};

static const struct expected_fw shipped_fw[] = {
	{"ata-sanitize-block", KESU_FW_ATA_SANITIZE_BLOCK, "ata-sanitize-block", KESU_LEAVES_CHANGED,
	 KESU_NIST_PURGE, NA, KESU_NIST_PURGE, "ATA サニタイズ (ブロック消去)"},
	{"ata-sanitize-crypto", KESU_FW_ATA_SANITIZE_CRYPTO, "ata-sanitize-crypto", KESU_LEAVES_CHANGED,
	 KESU_NIST_PURGE, KESU_NIST_PURGE, KESU_NIST_PURGE, "ATA サニタイズ (暗号消去)"},
	{"ata-sanitize-overwrite", KESU_FW_ATA_SANITIZE_OVERWRITE, "ata-sanitize-overwrite",
	 KESU_LEAVES_ZERO, KESU_NIST_PURGE, KESU_NIST_PURGE, KESU_NIST_CLEAR, "ATA サニタイズ (上書き)"},
	{"ata-security-erase", KESU_FW_ATA_SECURITY_ERASE, "ata-security-erase", KESU_LEAVES_ZERO,
	 KESU_NIST_CLEAR, KESU_NIST_CLEAR, KESU_NIST_CLEAR, "ATA セキュアイレース (通常)"},
	{"ata-security-erase-enhanced", KESU_FW_ATA_SECURITY_ERASE_ENHANCED,
	 "ata-security-erase-enhanced", KESU_LEAVES_CHANGED, KESU_NIST_PURGE, KESU_NIST_PURGE,
	 KESU_NIST_CLEAR, "ATA セキュアイレース (拡張)"},
	{"auto-purge", KESU_FW_AUTO, "auto", KESU_LEAVES_CHANGED, KESU_NIST_PURGE, KESU_NIST_PURGE,
	 KESU_NIST_PURGE, "自動パージ (ドライブが対応する最も強いファームウェア消去)"},
	{"nvme-format-crypto", KESU_FW_NVME_FORMAT_CRYPTO, "nvme-format-crypto", KESU_LEAVES_CHANGED,
	 KESU_NIST_PURGE, KESU_NIST_PURGE, KESU_NIST_PURGE, "NVMe フォーマット (暗号消去)"},
	{"nvme-format-erase", KESU_FW_NVME_FORMAT_ERASE, "nvme-format-erase", KESU_LEAVES_CHANGED,
	 KESU_NIST_PURGE, KESU_NIST_PURGE, KESU_NIST_PURGE, "NVMe フォーマット (ユーザーデータ消去)"},
	{"nvme-sanitize-block", KESU_FW_NVME_SANITIZE_BLOCK, "nvme-sanitize-block", KESU_LEAVES_CHANGED,
	 KESU_NIST_PURGE, NA, KESU_NIST_PURGE, "NVMe サニタイズ (ブロック消去)"},
	{"nvme-sanitize-crypto", KESU_FW_NVME_SANITIZE_CRYPTO, "nvme-sanitize-crypto",
	 KESU_LEAVES_CHANGED, KESU_NIST_PURGE, KESU_NIST_PURGE, KESU_NIST_PURGE,
	 "NVMe サニタイズ (暗号消去)"},
	{"nvme-sanitize-overwrite", KESU_FW_NVME_SANITIZE_OVERWRITE, "nvme-sanitize-overwrite",
	 KESU_LEAVES_ZERO, KESU_NIST_PURGE, KESU_NIST_PURGE, KESU_NIST_CLEAR, "NVMe サニタイズ (上書き)"},
	{"scsi-sanitize-block", KESU_FW_SCSI_SANITIZE_BLOCK, "scsi-sanitize-block", KESU_LEAVES_CHANGED,
	 KESU_NIST_PURGE, NA, KESU_NIST_PURGE, "SCSI サニタイズ (ブロック消去)"},
	{"scsi-sanitize-crypto", KESU_FW_SCSI_SANITIZE_CRYPTO, "scsi-sanitize-crypto",
	 KESU_LEAVES_CHANGED, KESU_NIST_PURGE, KESU_NIST_PURGE, KESU_NIST_PURGE,
	 "SCSI サニタイズ (暗号消去)"},
	{"scsi-sanitize-overwrite", KESU_FW_SCSI_SANITIZE_OVERWRITE, "scsi-sanitize-overwrite",
	 KESU_LEAVES_ZERO, KESU_NIST_PURGE, KESU_NIST_PURGE, KESU_NIST_CLEAR, "SCSI サニタイズ (上書き)"},
};
#define NSHIPPED_FW (sizeof(shipped_fw) / sizeof(shipped_fw[0]))

static void join_passes(const struct kesu_method *m, char *out, size_t size)
{
	char pass[KESU_PASS_TEXT_MAX];
	out[0] = '\0';
	for (unsigned i = 0; i < m->npasses; i++) {
		strncat(out, i ? " | " : "", size - strlen(out) - 1);
		strncat(out, kesu_pass_format(&m->passes[i], pass, sizeof(pass)),
			size - strlen(out) - 1);
	}
}

static struct kesu_method_set *builtin_set(void)
{
	struct kesu_method_set *set;
	char err[512] = "";
	int rc = kesu_method_set_load(&set, NULL, err, sizeof(err));
	cr_assert_eq(rc, 0, "built-in methods: %s", err);
	return set;
}

Test(method, shipped_methods_have_the_documented_passes)
{
	struct kesu_method_set *set = builtin_set();
	cr_assert_eq(kesu_method_set_count(set), NSHIPPED + NSHIPPED_FW);
	size_t i = 0;
	for (size_t at = 0; at < kesu_method_set_count(set); at++) {
		const struct kesu_method *m = kesu_method_set_at(set, at);
		if (m->technique == KESU_TECHNIQUE_FIRMWARE)
			continue;
		cr_assert_lt(i, NSHIPPED, "%s is not in the table", m->id);
		const struct expected *e = &shipped[i++];
		cr_assert_str_eq(m->id, e->id, "listed in id order");
		cr_assert_eq(m->version, 1);
		cr_assert_eq(m->technique, KESU_TECHNIQUE_OVERWRITE);
		cr_assert_eq(m->firmware, KESU_FW_NONE, "%s", m->id);
		cr_assert_eq(m->nist, KESU_NIST_CLEAR, "%s: every overwrite is Clear", m->id);
		cr_assert_str_eq(kesu_verify_name(m->verify), e->verify, "%s", m->id);
		cr_assert_eq(m->nrandom_bytes, e->nrandom_bytes, "%s", m->id);
		cr_assert(m->builtin);
		cr_assert(m->title_en[0] && m->title_ja[0] && m->standard[0] && m->source[0]);
		char passes[2048];
		join_passes(m, passes, sizeof(passes));
		cr_assert_str_eq(passes, e->passes, "%s", m->id);
	}
	cr_assert_eq(i, NSHIPPED);
	cr_assert_not_null(kesu_method_set_find(set, KESU_METHOD_DEFAULT));
	kesu_method_set_free(set);
}

Test(method, gutmann_is_the_1996_table)
{
	static const uint8_t fixed[27][3] = {
		{0x55}, {0xaa}, {0x92, 0x49, 0x24}, {0x49, 0x24, 0x92}, {0x24, 0x92, 0x49},
		{0x00}, {0x11}, {0x22}, {0x33}, {0x44}, {0x55}, {0x66}, {0x77}, {0x88}, {0x99},
		{0xaa}, {0xbb}, {0xcc}, {0xdd}, {0xee}, {0xff}, {0x92, 0x49, 0x24},
		{0x49, 0x24, 0x92}, {0x24, 0x92, 0x49}, {0x6d, 0xb6, 0xdb}, {0xb6, 0xdb, 0x6d},
		{0xdb, 0x6d, 0xb6},
	};
	struct kesu_method_set *set = builtin_set();
	const struct kesu_method *m = kesu_method_set_find(set, "gutmann");
	cr_assert_not_null(m);
	cr_assert_eq(m->npasses, 35);
	for (unsigned i = 0; i < 35; i++) {
		const struct kesu_pass *p = &m->passes[i];
		if (i < 4 || i >= 31) {
			cr_assert_eq(p->type, KESU_PASS_RANDOM_STREAM, "pass %u", i + 1);
			continue;
		}
		const uint8_t *want = fixed[i - 4];
		unsigned len = (want[1] || want[2]) ? 3 : 1;
		cr_assert_eq(p->type, len == 1 ? KESU_PASS_BYTE : KESU_PASS_PATTERN, "pass %u", i + 1);
		cr_assert_eq(p->len, len, "pass %u", i + 1);
		cr_assert_arr_eq(p->bytes, want, len, "pass %u", i + 1);
	}
	kesu_method_set_free(set);
}

Test(method, embedded_copies_equal_the_methods_folder)
{
	struct kesu_method_set *builtin = builtin_set(), *folder;
	char err[512] = "";
	cr_assert_eq(kesu_method_set_new(&folder), 0);
	cr_assert_eq(kesu_method_set_add_dir(folder, KESU_METHODS_DIR, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_method_set_count(folder), kesu_method_set_count(builtin));
	for (size_t i = 0; i < kesu_method_set_count(folder); i++) {
		const struct kesu_method *a = kesu_method_set_at(folder, i);
		const struct kesu_method *b = kesu_method_set_at(builtin, i);
		cr_assert_str_eq(a->id, b->id);
		cr_assert_arr_eq(a->sha256, b->sha256, 32, "%s: rebuild to re-embed", a->id);
		cr_assert_not(a->builtin);
	}
	kesu_method_set_free(folder);
	kesu_method_set_free(builtin);
}

/* A valid file; the cases below change one thing in it. */
static const char good[] = "# comment\n"
			   "id        x\n"
			   "version   1\n"
			   "title.en  X\n"
			   "title.ja  エックス方式\n"
			   "standard  S\n"
			   "source    T\n"
			   "nist      clear\n"
			   "verify    last\n"
			   "pass      00\n";

static int parse(const char *name, const char *text, struct kesu_method *m, char *err, size_t size)
{
	return kesu_method_parse(text, strlen(text), name, m, err, size);
}

/* Parses text as NAME and expects exactly the error want. */
static void expect_error(const char *name, const char *text, const char *want)
{
	struct kesu_method m;
	char err[2048];
	memset(err, 'Z', sizeof(err));
	int rc = kesu_method_parse(text, strlen(text), name, &m, err, sizeof(err));
	cr_assert_eq(rc, -KESU_EPARSE, "accepted, expected: %s", want);
	cr_assert_str_eq(err, want);
}

/* base with line LINE (1-based) replaced by repl ("" removes it). */
static char *with_line_of(const char *base, unsigned line, const char *repl)
{
	static char out[8192];
	out[0] = '\0';
	const char *s = base;
	for (unsigned n = 1; *s; n++) {
		const char *nl = strchr(s, '\n');
		size_t len = (size_t)(nl - s) + 1;
		if (n == line) {
			if (*repl) {
				strcat(out, repl);
				strcat(out, "\n");
			}
		} else {
			strncat(out, s, len);
		}
		s += len;
	}
	return out;
}

static char *with_line(unsigned line, const char *repl)
{
	return with_line_of(good, line, repl);
}

Test(method, good_file_parses)
{
	struct kesu_method m;
	char err[256];
	cr_assert_eq(parse("methods/x.method", good, &m, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(m.id, "x");
	cr_assert_str_eq(m.title_ja, "エックス方式");
	cr_assert_eq(m.id_line, 2);
	cr_assert_str_eq(m.origin, "methods/x.method");
	cr_assert_str_eq(err, "");
}

Test(method, keys_and_values)
{
	expect_error("methods/x.method", with_line(10, "pass zeroes"),
		     "methods/x.method:10: unknown pass type \"zeroes\"");
	expect_error("x.method", with_line(1, "colour red"), "x.method:1: unknown key \"colour\"");
	expect_error("x.method", with_line(1, "Title.en X"), "x.method:1: unknown key \"Title.en\"");
	expect_error("x.method", with_line(1, "version 2"),
		     "x.method:3: duplicate key \"version\" (first on line 1)");
	expect_error("x.method", with_line(4, "title.en"), "x.method:4: title.en has no value");
	expect_error("x.method", with_line(4, "title.en    "), "x.method:4: title.en has no value");
	expect_error("x.method", with_line(9, "verify sometimes"),
		     "x.method:9: unknown verify value \"sometimes\" (expected none, last or all)");
	expect_error("x.method", with_line(9, "verify LAST"),
		     "x.method:9: unknown verify value \"LAST\" (expected none, last or all)");
	expect_error("x.method", with_line(8, "nist high"),
		     "x.method:8: unknown nist level \"high\" (expected clear or purge)");
	expect_error("x.method", with_line(8, "nist purge"),
		     "x.method:8: nist level \"purge\" is not reached by overwriting: "
		     "overwrite methods achieve \"clear\"");
	expect_error("x.method", with_line(8, "nist destroy"),
		     "x.method:8: nist level \"destroy\" is not reached by overwriting: "
		     "overwrite methods achieve \"clear\"");
	expect_error("x.method", with_line(3, "version 01"),
		     "x.method:3: version \"01\" is not a whole number from 1 to 999999");
	expect_error("x.method", with_line(3, "version 0"),
		     "x.method:3: version \"0\" is not a whole number from 1 to 999999");
	expect_error("x.method", with_line(3, "version 1.0"),
		     "x.method:3: version \"1.0\" is not a whole number from 1 to 999999");
	expect_error("x.method", with_line(3, "version -1"),
		     "x.method:3: version \"-1\" is not a whole number from 1 to 999999");
	expect_error("x.method", with_line(3, "version 1000000"),
		     "x.method:3: version \"1000000\" is not a whole number from 1 to 999999");
}

Test(method, missing_keys_name_the_last_line)
{
	static const char *const keys[] = {"id", "version", "title.en", "title.ja",
					   "standard", "source", "nist", "verify"};
	char want[256];
	for (unsigned k = 0; k < 8; k++) {
		snprintf(want, sizeof(want), "x.method:9: missing required key \"%s\"", keys[k]);
		expect_error("x.method", with_line(k + 2, ""), want);
	}
	expect_error("x.method", with_line(10, ""),
		     "x.method:9: no passes (a method needs at least one \"pass\" line)");
	expect_error("x.method", "", "x.method:1: missing required key \"id\"");
	expect_error("x.method", "# only a comment", "x.method:1: missing required key \"id\"");
	expect_error("x.method", "\n\n\n", "x.method:3: missing required key \"id\"");
}

Test(method, ids_and_file_names)
{
	expect_error("x.method", with_line(2, "id X_y"),
		     "x.method:2: id \"X_y\" may contain only a-z, 0-9 and -");
	expect_error("x.method", with_line(2, "id x y"),
		     "x.method:2: id \"x y\" may contain only a-z, 0-9 and -");
	expect_error("x.method", with_line(2, "id 123456789012345678901234567890123"),
		     "x.method:2: id is longer than 32 bytes");
	expect_error("methods/y.method", good,
		     "methods/y.method:2: file name \"y.method\" does not match id \"x\" "
		     "(expected \"x.method\")");
	expect_error("x.txt", good,
		     "x.txt:2: file name \"x.txt\" does not match id \"x\" (expected \"x.method\")");
	expect_error("dir/xx.method", good,
		     "dir/xx.method:2: file name \"xx.method\" does not match id \"x\" "
		     "(expected \"x.method\")");
	struct kesu_method m;
	char err[256];
	const char *text = with_line(2, "id 12345678901234567890123456789012");
	cr_assert_eq(parse("12345678901234567890123456789012.method", text, &m, err, sizeof(err)), 0,
		     "%s", err);
}

Test(method, pass_syntax)
{
	expect_error("x.method", with_line(10, "pass 0g"),
		     "x.method:10: bad hex byte \"0g\" (expected two hex digits such as 00 or ff)");
	expect_error("x.method", with_line(10, "pass 0x00"),
		     "x.method:10: bad hex byte \"0x00\" (expected two hex digits such as 00 or ff)");
	expect_error("x.method", with_line(10, "pass 000"),
		     "x.method:10: bad hex byte \"000\" (expected two hex digits such as 00 or ff)");
	expect_error("x.method", with_line(10, "pass 92 49 2"),
		     "x.method:10: bad hex byte \"2\" (expected two hex digits such as 00 or ff)");
	expect_error("x.method", with_line(10, "pass 00 # zeros"),
		     "x.method:10: bad hex byte \"#\" (expected two hex digits such as 00 or ff)");
	expect_error("x.method", with_line(10, "pass Random"),
		     "x.method:10: unknown pass type \"Random\"");
	expect_error("x.method", with_line(10, "pass ~R1"),
		     "x.method:10: complement ~R1 has no preceding random byte R1");
	expect_error("x.method", with_line(10, "pass R1\npass ~R2"),
		     "x.method:11: complement ~R2 has no preceding random byte R2");
	expect_error("x.method", with_line(10, "pass R2"),
		     "x.method:10: random byte R2 used before R1");
	expect_error("x.method", with_line(10, "pass R0"),
		     "x.method:10: bad random byte \"R0\" (expected R1 to R16)");
	expect_error("x.method", with_line(10, "pass R17"),
		     "x.method:10: bad random byte \"R17\" (expected R1 to R16)");
	expect_error("x.method", with_line(10, "pass R1x"),
		     "x.method:10: bad random byte \"R1x\" (expected R1 to R16)");
	expect_error("x.method", with_line(10, "pass ~ff"),
		     "x.method:10: bad complement \"~ff\" (expected ~R1 to ~R16)");

	/* 64 pattern bytes are allowed, 65 are not. */
	char line[512] = "pass";
	for (int i = 0; i < 64; i++)
		strcat(line, " a5");
	struct kesu_method m;
	char err[256];
	cr_assert_eq(parse("x.method", with_line(10, line), &m, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(m.passes[0].type, KESU_PASS_PATTERN);
	cr_assert_eq(m.passes[0].len, 64);
	strcat(line, " 5a");
	expect_error("x.method", with_line(10, line), "x.method:10: pattern is longer than 64 bytes");

	/* Upper-case hex is read; R bytes may be reused. */
	cr_assert_eq(parse("x.method", with_line(10, "pass FF\npass R1\npass ~R1\npass R1\npass R2"),
			   &m, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(m.passes[0].bytes[0], 0xff);
	cr_assert_eq(m.npasses, 5);
	cr_assert_eq(m.nrandom_bytes, 2);
	cr_assert_eq(m.passes[3].type, KESU_PASS_RANDOM_BYTE);
	cr_assert_eq(m.passes[3].random_byte, 1);
}

Test(method, limits)
{
	char big[70000];
	/* A value of 256 bytes. */
	char line[600] = "title.en ";
	memset(line + 9, 'a', 256);
	line[9 + 256] = '\0';
	expect_error("x.method", with_line(4, line), "x.method:4: title.en is longer than 255 bytes");
	line[9 + 255] = '\0';
	struct kesu_method m;
	char err[256];
	cr_assert_eq(parse("x.method", with_line(4, line), &m, err, sizeof(err)), 0, "%s", err);
	memcpy(line, "note     ", 9);
	line[9 + 255] = 'a';
	expect_error("x.method", with_line(1, line), "x.method:1: note is longer than 255 bytes");

	/* A line of 1025 bytes. */
	char longline[1100] = "# ";
	memset(longline + 2, '-', 1023);
	longline[1025] = '\0';
	expect_error("x.method", with_line(1, longline), "x.method:1: line is longer than 1024 bytes");
	longline[1024] = '\0';
	cr_assert_eq(parse("x.method", with_line(1, longline), &m, err, sizeof(err)), 0, "%s", err);

	/* 17 notes, 65 passes. */
	snprintf(big, sizeof(big), "%s", good);
	for (int i = 0; i < 16; i++)
		strcat(big, "note n\n");
	cr_assert_eq(parse("x.method", big, &m, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(m.nnotes, 16);
	strcat(big, "note n\n");
	expect_error("x.method", big, "x.method:27: more than 16 notes");
	snprintf(big, sizeof(big), "%s", good);
	for (int i = 0; i < 63; i++)
		strcat(big, "pass 00\n");
	cr_assert_eq(parse("x.method", big, &m, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(m.npasses, 64);
	strcat(big, "pass ff\n");
	expect_error("x.method", big, "x.method:74: more than 64 passes");

	/* A file over 64 KiB. */
	snprintf(big, sizeof(big), "%s", good);
	size_t len = strlen(big);
	memset(big + len, '\n', KESU_METHOD_FILE_MAX + 1 - len);
	big[KESU_METHOD_FILE_MAX + 1] = '\0';
	expect_error("x.method", big, "x.method:1: file is larger than 65536 bytes");
}

Test(method, text_encoding)
{
	expect_error("x.method", with_line(4, "title.en caf\xe9"),
		     "x.method:4: not valid UTF-8 (byte 0xe9 at column 13)");
	expect_error("x.method", with_line(4, "title.en \xc0\xaf"),
		     "x.method:4: not valid UTF-8 (byte 0xc0 at column 10)");
	expect_error("x.method", with_line(4, "title.en \xed\xa0\x80"),
		     "x.method:4: not valid UTF-8 (byte 0xed at column 10)");
	expect_error("x.method", with_line(4, "title.en \xf4\x90\x80\x80"),
		     "x.method:4: not valid UTF-8 (byte 0xf4 at column 10)");
	expect_error("x.method", with_line(4, "title.en \xe3\x81"),
		     "x.method:4: not valid UTF-8 (byte 0xe3 at column 10)");
	expect_error("x.method", with_line(4, "title.en a\x01"),
		     "x.method:4: control character 0x01 at column 11");
	expect_error("x.method", with_line(4, "title.en a\rb"),
		     "x.method:4: control character 0x0d at column 11");
	/* A NUL byte inside the buffer. */
	struct kesu_method m;
	char err[256];
	char text[sizeof(good) + 8];
	memcpy(text, good, sizeof(good));
	text[2] = '\0';
	cr_assert_eq(kesu_method_parse(text, sizeof(good) - 1, "x.method", &m, err, sizeof(err)),
		     -KESU_EPARSE);
	cr_assert_str_eq(err, "x.method:1: control character 0x00 at column 3");

	/* A byte order mark, CRLF line ends, tabs and no final newline are fine. */
	char crlf[1024] = "\xef\xbb\xbf";
	size_t used = strlen(crlf);
	for (const char *s = good; *s; s++) {
		if (*s == '\n')
			crlf[used++] = '\r';
		crlf[used++] = *s;
	}
	crlf[used] = '\0';
	strcat(crlf, "note\tlast line\twithout newline");
	cr_assert_eq(parse("x.method", crlf, &m, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(m.title_ja, "エックス方式");
	cr_assert_str_eq(m.notes[0], "last line\twithout newline");
	expect_error("x.method", "\xef\xbb\xbfid y", "x.method:1: file name \"x.method\" does not "
		     "match id \"y\" (expected \"y.method\")");
}

Test(method, error_buffer_is_truncated_not_overrun)
{
	struct kesu_method m;
	char err[16];
	memset(err, 'Z', sizeof(err));
	cr_assert_eq(kesu_method_parse("pass zz", 7, "methods/x.method", &m, err, 10), -KESU_EPARSE);
	cr_assert_str_eq(err, "methods/x");
	cr_assert_eq(err[10], 'Z');
	cr_assert_eq(kesu_method_parse("pass zz", 7, "x.method", &m, NULL, 0), -KESU_EPARSE);
}

Test(method, pass_descriptions_round_trip)
{
	struct kesu_method_set *set = builtin_set();
	char text[KESU_PASS_TEXT_MAX], file[1024], err[256];
	for (size_t i = 0; i < kesu_method_set_count(set); i++) {
		const struct kesu_method *m = kesu_method_set_at(set, i);
		if (m->technique == KESU_TECHNIQUE_FIRMWARE)
			continue; /* no pass line: checked in firmware_methods_parse */
		for (unsigned j = 0; j < m->npasses; j++) {
			/* A one-pass file with the formatted pass, after the random
			 * bytes it refers to. */
			const struct kesu_pass *p = &m->passes[j];
			snprintf(file, sizeof(file), "%s", good);
			size_t skip = 0;
			if (p->type == KESU_PASS_RANDOM_BYTE || p->type == KESU_PASS_COMPLEMENT)
				for (unsigned r = 1; r <= p->random_byte; r++, skip++)
					snprintf(file + strlen(file), sizeof(file) - strlen(file),
						 "pass R%u\n", r);
			snprintf(file + strlen(file), sizeof(file) - strlen(file), "pass %s\n",
				 kesu_pass_format(p, text, sizeof(text)));
			struct kesu_method back;
			cr_assert_eq(parse("x.method", file, &back, err, sizeof(err)), 0, "%s", err);
			cr_assert_eq(back.npasses, 1 + skip + 1);
			const struct kesu_pass *q = &back.passes[back.npasses - 1];
			cr_assert_eq(q->type, p->type, "%s pass %u", m->id, j + 1);
			cr_assert_eq(q->len, p->len);
			cr_assert_eq(q->random_byte, p->random_byte);
			cr_assert_arr_eq(q->bytes, p->bytes, sizeof(p->bytes));
		}
	}
	kesu_method_set_free(set);

	struct kesu_method m;
	cr_assert_eq(parse("x.method", with_line(10, "pass 00\npass 92 49 24\npass R1\npass ~R1\n"
						   "pass random\npass 6D B6 DB"),
			   &m, err, sizeof(err)), 0, "%s", err);
	static const char *const described[] = {"0x00", "pattern 92 49 24", "random byte R1",
						"complement of R1", "random stream", "pattern 6d b6 db"};
	static const char *const formatted[] = {"00", "92 49 24", "R1", "~R1", "random", "6d b6 db"};
	cr_assert_eq(m.npasses, 6);
	for (unsigned j = 0; j < 6; j++) {
		cr_assert_str_eq(kesu_pass_describe(&m.passes[j], text, sizeof(text)), described[j]);
		cr_assert_str_eq(kesu_pass_format(&m.passes[j], text, sizeof(text)), formatted[j]);
	}
	cr_assert_str_eq(kesu_nist_level_name(KESU_NIST_CLEAR), "clear");
	cr_assert_str_eq(kesu_verify_name(KESU_VERIFY_ALL), "all");
}

Test(method, digest_pins_the_exact_text)
{
	struct kesu_method a, b;
	char err[256];
	cr_assert_eq(parse("x.method", good, &a, err, sizeof(err)), 0);
	cr_assert_eq(parse("x.method", with_line(1, "# another comment"), &b, err, sizeof(err)), 0);
	cr_assert_arr_neq(a.sha256, b.sha256, 32);
	cr_assert_eq(parse("x.method", good, &b, err, sizeof(err)), 0);
	cr_assert_arr_eq(a.sha256, b.sha256, 32);
}

/* A valid firmware method; the cases below change one thing in it. */
static const char fw_good[] = "# comment\n"
			      "id        x\n"
			      "version   1\n"
			      "title.en  X\n"
			      "title.ja  エックス方式\n"
			      "standard  S\n"
			      "source    T\n"
			      "nist      purge\n"
			      "verify    last\n"
			      "firmware  ata-sanitize-crypto\n"
			      "leaves    changed\n";

static char *fw_with_line(unsigned line, const char *repl)
{
	return with_line_of(fw_good, line, repl);
}

Test(method_firmware, good_file_parses_to_one_firmware_step)
{
	struct kesu_method m;
	char err[256];
	cr_assert_eq(parse("methods/x.method", fw_good, &m, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(err, "");
	cr_assert_eq(m.technique, KESU_TECHNIQUE_FIRMWARE);
	cr_assert_eq(m.firmware, KESU_FW_ATA_SANITIZE_CRYPTO);
	cr_assert_eq(m.leaves, KESU_LEAVES_CHANGED);
	cr_assert_eq(m.nist, KESU_NIST_PURGE);
	cr_assert_eq(m.verify, KESU_VERIFY_LAST);
	cr_assert_eq(m.npasses, 1);
	cr_assert_eq(m.passes[0].type, KESU_PASS_FIRMWARE);
	cr_assert_eq(m.passes[0].len, 0);
	cr_assert_eq(m.nrandom_bytes, 0);
	char text[KESU_PASS_TEXT_MAX];
	cr_assert_str_eq(kesu_pass_describe(&m.passes[0], text, sizeof(text)), "firmware erase");

	/* The other values, nist clear, and keys in any order. */
	cr_assert_eq(parse("x.method", fw_with_line(11, "leaves zero"), &m, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(m.leaves, KESU_LEAVES_ZERO);
	cr_assert_eq(parse("x.method", fw_with_line(8, "nist clear"), &m, err, sizeof(err)), 0, "%s",
		     err);
	cr_assert_eq(m.nist, KESU_NIST_CLEAR);
	cr_assert_eq(m.technique, KESU_TECHNIQUE_FIRMWARE);
	static const char reordered[] = "leaves changed\nfirmware auto\nnist purge\nverify none\n"
					"id x\nversion 2\ntitle.en X\ntitle.ja X\nstandard S\n"
					"source T\nnote n\n";
	cr_assert_eq(parse("x.method", reordered, &m, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(m.firmware, KESU_FW_AUTO);
	cr_assert_eq(m.verify, KESU_VERIFY_NONE);
	cr_assert_eq(m.npasses, 1);
	cr_assert_eq(m.nnotes, 1);

	/* An overwrite method says so. */
	cr_assert_eq(parse("x.method", good, &m, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(m.technique, KESU_TECHNIQUE_OVERWRITE);
	cr_assert_eq(m.firmware, KESU_FW_NONE);
}

Test(method_firmware, rules_that_tie_keys_together)
{
	/* A pass in a firmware method: the first pass line, wherever it is. */
	expect_error("x.method", fw_with_line(11, "leaves changed\npass 00\npass ff"),
		     "x.method:12: a firmware method has no passes: the drive erases itself");
	expect_error("x.method", fw_with_line(1, "pass random"),
		     "x.method:1: a firmware method has no passes: the drive erases itself");
	/* firmware without leaves: the firmware line. */
	expect_error("x.method", fw_with_line(11, ""),
		     "x.method:10: firmware method without \"leaves\" (changed or zero)");
	expect_error("x.method", fw_with_line(11, "note last line"),
		     "x.method:10: firmware method without \"leaves\" (changed or zero)");
	/* leaves without firmware: the leaves line, also with passes. */
	expect_error("x.method", fw_with_line(10, ""),
		     "x.method:10: leaves belongs to firmware methods (no firmware key)");
	expect_error("x.method", with_line(1, "leaves zero"),
		     "x.method:1: leaves belongs to firmware methods (no firmware key)");
	/* Neither firmware nor passes: an overwrite method without passes. */
	char neither[sizeof(fw_good)];
	snprintf(neither, sizeof(neither), "%s", fw_with_line(10, ""));
	expect_error("x.method", with_line_of(neither, 10, ""),
		     "x.method:8: nist level \"purge\" is not reached by overwriting: "
		     "overwrite methods achieve \"clear\"");
	snprintf(neither, sizeof(neither), "%s", with_line_of(neither, 10, ""));
	expect_error("x.method", with_line_of(neither, 8, "nist clear"),
		     "x.method:9: no passes (a method needs at least one \"pass\" line)");
	/* nist: overwrite still names the nist line; destroy is never reached
	 * by a command. */
	expect_error("x.method", with_line(8, "nist purge"),
		     "x.method:8: nist level \"purge\" is not reached by overwriting: "
		     "overwrite methods achieve \"clear\"");
	expect_error("x.method", fw_with_line(8, "nist destroy"),
		     "x.method:8: nist level \"destroy\" is not reached by a command: "
		     "firmware methods achieve \"clear\" or \"purge\"");
	expect_error("x.method", fw_with_line(8, "nist high"),
		     "x.method:8: unknown nist level \"high\" (expected clear or purge)");
}

Test(method_firmware, values)
{
	expect_error("x.method", fw_with_line(10, "firmware ata-erase"),
		     "x.method:10: unknown firmware command \"ata-erase\" (kesu(8) lists them)");
	expect_error("x.method", fw_with_line(10, "firmware ATA-SANITIZE-CRYPTO"),
		     "x.method:10: unknown firmware command \"ATA-SANITIZE-CRYPTO\" (kesu(8) lists them)");
	expect_error("x.method", fw_with_line(10, "firmware auto-purge"),
		     "x.method:10: unknown firmware command \"auto-purge\" (kesu(8) lists them)");
	expect_error("x.method", fw_with_line(10, "firmware ata-sanitize-crypto nvme-format-erase"),
		     "x.method:10: unknown firmware command \"ata-sanitize-crypto nvme-format-erase\" "
		     "(kesu(8) lists them)");
	expect_error("x.method", fw_with_line(10, "firmware"), "x.method:10: firmware has no value");
	expect_error("x.method", fw_with_line(11, "leaves zeros"),
		     "x.method:11: unknown leaves value \"zeros\" (expected changed or zero)");
	expect_error("x.method", fw_with_line(11, "leaves Changed"),
		     "x.method:11: unknown leaves value \"Changed\" (expected changed or zero)");
	expect_error("x.method", fw_with_line(11, "leaves"), "x.method:11: leaves has no value");
	expect_error("x.method", fw_with_line(1, "firmware nvme-format-erase"),
		     "x.method:10: duplicate key \"firmware\" (first on line 1)");
	expect_error("x.method", fw_with_line(1, "leaves zero"),
		     "x.method:11: duplicate key \"leaves\" (first on line 1)");
}

Test(method_firmware, command_names)
{
	/* Every command the table names, by name and back; "" and unknown
	 * names are KESU_FW_NONE. */
	for (size_t i = 0; i < NSHIPPED_FW; i++) {
		const struct expected_fw *e = &shipped_fw[i];
		cr_assert_eq(kesu_firmware_command_parse(e->command_name), e->command, "%s", e->id);
		cr_assert_str_eq(kesu_firmware_command_name(e->command), e->command_name);
		cr_assert(kesu_firmware_command_title(e->command)[0], "%s has a title", e->id);
	}
	cr_assert_eq(NSHIPPED_FW, KESU_FW_COUNT - 1, "one shipped method per command, plus auto");
	cr_assert_eq(kesu_firmware_command_parse(""), KESU_FW_NONE);
	cr_assert_eq(kesu_firmware_command_parse("ata-secure-erase"), KESU_FW_NONE);
	cr_assert_str_eq(kesu_firmware_command_name(KESU_FW_NONE), "");
	cr_assert_str_eq(kesu_firmware_command_name(KESU_FW_COUNT), "");
	cr_assert_str_eq(kesu_firmware_command_title(KESU_FW_ATA_SECURITY_ERASE_ENHANCED),
			 "ATA SECURITY ERASE UNIT (enhanced)");
	cr_assert_str_eq(kesu_technique_name(KESU_TECHNIQUE_OVERWRITE), "overwrite");
	cr_assert_str_eq(kesu_technique_name(KESU_TECHNIQUE_FIRMWARE), "firmware");
	cr_assert_str_eq(kesu_leaves_name(KESU_LEAVES_ZERO), "zero");
	cr_assert_str_eq(kesu_leaves_name(KESU_LEAVES_CHANGED), "changed");
	cr_assert_str_eq(kesu_leaves_name(0), "");
	cr_assert_str_eq(kesu_nist_level_name(KESU_NIST_PURGE), "purge");
}

/* Whether some note of m contains all of the words (a fact the operator
 * needs, in one line). */
static bool has_note(const struct kesu_method *m, const char *a, const char *b)
{
	for (unsigned i = 0; i < m->nnotes; i++)
		if (strstr(m->notes[i], a) && (!b || strstr(m->notes[i], b)))
			return true;
	return false;
}

Test(method_firmware, shipped_firmware_methods)
{
	struct kesu_method_set *set = builtin_set();
	size_t nfw = 0;
	for (size_t i = 0; i < kesu_method_set_count(set); i++)
		nfw += kesu_method_set_at(set, i)->technique == KESU_TECHNIQUE_FIRMWARE;
	cr_assert_eq(nfw, NSHIPPED_FW);
	for (size_t i = 0; i < NSHIPPED_FW; i++) {
		const struct expected_fw *e = &shipped_fw[i];
		const struct kesu_method *m = kesu_method_set_find(set, e->id);
		cr_assert_not_null(m, "%s is shipped", e->id);
		cr_assert(m->builtin);
		cr_assert_eq(m->version, 1, "%s", e->id);
		cr_assert_eq(m->technique, KESU_TECHNIQUE_FIRMWARE, "%s", e->id);
		cr_assert_eq(m->firmware, e->command, "%s", e->id);
		cr_assert_eq(m->leaves, e->leaves, "%s: leaves %s", e->id, kesu_leaves_name(m->leaves));
		cr_assert_eq(m->nist, e->nist, "%s: nist %s", e->id, kesu_nist_level_name(m->nist));
		cr_assert_eq(m->verify, KESU_VERIFY_LAST, "%s: the proof reads run", e->id);
		cr_assert_eq(m->npasses, 1);
		cr_assert_eq(m->passes[0].type, KESU_PASS_FIRMWARE);
		cr_assert_str_eq(m->title_ja, e->title_ja);
		cr_assert(m->title_en[0] && m->standard[0] && m->source[0]);
		if (e->command != KESU_FW_AUTO)
			cr_assert_str_eq(m->id, kesu_firmware_command_name(m->firmware),
					 "the id is the command's name");

		/* The facts the operator needs, one note each. */
		cr_assert(has_note(m, "1%", "FAILED"), "%s: the proof markers", e->id);
		cr_assert(has_note(m, "Suits", NULL), "%s: which media it suits", e->id);
		bool security = e->command == KESU_FW_ATA_SECURITY_ERASE ||
				e->command == KESU_FW_ATA_SECURITY_ERASE_ENHANCED;
		bool sanitize = strstr(e->id, "sanitize") != NULL;
		bool format = strncmp(e->id, "nvme-format", 11) == 0;
		if (e->command != KESU_FW_AUTO)
			cr_assert(has_note(m, "NIST SP 800-88 level", "HDD"), "%s: level per media", e->id);
		if (security) {
			cr_assert(has_note(m, "temporary", "ledger"), "%s: the password", e->id);
			cr_assert(has_note(m, "frozen", "hot-plug"), "%s: unfreezing", e->id);
			cr_assert(has_note(m, "HPA", "--hpa=restore"), "%s: the HPA", e->id);
		}
		if (sanitize)
			cr_assert(has_note(m, "power loss", "again"), "%s: sanitize resumes", e->id);
		if (format)
			cr_assert(has_note(m, "FNA bit 0", "every namespace"), "%s: all namespaces", e->id);
		if (e->leaves == KESU_LEAVES_ZERO)
			cr_assert(has_note(m, "zeros", NULL), "%s: what it leaves", e->id);
	}
	kesu_method_set_free(set);
}

Test(method_firmware, levels_per_media_agree_with_the_purge_table)
{
	struct kesu_method_set *set = builtin_set();
	struct kesu_erase_caps hdd = {.rotational = KESU_YES}, flash = {.rotational = KESU_NO};
	for (size_t i = 0; i < NSHIPPED_FW; i++) {
		const struct expected_fw *e = &shipped_fw[i];
		if (e->command == KESU_FW_AUTO)
			continue; /* chosen per drive: Purge or refused */
		int want_hdd = e->on_hdd == NA ? -KESU_EUNSUPPORTED : e->on_hdd;
		int want_flash = e->on_flash == NA ? -KESU_EUNSUPPORTED : e->on_flash;
		cr_assert_eq(kesu_purge_level(e->command_name, &hdd), want_hdd, "%s on HDD", e->id);
		cr_assert_eq(kesu_purge_level(e->command_name, &flash), want_flash, "%s on flash",
			     e->id);
		/* The file's nist is the best level on any media. */
		int best = e->on_hdd > e->on_flash ? e->on_hdd : e->on_flash;
		const struct kesu_method *m = kesu_method_set_find(set, e->id);
		cr_assert_not_null(m);
		cr_assert_eq((int)m->nist, best, "%s: nist is the best level", e->id);
	}
	kesu_method_set_free(set);
}

/* A scratch directory holding the given files (name, text pairs). */
static char *make_dir(const char *const *files, size_t n)
{
	static char dir[64];
	snprintf(dir, sizeof(dir), "/tmp/kesu-test-method.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	for (size_t i = 0; i < n; i += 2) {
		char path[256];
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		FILE *f = fopen(path, "w");
		cr_assert_not_null(f);
		fputs(files[i + 1], f);
		fclose(f);
	}
	return dir;
}

static void remove_dir(const char *dir, const char *const *files, size_t n)
{
	char path[256];
	for (size_t i = 0; i < n; i += 2) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

Test(method_set, duplicate_ids_are_refused)
{
	struct kesu_method_set *set;
	char err[512];
	cr_assert_eq(kesu_method_set_new(&set), 0);
	cr_assert_eq(kesu_method_set_add(set, good, strlen(good), "a/x.method", false, err,
					 sizeof(err)), 0);
	cr_assert_eq(kesu_method_set_add(set, good, strlen(good), "b/x.method", false, err,
					 sizeof(err)), -KESU_EPARSE);
	cr_assert_str_eq(err, "b/x.method:2: id \"x\" is already defined by a/x.method");
	cr_assert_eq(kesu_method_set_count(set), 1);
	kesu_method_set_free(set);
}

Test(method_set, user_directory)
{
	char user[1024], clash[1024];
	snprintf(user, sizeof(user), "%s", with_line(2, "id site-2pass"));
	strcat(user, "pass ff\n");
	snprintf(clash, sizeof(clash), "%s", with_line(2, "id dod-3pass"));
	const char *const files[] = {
		"site-2pass.method", user,
		"README", "not a method",
		".hidden.method", "ignored",
		"backup.method~", "ignored",
	};
	char *dir = make_dir(files, 8);
	struct kesu_method_set *set;
	char err[1024] = "";
	cr_assert_eq(kesu_method_set_load(&set, dir, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(kesu_method_set_count(set), NSHIPPED + NSHIPPED_FW + 1);
	const struct kesu_method *m = kesu_method_set_find(set, "site-2pass");
	cr_assert_not_null(m);
	cr_assert_not(m->builtin);
	cr_assert_eq(m->npasses, 2);
	cr_assert(kesu_method_set_find(set, "dod-3pass")->builtin);
	cr_assert_null(kesu_method_set_find(set, "no-such-method"));
	cr_assert_null(kesu_method_set_at(set, NSHIPPED + NSHIPPED_FW + 1));
	for (size_t i = 1; i < kesu_method_set_count(set); i++)
		cr_assert_lt(strcmp(kesu_method_set_at(set, i - 1)->id,
				    kesu_method_set_at(set, i)->id), 0, "stable id order");
	kesu_method_set_free(set);
	remove_dir(dir, files, 8);

	/* A user file may not replace a built-in method. */
	const char *const clashing[] = {"dod-3pass.method", clash};
	dir = make_dir(clashing, 2);
	char want[1024];
	snprintf(want, sizeof(want), "%s/dod-3pass.method:2: id \"dod-3pass\" is a built-in method; "
		 "a user method cannot replace it (choose another id)", dir);
	set = (struct kesu_method_set *)1;
	cr_assert_eq(kesu_method_set_load(&set, dir, err, sizeof(err)), -KESU_EPARSE);
	cr_assert_null(set);
	cr_assert_str_eq(err, want);
	remove_dir(dir, clashing, 2);

	/* A bad user file names its path. */
	const char *const bad[] = {"bad.method", "id bad\npass zeroes\n"};
	dir = make_dir(bad, 2);
	snprintf(want, sizeof(want), "%s/bad.method:2: unknown pass type \"zeroes\"", dir);
	cr_assert_eq(kesu_method_set_load(&set, dir, err, sizeof(err)), -KESU_EPARSE);
	cr_assert_str_eq(err, want);
	remove_dir(dir, bad, 2);
}

Test(method_set, missing_directory)
{
	struct kesu_method_set *set;
	char err[512];
	cr_assert_eq(kesu_method_set_load(&set, "/nonexistent/kesu-methods", err, sizeof(err)),
		     -ENOENT);
	cr_assert_str_eq(err, "/nonexistent/kesu-methods: No such file or directory");
}
