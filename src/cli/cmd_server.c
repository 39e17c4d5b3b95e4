/* kesu server init|add-station|add-manager: setting up the central
 * PostgreSQL store many stations push to (docs/central.md). Run by the
 * store's administrator with a role that may create roles. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/central.h"
#include "kesu/fileio.h"

static void server_usage(FILE *out)
{
	fputs(_("Usage: kesu server init --db ADMIN-URL\n"
	      "       kesu server add-station --name NAME --pubkey KEY.pub --out FILE --db ADMIN-URL\n"
	      "       kesu server add-manager --name NAME --out FILE --db ADMIN-URL\n\n"
	      "The central store: one PostgreSQL database that keeps a copy of every\n"
	      "station's finished records (docs/central.md).\n"
	      "init creates the group roles kesu_station and kesu_reader and the schema\n"
	      "(once: a second init changes nothing and exits 1).\n"
	      "add-station registers a station by its public key (kesu key export) and\n"
	      "makes its login role kesu_station_NAME; add-manager makes a login role\n"
	      "kesu_manager_NAME that reads every station's records and writes none.\n"
	      "Both write the role and a new random password to FILE as one pgpass line\n"
	      "(mode 0600; an existing FILE is refused) and print the URL to use with\n"
	      "passfile=FILE; the password itself is never printed.\n\n"
	      "  --db URL       the store, as an administrator: postgresql://USER@HOST:PORT/DB\n"
	      "                 (a password belongs in a passfile, not in the URL)\n"
	      "  --name NAME    letters, digits, '.', '_', '-' (at most 48)\n"
	      "  --pubkey FILE  the station's public key\n"
	      "  --out FILE     where the credentials go\n"
	      "  --no-password  make the role without a password, for TLS client\n"
	      "                 certificates (pg_hba.conf \"hostssl ... cert\"); no --out\n"
	      "  -h, --help     this help\n"),
	      out);
	fputs(_("\nReviewing the store (docs/central-review.md):\n"
		"  kesu server alarms --db URL [--all] [--json]\n"
		"  kesu server ack ALARM-ID --reason TEXT --db URL\n"),
	      out);
}

struct server_ctl {
	const char *db, *name, *pubkey, *out;
	bool no_password;
};

/* The credentials file, made before the store is touched so an existing
 * one is refused with nothing changed. */
static int open_out(const char *path, int *fd)
{
	*fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (*fd >= 0)
		return KESU_EXIT_OK;
	if (errno == EEXIST)
		cli_error("%s already exists; kesu never overwrites credentials (choose another --out)",
			  path);
	else
		cli_error("%s: %s", path, strerror(errno));
	return errno == EEXIST ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
}

/* Writes "*:*:*:ROLE:PASSWORD" (pgpass) and wipes the line. */
static int write_out(int fd, const char *path, const struct kesu_central_account *a)
{
	char line[KESU_CENTRAL_ROLE_MAX + KESU_CENTRAL_PASSWORD_SIZE + 16];
	int len = snprintf(line, sizeof(line), "*:*:*:%s:%s\n", a->role, a->password);
	ssize_t n = write(fd, line, (size_t)len);
	sodium_memzero(line, sizeof(line));
	if (n != len || fsync(fd) != 0) {
		cli_error("%s: %s", path, n < 0 || errno ? strerror(errno) : "short write");
		return KESU_EXIT_FAILURE;
	}
	return KESU_EXIT_OK;
}

