/* The job summary of a multi-drive `kesu wipe A B ...`: a batch
 * certificate over exactly the jobs of this run (selection "wipe_run"),
 * listing each drive with its certificate or failure report, written
 * into the certificate directory beside them. A job left open (stopped)
 * has no finished record and is listed as missing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "kesu/batch.h"
#include "kesu/wipe.h"

int cli_wipe_summary(struct cli_station *st, const struct kesu_cert_signing *signing,
		     struct kesu_wipe *const *wipes, size_t n, size_t stride, struct json_object *json)
{
	struct kesu_batch_expected *jobs = calloc(n ? n : 1, sizeof(*jobs));
	size_t count = 0;
	if (!jobs)
		return KESU_EXIT_FAILURE;
	for (size_t i = 0; i < n; i++) {
		struct kesu_wipe *w = *(struct kesu_wipe *const *)((const char *)wipes + i * stride);
		const struct kesu_wipe_status *s = w ? kesu_wipe_status(w) : NULL;
		if (!s || !s->job_id[0])
			continue; /* never begun: nothing of it is in the ledger */
		struct kesu_job *job = kesu_wipe_job(w);
		struct kesu_batch_expected *e = &jobs[count++];
		snprintf(e->job_id, sizeof(e->job_id), "%s", s->job_id);
		if (!job)
			continue;
		const struct kesu_device *d = &kesu_job_result(job)->device;
		snprintf(e->serial, sizeof(e->serial), "%s", d->serial);
		snprintf(e->model, sizeof(e->model), "%s", d->model);
		e->size = d->size;
	}
	int code = KESU_EXIT_OK;
	struct json_object *summary = NULL;
	if (count > 1) {
		struct kesu_batch_selection sel = {.by = KESU_BATCH_BY_WIPE_RUN, .expected = jobs,
						   .n_expected = count};
		struct kesu_batch_issued res = {0};
		code = cli_batch_issue(st, &sel, NULL, signing, json != NULL, &res);
		if (res.pdf_path[0]) { /* named in the JSON: issue 16's follow-up */
			summary = json_object_new_object();
			json_object_object_add(summary, "certificate", json_object_new_string(res.pdf_path));
			json_object_object_add(summary, "certificate_id",
					       json_object_new_string(res.certificate_id));
			json_object_object_add(summary, "complete", json_object_new_boolean(res.complete));
		}
		/* the drives' own statuses say how each ended; only a summary that
		 * could not be written is a failure of its own */
		if (code == KESU_EXIT_NOT_CERTIFICATE)
			code = KESU_EXIT_OK;
	}
	if (json)
		json_object_object_add(json, "job_summary", summary);
	else
		json_object_put(summary);
	free(jobs);
	return code == KESU_EXIT_OK ? code : KESU_EXIT_FAILURE;
}
