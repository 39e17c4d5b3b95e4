/* A pass's speed profile (speed_profile.h): sampled from the writer's
 * positions, bounded, and kept as integers for the record. */
#include <string.h>

#include "speed_profile.h"

void Kesu_speed_begin(struct kesu_speed_sampler *s, struct kesu_speed_profile *profile,
		      uint64_t size, size_t request, uint64_t start, uint64_t now_ns)
{
	memset(s, 0, sizeof(*s));
	s->profile = profile;
	if (!profile)
		return;
	/* 1/100 of the drive, but never less than a request: every point
	 * then spans at least one whole write */
	s->step = (size + KESU_PROFILE_STEPS - 1) / KESU_PROFILE_STEPS;
	if (s->step < request)
		s->step = request;
	if (s->step == 0)
		s->step = 1;
	s->next = (start / s->step + 1) * s->step;
	s->last_offset = start;
	s->last_ns = now_ns;
	if (profile->npoints == 0)
		profile->from = start; /* nothing known below where this run begins */
}

void Kesu_speed_sample(struct kesu_speed_sampler *s, uint64_t offset, uint64_t now_ns, bool force)
{
	if (!s->profile || offset <= s->last_offset || (!force && offset < s->next))
		return;
	uint64_t ns = now_ns > s->last_ns ? now_ns - s->last_ns : 1;
	double bps = (double)(offset - s->last_offset) * 1e9 / (double)ns;
	if (Kesu_speed_add(s->profile, offset, (uint64_t)(bps + 0.5)))
		s->step *= 2; /* merged: half as many points from here on */
	s->last_offset = offset;
	s->last_ns = now_ns;
	s->next = (offset / s->step + 1) * s->step;
}

/* Seconds a point's interval took: its bytes over its speed. */
static double interval_s(uint64_t from, const struct kesu_speed_point *pt)
{
	return pt->bytes_per_second ? (double)(pt->offset - from) / (double)pt->bytes_per_second : 0;
}

/* Halves the points: each pair becomes one at the later position with
 * the pair's bytes over the pair's time. */
static void merge_pairs(struct kesu_speed_profile *p)
{
	unsigned n = 0;
	uint64_t before = p->from;
	for (unsigned i = 0; i + 1 < p->npoints; i += 2) {
		const struct kesu_speed_point *a = &p->points[i], *b = &p->points[i + 1];
		double t = interval_s(before, a) + interval_s(a->offset, b);
		uint64_t bytes = b->offset - before;
		uint64_t bps = t > 0 ? (uint64_t)((double)bytes / t + 0.5) : 0;
		before = b->offset;
		p->points[n++] = (struct kesu_speed_point){b->offset, bps};
	}
	if (p->npoints % 2)
		p->points[n++] = p->points[p->npoints - 1];
	p->npoints = n;
}

bool Kesu_speed_add(struct kesu_speed_profile *p, uint64_t offset, uint64_t bytes_per_second)
{
	if (offset <= p->from || (p->npoints && offset <= p->points[p->npoints - 1].offset))
		return false;
	bool merged = p->npoints == KESU_PROFILE_POINTS_MAX;
	if (merged)
		merge_pairs(p);
	p->points[p->npoints++] = (struct kesu_speed_point){offset, bytes_per_second};
	return merged;
}

struct json_object *Kesu_speed_json(const struct kesu_speed_profile *p)
{
	struct json_object *a = json_object_new_array();
	for (unsigned i = 0; i < p->npoints && i < KESU_PROFILE_POINTS_MAX; i++) {
		struct json_object *pair = json_object_new_array();
		json_object_array_add(pair, json_object_new_int64((int64_t)p->points[i].offset));
		json_object_array_add(pair, json_object_new_int64((int64_t)p->points[i].bytes_per_second));
		json_object_array_add(a, pair);
	}
	return a;
}

static bool get_u64(struct json_object *v, uint64_t *out)
{
	if (!json_object_is_type(v, json_type_int) || json_object_get_int64(v) < 0)
		return false;
	*out = (uint64_t)json_object_get_int64(v);
	return true;
}

bool Kesu_speed_parse(struct json_object *a, uint64_t size, struct kesu_speed_profile *p)
{
	p->npoints = 0;
	if (!json_object_is_type(a, json_type_array) ||
	    json_object_array_length(a) > KESU_PROFILE_POINTS_MAX)
		return false;
	uint64_t last = p->from;
	for (size_t i = 0; i < json_object_array_length(a); i++) {
		struct json_object *pair = json_object_array_get_idx(a, i);
		uint64_t offset, bps;
		if (!json_object_is_type(pair, json_type_array) || json_object_array_length(pair) != 2 ||
		    !get_u64(json_object_array_get_idx(pair, 0), &offset) ||
		    !get_u64(json_object_array_get_idx(pair, 1), &bps) || offset <= last || offset > size) {
			p->npoints = 0;
			return false;
		}
		p->points[p->npoints++] = (struct kesu_speed_point){offset, bps};
		last = offset;
	}
	return true;
}
