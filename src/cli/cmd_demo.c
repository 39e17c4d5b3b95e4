/* kesu demo: the main job on an embedded default target, so a new user
 * sees kesu work without pointing it at a real disk. It creates an image
 * file full of "confidential" records, attaches it to a loop device when
 * run as root (else uses the file itself), and runs kesu on it. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/loopdev.h"

#define DEMO_SIZE (64u << 20)

static int make_dirs(const char *path)
{
	char buf[PATH_MAX];
	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	return mkdir(buf, 0700) < 0 && errno != EEXIST ? -errno : 0;
}

/* $KESU_DEMO_DIR, else $XDG_STATE_HOME/kesu/demo, else ~/.local/state/kesu/demo. */
static void demo_dir(char *buf, size_t size)
{
	const char *env = getenv("KESU_DEMO_DIR");
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	if (env && *env)
		snprintf(buf, size, "%s", env);
	else if (state && *state)
		snprintf(buf, size, "%s/kesu/demo", state);
	else
		snprintf(buf, size, "%s/.local/state/kesu/demo", home && *home ? home : "/tmp");
}

/* A disk as it comes back from a leased PC: every sector holds records. */
static int write_demo_image(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	char *chunk = malloc(1 << 20);
	int rc = chunk ? 0 : -ENOMEM;
	for (unsigned off = 0; rc == 0 && off < DEMO_SIZE; off += 1 << 20) {
		size_t used = 0;
		while (used + 64 <= (1 << 20))
			used += (size_t)snprintf(chunk + used, 65, "%-63s\n",
						 "CONFIDENTIAL resident record (kesu demo data)");
		memset(chunk + used, '\n', (1 << 20) - used);
		if (write(fd, chunk, 1 << 20) != 1 << 20)
			rc = -EIO;
	}
	free(chunk);
	if (fsync(fd) < 0 && rc == 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* Runs a subcommand as if typed (getopt starts over). */
/* The certificate the wipe just wrote: the newest kesu-*.pdf. */
static int newest_pdf(const char *dir, char *out, size_t size)
{
	DIR *d = opendir(dir);
	if (!d)
		return -1;
	struct dirent *e;
	time_t newest = 0;
	int rc = -1;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (strncmp(e->d_name, "kesu-", 5) || n < 4 || strcmp(e->d_name + n - 4, ".pdf"))
			continue;
		char path[PATH_MAX];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) == 0 && st.st_mtime >= newest) {
			newest = st.st_mtime;
			snprintf(out, size, "%s", path);
			rc = 0;
		}
	}
	closedir(d);
	return rc;
}

/* How many of the demo's records can still be found in the image: the
 * operator's own check that the wipe left nothing behind. */
static long count_records(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	static const char needle[] = "CONFIDENTIAL";
	char buf[1 << 16];
	long found = 0;
	size_t keep = 0, n;
	while ((n = fread(buf + keep, 1, sizeof(buf) - keep, f)) > 0) {
		size_t len = keep + n;
		for (size_t i = 0; i + sizeof(needle) - 1 <= len; i++)
			found += memcmp(buf + i, needle, sizeof(needle) - 1) == 0;
		/* keep a tail so a record split across reads is still found */
		keep = sizeof(needle) - 2;
		memmove(buf, buf + len - keep, keep);
	}
	fclose(f);
	return found;
}

static void demo_usage(FILE *out)
{
	fputs(_("Usage: kesu demo [--keep]\n\n"
	      "Runs kesu's main job on a default target it makes itself: a 64 MiB image\n"
	      "file of fake confidential records in $KESU_DEMO_DIR (default\n"
	      "~/.local/state/kesu/demo), attached to a loop device when run as root.\n"
	      "No disk of the machine is touched.\n\n"
	      "  --keep     leave the loop device attached at the end\n"
	      "  -h, --help this help\n"),
	      out);
}

