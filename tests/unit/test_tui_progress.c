/* kesu tui reads the wipe child's output: progress lines on stderr, one
 * result document on stdout. A line or document that is not what kesu
 * wipe prints must never turn into progress or, worse, a SUCCESS. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#define TUI_PURE_ONLY
#include "tui.h"
#include "cli.h" /* cli_escape (safe_text.c) */

Test(tui_progress, write_line)
{
	struct tui_progress p;
	cr_assert_eq(tui_progress_parse("{\"device\":\"/dev/sdb\",\"phase\":\"write\",\"pass\":2,"
					"\"passes\":3,\"pattern\":\"ff\",\"done\":1073741824,"
					"\"total\":4294967296,\"mb_per_s\":1834.2,\"eta_seconds\":271.9,"
					"\"elapsed_seconds\":1.5}", &p), 0);
	cr_assert_str_eq(p.device, "/dev/sdb");
	cr_assert_str_eq(p.phase, "write");
	cr_assert_eq(p.pass, 2);
	cr_assert_eq(p.passes, 3);
	cr_assert_str_eq(p.pattern, "ff");
	cr_assert_eq(p.done, 1073741824ULL);
	cr_assert_eq(p.total, 4294967296ULL);
	cr_assert_float_eq(p.percent, 25.0, 1e-9);
	cr_assert_float_eq(p.mb_per_s, 1834.2, 1e-9);
	cr_assert_float_eq(p.eta_seconds, 271.9, 1e-9);
	cr_assert_float_eq(p.elapsed_seconds, 1.5, 1e-9);
	cr_assert_lt(p.estimate_seconds, 0);
	cr_assert_str_eq(p.outcome, "");
}

Test(tui_progress, firmware_nulls_are_unknown)
{
	struct tui_progress p;
	cr_assert_eq(tui_progress_parse("{\"device\":\"/dev/nvme0n1\",\"phase\":\"erase\",\"pass\":1,"
					"\"passes\":1,\"pattern\":\"firmware\",\"done\":0,\"total\":0,"
					"\"mb_per_s\":null,\"estimate_seconds\":120,\"eta_seconds\":null}",
					&p), 0);
	cr_assert_lt(p.percent, 0, "no total: the percentage is unknown, not 0 or 100");
	cr_assert_lt(p.mb_per_s, 0);
	cr_assert_lt(p.eta_seconds, 0);
	cr_assert_float_eq(p.estimate_seconds, 120.0, 1e-9);
}

Test(tui_progress, done_line_carries_outcome)
{
	struct tui_progress p;
	cr_assert_eq(tui_progress_parse("{\"device\":\"/dev/loop0\",\"phase\":\"done\",\"pass\":1,"
					"\"passes\":1,\"pattern\":\"00\",\"done\":0,\"total\":0,"
					"\"outcome\":\"SUCCESS\"}", &p), 0);
	cr_assert_str_eq(p.outcome, "SUCCESS");
	cr_assert_float_eq(p.percent, 100.0, 1e-9);
}

Test(tui_progress, odd_values)
{
	struct tui_progress p;
	/* done past total is clamped; wrong types are left unknown. */
	cr_assert_eq(tui_progress_parse("{\"device\":\"/dev/sdc\",\"phase\":\"verify\",\"done\":300,"
					"\"total\":200,\"pass\":\"two\",\"mb_per_s\":\"fast\",\"extra\":[1]}",
					&p), 0);
	cr_assert_float_eq(p.percent, 100.0, 1e-9);
	cr_assert_eq(p.pass, 0);
	cr_assert_lt(p.mb_per_s, 0);
	/* negative numbers are not real progress */
	cr_assert_eq(tui_progress_parse("{\"device\":\"/dev/sdc\",\"done\":-5,\"total\":10,"
					"\"eta_seconds\":-3}", &p), 0);
	cr_assert_eq(p.done, 0);
	cr_assert_lt(p.eta_seconds, 0);
	/* a very long device name is cut, not overflowed */
	char line[2000];
	char name[1200];
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	snprintf(line, sizeof(line), "{\"device\":\"%s\"}", name);
	cr_assert_eq(tui_progress_parse(line, &p), 0);
	cr_assert_eq(strlen(p.device), sizeof(p.device) - 1);
}