static int server_init(const struct server_ctl *ctl)
{
	struct kesu_central *c;
	int code = cli_central_connect(ctl->db, &c);
	if (code != KESU_EXIT_OK)
		return code;
	char err[KESU_ERRMSG_MAX];
	if (kesu_central_init(c, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		code = KESU_EXIT_FAILURE;
	} else {
		printf(_("central store %s: initialised (schema version %d); roles kesu_station and "
			 "kesu_reader\n"), kesu_central_name(c), KESU_CENTRAL_SCHEMA_VERSION);
		printf(_("  next: kesu server add-station --name NAME --pubkey KEY.pub --out FILE --db URL\n"));
	}
	kesu_central_close(c);
	return code;
}

/* add-station and add-manager: the credentials file, the role, the URL. */
static int server_add(const struct server_ctl *ctl, bool station)
{
	const char *verb = station ? "server add-station" : "server add-manager";
	if (!ctl->name || (station && !ctl->pubkey) || (!ctl->out && !ctl->no_password)) {
		if (station)
			cli_error("%s: give --name, --pubkey, --out and --db", verb);
		else
			cli_error("%s: give --name, --out and --db", verb);
		return KESU_EXIT_USAGE;
	}
	if (ctl->out && ctl->no_password) {
		cli_error("%s: --no-password makes no credentials file; leave out --out", verb);
		return KESU_EXIT_USAGE;
	}
	char err[KESU_ERRMSG_MAX], role[KESU_CENTRAL_ROLE_MAX];
	if (kesu_central_role_name(station ? "kesu_station" : "kesu_manager", ctl->name, role, err,
				   sizeof(err)) < 0) {
		cli_error("%s: --name: %s", verb, err);
		return KESU_EXIT_USAGE;
	}
	char *key = NULL;
	size_t key_len = 0;
	struct kesu_public_key pk;
	if (station && (kesu_file_read_bounded(ctl->pubkey, 4000, 0, &key, &key_len, err, sizeof(err)) < 0 ||
			kesu_key_parse_public(key, key_len, ctl->pubkey, &pk, err, sizeof(err)) < 0)) {
		cli_error("%s", err);
		free(key);
		return KESU_EXIT_USAGE;
	}
	struct kesu_central *c = NULL;
	int fd = -1;
	int code = cli_central_connect(ctl->db, &c);
	if (code == KESU_EXIT_OK && ctl->out)
		code = open_out(ctl->out, &fd);
	struct kesu_central_account a;
	char fpr[KESU_FINGERPRINT_SIZE] = "";
	if (code == KESU_EXIT_OK) {
		int rc = station ? kesu_central_add_station(c, ctl->name, key, key_len, !ctl->no_password,
							     &a, fpr, sizeof(fpr), err, sizeof(err))
				 : kesu_central_add_manager(c, ctl->name, !ctl->no_password, &a, err,
							     sizeof(err));
		if (rc < 0) {
			cli_error("%s", err);
			code = rc == -KESU_EPARSE ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
		}
	}
	if (code == KESU_EXIT_OK && fd >= 0)
		code = write_out(fd, ctl->out, &a);
	sodium_memzero(a.password, sizeof(a.password));
	if (fd >= 0) {
		close(fd);
		if (code != KESU_EXIT_OK)
			unlink(ctl->out);
	}
	if (code == KESU_EXIT_OK) {
		char url[8192], passfile[4096] = "";
		if (ctl->out && !realpath(ctl->out, passfile))
			snprintf(passfile, sizeof(passfile), "%s", ctl->out);
		kesu_central_account_url(c, a.role, ctl->out ? passfile : NULL, url, sizeof(url));
		if (station)
			printf(_("central store %s: station %s registered (key %s), role %s\n"),
			       kesu_central_name(c), ctl->name, fpr, a.role);
		else
			printf(_("central store %s: manager %s registered (reads every station), role %s\n"),
			       kesu_central_name(c), ctl->name, a.role);
		if (ctl->out && station)
			printf(_("  credentials: %s (mode 0600; copy it to the station and keep it "
				 "secret)\n"), passfile);
		else if (ctl->out)
			printf(_("  credentials: %s (mode 0600; copy it to the manager's computer and "
				 "keep it secret)\n"), passfile);
		else
			printf(_("  no password: the role logs in with a TLS client certificate "
				 "(docs/central.md)\n"));
		printf(_("  URL: %s\n"), url);
		if (station)
			printf(_("  on the station, in its config file: server = %s\n"), url);
	}
	free(key);
	kesu_central_close(c);
	return code;
}

int cmd_server(int argc, char **argv)
{
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		server_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? KESU_EXIT_USAGE : KESU_EXIT_OK;
	}
	const char *verb = argv[1];
	/* Verbs with options of their own dispatch here, before parsing. */
	if (!strcmp(verb, "alarms") || !strcmp(verb, "ack")) /* cmd_server_alarms.c */
		return (!strcmp(verb, "alarms") ? cmd_server_alarms : cmd_server_ack)(argc - 1, argv + 1);
	enum { O_DB = 256, O_NAME, O_PUBKEY, O_OUT, O_NO_PASSWORD };
	static const struct option opts[] = {
		{"db", required_argument, NULL, O_DB},
		{"name", required_argument, NULL, O_NAME},
		{"pubkey", required_argument, NULL, O_PUBKEY},
		{"out", required_argument, NULL, O_OUT},
		{"no-password", no_argument, NULL, O_NO_PASSWORD},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct server_ctl ctl = {0};
	int c;
	optind = 1;
	argc--;
	argv++;
	while ((c = cli_getopt(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_DB: ctl.db = optarg; break;
		case O_NAME: ctl.name = optarg; break;
		case O_PUBKEY: ctl.pubkey = optarg; break;
		case O_OUT: ctl.out = optarg; break;
		case O_NO_PASSWORD: ctl.no_password = true; break;
		case 'h': server_usage(stdout); return KESU_EXIT_OK;
		default: return cli_bad_option("server");
		}
	}
	bool init = !strcmp(verb, "init"), station = !strcmp(verb, "add-station"),
	     manager = !strcmp(verb, "add-manager");
	if (!init && !station && !manager) {
		cli_error("server: unknown command \"%s\" (init, add-station, add-manager)", verb);
		return KESU_EXIT_USAGE;
	}
	if (optind < argc) {
		cli_error("server %s: unexpected argument \"%s\"", verb, argv[optind]);
		return KESU_EXIT_USAGE;
	}
	if (!ctl.db) {
		cli_error("server %s: give the store with --db URL", verb);
		return KESU_EXIT_USAGE;
	}
	if (init && (ctl.name || ctl.pubkey || ctl.out || ctl.no_password)) {
		cli_error("server init: takes only --db");
		return KESU_EXIT_USAGE;
	}
	if (manager && ctl.pubkey) {
		cli_error("server add-manager: a manager has no station key; leave out --pubkey");
		return KESU_EXIT_USAGE;
	}
	return init ? server_init(&ctl) : server_add(&ctl, station);
}
