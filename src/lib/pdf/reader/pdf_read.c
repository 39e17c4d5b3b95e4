/* kesu_pdf_read_payload: the attachments kesu-payload.json and
 * kesu-payload.json.sig, found from the trailer through the catalog's
 * EmbeddedFiles name tree by their /UF (else /F) names. A file that is
 * truncated, damaged or not kesu's gives -KESU_EPARSE and a reason. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/pdf.h"
#include "pdf_parse.h"
#include "../../i18n.h"

#define TREE_DEPTH_MAX 10
#define TREE_NODES_MAX 256
#define TREE_NAMES_MAX 4096 /* and names in it (kesu's tree has two) */

struct wanted {
	const char *name;
	size_t max;
	struct pv spec; /* its file specification */
	unsigned count;
};

static const unsigned char *last_of(const unsigned char *buf, size_t len, size_t window,
				    const char *needle)
{
	size_t n = strlen(needle), stop = len > window ? len - window : 0;
	for (size_t i = len >= n ? len - n + 1 : 0; i-- > stop;)
		if (memcmp(buf + i, needle, n) == 0)
			return buf + i;
	return NULL;
}

int Kesu_pdf_find_trailer(struct pdf_reader *r, struct pv *trailer, size_t *xref_off)
{
	const unsigned char *sx = last_of(r->buf, r->len, 4096, "startxref");
	if (!sx)
		return Kesu_pdf_fail(r, _("no startxref: the PDF is damaged"));
	size_t i = (size_t)(sx - r->buf) + 9, off = 0;
	while (i < r->len && strchr(" \t\r\n", r->buf[i]))
		i++;
	size_t digits = 0;
	for (; i < r->len && r->buf[i] >= '0' && r->buf[i] <= '9' && digits < 12; i++, digits++)
		off = off * 10 + (size_t)(r->buf[i] - '0');
	if (digits == 0 || off >= r->len)
		return Kesu_pdf_fail(r, _("startxref points outside the file: the PDF is damaged"));
	if (xref_off)
		*xref_off = off;
	if (r->len - off >= 4 && memcmp(r->buf + off, "xref", 4) == 0) {
		const unsigned char *t = memmem(r->buf + off, r->len - off, "trailer", 7);
		if (!t || Kesu_pdf_parse_at(r, (size_t)(t - r->buf) + 7, trailer) || trailer->type != PV_DICT)
			return Kesu_pdf_fail(r, _("no trailer: the PDF is damaged"));
		return 0;
	}
	struct pdf_obj xref;
	if (Kesu_pdf_load_at(r, off, &xref) || !Kesu_pdf_is_name(Kesu_pdf_dict_get(&xref.v, "Type"), "XRef"))
		return Kesu_pdf_fail(r, _("startxref does not lead to a cross-reference section"));
	*trailer = xref.v;
	return 0;
}

/* The file name of a specification: /UF, else /F, else the tree's key;
 * UTF-16BE text strings are reduced to their ASCII characters. */
static void spec_name(const struct pv *spec, const struct pv *key, char *out, size_t size)
{
	const struct pv *s = Kesu_pdf_dict_get(spec, "UF");
	if (!s || s->type != PV_STRING)
		s = Kesu_pdf_dict_get(spec, "F");
	if (!s || s->type != PV_STRING)
		s = key;
	size_t o = 0;
	if (s->n >= 2 && s->u.s[0] == 0xfe && s->u.s[1] == 0xff) {
		for (size_t i = 2; i + 1 < s->n && o + 1 < size; i += 2)
			out[o++] = s->u.s[i] == 0 && s->u.s[i + 1] < 0x80 ? (char)s->u.s[i + 1] : '?';
	} else {
		for (size_t i = 0; i < s->n && o + 1 < size; i++)
			out[o++] = s->u.s[i] ? (char)s->u.s[i] : '?';
	}
	out[o] = '\0';
}