Test(tui_progress, garbage_is_rejected)
{
	struct tui_progress p;
	cr_assert_eq(tui_progress_parse(NULL, &p), -1);
	cr_assert_eq(tui_progress_parse("", &p), -1);
	cr_assert_eq(tui_progress_parse("kesu: made a station key: /x (public key /y)", &p), -1);
	cr_assert_eq(tui_progress_parse("{\"device\":\"/dev/sdb\",\"phase\":", &p), -1);
	cr_assert_eq(tui_progress_parse("{not json}", &p), -1);
	cr_assert_eq(tui_progress_parse("[1,2,3]", &p), -1);
	cr_assert_eq(tui_progress_parse("{\"phase\":\"write\"}", &p), -1, "no device: nothing to show it on");
	cr_assert_eq(tui_progress_parse("{\"device\":17}", &p), -1);
	cr_assert_str_eq(p.device, "");
}

static const char good_doc[] =
	"{\n  \"kesu_version\":\"0.1.0\",\n  \"jobs\":[\n"
	"    {\"device\":{\"path\":\"/dev/loop0\"},\"method\":{\"id\":\"zero\"},\"nist_level\":\"clear\","
	"\"outcome\":\"SUCCESS\",\"reason\":null,\"record\":{\"job_id\":\"0123abcd\",\"seq\":1,"
	"\"resumed\":false,\"certificate\":\"/c/KESU-1.pdf\",\"failure_report\":null}},\n"
	"    {\"device\":{\"path\":\"/dev/loop1\"},\"method\":{\"id\":\"zero\"},\"nist_level\":\"none\","
	"\"outcome\":\"FAILED\",\"reason\":\"verification found 3 sectors that differ\","
	"\"record\":{\"job_id\":\"4567ef\",\"seq\":2,\"certificate\":null,"
	"\"failure_report\":\"/c/KESU-2-failure.pdf\"}}\n  ]\n}\n";

Test(tui_results, good_document)
{
	struct tui_results r;
	cr_assert_eq(tui_results_parse(good_doc, &r), 0);
	cr_assert_str_eq(r.kesu_version, "0.1.0");
	cr_assert_eq(r.njobs, 2);
	cr_assert_str_eq(r.jobs[0].device, "/dev/loop0");
	cr_assert_str_eq(r.jobs[0].outcome, "SUCCESS");
	cr_assert_str_eq(r.jobs[0].method, "zero");
	cr_assert_str_eq(r.jobs[0].nist_level, "clear");
	cr_assert_str_eq(r.jobs[0].certificate, "/c/KESU-1.pdf");
	cr_assert_str_eq(r.jobs[0].failure_report, "");
	cr_assert_str_eq(r.jobs[0].job_id, "0123abcd");
	cr_assert(r.jobs[0].recorded);
	cr_assert_str_eq(r.jobs[1].outcome, "FAILED");
	cr_assert_str_eq(r.jobs[1].reason, "verification found 3 sectors that differ");
	cr_assert_str_eq(r.jobs[1].certificate, "");
	cr_assert_str_eq(r.jobs[1].failure_report, "/c/KESU-2-failure.pdf");
	cr_assert_not(tui_results_all_success(&r), "one FAILED drive: not all success");
	tui_results_free(&r);
	cr_assert_null(r.jobs);
}

Test(tui_results, all_success_and_interrupted)
{
	struct tui_results r;
	cr_assert_eq(tui_results_parse("{\"jobs\":[{\"device\":{\"path\":\"/dev/a\"},\"outcome\":\"SUCCESS\"},"
				       "{\"device\":{\"path\":\"/dev/b\"},\"outcome\":\"SUCCESS\"}]}", &r), 0);
	cr_assert(tui_results_all_success(&r));
	tui_results_free(&r);
	cr_assert_eq(tui_results_parse("{\"jobs\":[{\"device\":{\"path\":\"/dev/a\"},\"outcome\":\"INTERRUPTED\","
				       "\"record\":{\"job_id\":\"ab\",\"seq\":null}}]}", &r), 0);
	cr_assert_not(tui_results_all_success(&r));
	cr_assert_not(r.jobs[0].recorded, "seq null: the job was left open");
	tui_results_free(&r);
	cr_assert_eq(tui_results_parse("{\"jobs\":[{\"outcome\":\"UNVERIFIED\"}]}", &r), 0);
	cr_assert_not(tui_results_all_success(&r));
	tui_results_free(&r);
}

