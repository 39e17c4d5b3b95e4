/* A wipe job on a simulated drive (sim_target.h), for the unit tests: one
 * built-in method by id. Header-only, like sim_target.h. */
#ifndef KESU_SIM_JOB_H
#define KESU_SIM_JOB_H
#include <criterion/criterion.h>
#include <string.h>

#include "kesu/job.h"
#include "sim_target.h"

/* Returns the job, or NULL with *rc set when kesu_job_new_target refuses. */
static struct kesu_job *sim_job_new(struct sim_drive *d, const char *id,
				    const struct kesu_job_options *o, int *rc)
{
	struct kesu_device dev;
	memset(&dev, 0, sizeof(dev));
	strcpy(dev.path, "/dev/sim");
	dev.size = d->size;
	dev.logical_sector = d->sector;
	struct kesu_target t = sim_target(d);
	struct kesu_method_set *set;
	char err[256];
	cr_assert_eq(kesu_method_set_load(&set, NULL, err, sizeof(err)), 0, "%s", err);
	const struct kesu_method *m = kesu_method_set_find(set, id);
	cr_assert_not_null(m, "%s", id);
	struct kesu_job *job = NULL;
	*rc = kesu_job_new_target(&dev, &t, m, o, &job);
	kesu_method_set_free(set); /* the job keeps its own copy */
	return *rc == 0 ? job : NULL;
}
#endif
