/* The parts every kind of record shares (record.c): the wipe, the
 * secondary verification, the abandoned job, the destruction, the
 * hand-over. Each adds to a record object being built. */
#ifndef KESU_RECORD_INTERNAL_H
#define KESU_RECORD_INTERNAL_H

#include <json-c/json.h>
#include <time.h>

#include "kesu/device.h"
#include "kesu/record.h"

/* "media": the drive's identity (vendor, model, serial, size, ...) and
 * the asset number given for it ("" = null). */
struct json_object *Kesu_record_media_json(const struct kesu_device *d, const char *asset);
/* "host": the machine the drive is in (kesu/host.h), each member null
 * when unknown. */
struct json_object *Kesu_record_host_json(const struct kesu_host_identity *h);
/* operator, organisation, approver, witness, classification, purpose,
 * tool and station, from the context. */
void Kesu_record_add_people(struct json_object *doc, const struct kesu_job_context *ctx);
/* started/ended, UTC and local. */
void Kesu_record_add_times(struct json_object *doc, time_t started, time_t ended);

#endif