Test(tui_results, no_document_is_no_success)
{
	struct tui_results r;
	cr_assert_eq(tui_results_parse(NULL, &r), -1);
	cr_assert_eq(tui_results_parse("", &r), -1);
	cr_assert_eq(tui_results_parse("Segmentation fault\n", &r), -1);
	/* cut short by a crash half-way through printing */
	char cut[sizeof(good_doc)];
	memcpy(cut, good_doc, sizeof(good_doc));
	cut[strlen(good_doc) / 2] = '\0';
	cr_assert_eq(tui_results_parse(cut, &r), -1);
	cr_assert_eq(tui_results_parse("{\"kesu_version\":\"0.1.0\"}", &r), -1, "no jobs array");
	cr_assert_eq(tui_results_parse("{\"jobs\":{}}", &r), -1);
	cr_assert_eq(tui_results_parse("[]", &r), -1);
	/* trailing text after the document: not what kesu wipe prints */
	char trailing[sizeof(good_doc) + 16];
	snprintf(trailing, sizeof(trailing), "%sgarbage", good_doc);
	cr_assert_eq(tui_results_parse(trailing, &r), -1);
	cr_assert_eq(r.njobs, 0);
	cr_assert_null(r.jobs);
	/* an empty jobs array parses, but is not success */
	cr_assert_eq(tui_results_parse("{\"jobs\":[]}", &r), 0);
	cr_assert_not(tui_results_all_success(&r));
	tui_results_free(&r);
}

Test(tui_progress, whole_job_fields)
{
	struct tui_progress p;
	cr_assert_eq(tui_progress_parse("{\"device\":\"/dev/sdb\",\"phase\":\"write\",\"pass\":2,"
					"\"passes\":3,\"done\":10,\"total\":100,\"job_elapsed_seconds\":62.5,"
					"\"job_done\":110,\"job_total\":310,\"job_percent\":35.48,"
					"\"job_eta_seconds\":113.4,\"resumed_bytes\":0}", &p), 0);
	cr_assert_float_eq(p.job_percent, 35.48, 1e-9);
	cr_assert_float_eq(p.job_eta_seconds, 113.4, 1e-9);
	cr_assert_float_eq(p.job_elapsed_seconds, 62.5, 1e-9);
	/* The bytes: the whole-run line adds them up over the drives. */
	cr_assert_eq(p.job_done, 110);
	cr_assert_eq(p.job_total, 310);
	/* An older kesu leaves them out: unknown, not 0. */
	cr_assert_eq(tui_progress_parse("{\"device\":\"/dev/sdb\",\"phase\":\"write\"}", &p), 0);
	cr_assert_lt(p.job_percent, 0);
	cr_assert_lt(p.job_eta_seconds, 0);
	cr_assert_lt(p.job_elapsed_seconds, 0);
	/* A firmware erase without an estimate: null. */
	cr_assert_eq(tui_progress_parse("{\"device\":\"/dev/sdb\",\"phase\":\"erase\",\"job_percent\":null,"
					"\"job_eta_seconds\":null,\"job_elapsed_seconds\":3.0}", &p), 0);
	cr_assert_lt(p.job_percent, 0);
	cr_assert_lt(p.job_eta_seconds, 0);
	cr_assert_float_eq(p.job_elapsed_seconds, 3.0, 1e-9);
}