int cmd_demo(int argc, char **argv)
{
	static const struct option opts[] = {
		{"keep", no_argument, NULL, 'k'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0},
	};
	bool keep = false;
	int c;
	while ((c = cli_getopt(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'k': keep = true; break;
		case 'h': demo_usage(stdout); return KESU_EXIT_OK;
		default: return cli_bad_option("demo");
		}
	}
	char dir[PATH_MAX], image[PATH_MAX], target[PATH_MAX];
	demo_dir(dir, sizeof(dir));
	snprintf(image, sizeof(image), "%s/disk.img", dir);
	int rc = make_dirs(dir);
	if (rc == 0)
		rc = write_demo_image(image);
	if (rc < 0) {
		cli_error("demo: cannot create %s: %s", image, kesu_strerror(rc));
		return cli_exit_for(rc);
	}
	printf(_("demo: everything lives in %s\n"), dir);
	printf(_("demo: wrote %s (64 MiB of fake confidential records: %ld)\n"), image,
	       count_records(image));

	bool attached = false;
	snprintf(target, sizeof(target), "%s", image);
	if (geteuid() == 0) {
		rc = kesu_loop_attach(image, 512, target, sizeof(target));
		if (rc < 0) {
			cli_error("demo: cannot attach %s to a loop device: %s", image, kesu_strerror(rc));
			return cli_exit_for(rc);
		}
		attached = true;
		printf(_("demo: attached it to %s\n"), target);
	} else {
		printf(_("demo: not root, so kesu works on the image file itself\n"));
	}

	printf("\n$ kesu info %s\n", target);
	int code = cli_demo_run(cmd_info, (char *[]){"info", target, NULL});
	/* The demo's station lives beside its disk, not in the user's files. */
	char ledger[PATH_MAX], certs[PATH_MAX], key[PATH_MAX], pub[PATH_MAX], operator[128];
	snprintf(ledger, sizeof(ledger), "%s/ledger.sqlite", dir);
	snprintf(certs, sizeof(certs), "%s/certificates", dir);
	snprintf(key, sizeof(key), "%s/station.key", dir);
	snprintf(pub, sizeof(pub), "%s/station.pub", dir);
	const char *user = getenv("USER");
	snprintf(operator, sizeof(operator), "%s (demo)", user && *user ? user : "operator");
	/* The disposal process: a signed prior approval naming this disk, and a
	 * witness, as the default policy asks for class II (docs/workflow.md). */
	char trust[PATH_MAX], akey[PATH_MAX], apub[PATH_MAX], approval[PATH_MAX], form[PATH_MAX];
	snprintf(trust, sizeof(trust), "%s/trust.json", dir);
	snprintf(akey, sizeof(akey), "%s/approver.key", dir);
	snprintf(apub, sizeof(apub), "%s/approver.pub", dir);
	snprintf(approval, sizeof(approval), "%s/demo.kesu-approval", dir);
	snprintf(form, sizeof(form), "%s/approval.pdf", dir);
	struct cli_demo demo = {ledger, key, trust, akey, apub, approval, form};
	if (code == KESU_EXIT_OK)
		code = cli_demo_approve(&demo, operator);
	if (code == KESU_EXIT_OK) {
		char asset[] = CLI_DEMO_ASSET; /* --asset is trimmed in place */
		char *wipe[] = {"wipe", "--yes", "--operator", operator, "--organisation",
				"kesu demo", "--approval", approval, "--trust", trust, "--asset",
				asset, "--witness", CLI_DEMO_WITNESS, "--ledger", ledger,
				"--cert-dir", certs, "--key", key, target, NULL};
		printf("\n$ kesu wipe --yes --operator '%s' --organisation 'kesu demo' --approval %s"
		       " --trust %s --asset %s --witness '%s' --ledger %s --cert-dir %s --key %s %s\n",
		       operator, approval, trust, CLI_DEMO_ASSET, CLI_DEMO_WITNESS, ledger, certs, key,
		       target);
		code = cli_demo_run(cmd_wipe, wipe);
	}
	char cert[PATH_MAX];
	if (code == KESU_EXIT_OK && newest_pdf(certs, cert, sizeof(cert)) == 0) {
		printf("\n$ kesu cert verify --pubkey %s --ledger %s %s\n", pub, ledger, cert);
		code = cli_demo_run(cmd_cert, (char *[]){"cert", "verify", "--pubkey", pub, "--ledger",
			ledger, cert, NULL});
	}
	if (code == KESU_EXIT_OK) {
		printf("\n$ kesu ledger verify --ledger %s --pubkey %s\n", ledger, pub);
		code = cli_demo_run(cmd_ledger, (char *[]){"ledger", "verify", "--ledger", ledger,
			"--pubkey", pub, NULL});
	}
	if (code == KESU_EXIT_OK) {
		printf("\n$ kesu approval status --trust %s --ledger %s %s\n", trust, ledger, approval);
		code = cli_demo_run(cmd_approval_status, (char *[]){"status", "--trust", trust, "--ledger",
			ledger, approval, NULL});
	}
	if (code == KESU_EXIT_OK) {
		long left = count_records(image);
		printf(_("\ndemo: confidential records left in %s: %ld\n"), image, left);
		if (left != 0)
			code = KESU_EXIT_VERIFY;
	}
	if (attached && !keep) {
		rc = kesu_loop_detach(target);
		if (rc < 0) {
			cli_error("demo: cannot detach %s: %s", target, kesu_strerror(rc));
			if (code == KESU_EXIT_OK)
				code = cli_exit_for(rc);
		} else {
			printf(_("demo: detached %s\n"), target);
		}
	}
	return code;
}
