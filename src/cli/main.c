/* kesu: erase drives so that nothing can be recovered, prove it, keep the
 * proof. This file only dispatches to the subcommands. */
#include <getopt.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
	{"list", cmd_list, N_("list the disks of this machine and whether they may be erased")},
	{"info", cmd_info, N_("everything known about one drive")},
	{"check", cmd_check, N_("run the safety gate on drives without writing anything")},
	{"wipe", cmd_wipe, N_("erase drives with a method and verify them")},
	{"destroy", cmd_destroy, N_("record a medium's physical destruction and certify it")},
	{"tui", cmd_tui, N_("full-screen front end: pick drives, fill in the job, watch the wipe")},
	{"verify", cmd_verify, N_("check a drive erased earlier or elsewhere")},
	{"unlock", cmd_unlock, N_("remove the password a failed ATA Security Erase left set")},
	{"methods", cmd_methods, N_("list the erasure methods, or show one")},
	{"ledger", cmd_ledger, N_("verify, list, show or export the record of every job")},
	{"cert", cmd_cert, N_("verify a certificate offline, show, issue it, or import a contractor's")},
	{"key", cmd_key, N_("generate or show keys and X.509 certificates, or ask a CA for one")},
	{"trust", cmd_trust, N_("add, list or remove trusted keys and certificates, and their roles")},
	{"approve", cmd_approve, N_("sign a prior approval of a disposal (事前承認, 様式第3号)")},
	{"approval", cmd_approval, N_("show an approval, or where the proof of each of its media is")},
	{"countersign", cmd_countersign, N_("a witness's or validator's countersignature of a certificate")},
	{"media", cmd_media, N_("each medium's life from the ledger, and its hand-over (引渡し)")},
	{"report", cmd_report, N_("the media disposal register of a month (媒体廃棄記録簿): PDF, XLSX, CSV")},
	{"server", cmd_server, N_("set up the central store: its schema, stations and managers")},
	{"policy", cmd_policy, N_("show the policy profile in force and where each rule comes from")},
	{"demo", cmd_demo, N_("run the main job on a demo image it creates (no real disk)")},
};

static void usage(FILE *out)
{
	fputs(_("Usage: kesu COMMAND [OPTIONS] [ARGS]\n\n"
	      "kesu erases drives so that nothing can be recovered, proves it, and keeps\n"
	      "the proof.\n\nCommands:\n"),
	      out);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-11s %s\n", commands[i].name, _(commands[i].summary));
	fputs(_("\n-J is --json in every command that has --json; kesu help COMMAND is\n"
		"kesu COMMAND --help; method ids may be typed in any case.\n"),
	      out);
	fputs(_("\n`kesu COMMAND --help` describes each command.\n\n"
	      "Exit status:\n"
	      "  0 success\n"
	      "  1 failure (I/O error, media error, internal error)\n"
	      "  2 usage error (bad option, argument or input file)\n"
	      "  3 the device does not support what was asked\n"
	      "  4 verification failed\n"
	      "  5 refused by the safety gate (system disk, mounted, in use, not confirmed)\n"
	      "  6 interrupted (signal, device vanished)\n"
	      "  7 written but not verified: no certificate (kesu wipe --verify none)\n"
	      "  8 cert verify: the document is intact but is not a SUCCESS certificate\n"
	      "  9 cert verify: checks made passed, one could not be (no anchor; old PDF, no .sig)\n"
	      "  10 erased with exceptions: the certificate says what remains (an HPA kept, ...)\n"
	      "  11 not yet in the central store: the job is done, its records wait for the next push\n"
	      "With several drives, the most severe status: 4, 1, 3, 6, 7, 10, 11, then 0.\n"),
	      out);
}

/* --json or -J anywhere before "--": decided here, once, so that every
 * command's errors become a JSON document (cli_json_finish). */
static bool json_asked(int argc, char **argv)
{
	for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-J") == 0)
			return true;
	return false;
}

/* JSON values are never translated (docs/i18n.md), and a message that ends up
 * in one (an error under --json, a --progress json line) is translated when it
 * is formatted, deep in the library: so a run that prints JSON speaks English
 * throughout. "C", not "C.UTF-8": gettext ignores LANGUAGE only under "C". */
static void english_for_json(int argc, char **argv)
{
	bool json = json_asked(argc, argv);
	for (int i = 2; i < argc && !json && strcmp(argv[i], "--") != 0; i++)
		json = strcmp(argv[i], "--progress=json") == 0 ||
		       (strcmp(argv[i], "--progress") == 0 && i + 1 < argc && strcmp(argv[i + 1], "json") == 0);
	/* kesu tui's child speaks JSON only to the TUI, which shows its
	 * messages to the reader as they are: they stay in the reader's
	 * language (the TUI never reads meaning from their words). */
	const char *front = getenv("KESU_FRONT_END");
	if (json && !(front && !strcmp(front, "tui")))
		setlocale(LC_MESSAGES, "C");
}

/* kesu help COMMAND [VERB]: that command's own --help, as git help and
 * smartctl's users expect; kesu help alone is kesu --help. */
static int help(int argc, char **argv)
{
	if (argc < 3) {
		usage(stdout);
		return KESU_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[2], commands[i].name) != 0)
			continue;
		char help_flag[] = "--help";
		char *args[4] = {argv[2], argc > 3 ? argv[3] : help_flag, NULL, NULL};
		if (argc > 3)
			args[2] = help_flag;
		return commands[i].run(argc > 3 ? 3 : 2, args);
	}
	cli_error("help: unknown command \"%s\" (kesu --help lists them)", argv[2]);
	return KESU_EXIT_USAGE;
}

int main(int argc, char **argv)
{
	cli_i18n_init(argv[0]);
	opterr = 0; /* one line of kesu's own for a refused option (cli_bad_option) */
	if (argc < 2) {
		usage(stderr);
		return KESU_EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return KESU_EXIT_OK;
	}
	if (strcmp(argv[1], "help") == 0)
		return help(argc, argv);
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		printf("kesu %s\n", KESU_VERSION);
		return KESU_EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0) {
			english_for_json(argc, argv);
			cli_json_mode_set(json_asked(argc, argv));
			return cli_json_finish(commands[i].run(argc - 1, argv + 1));
		}
	cli_error("unknown command \"%s\" (kesu --help lists them)", argv[1]);
	return KESU_EXIT_USAGE;
}
