/* kesu unlock: the recovery for an ATA Security Erase that failed or was
 * cut off with kesu's temporary password still set. The password comes
 * from the ledger (or, for a drive someone else locked, a file); it is
 * never printed. */
#include <fcntl.h>
#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "remedy.h"

static void unlock_usage(FILE *out)
{
	fputs(_("Usage: kesu unlock [OPTIONS] DEVICE\n\n"
	      "Removes the user password an interrupted or failed ATA Security Erase left\n"
	      "on DEVICE: UNLOCK if the drive is locked, DISABLE PASSWORD, then IDENTIFY\n"
	      "must show security disabled. The password is the temporary one kesu kept\n"
	      "in the ledger for this drive (it is forgotten once the drive is unlocked).\n\n"
	      "      --ledger PATH        the ledger (default ~/.local/share/kesu/ledger.sqlite)\n"
	      "      --password-file F    use the password in F (first line) instead\n"
	      "      --allow-usb          send the commands through a USB bridge\n"
	      "  -h, --help               this help\n"),
	      out);
}

/* The first line of path, into a sodium_malloc'd buffer. */
static char *read_password_file(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f) {
		cli_error("%s: %s", path, strerror(errno));
		return NULL;
	}
	char *pw = sodium_malloc(KESU_ATA_PASSWORD_MAX + 2);
	if (pw && !fgets(pw, KESU_ATA_PASSWORD_MAX + 2, f))
		pw[0] = '\0';
	fclose(f);
	if (!pw)
		return NULL;
	pw[strcspn(pw, "\r\n")] = '\0';
	if (!pw[0] || strlen(pw) > KESU_ATA_PASSWORD_MAX) {
		cli_error("%s: the password must be 1 to %d bytes on the first line", path,
			  KESU_ATA_PASSWORD_MAX);
		sodium_free(pw);
		return NULL;
	}
	return pw;
}

/* ATA drives come on SATA and PATA, and behind SAS/SCSI (SAT), USB bridges
 * and unknown buses; NVMe, MMC and virtio disks never have an ATA password.
 * Loop devices and image files are left to kesu_channel_open, which refuses
 * them (exit 3) — and which tests replace with a simulated ATA drive. */
static bool may_be_ata(enum kesu_transport t)
{
	return t != KESU_TRAN_NVME && t != KESU_TRAN_MMC && t != KESU_TRAN_VIRTIO;
}

static void not_ata(const struct kesu_device *dev)
{
	cli_error("unlock: %s is not an ATA drive (transport %s): it has no ATA security "
		  "password to remove", dev->path, kesu_transport_name(dev->transport));
}

int cmd_unlock(int argc, char **argv)
{
	enum { O_LEDGER = 256, O_PWFILE, O_ALLOW_USB };
	static const struct option opts[] = {
		{"ledger", required_argument, NULL, O_LEDGER},
		{"password-file", required_argument, NULL, O_PWFILE},
		{"allow-usb", no_argument, NULL, O_ALLOW_USB},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *ledger = NULL, *pwfile = NULL;
	unsigned flags = 0;
	if (sodium_init() < 0) {
		cli_error("unlock: libsodium failed to start");
		return KESU_EXIT_FAILURE;
	}
	int c;
	while ((c = cli_getopt(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case O_LEDGER: ledger = optarg; break;
		case O_PWFILE: pwfile = optarg; break;
		case O_ALLOW_USB: flags |= KESU_CHANNEL_ALLOW_USB; break;
		case 'h': unlock_usage(stdout); return KESU_EXIT_OK;
		default: return cli_bad_option("unlock");
		}
	}
	if (optind + 1 != argc) {
		cli_error("unlock: name one DEVICE (kesu unlock --help)");
		return KESU_EXIT_USAGE;
	}
	/* The gate still applies: never touch the system disk or a drive in use.
	 * A locked drive has no readable contents, so content warnings are moot. */
	struct kesu_device dev;
	struct kesu_gate_verdict v;
	int rc = kesu_gate_check(argv[optind], NULL, true, NULL, &dev, &v);
	if (rc < 0) {
		cli_error("%s", rc == -KESU_EREFUSED ? v.reason : kesu_strerror(rc));
		return cli_exit_for(rc);
	}
	if (!may_be_ata(dev.transport)) {
		not_ata(&dev);
		return KESU_EXIT_UNSUPPORTED;
	}
	int fd = kesu_gate_open(&dev, O_RDWR, &v);
	if (fd < 0) {
		cli_error("%s", fd == -KESU_EREFUSED ? v.reason : kesu_strerror(fd));
		return cli_exit_for(fd);
	}
	struct cli_station st = {0};
	char device_key[KESU_DEVICE_KEY_MAX], err[KESU_ERRMSG_MAX];
	kesu_ledger_device_key(dev.serial, dev.path, dev.size, device_key, sizeof(device_key));
	char *password = NULL;
	int code = KESU_EXIT_OK;
	/* The channel first: a drive that has no ATA command set (a loop device,
	 * an image) is told so (exit 3) before the ledger is even opened. */
	struct kesu_passthru pt = {0};
	unsigned remedies = 0;
	char remedy[CLI_REMEDY_MAX];
	rc = kesu_channel_open(&dev, fd, flags, &pt, &remedies, err, sizeof(err));
	if (rc == -KESU_EUNSUPPORTED && !remedies) {
		not_ata(&dev);
		code = KESU_EXIT_UNSUPPORTED;
	} else if (rc < 0) {
		cli_error("%s%s", err, cli_remedy(remedies, remedy, sizeof(remedy)));
		code = cli_exit_for(rc);
	} else if (pwfile) {
		password = read_password_file(pwfile);
		code = password ? KESU_EXIT_OK : KESU_EXIT_USAGE;
	} else {
		code = cli_station_load_config(&st);
		if (code == KESU_EXIT_OK)
			code = cli_station_paths(&st, ledger, NULL, NULL);
		if (code == KESU_EXIT_OK)
			code = cli_station_open_ledger(&st);
		if (code == KESU_EXIT_OK) {
			password = sodium_malloc(KESU_ATA_PASSWORD_MAX + 1);
			rc = password ? kesu_ledger_password_get(st.ledger, device_key, password,
								 KESU_ATA_PASSWORD_MAX + 1, err, sizeof(err))
				      : -ENOMEM;
			if (rc == -KESU_ENOTFOUND) {
				cli_error("%s: the ledger %s keeps no password for this drive (was it "
					  "locked by kesu on this station? else use --password-file)",
					  dev.path, st.ledger_path);
				code = KESU_EXIT_USAGE;
			} else if (rc < 0) {
				cli_error("%s", rc == -ENOMEM ? _("out of memory") : err);
				code = KESU_EXIT_FAILURE;
			}
		}
	}
	if (code == KESU_EXIT_OK) {
		rc = kesu_ata_unlock(&pt, password, err, sizeof(err));
		if (rc < 0) {
			cli_error("%s: %s", dev.path, err);
			code = cli_exit_for(rc);
		} else {
			printf(_("%s: security disabled: %s\n"), dev.path, err);
			if (st.ledger && kesu_ledger_password_forget(st.ledger, device_key, err, sizeof(err)) < 0) {
				cli_error("%s", err);
				code = KESU_EXIT_FAILURE;
			}
		}
	}
	kesu_passthru_close(&pt);
	if (password)
		sodium_free(password);
	close(fd);
	cli_station_close(&st);
	return code;
}
