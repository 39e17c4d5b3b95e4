/* STUB (issue 16, being written): the batch document's page. */
#include "pdf_internal.h"

void Kesu_pdf_render_batch(struct pdf *p)
{
	Kesu_pdf_new_page(p);
}
