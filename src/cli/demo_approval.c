/* kesu demo's disposal process (issue 14): the demo disk holds class II
 * records and goes back at the end of a lease, so, as the standard asks
 * (§3.2(9)c), a manager approves it first. The demo plays the manager too:
 * an approver key of its own, trusted in the demo's own trust store, signs
 * an approval that names the demo disk by asset number. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

int cli_demo_run(int (*cmd)(int, char **), char **argv)
{
	int argc = 0;
	while (argv[argc])
		argc++;
	optind = 0;
	fflush(stdout);
	return cmd(argc, argv);
}

static void show(char **argv)
{
	printf("\n$ kesu");
	for (char **a = argv; *a; a++)
		printf(strchr(*a, ' ') ? " '%s'" : " %s", *a);
	printf("\n");
}

/* The approver's key and its place in the trust store, made once. */
static int approver(const struct cli_demo *d, const char *operator)
{
	struct stat sb;
	if (stat(d->approver_key, &sb) == 0)
		return KESU_EXIT_OK; /* made and trusted by an earlier demo */
	char *gen[] = {"key", "generate", "--role", "approver", "--name", CLI_DEMO_APPROVER,
		       "--no-passphrase", "-o", (char *)d->approver_key, NULL};
	show(gen);
	int code = cli_demo_run(cmd_key, gen);
	char *add[] = {"trust", "add", "--trust", (char *)d->trust, "--ledger", (char *)d->ledger,
		       "--key", (char *)d->station_key, "--operator", (char *)operator, "--role",
		       "approver", "--name", CLI_DEMO_APPROVER, (char *)d->approver_pub, NULL};
	if (code == KESU_EXIT_OK) {
		show(add);
		code = cli_demo_run(cmd_trust, add);
	}
	if (code != KESU_EXIT_OK)
		unlink(d->approver_key); /* the next demo starts over */
	return code;
}

int cli_demo_approve(const struct cli_demo *d, const char *operator)
{
	int code = approver(d, operator);
	if (code != KESU_EXIT_OK)
		return code;
	char until[16];
	time_t later = time(NULL) + 30 * 86400;
	strftime(until, sizeof(until), "%Y-%m-%d", localtime(&later));
	char *approve[] = {"approve", "--media", "asset:" CLI_DEMO_ASSET, "--class", "II",
			   "--purpose", "lease-return", "--methods", KESU_METHOD_DEFAULT,
			   "--valid-until", until, "--name", CLI_DEMO_APPROVER, "--key",
			   (char *)d->approver_key, "--trust", (char *)d->trust, "-o",
			   (char *)d->approval, "--pdf", (char *)d->approval_pdf, "--force", NULL};
	show(approve);
	return cli_demo_run(cmd_approve, approve);
}