static int walk(struct pdf_reader *r, const struct pv *ref, int depth, unsigned *nodes,
		struct wanted *want, size_t nwant)
{
	struct pv node, names, kids;
	if (depth > TREE_DEPTH_MAX || ++*nodes > TREE_NODES_MAX + TREE_NAMES_MAX)
		return Kesu_pdf_fail(r, _("the attachment name tree is too deep or too large"));
	int rc = Kesu_pdf_resolve(r, ref, &node);
	if (rc)
		return rc;
	if (node.type != PV_DICT)
		return Kesu_pdf_fail(r, _("the attachment name tree is damaged"));
	const struct pv *v = Kesu_pdf_dict_get(&node, "Names");
	if (v && (rc = Kesu_pdf_resolve(r, v, &names)) == 0 && names.type == PV_ARRAY) {
		for (size_t i = 0; i + 1 < names.n; i += 2) {
			struct pv spec;
			if (++*nodes > TREE_NODES_MAX + TREE_NAMES_MAX)
				return Kesu_pdf_fail(r, _("the attachment name tree is too large"));
			const struct pv *key = &names.u.items[i];
			if (key->type != PV_STRING)
				return Kesu_pdf_fail(r, _("the attachment name tree is damaged"));
			if ((rc = Kesu_pdf_resolve(r, &names.u.items[i + 1], &spec)) != 0)
				return rc;
			if (spec.type != PV_DICT)
				return Kesu_pdf_fail(r, _("the attachment name tree is damaged"));
			char name[256];
			spec_name(&spec, key, name, sizeof(name));
			for (size_t w = 0; w < nwant; w++)
				if (strcmp(name, want[w].name) == 0 && want[w].count++ == 0)
					want[w].spec = spec;
		}
	}
	if (rc)
		return rc;
	v = Kesu_pdf_dict_get(&node, "Kids");
	if (v && (rc = Kesu_pdf_resolve(r, v, &kids)) == 0 && kids.type == PV_ARRAY)
		for (size_t i = 0; i < kids.n && rc == 0; i++)
			rc = walk(r, &kids.u.items[i], depth + 1, nodes, want, nwant);
	return rc;
}

/* The embedded file of a specification, decoded and size-checked. */
static int extract(struct pdf_reader *r, const struct wanted *w, char **data, size_t *len)
{
	struct pv ef, params, size;
	struct pdf_obj file;
	const struct pv *v = Kesu_pdf_dict_get(&w->spec, "EF");
	int rc = v ? Kesu_pdf_resolve(r, v, &ef) : Kesu_pdf_fail(r, _("no /EF"));
	if (rc == 0) {
		v = Kesu_pdf_dict_get(&ef, "F");
		if (!v)
			v = Kesu_pdf_dict_get(&ef, "UF");
		rc = v && v->type == PV_REF ? Kesu_pdf_load(r, v->u.ref.num, &file)
					    : Kesu_pdf_fail(r, _("no embedded file stream"));
	}
	if (rc == 0)
		rc = Kesu_pdf_stream_data(r, &file, w->max, (unsigned char **)data, len);
	if (rc == -KESU_EPARSE) {
		char why[KESU_ERRMSG_MAX];
		snprintf(why, sizeof(why), "%s", r->err ? r->err : "");
		return Kesu_pdf_fail(r, _("%s: attachment %s"), w->name, why);
	}
	if (rc)
		return rc;
	v = Kesu_pdf_dict_get(&file.v, "Params");
	if (v && Kesu_pdf_resolve(r, v, &params) == 0 && (v = Kesu_pdf_dict_get(&params, "Size")) &&
	    Kesu_pdf_resolve(r, v, &size) == 0 && size.type == PV_INT && (size_t)size.u.i != *len) {
		free(*data);
		*data = NULL;
		return Kesu_pdf_fail(r, _("%s: attachment is damaged (%zu bytes, /Size says %lld)"), w->name,
				*len, size.u.i);
	}
	return 0;
}

/* Finds the wanted attachments' specifications; a missing one is
 * -ENOENT when absent_ok, else -KESU_EPARSE naming it. */
static int find_attachments(struct pdf_reader *r, struct wanted *want, size_t nwant,
			    bool absent_ok);

static int read_attachments(struct pdf_reader *r, struct wanted *want, size_t nwant)
{
	return find_attachments(r, want, nwant, false);
}

