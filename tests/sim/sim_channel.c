/* kesu-sim's kesu_channel_open: linked into the kesu-sim test binary
 * ahead of libkesucore.a, so the archive member src/lib/firmware/channel.c is never
 * pulled in and every drive kesu opens answers as the simulated drive
 * $KESU_SIM describes, whatever its transport. The user data is the device
 * itself (a loop device or image file): what a simulated erase does is
 * read back through kesu's ordinary read path.
 *
 *   KESU_SIM=SPEC        the drive (tests/sim/README.md); unset: no channel
 *   KESU_SIM_STATE=PATH  state kept between runs (loaded now, saved at close)
 *   KESU_SIM_LOG=PATH    one line appended per command received */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kesu/error.h"
#include "kesu/firmware.h"
#include "sim.h"

/* The symbol nm looks for to tell this file is linked in (tests/sim/README.md). */
const char kesu_sim_channel_marker[] = "kesu-sim channel";

struct sim_channel {
	struct sim_drive drive;
	struct kesu_passthru inner;
	int fd;
	int log_fd;
	char *state_path;
};

static void log_line(const struct sim_channel *ch, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void log_line(const struct sim_channel *ch, const char *fmt, ...)
{
	if (ch->log_fd < 0)
		return;
	char line[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n > sizeof(line) - 2)
		n = (int)sizeof(line) - 2;
	line[n++] = '\n';
	/* O_APPEND: one write per line, whole lines even from two processes. */
	if (write(ch->log_fd, line, (size_t)n) < 0)
		fprintf(stderr, "kesu-sim: cannot write KESU_SIM_LOG: %s\n", strerror(errno));
}

/* "ata OP", and the FEATURE where it names the subcommand (SANITIZE,
 * DEVICE CONFIGURATION). Never the data: a password travels there. */
static int ch_ata(void *ctx, const struct kesu_ata_cmd *cmd, struct kesu_ata_result *res)
{
	struct sim_channel *ch = ctx;
	if (cmd->command == KESU_ATA_SANITIZE || cmd->command == KESU_ATA_DEVICE_CONFIGURATION)
		log_line(ch, "ata %02x feature=0x%04x", cmd->command, cmd->feature);
	else
		log_line(ch, "ata %02x", cmd->command);
	return Kesu_ata_send(&ch->inner, cmd, res);
}

static int ch_nvme(void *ctx, const struct kesu_nvme_admin *cmd, struct kesu_nvme_result *res)
{
	struct sim_channel *ch = ctx;
	log_line(ch, "nvme %02x nsid=0x%08x cdw10=0x%08x cdw11=0x%08x", cmd->opcode, cmd->nsid, cmd->cdw10,
		 cmd->cdw11);
	return Kesu_nvme_send(&ch->inner, cmd, res);
}

/* NVME_IOCTL_ID: the simulated namespace's own nsid. */
static int ch_nvme_nsid(void *ctx, uint32_t *nsid)
{
	struct sim_channel *ch = ctx;
	return Kesu_nvme_nsid(&ch->inner, nsid);
}

static int ch_scsi(void *ctx, const struct kesu_scsi_cmd *cmd, struct kesu_scsi_result *res)
{
	struct sim_channel *ch = ctx;
	char hex[3 * 16 + 1] = "";
	for (unsigned i = 0; i < cmd->cdb_len && i < 16; i++)
		snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%s%02x", i ? " " : "", cmd->cdb[i]);
	log_line(ch, "scsi %02x cdb=%s", cmd->cdb[0], hex);
	return Kesu_scsi_send(&ch->inner, cmd, res);
}

static void ch_close(void *ctx)
{
	struct sim_channel *ch = ctx;
	if (ch->state_path) {
		int rc = sim_drive_save(&ch->drive, ch->state_path);
		if (rc < 0)
			fprintf(stderr, "kesu-sim: cannot save KESU_SIM_STATE %s: %s\n", ch->state_path,
				strerror(-rc));
	}
	sim_drive_free(&ch->drive);
	free(ch->state_path);
	if (ch->log_fd >= 0)
		close(ch->log_fd);
	close(ch->fd);
	free(ch);
}

static const struct kesu_passthru_ops ch_ops = {.ata = ch_ata, .nvme_admin = ch_nvme, .scsi = ch_scsi,
						 .close = ch_close, .nvme_nsid = ch_nvme_nsid};

/* Our own descriptor on the same medium: reopened through /proc without
 * O_DIRECT (kesu's may have it) and read-write (kesu info opens read-only);
 * a plain duplicate when that is refused. */
static int own_fd(int fd)
{
	char proc[64];
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	int own = open(proc, O_RDWR | O_CLOEXEC);
	if (own < 0)
		own = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	return own < 0 ? -errno : own;
}

static int medium_size(int fd, uint64_t *bytes)
{
	struct stat st;
	if (fstat(fd, &st) != 0)
		return -errno;
	if (S_ISREG(st.st_mode)) {
		*bytes = (uint64_t)st.st_size;
		return 0;
	}
	if (S_ISBLK(st.st_mode))
		return ioctl(fd, BLKGETSIZE64, bytes) == 0 ? 0 : -errno;
	return -ENOTBLK;
}

int kesu_channel_open(const struct kesu_device *dev, int fd, unsigned flags, struct kesu_passthru *pt,
		      unsigned *remedies, char *why, size_t whysize)
{
	(void)flags; /* the simulated drive has no USB bridge to refuse */
	if (remedies)
		*remedies = 0;
	const char *path = dev && dev->path[0] ? dev->path : "the drive";
	const char *spec = getenv("KESU_SIM");
	if (!spec || !*spec) {
		snprintf(why, whysize, "no simulated drive: set KESU_SIM");
		return -KESU_EUNSUPPORTED;
	}
	struct sim_channel *ch = calloc(1, sizeof(*ch));
	if (!ch) {
		snprintf(why, whysize, "%s: out of memory", path);
		return -ENOMEM;
	}
	ch->log_fd = -1;
	ch->fd = own_fd(fd);
	int rc = ch->fd;
	uint64_t bytes = 0;
	if (rc >= 0)
		rc = medium_size(ch->fd, &bytes);
	if (rc < 0) {
		snprintf(why, whysize, "%s: %s", path, kesu_strerror(rc));
		if (ch->fd >= 0)
			close(ch->fd);
		free(ch);
		return rc;
	}
	char err[256];
	rc = sim_drive_new(spec, ch->fd, bytes, &ch->drive, err, sizeof(err));
	if (rc < 0) {
		snprintf(why, whysize, "KESU_SIM=%s: %s", spec, err);
		close(ch->fd);
		free(ch);
		return rc;
	}
	const char *state = getenv("KESU_SIM_STATE");
	if (state && *state) {
		rc = sim_drive_load(&ch->drive, state);
		ch->state_path = strdup(state);
		if (rc == 0 && !ch->state_path)
			rc = -ENOMEM;
		if (rc < 0)
			snprintf(why, whysize, "KESU_SIM_STATE=%s: %s", state, kesu_strerror(rc));
	}
	const char *log = getenv("KESU_SIM_LOG");
	if (rc == 0 && log && *log) {
		ch->log_fd = open(log, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
		if (ch->log_fd < 0) {
			rc = -errno;
			snprintf(why, whysize, "KESU_SIM_LOG=%s: %s", log, kesu_strerror(rc));
		}
	}
	if (rc < 0) {
		free(ch->state_path);
		ch->state_path = NULL; /* a state that did not load is not overwritten */
		sim_drive_free(&ch->drive);
		close(ch->fd);
		free(ch);
		return rc;
	}
	ch->inner = sim_drive_passthru(&ch->drive);
	*pt = (struct kesu_passthru){&ch_ops, ch};
	return 0;
}
