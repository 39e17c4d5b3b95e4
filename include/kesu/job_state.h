/* What a wipe job keeps in its ledger row so that a killed job can be
 * continued truthfully: the plan, fixed before the first byte, and the
 * state, which every checkpoint rewrites: each pass's result (bytes, time,
 * the sectors that could not be written, its verification) up to the
 * durable position. docs/ledger.md describes both formats. */
#ifndef KESU_JOB_STATE_H
#define KESU_JOB_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "kesu/job.h"

/* The plan as JSON text (malloc'd; NULL when out of memory): the method
 * by id and file hash (so a changed definition is noticed), the resolved
 * verification settings, the request size, the random bytes and every
 * pass's seed. It holds the seeds: keep it where the ledger is. */
char *kesu_job_plan_json(const struct kesu_job_result *r, const struct kesu_job_plan *plan);

/* Parses a plan written for method. Returns 0 and fills plan and the
 * verification settings and request size of opts; 1 when the plan is for
 * another method or another version of its file (other_id receives the
 * id it names); -KESU_EPARSE when it is damaged. */
int kesu_job_plan_parse(const char *text, const struct kesu_method *method,
			struct kesu_job_plan *plan, struct kesu_job_options *opts, char *other_id,
			size_t other_size);

/* The state of a job whose passes before `pass` are complete and whose
 * pass `pass` is durable below `offset`, as JSON text (malloc'd). current
 * stands for pass `pass` as it is now (its bad sectors so far), or NULL
 * to take r->passes[pass - 1] as it is. */
char *kesu_job_state_json(const struct kesu_job_result *r, time_t first_started, unsigned pass,
			  uint64_t offset, const struct kesu_pass_result *current);

/* Parses a state into r (whose npasses and passes[].number are set):
 * every pass it names gets its bytes, time, bad sectors, completion and
 * verification back. Returns 0, or -KESU_EPARSE (nothing is changed
 * then). The caller frees the lists with the job. */
int kesu_job_state_parse(const char *text, struct kesu_job_result *r, time_t *first_started,
			 unsigned *pass, uint64_t *offset);
#endif
