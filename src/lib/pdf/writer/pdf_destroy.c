/* STUB (issue 16, being written): the destruction document's page. */
#include "pdf_internal.h"

void Kesu_pdf_render_destruction(struct pdf *p)
{
	Kesu_pdf_new_page(p);
}
