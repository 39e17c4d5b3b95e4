/* Sampling a pass's speed over the drive (struct kesu_speed_profile,
 * kesu/job.h) from the positions the writer reaches, and the profile as
 * JSON: [[offset, bytes_per_second], ...], integers only. The writer
 * already reads the monotonic clock after every request; the sampler takes
 * that reading, so sampling adds no system call. */
#ifndef KESU_SPEED_PROFILE_H
#define KESU_SPEED_PROFILE_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kesu/job.h"

#define KESU_PROFILE_STEPS 100 /* a point per 1/100 of the drive */

struct kesu_speed_sampler {
	struct kesu_speed_profile *profile; /* NULL: nothing is sampled */
	uint64_t step;        /* bytes between points */
	uint64_t next;        /* the next point at or past this position */
	uint64_t last_offset; /* where the interval being measured began ... */
	uint64_t last_ns;     /* ... and when (kesu_monotonic_ns) */
};

/* Starts sampling a run of a pass that begins at start (0, or where a
 * resumed run goes on) at now_ns. A profile without points begins at
 * start (its from); one with an earlier run's points keeps them. */
void Kesu_speed_begin(struct kesu_speed_sampler *s, struct kesu_speed_profile *profile,
		      uint64_t size, size_t request, uint64_t start, uint64_t now_ns);

/* The writer reached offset at now_ns: a point when it crossed the next
 * step. force: a point whenever it moved at all (the end of the run). */
void Kesu_speed_sample(struct kesu_speed_sampler *s, uint64_t offset, uint64_t now_ns, bool force);

/* Appends a point (positions only increase: one at or below the last is
 * dropped). A full profile first merges neighbours pairwise, keeping
 * each merged point's true average speed; returns true when it did. */
bool Kesu_speed_add(struct kesu_speed_profile *p, uint64_t offset, uint64_t bytes_per_second);

/* [[offset, bytes_per_second], ...] */
struct json_object *Kesu_speed_json(const struct kesu_speed_profile *p);

/* Parses such an array strictly into p (from is left as it is): at most
 * KESU_PROFILE_POINTS_MAX pairs of non-negative integers, positions
 * increasing, above p->from and within size. false leaves p empty. */
bool Kesu_speed_parse(struct json_object *a, uint64_t size, struct kesu_speed_profile *p);
#endif
