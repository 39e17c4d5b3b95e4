/* libFuzzer target for the certificate PDF reader (tests/fuzz/run.sh SECONDS
 * pdf builds and runs it). Besides "no crash, no sanitizer report, no
 * leak" it checks what kesu_pdf_read_payload promises: success hands out
 * two NUL-terminated buffers within the size limits; failure is
 * -KESU_EPARSE (or -ENOMEM) with a reason and hands out nothing; a short
 * err buffer is cut, never overrun. A broken promise traps, which libFuzzer
 * reports as a crash. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/error.h"
#include "kesu/pdf.h"
#include "pdf_parse.h"

#include "fuzz_check.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[256] = "", *payload = (char *)1, *sig = (char *)1;
	size_t payload_len = 7, sig_len = 7;
	int rc = Kesu_pdf_read_memory(data, size, &payload, &payload_len, &sig, &sig_len, err,
				 sizeof(err));
	if (rc == 0) {
		CHECK(payload && sig);
		CHECK(payload_len <= KESU_PDF_PAYLOAD_MAX && sig_len <= KESU_PDF_SIG_MAX);
		CHECK(payload[payload_len] == '\0' && sig[sig_len] == '\0');
		free(payload);
		free(sig);
#ifdef KESU_FUZZ_SELFTEST
		/* A planted bug, to prove that run.sh reports crashes: the
		 * seeds are readable files. */
		CHECK(0);
#endif
		return 0;
	}
	CHECK(rc == -KESU_EPARSE || rc == -ENOMEM);
	CHECK(!payload && !sig && payload_len == 0 && sig_len == 0);
	CHECK(err[0] && strlen(err) < sizeof(err));

	/* The same input with a tiny err buffer: cut, never overrun. */
	char small[9];
	memset(small, 'Z', sizeof(small));
	size_t cut = size ? 1 + data[0] % 8 : 1;
	rc = Kesu_pdf_read_memory(data, size, &payload, &payload_len, &sig, &sig_len, small, cut);
	CHECK(rc != 0 && !payload && !sig);
	CHECK(strlen(small) < cut && (cut == sizeof(small) || small[cut] == 'Z'));
	return 0;
}
