/* STUB (issue 16, being written): the destruction payload's own members. */
#include <stdlib.h>

#include "pdf_internal.h"
#include "pdf_payload_read.h"

int Kesu_cert_read_destruction(struct pj_reader *r, json_object *root, struct cert *c)
{
	(void)root;
	(void)c;
	return Kesu_pj_fail(r, "document kind not supported yet");
}

void Kesu_cert_destruction_free(struct cert_destruction *d)
{
	free(d);
}