/* Exit 10: the result screen lists what remains, in both languages. */
Test(tui_results, erased_with_exceptions)
{
	struct tui_results r;
	cr_assert_eq(tui_results_parse(
		"{\"jobs\":[{\"device\":{\"path\":\"/dev/sdb\"},\"outcome\":\"ERASED_WITH_EXCEPTIONS\","
		"\"reason\":\"erased with exceptions: HPA\",\"reason_ja\":\"例外付き消去: HPA\","
		"\"exceptions\":[{\"kind\":\"hidden-area\",\"detail\":\"the HPA was not erased\","
		"\"detail_ja\":\"HPA は消去していません\"},7,{\"kind\":\"reallocated-grew\"}]}]}", &r), 0);
	cr_assert_eq(r.njobs, 1);
	cr_assert_str_eq(r.jobs[0].outcome, "ERASED_WITH_EXCEPTIONS");
	cr_assert_str_eq(r.jobs[0].reason_ja, "例外付き消去: HPA");
	cr_assert_eq(r.jobs[0].nexceptions, 2); /* the 7 is not an exception */
	cr_assert_str_eq(r.jobs[0].exceptions[0], "the HPA was not erased");
	cr_assert_str_eq(r.jobs[0].exceptions_ja[0], "HPA は消去していません");
	cr_assert_str_eq(r.jobs[0].exceptions[1], "");
	cr_assert_not(tui_results_all_success(&r));
	tui_results_free(&r);
}

/* Under --json the child's messages are JSON objects: their text is shown. */
Test(tui_progress, message_lines)
{
	char text[128];
	cr_assert_eq(tui_message_parse("{\"json_format_version\":[1,0],\"message\":\"warning: x\"}",
				       text, sizeof(text)), 0);
	cr_assert_str_eq(text, "warning: x");
	cr_assert_eq(tui_message_parse("{\"device\":\"/dev/sdb\",\"message\":\"m\"}", text, sizeof(text)), -1);
	cr_assert_eq(tui_message_parse("{\"message\":7}", text, sizeof(text)), -1);
	cr_assert_eq(tui_message_parse("kesu: plain", text, sizeof(text)), -1);
	cr_assert_eq(tui_message_parse("{broken", text, sizeof(text)), -1);
}

/* Text from a drive, the ledger or the child reaches the screen through
 * cli_escape (tui_put, tui_wrap, the result lines): shown, never obeyed by
 * the terminal. These are the cases the UI relies on. */
static const char *esc(const char *in)
{
	static char out[256];
	return cli_escape(in, out, sizeof(out));
}

Test(tui_screen_text, controls_are_shown_not_obeyed)
{
	cr_assert_str_eq(esc("WDC WD10EZEX"), "WDC WD10EZEX");
	cr_assert_str_eq(esc("evil\033[2J\033]0;owned\007"), "evil\\x1b[2J\\x1b]0;owned\\x07");
	cr_assert_str_eq(esc("a\nb\tc\rd"), "a\\x0ab\\x09c\\x0dd");
	cr_assert_str_eq(esc("del\x7f"), "del\\x7f");
	/* C1 as a raw byte (CSI 0x9b) and UTF-8 encoded (U+009B). */
	cr_assert_str_eq(esc("x\x9b" "2J"), "x\\x9b2J");
	cr_assert_str_eq(esc("x\xc2\x9b" "2J"), "x\\u009b2J");
	cr_assert_str_eq(esc(NULL), "");
}

Test(tui_screen_text, utf8_text_passes)
{
	cr_assert_str_eq(esc("山田 太郎"), "山田 太郎");
	cr_assert_str_eq(esc("caf\xc3\xa9"), "caf\xc3\xa9");
	/* Cut short or overlong sequences are not UTF-8: escaped byte by byte. */
	cr_assert_str_eq(esc("\xe5\xb1"), "\\xe5\\xb1");
	cr_assert_str_eq(esc("\xc0\xaf"), "\\xc0\\xaf");
}

Test(tui_screen_text, cut_at_a_whole_escape)
{
	char out[8];
	cr_assert_str_eq(cli_escape("ab\033cd", out, sizeof(out)), "ab\\x1bc");
	cr_assert_str_eq(cli_escape("ab\033", out, 5), "ab", "\\x1b does not fit: nothing of it is kept");
	char small[4];
	cr_assert_str_eq(cli_escape("山田", small, sizeof(small)), "山");
}
