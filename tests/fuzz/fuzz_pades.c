/* libFuzzer target for the PDF signature checks (tests/fuzz/run.sh SECONDS
 * pades): finding a file's signatures, their byte ranges and /Contents,
 * and the check of what follows a signature, on crafted files. Besides
 * "no crash, no sanitizer report, no leak" it checks their promises: a
 * report never counts more signatures than it holds, a signature it calls
 * ok has a well-formed range inside the file, and errors come with a
 * one-line reason. A broken promise traps. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/pades.h"
#include "pades_pdf.h"

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kesu_pades_report rep;
	char err[256] = "";
	int rc = kesu_pades_verify(data, size, NULL, 1796000000, &rep, err, sizeof(err));
	CHECK(rc == 0 || rc == -KESU_EVERIFY || rc == -KESU_EPARSE || rc == -ENOMEM);
	CHECK(rc != -KESU_EPARSE || (err[0] && strlen(err) < sizeof(err)));
	CHECK(rep.count <= KESU_PADES_SIGS_MAX);
	CHECK(rc != 0); /* no anchors: nothing can be fully ok */
	for (size_t i = 0; i < rep.count; i++)
		CHECK(!rep.sig[i].range_ok || (rep.sig[i].revision_end > 0 &&
					       rep.sig[i].revision_end <= size));
	CHECK(rep.first_revision_end <= size);
	/* the update check on any split of the input */
	if (size > 2) {
		char why[256] = "";
		struct pades_seal seal = {0, {0, 0, 600, 800}};
		size_t from = (size_t)data[0] * size / 256;
		rc = Kesu_pades_update_allowed(data, from, size, &seal, 1, why, sizeof(why));
		CHECK(rc == 0 || rc == -KESU_EVERIFY || rc == -ENOMEM);
		CHECK(rc == 0 || rc == -ENOMEM || (why[0] && strlen(why) < sizeof(why)));
	}
	return 0;
}