static int find_attachments(struct pdf_reader *r, struct wanted *want, size_t nwant,
			    bool absent_ok)
{
	struct pv trailer, root, names, tree;
	int rc = Kesu_pdf_find_trailer(r, &trailer, NULL);
	if (rc)
		return rc;
	const struct pv *v = Kesu_pdf_dict_get(&trailer, "Root");
	if (!v || Kesu_pdf_resolve(r, v, &root) || root.type != PV_DICT)
		return Kesu_pdf_fail(r, _("no document catalog: the PDF is damaged"));
	v = Kesu_pdf_dict_get(&root, "Names");
	if (v && (rc = Kesu_pdf_resolve(r, v, &names)) != 0)
		return rc;
	v = v ? Kesu_pdf_dict_get(&names, "EmbeddedFiles") : NULL;
	if (!v && absent_ok)
		return -ENOENT;
	if (!v)
		return Kesu_pdf_fail(r, _("no %s attachment (the PDF has no attachments)"), want[0].name);
	unsigned nodes = 0;
	if ((rc = Kesu_pdf_resolve(r, v, &tree)) != 0 || (rc = walk(r, &tree, 0, &nodes, want, nwant)))
		return rc;
	for (size_t w = 0; w < nwant; w++) {
		if (want[w].count == 0 && absent_ok)
			return -ENOENT;
		if (want[w].count == 0)
			return Kesu_pdf_fail(r, _("no %s attachment"), want[w].name);
		if (want[w].count > 1)
			return Kesu_pdf_fail(r, _("%u attachments named %s"), want[w].count, want[w].name);
	}
	return 0;
}

int Kesu_pdf_read_memory(const unsigned char *buf, size_t len, char **payload, size_t *payload_len,
		    char **sig, size_t *sig_len, char *err, size_t errsize)
{
	struct pdf_reader r;
	struct wanted want[] = {{KESU_PDF_PAYLOAD_NAME, KESU_PDF_PAYLOAD_MAX, {0}, 0},
				{KESU_PDF_SIG_NAME, KESU_PDF_SIG_MAX, {0}, 0}};
	*payload = *sig = NULL;
	*payload_len = *sig_len = 0;
	if (len < 16 || !memmem(buf, len < 1024 ? len : 1024, "%PDF-", 5)) {
		snprintf(err, errsize, _("not a PDF file"));
		return -KESU_EPARSE;
	}
	if (!last_of(buf, len, 1024, "%%EOF")) {
		snprintf(err, errsize, _("the PDF is truncated (no %%%%EOF at its end)"));
		return -KESU_EPARSE;
	}
	int rc = Kesu_pdf_reader_open(&r, buf, len, err, errsize);
	if (rc == 0)
		rc = read_attachments(&r, want, 2);
	if (rc == 0)
		rc = extract(&r, &want[0], payload, payload_len);
	if (rc == 0)
		rc = extract(&r, &want[1], sig, sig_len);
	Kesu_pdf_reader_close(&r);
	if (rc) {
		free(*payload);
		free(*sig);
		*payload = *sig = NULL;
		*payload_len = *sig_len = 0;
		if (rc == -ENOMEM)
			snprintf(err, errsize, _("out of memory"));
	}
	return rc;
}

int kesu_pdf_read_payload(const char *path, char **payload, size_t *payload_len, char **sig,
			  size_t *sig_len, char *err, size_t errsize)
{
	char scratch[1];
	if (!err || !errsize)
		err = scratch, errsize = sizeof(scratch);
	*payload = *sig = NULL;
	*payload_len = *sig_len = 0;
	char *buf;
	size_t len;
	int rc = kesu_file_read_bounded(path, KESU_PDF_FILE_MAX, 0, &buf, &len, err, errsize);
	if (rc == 0)
		rc = Kesu_pdf_read_memory((const unsigned char *)buf, len, payload, payload_len, sig, sig_len,
				     err, errsize);
	free(buf);
	return rc;
}

int kesu_pdf_read_attachment(const unsigned char *pdf, size_t len, const char *name, size_t max,
			     char **data, size_t *data_len, char *err, size_t errsize)
{
	struct pdf_reader r;
	struct wanted want = {name, max, {0}, 0};
	*data = NULL;
	*data_len = 0;
	int rc = Kesu_pdf_reader_open(&r, pdf, len, err, errsize);
	if (rc == 0)
		rc = find_attachments(&r, &want, 1, true);
	if (rc == 0)
		rc = extract(&r, &want, data, data_len);
	Kesu_pdf_reader_close(&r);
	if (rc == -ENOMEM)
		snprintf(err, errsize, _("out of memory"));
	else if (rc == -ENOENT)
		snprintf(err, errsize, _("no %s attachment"), name);
	return rc;
}
