/* kesu_register_write_pdf: the register (kesu/register.h) as a PDF, A4
 * landscape: title and what was asked, 1. anomalies first, 2. the summary
 * and the weekly chart, 3. the detail; page n / m on each page. The detail
 * as CSV is attached (the data travels inside the signed file), and with
 * signing the station signs it as it signs certificates: the PAdES
 * signature in its seal box on page 1 (named in kesu-render.json), its
 * Ed25519 public key attached. Written atomically, mode 0640. */
#include <errno.h>
#include <hpdf.h>
#include <hpdf_catalog.h>
#include <hpdf_doc.h>
#include <hpdf_namedict.h>
#include <hpdf_objects.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/cert.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "kesu/pdf.h"
#include "cert_internal.h"
#include "pdf_register.h"
#include "../../i18n.h"

/* The stations the rows name: "host", "a, b, c", "a, b, c ほか 2 / and 2 more". */
static void stations(struct regpdf *g)
{
	const struct kesu_register *r = g->r;
	const char *seen[3] = {0};
	size_t n = 0, more = 0, o = 0;
	for (size_t i = 0; i < r->n_rows; i++) {
		const char *s = r->rows[i].station;
		bool known = !s[0];
		for (size_t k = 0; k < n && !known; k++)
			known = !strcmp(seen[k], s);
		if (known)
			continue;
		if (n < 3)
			seen[n++] = s;
		else if (more < 1000)
			more++;
	}
	g->station[0] = '\0';
	for (size_t k = 0; k < n && o < sizeof(g->station); k++)
		o += (size_t)snprintf(g->station + o, sizeof(g->station) - o, "%s%s", k ? ", " : "", seen[k]);
	if (more && o < sizeof(g->station))
		snprintf(g->station + o, sizeof(g->station) - o, " ほか %zu / and %zu more", more, more);
	if (!n)
		snprintf(g->station, sizeof(g->station), "—");
	char clean[sizeof(g->station)];
	Kesu_regpdf_clean(clean, sizeof(clean), g->station);
	memcpy(g->station, clean, sizeof(clean));
}

static void describe(struct regpdf *g)
{
	HPDF_Doc doc = g->p.doc;
	char title[120];
	snprintf(title, sizeof(title), REG_TITLE_EN " %s - %s", g->r->since, g->r->until);
	HPDF_SetInfoAttr(doc, HPDF_INFO_PRODUCER, "kesu " KESU_VERSION " (libharu)");
	HPDF_SetInfoAttr(doc, HPDF_INFO_TITLE, title);
	HPDF_SetInfoAttr(doc, HPDF_INFO_SUBJECT, REG_TITLE_EN);
	struct tm tm;
	time_t t = g->r->built_at;
	if (gmtime_r(&t, &tm)) {
		HPDF_Date d = {tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
			       tm.tm_sec, 'Z', 0, 0};
		HPDF_SetInfoDateAttr(doc, HPDF_INFO_CREATION_DATE, d);
	}
}

/* The attachment just added says what it is (pdf_attach.c names only the
 * certificate's files). */
static void describe_csv(struct regpdf *g)
{
	HPDF_Doc doc = g->p.doc;
	HPDF_NameDict names = HPDF_Catalog_GetNames(doc->catalog);
	HPDF_NameTree tree = names ? HPDF_NameDict_GetNameTree(names, HPDF_NAME_EMBEDDED_FILES) : NULL;
	HPDF_Array list = tree ? HPDF_Dict_GetItem(tree, "Names", HPDF_OCLASS_ARRAY) : NULL;
	HPDF_Dict spec = list && list->list->count
				 ? HPDF_Array_GetItem(list, list->list->count - 1, HPDF_OCLASS_DICT)
				 : NULL;
	if (!spec)
		return;
	HPDF_Dict_Add(spec, "Desc",
		      HPDF_String_New(doc->mmgr, "the register's detail, every row (CSV, UTF-8)", NULL));
	HPDF_Dict ef = HPDF_Dict_GetItem(spec, "EF", HPDF_OCLASS_DICT);
	HPDF_Dict file = ef ? HPDF_Dict_GetItem(ef, "F", HPDF_OCLASS_DICT) : NULL;
	if (file)
		HPDF_Dict_AddName(file, "Subtype", "text/csv");
}

/* kesu-register.csv, kesu-render.json, kesu-station.pub: in byte order of
 * their names, as a name tree lists them. */
