/* The station a destructive command records to: the config file's
 * defaults with the flags on top, the ledger, and the signing key (made on
 * first use when there is none). */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "kesu/clock.h"
#include "kesu/paths.h"

/* Flags that name the station's files and the job's context. */
int cli_station_load_config(struct cli_station *st)
{
	char path[PATH_MAX], err[KESU_ERRMSG_MAX];
	if (kesu_default_path(KESU_PATH_CONFIG, path, sizeof(path)) == 0 &&
	    kesu_config_load(path, &st->cfg, err, sizeof(err)) < 0) {
		cli_error("%s", err);
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

/* A flag first, then the environment ($KESU_LEDGER, $KESU_KEY), then the
 * config file, then the XDG default. */
/* Flags given on the command line win over the config file's values. */
void cli_context_merge(struct kesu_job_context *cfg, const struct kesu_job_context *flags)
{
	struct { char *to; const char *from; size_t size; } fields[] = {
		{cfg->operator_name, flags->operator_name, sizeof(cfg->operator_name)},
		{cfg->operator_title, flags->operator_title, sizeof(cfg->operator_title)},
		{cfg->organisation, flags->organisation, sizeof(cfg->organisation)},
		{cfg->department, flags->department, sizeof(cfg->department)},
		{cfg->location, flags->location, sizeof(cfg->location)},
		{cfg->phone, flags->phone, sizeof(cfg->phone)},
		{cfg->approver, flags->approver, sizeof(cfg->approver)},
		{cfg->classification, flags->classification, sizeof(cfg->classification)},
		{cfg->purpose, flags->purpose, sizeof(cfg->purpose)},
		{cfg->asset_number, flags->asset_number, sizeof(cfg->asset_number)},
		{cfg->witness, flags->witness, sizeof(cfg->witness)},
	};
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (fields[i].from[0])
			snprintf(fields[i].to, fields[i].size, "%s", fields[i].from);
}

/* A first run has no config file: name the file and the line to put in it,
 * so the operator need not look it up. */
int cli_no_operator(const char *command, const char *who)
{
	char path[PATH_MAX];
	if (kesu_default_path(KESU_PATH_CONFIG, path, sizeof(path)) < 0)
		snprintf(path, sizeof(path), "%s", _("the config file"));
	cli_error("%s: %s? give --operator NAME or put `operator = NAME` in %s", command, _(who), path);
	return KESU_EXIT_USAGE;
}

/* Once per run, for a command that records: a record's times are the
 * station clock's, and the standard asks for accurate time on systems that
 * keep important logs (§8.1). $KESU_NO_CLOCK_WARNING=1 silences it where
 * the clock is known good without NTP (a test rig, a radio clock). */
static void warn_clock_once(void)
{
	static bool warned;
	const char *off = getenv("KESU_NO_CLOCK_WARNING");
	if (warned || (off && !strcmp(off, "1")))
		return;
	warned = true;
	if (kesu_clock_sync_state() == KESU_CLOCK_UNSYNCHRONISED)
		fprintf(stderr, _("kesu: warning: this station's clock is not synchronised (NTP): the "
				  "times recorded are the clock's as it is; the standard asks for accurate "
				  "time where important logs are kept (§8.1)\n"));
}

int cli_station_context(struct cli_station *st, const struct kesu_job_context *flags,
			const char *command, const char *who)
{
	warn_clock_once();
	int code = cli_station_load_config(st);
	if (code != KESU_EXIT_OK)
		return code;
	cli_context_merge(&st->cfg.ctx, flags);
	kesu_context_station(&st->cfg.ctx);
	char err[KESU_ERRMSG_MAX];
	if (!st->cfg.ctx.operator_name[0])
		return cli_no_operator(command, who);
	if (kesu_context_check(&st->cfg.ctx, err, sizeof(err)) < 0) {
		cli_error("%s: %s", command, err);
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

static int resolve(const char *flag, const char *configured, enum kesu_path_kind kind, char *out,
		   size_t size)
{
	const char *env = kind == KESU_PATH_LEDGER ? getenv("KESU_LEDGER")
			  : kind == KESU_PATH_SECRET_KEY ? getenv("KESU_KEY") : NULL;
	if (flag && *flag)
		snprintf(out, size, "%s", flag);
	else if (env && *env)
		snprintf(out, size, "%s", env);
	else if (configured && *configured)
		snprintf(out, size, "%s", configured);
	else if (kesu_default_path(kind, out, size) < 0) {
		cli_error("cannot tell where to keep kesu's files: set HOME or XDG_DATA_HOME");
		return KESU_EXIT_USAGE;
	}
	return KESU_EXIT_OK;
}

int cli_station_paths(struct cli_station *st, const char *ledger_flag, const char *cert_flag,
		      const char *key_flag)
{
	int code = resolve(ledger_flag, st->cfg.ledger, KESU_PATH_LEDGER, st->ledger_path,
			   sizeof(st->ledger_path));
	if (code == KESU_EXIT_OK)
		code = resolve(cert_flag, st->cfg.cert_dir, KESU_PATH_CERT_DIR, st->cert_dir,
			       sizeof(st->cert_dir));
	if (code == KESU_EXIT_OK)
		code = resolve(key_flag, st->cfg.key, KESU_PATH_SECRET_KEY, st->key_path,
			       sizeof(st->key_path));
	return code;
}

int cli_station_open_ledger(struct cli_station *st)
{
	char dir[PATH_MAX], err[KESU_ERRMSG_MAX];
	snprintf(dir, sizeof(dir), "%s", st->ledger_path);
	int rc = kesu_mkdirs(dirname(dir), 0700);
	if (rc == 0)
		rc = kesu_ledger_open(st->ledger_path, &st->ledger, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "ledger %s: %s", st->ledger_path, strerror(-rc));
	if (rc < 0) {
		cli_error("%s", err);
		return rc == -KESU_EPARSE ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
	}
	cli_station_say_notes(st);
	return KESU_EXIT_OK;
}

/* The main job makes the station key on first use, unprotected; kesu key
 * generate makes one with a passphrase. */
int cli_station_load_key(struct cli_station *st, const char *passphrase_file)
{
	if (access(st->key_path, F_OK) != 0 && errno == ENOENT) {
		char pub[PATH_MAX], err[KESU_ERRMSG_MAX];
		kesu_key_public_path(st->key_path, pub, sizeof(pub));
		if (kesu_key_generate(st->key_path, pub, NULL, err, sizeof(err)) < 0) {
			cli_error("%s", err);
			return KESU_EXIT_FAILURE;
		}
		fprintf(stderr, _("kesu: made a station key: %s (public key %s)\n"), st->key_path, pub);
	}
	int code = cli_load_secret_key(st->key_path, passphrase_file, &st->sk);
	if (code != KESU_EXIT_OK)
		return code;
	struct kesu_public_key pk;
	kesu_key_public_from_secret(st->sk, &pk);
	kesu_key_fingerprint(&pk, st->cfg.ctx.key_fingerprint, sizeof(st->cfg.ctx.key_fingerprint));
	return KESU_EXIT_OK;
}

int cli_station_open_records(struct cli_station *st, const char *ledger_flag,
			     const char *key_flag, const char *passphrase_file)
{
	int code = cli_station_paths(st, ledger_flag, NULL, key_flag);
	if (code == KESU_EXIT_OK)
		code = cli_station_open_ledger(st);
	if (code == KESU_EXIT_OK)
		code = cli_station_load_key(st, passphrase_file);
	return code;
}

int cli_station_open_for_records(struct cli_station *st, const struct kesu_job_context *flags,
				 const char *command, const char *who, const char *ledger_flag,
				 const char *key_flag, const char *passphrase_file)
{
	int code = cli_station_context(st, flags, command, who);
	return code == KESU_EXIT_OK
		       ? cli_station_open_records(st, ledger_flag, key_flag, passphrase_file)
		       : code;
}

void cli_station_close(struct cli_station *st)
{
	kesu_ledger_close(st->ledger);
	kesu_key_secret_free(st->sk);
	st->ledger = NULL;
	st->sk = NULL;
}

void cli_station_say_notes(const struct cli_station *st)
{
	const struct kesu_ledger_notes *n = kesu_ledger_notes(st->ledger);
	if (n->mode_tightened)
		fprintf(stderr, _("kesu: ledger %s: mode was %04o, readable by other users; made it 0600 "
			"(it may hold ATA passwords)\n"), st->ledger_path, n->old_mode);
	if (n->mode_open)
		fprintf(stderr, _("kesu: warning: ledger %s: mode %04o lets other users read it (it may hold "
			"ATA passwords); the next wipe makes it 0600\n"), st->ledger_path, n->old_mode);
	if (n->schema_version < n->schema_current)
		fprintf(stderr, _("kesu: ledger %s: schema version %d, this kesu writes %d: it will be "
			"migrated the next time it is written; reading it as it is\n"), st->ledger_path,
			n->schema_version, n->schema_current);
}

/* Review commands never write: no migration, no WAL switch, no new file. */
int cli_station_open_ledger_readonly(struct cli_station *st)
{
	char err[KESU_ERRMSG_MAX];
	int rc = kesu_ledger_open_readonly(st->ledger_path, &st->ledger, err, sizeof(err));
	if (rc < 0) {
		cli_error("%s", err);
		return rc == -KESU_EPARSE || rc == -ENOENT ? KESU_EXIT_USAGE : KESU_EXIT_FAILURE;
	}
	cli_station_say_notes(st);
	return KESU_EXIT_OK;
}

const struct kesu_gate_own_files *cli_station_own_files(struct cli_station *st,
							 struct kesu_gate_own_files *own)
{
	memset(own, 0, sizeof(*own));
	snprintf(st->own_wal, sizeof(st->own_wal), "%s-wal", st->ledger_path);
	snprintf(st->own_shm, sizeof(st->own_shm), "%s-shm", st->ledger_path);
	if (kesu_key_public_path(st->key_path, st->own_public_key, sizeof(st->own_public_key)) < 0)
		st->own_public_key[0] = '\0';
	if (kesu_default_path(KESU_PATH_CONFIG, st->own_config, sizeof(st->own_config)) < 0)
		st->own_config[0] = '\0';
	const char *paths[] = {st->ledger_path, st->own_wal, st->own_shm, st->key_path,
			       st->own_public_key, st->own_config};
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (paths[i][0])
			own->paths[own->npaths++] = paths[i];
	if (st->cert_dir[0])
		own->dirs[own->ndirs++] = st->cert_dir;
	return own;
}
