/* kesu tui's confirmation of the other NVMe namespaces (issue 20): the
 * scope asked of the library as kesu wipe asks it, the NSIDs the TUI
 * passes as --namespaces after ERASE, and the line its screen shows. */
#include <criterion/criterion.h>
#include <string.h>
#include <unistd.h>

#define TUI_PURE_ONLY
#include "tui.h"
#include "kesu/error.h"
#include "kesu/firmware.h"
#include "sim.h"
#include "sim_criterion.h"

#define BYTES (4ull << 20)

static int media;
static struct sim_nvme *c;
static struct kesu_passthru pt;
static struct kesu_device dev;
static struct kesu_drive_caps caps;

static void setup(void)
{
	sim_criterion_init();
	media = sim_media(BYTES, 0x5a);
	c = sim_nvme_new(media, BYTES);
	cr_assert_not_null(c);
	c->nsid = 2;       /* the drive's own namespace */
	c->other_nsid = 1; /* another one on the controller, without a block device here */
	pt = sim_nvme_passthru(c);
	memset(&dev, 0, sizeof(dev));
	snprintf(dev.name, sizeof(dev.name), "nvme0n1");
	snprintf(dev.path, sizeof(dev.path), "/dev/nvme0n1");
	dev.transport = KESU_TRAN_NVME;
	dev.size = BYTES;
	dev.logical_sector = 512;
}

static void teardown(void)
{
	sim_nvme_free(c);
	close(media);
}

TestSuite(tui_scope, .init = setup, .fini = teardown);

static void query(uint8_t fna)
{
	c->fna = fna;
	sim_nvme_refresh(c);
	cr_assert_eq(kesu_drive_caps_query(&pt, &dev, &caps), 0, "%s", caps.error);
}

Test(tui_scope, a_secure_erase_format_with_fna_bit_1_names_the_other_namespace)
{
	query(0x06);
	char nsids[64] = "", text[1024];
	cr_assert_eq(tui_scope_others(&caps, KESU_FW_NVME_FORMAT_CRYPTO, nsids, sizeof(nsids), text,
				      sizeof(text)), 1, "%s", text);
	cr_assert_str_eq(nsids, "1", "the --namespaces the TUI passes");
	cr_assert(strstr(text, "(FNA bit 1)") && strstr(text, "nsid 1 (no block device)"), "%s", text);
	/* A second drive's namespaces go to the same list, each NSID once. */
	cr_assert_eq(tui_scope_others(&caps, KESU_FW_NVME_SANITIZE_BLOCK, nsids, sizeof(nsids), text,
				      sizeof(text)), 1, "%s", text);
	cr_assert_str_eq(nsids, "1");
	snprintf(nsids, sizeof(nsids), "3");
	cr_assert_eq(tui_scope_others(&caps, KESU_FW_NVME_SANITIZE_BLOCK, nsids, sizeof(nsids), text,
				      sizeof(text)), 1, "%s", text);
	cr_assert_str_eq(nsids, "3,1");
	cr_assert(strstr(text, "(sanitize)"), "%s", text);
}

Test(tui_scope, only_this_namespace_adds_nothing)
{
	query(0x04); /* FNA bit 2 only: a Format reaches this namespace alone */
	char nsids[64] = "", text[1024] = "x";
	cr_assert_eq(tui_scope_others(&caps, KESU_FW_NVME_FORMAT_ERASE, nsids, sizeof(nsids), text,
				      sizeof(text)), 0);
	cr_assert_str_empty(nsids);
	cr_assert_str_empty(text);
	/* An overwrite (-1) or another bus: nothing asked, nothing added. */
	cr_assert_eq(tui_scope_others(&caps, -1, nsids, sizeof(nsids), text, sizeof(text)), 0);
	struct kesu_drive_caps none = {.bus = KESU_BUS_OTHER};
	cr_assert_eq(tui_scope_others(&none, KESU_FW_NVME_SANITIZE_BLOCK, nsids, sizeof(nsids), text,
				      sizeof(text)), 0);
	cr_assert_str_empty(nsids);
}

Test(tui_scope, an_unknown_nsid_is_an_error_not_a_guess)
{
	c->no_nsid_ioctl = true;
	query(0x06);
	char nsids[64] = "", text[1024];
	cr_assert_lt(tui_scope_others(&caps, KESU_FW_NVME_FORMAT_CRYPTO, nsids, sizeof(nsids), text,
				      sizeof(text)), 0);
	cr_assert_str_empty(nsids);
	cr_assert(text[0], "the reason is given");
}