static int attach(struct regpdf *g, const struct kesu_cert_signing *signing, const char *font)
{
	char *csv = NULL, *info = NULL;
	size_t csv_len = 0, info_len = 0;
	int rc = kesu_register_csv(g->r, true, &csv, &csv_len);
	if (rc == 0)
		rc = Kesu_pdf_attach(&g->p, REG_CSV_NAME, csv, csv_len);
	if (rc == 0)
		describe_csv(g);
	if (rc == 0)
		info = Kesu_pdf_render_info(&g->p, font, &info_len);
	if (rc == 0 && !info)
		rc = -ENOMEM;
	if (rc == 0)
		rc = Kesu_pdf_attach(&g->p, KESU_PDF_RENDER_NAME, info, info_len);
	if (rc == 0 && signing && signing->station_pub)
		rc = Kesu_pdf_attach(&g->p, KESU_PDF_STATION_PUB_NAME, signing->station_pub,
				     signing->station_pub_len);
	free(csv);
	free(info);
	return rc;
}

static int render(struct regpdf *g, const struct kesu_cert_signing *signing, const char *font,
		  char *err, size_t errsize)
{
	describe(g);
	int rc = Kesu_pdf_font_load(&g->p, font, err, errsize);
	if (rc)
		return rc;
	stations(g);
	if (Kesu_regpdf_flag_init(g) || Kesu_regpdf_new_page(g))
		return -ENOMEM;
	Kesu_regpdf_header(g);
	Kesu_regpdf_anomalies(g);
	Kesu_regpdf_summary(g); /* its bar, the chart, then the tables */
	Kesu_regpdf_detail(g);
	Kesu_regpdf_footers(g);
	return attach(g, signing, font);
}

static int sign(const struct kesu_register *r, const struct kesu_cert_signing *s,
		const char *station, unsigned char **pdf, size_t *len, char *err, size_t errsize)
{
	char reason[400];
	snprintf(reason, sizeof(reason),
		 "端末 %s が台帳から作成した媒体廃棄記録簿（%s～%s）/ Media disposal register "
		 "(%s to %s) made from the ledger by station %s",
		 station, r->since, r->until, r->since, r->until, station);
	return Kesu_cert_station_sign(pdf, len, s, reason, false, err, errsize);
}

/* "PATH: cannot sign the register (N pages): why" */
static void sign_failed(const char *path, size_t pages, char *err, size_t errsize)
{
	char why[KESU_ERRMSG_MAX];
	snprintf(why, sizeof(why), "%s", err);
	snprintf(err, errsize, _("%s: cannot sign the register (%zu pages): %s"), path, pages, why);
}

static int make(struct regpdf *g, const struct kesu_cert_signing *signing, unsigned char **out,
		size_t *len, char *err, size_t errsize)
{
	const char *font = getenv("KESU_FONT");
	font = font && font[0] ? font : KESU_PDF_FONT_DEFAULT;
	g->p.accent = RGB_BLUE;
	g->p.era = true;
	snprintf(g->p.class_label, sizeof(g->p.class_label), "%s", KESU_PDF_CLASS_LABEL);
	g->p.doc = HPDF_New(Kesu_pdf_on_error, &g->p);
	if (!g->p.doc)
		return snprintf(err, errsize, _("out of memory")), -ENOMEM;
	HPDF_SetCompressionMode(g->p.doc, HPDF_COMP_ALL);
	int rc = render(g, signing, font, err, errsize);
	if (rc == 0 && g->p.error)
		rc = g->p.error == HPDF_FAILD_TO_ALLOC_MEM ? -ENOMEM : -EIO;
	if (rc == 0)
		rc = Kesu_pdf_save_to_memory(g->p.doc, out, len);
	if (rc && !err[0])
		snprintf(err, errsize, _("cannot render the register's PDF: %s (libharu error 0x%04x)"),
			 strerror(-rc), (unsigned)g->p.error);
	HPDF_Free(g->p.doc);
	return rc;
}

int kesu_register_write_pdf(const struct kesu_register *r, const struct kesu_cert_signing *signing,
			    const char *path, char *err, size_t errsize)
{
	char scratch[1];
	if (!err || !errsize)
		err = scratch, errsize = sizeof(scratch);
	err[0] = '\0';
	if (!r || !path) {
		snprintf(err, errsize, _("no register or path"));
		return -EINVAL;
	}
	if (signing && !signing->signer) {
		snprintf(err, errsize, _("%s: no X.509 signer to sign the register with"), path);
		return -EINVAL;
	}
	struct regpdf g = {.r = r};
	unsigned char *pdf = NULL;
	size_t len = 0;
	int rc = make(&g, signing, &pdf, &len, err, errsize);
	if (rc == 0 && signing) {
		rc = sign(r, signing, g.station, &pdf, &len, err, errsize);
		if (rc)
			sign_failed(path, g.npages, err, errsize);
	}
	if (rc == 0)
		rc = kesu_file_write_atomic(path, pdf, len, 0640, 0, err, errsize);
	else if (!strstr(err, path)) {
		char msg[KESU_ERRMSG_MAX];
		snprintf(msg, sizeof(msg), "%s: %s", path, err);
		snprintf(err, errsize, "%s", msg);
	}
	free(pdf);
	free(g.pages);
	free(g.widths);
	free(g.flagged);
	return rc;
}
