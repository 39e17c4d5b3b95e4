/* Issuing a batch certificate: the record first (signed and chained like
 * every record), then the payload that cites it, signed, rendered and
 * written like any certificate (kesu_cert_issue_signed). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "kesu/batch.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/pdf.h"

/* The station's copy is kesu-<ID>.pdf in cert_dir; out_pdf, when given,
 * is the same bytes where the operator asked for them. */
static int copy_out(const char *from, const char *to, char *err, size_t errsize)
{
	char *bytes = NULL;
	size_t len = 0;
	int rc = kesu_file_read_bounded(from, 256u << 20, 0, &bytes, &len, err, errsize);
	if (rc == 0)
		rc = kesu_file_write_atomic(to, bytes, len, 0644, 0, err, errsize);
	free(bytes);
	return rc;
}

static int too_large(size_t len, size_t n, char *err, size_t errsize)
{
	return Kesu_errorf(err, errsize, -EFBIG,
			   "the batch of %zu media makes a payload of %zu bytes, more than the %u a "
			   "certificate may carry: choose a narrower selection", n, len,
			   KESU_PDF_PAYLOAD_MAX);
}

int kesu_batch_issue(struct kesu_ledger *l, const struct kesu_secret_key *sk,
		     const struct kesu_batch *b, const struct kesu_job_context *ctx,
		     const char *cert_dir, const char *out_pdf, const struct kesu_pdf_style *style,
		     const struct kesu_cert_signing *signing, time_t now,
		     struct kesu_batch_issued *res, char *err, size_t errsize)
{
	memset(res, 0, sizeof(*res));
	kesu_certificate_id(res->certificate_id);
	kesu_ledger_new_id(res->record_id);
	res->complete = kesu_batch_complete(b);
	size_t len = 0, plen = 0;
	char *record = kesu_batch_record(b, ctx, res->record_id, res->certificate_id, now, &len);
	if (!record)
		return Kesu_errorf(err, errsize, -EINVAL,
				   "the batch record cannot be made (a text that is not UTF-8?)");
	/* refused before anything is recorded: the payload is the record and a little more */
	int rc = len + 1024 > KESU_PDF_PAYLOAD_MAX ? too_large(len + 1024, b->n, err, errsize) : 0;
	char subject[48];
	snprintf(subject, sizeof(subject), "batch:%s", res->certificate_id);
	if (rc == 0)
		rc = kesu_ledger_append(l, subject, "batch-certificate", record, len, sk, res->record_id,
					&res->seq, res->record_hash, err, errsize);
	char *payload = rc == 0 ? kesu_batch_payload(record, res->seq, res->record_hash, now, &plen)
				: NULL;
	if (rc == 0 && !payload)
		rc = Kesu_errorf(err, errsize, -ENOMEM, "out of memory");
	if (rc == 0)
		rc = kesu_cert_issue_signed(payload, plen, sk, cert_dir, style, signing, res->pdf_path,
					    sizeof(res->pdf_path), err, errsize);
	if (rc == 0 && out_pdf && strcmp(out_pdf, res->pdf_path)) {
		rc = copy_out(res->pdf_path, out_pdf, err, errsize);
		if (rc == 0)
			snprintf(res->pdf_path, sizeof(res->pdf_path), "%s", out_pdf);
	}
	free(payload);
	free(record);
	return rc;
}
