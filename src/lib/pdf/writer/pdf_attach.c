/* The attachments kesu-payload.json and kesu-payload.json.sig, built from
 * memory with libharu's object layer. HPDF_AttachFile would do it from a
 * file, but it names the attachment by the whole path it was given (a temp
 * directory's random name would end up in the PDF, and the bytes would
 * differ run to run) and reads the file only when the document is saved.
 * This is the same layout with the right names: a name tree entry, a
 * /Filespec with /F and /UF, and a compressed /EmbeddedFile stream whose
 * /Params /Size the reader checks. */
#include <errno.h>
#include <hpdf.h>
#include <hpdf_catalog.h>
#include <hpdf_doc.h>
#include <hpdf_namedict.h>
#include <hpdf_objects.h>
#include <hpdf_streams.h>
#include <string.h>

#include "kesu/pdf.h"
#include "pdf_internal.h"

static HPDF_NameTree embedded_files(HPDF_Doc doc)
{
	HPDF_NameDict names = HPDF_Catalog_GetNames(doc->catalog);
	if (!names) {
		names = HPDF_NameDict_New(doc->mmgr, doc->xref);
		if (!names || HPDF_Catalog_SetNames(doc->catalog, names) != HPDF_OK)
			return NULL;
	}
	HPDF_NameTree tree = HPDF_NameDict_GetNameTree(names, HPDF_NAME_EMBEDDED_FILES);
	if (!tree) {
		tree = HPDF_NameTree_New(doc->mmgr, doc->xref);
		if (!tree ||
		    HPDF_NameDict_SetNameTree(names, HPDF_NAME_EMBEDDED_FILES, tree) != HPDF_OK)
			return NULL;
	}
	return tree;
}

static const char *description(const char *name)
{
	if (!strcmp(name, KESU_PDF_PAYLOAD_NAME))
		return "kesu certificate payload (canonical JSON)";
	if (!strcmp(name, KESU_PDF_SIG_NAME))
		return "Ed25519 signature of kesu-payload.json (signify)";
	if (!strcmp(name, KESU_PDF_RENDER_NAME))
		return "what the page was rendered with, to render it again (JSON)";
	if (!strncmp(name, "photo-", 6)) /* kesu/destroy.h */
		return "photograph of the destruction; its SHA-256 is in the signed payload";
	return "the station's Ed25519 public key (signify)";
}

int Kesu_pdf_attach(struct pdf *p, const char *name, const char *data, size_t len)
{
	HPDF_Doc doc = p->doc;
	HPDF_MMgr mm = doc->mmgr;
	bool json = strstr(name, ".json") && !strstr(name, ".sig");
	const char *ext = strrchr(name, '.'), *subtype = json ? "application/json" : "text/plain";
	if (ext && !strcmp(ext, ".jpg"))
		subtype = "image/jpeg";
	else if (ext && !strcmp(ext, ".png"))
		subtype = "image/png";
	HPDF_NameTree tree = embedded_files(doc);
	HPDF_Dict spec = HPDF_Dict_New(mm);
	if (!tree || !spec || HPDF_Xref_Add(doc->xref, spec) != HPDF_OK)
		return -ENOMEM;
	HPDF_Dict file = HPDF_DictStream_New(mm, doc->xref);
	HPDF_Dict params = HPDF_Dict_New(mm);
	HPDF_Dict ef = HPDF_Dict_New(mm);
	if (!file || !params || !ef)
		return -ENOMEM;
	file->filter = HPDF_STREAM_FILTER_FLATE_DECODE;
	HPDF_STATUS st = HPDF_Stream_Write(file->stream, (const HPDF_BYTE *)data, (HPDF_UINT)len);
	st += HPDF_Dict_AddName(file, "Type", "EmbeddedFile");
	st += HPDF_Dict_AddName(file, "Subtype", subtype);
	st += HPDF_Dict_AddNumber(params, "Size", (HPDF_INT32)len);
	st += HPDF_Dict_Add(file, "Params", params);
	st += HPDF_Dict_AddName(spec, "Type", "Filespec");
	st += HPDF_Dict_Add(spec, "F", HPDF_String_New(mm, name, NULL));
	st += HPDF_Dict_Add(spec, "UF", HPDF_String_New(mm, name, NULL));
	st += HPDF_Dict_Add(spec, "Desc", HPDF_String_New(mm, description(name), NULL));
	st += HPDF_Dict_Add(ef, "F", file);
	st += HPDF_Dict_Add(spec, "EF", ef);
	/* appended, not HPDF_NameTree_Add: that sorts by length first and
	 * loses the value of a name it inserts before others. Callers attach
	 * in byte order, as a name tree must be. */
	HPDF_Array names = HPDF_Dict_GetItem(tree, "Names", HPDF_OCLASS_ARRAY);
	st += names ? HPDF_Array_Add(names, HPDF_String_New(mm, name, NULL)) : HPDF_FAILD_TO_ALLOC_MEM;
	st += names ? HPDF_Array_Add(names, spec) : HPDF_FAILD_TO_ALLOC_MEM;
	return st == HPDF_OK ? 0 : -ENOMEM;
}
