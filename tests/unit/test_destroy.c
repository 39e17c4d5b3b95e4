/* kesu destroy's library (destroy_*.c): the techniques and the level each
 * reaches per medium, the photograph checks, the record and its payload. */
#include <criterion/criterion.h>
#include <json-c/json.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "kesu/destroy.h"
#include "kesu/error.h"
#include "kesu/pdf.h"

Test(destroy, every_technique_has_a_name_and_parses_back)
{
	const char *names[] = {"drill", "crush", "shred", "disintegrate", "incinerate", "degauss"};
	for (size_t i = 0; i < 6; i++) {
		enum kesu_destroy_technique t = kesu_destroy_technique_parse(names[i]);
		cr_assert_neq(t, 0, "%s", names[i]);
		cr_assert_str_eq(kesu_destroy_technique_name(t), names[i]);
	}
	cr_assert_eq(kesu_destroy_technique_parse("hammer"), 0);
	cr_assert_eq(kesu_destroy_technique_parse(NULL), 0);
}

static const char *level(enum kesu_destroy_technique t, const char *media, int *rc)
{
	static struct kesu_destroy_level l;
	static char err[256]; /* returned: outlives the call */
	err[0] = '\0';
	*rc = kesu_destroy_level_of(t, media, &l, err, sizeof(err));
	return *rc ? err : l.level;
}

Test(destroy, the_levels_are_nist_sp_800_88s)
{
	int rc;
	cr_assert_str_eq(level(KESU_DESTROY_SHRED, "HDD", &rc), "destroy");
	cr_assert_str_eq(level(KESU_DESTROY_INCINERATE, "SSD", &rc), "destroy");
	cr_assert_str_eq(level(KESU_DESTROY_DISINTEGRATE, "tape", &rc), "destroy");
	cr_assert_str_eq(level(KESU_DESTROY_DEGAUSS, "HDD", &rc), "purge");
	cr_assert_str_eq(level(KESU_DESTROY_DEGAUSS, "unknown", &rc), "none");
	/* drilling damages, it does not destroy in NIST's sense */
	cr_assert_str_eq(level(KESU_DESTROY_DRILL, "HDD", &rc), "none");
	cr_assert_str_eq(level(KESU_DESTROY_CRUSH, "SSD", &rc), "none");
	struct kesu_destroy_level l;
	char err[256];
	cr_assert_eq(kesu_destroy_level_of(KESU_DESTROY_DRILL, "HDD", &l, err, sizeof(err)), 0);
	cr_assert(strstr(l.caveat_ja, "注11") && strstr(l.caveat_en, "not NIST SP 800-88 Destroy"));
	cr_assert_eq(kesu_destroy_level_of(KESU_DESTROY_SHRED, "SSD", &l, err, sizeof(err)), 0);
	cr_assert(strstr(l.caveat_en, "every memory chip"));
	/* a medium of unknown type may be flash: the chips' caveat holds */
	cr_assert_eq(kesu_destroy_level_of(KESU_DESTROY_SHRED, "unknown", &l, err, sizeof(err)), 0);
	cr_assert(strstr(l.caveat_en, "if it is flash") && strstr(l.caveat_ja, "フラッシュメモリの場合"));
	cr_assert_eq(kesu_destroy_level_of(KESU_DESTROY_SHRED, "HDD", &l, err, sizeof(err)), 0);
	cr_assert_str_eq(l.caveat_en, "");
	/* degaussing does nothing to flash or optical media: refused */
	cr_assert_eq(kesu_destroy_level_of(KESU_DESTROY_DEGAUSS, "SSD", &l, err, sizeof(err)),
		     -KESU_EREFUSED);
	cr_assert(strstr(err, "flash"));
	cr_assert_eq(kesu_destroy_level_of(KESU_DESTROY_DEGAUSS, "optical", &l, err, sizeof(err)),
		     -KESU_EREFUSED);
	cr_assert_str_eq(kesu_destroy_media_type("hdd"), "HDD");
	cr_assert_null(kesu_destroy_media_type("floppy"));
}

/* A PNG of w x h grey pixels. */
static unsigned char *png(unsigned w, unsigned h, size_t *len)
{
	size_t raw_len = (size_t)(w + 1) * h;
	unsigned char *raw = calloc(1, raw_len), *out = malloc(raw_len + 1024);
	uLongf zlen = (uLongf)(raw_len + 512);
	size_t o = 0;
	compress(out + 41, &zlen, raw, raw_len);
	free(raw);
	static const unsigned char magic[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	memcpy(out, magic, 8);
	o = 8;
	unsigned char ihdr[17] = {'I', 'H', 'D', 'R', w >> 24, w >> 16, w >> 8, w, h >> 24, h >> 16,
				  h >> 8, h, 8, 0, 0, 0, 0};
	out[o++] = 0, out[o++] = 0, out[o++] = 0, out[o++] = 13;
	memcpy(out + o, ihdr, 17);
	uLong crc = crc32(0, ihdr, 17);
	o += 17;
	out[o++] = crc >> 24, out[o++] = crc >> 16, out[o++] = crc >> 8, out[o++] = crc;
	/* IDAT: its data was compressed in place at 41 */
	unsigned char *idat = out + o;
	memmove(idat + 8, out + 41, zlen);
	idat[0] = zlen >> 24, idat[1] = zlen >> 16, idat[2] = zlen >> 8, idat[3] = zlen;
	memcpy(idat + 4, "IDAT", 4);
	crc = crc32(0, idat + 4, 4 + zlen);
	o += 8 + zlen;
	out[o++] = crc >> 24, out[o++] = crc >> 16, out[o++] = crc >> 8, out[o++] = crc;
	static const unsigned char iend[12] = {0, 0, 0, 0, 'I', 'E', 'N', 'D', 0xae, 0x42, 0x60, 0x82};
	memcpy(out + o, iend, 12);
	*len = o + 12;
	return out;
}

Test(destroy, photos_are_jpeg_or_png_that_load)
{
	char type[8], err[256];
	size_t len;
	unsigned char *p = png(16, 8, &len);
	cr_assert_eq(kesu_destroy_photo_check("p.png", p, len, type, err, sizeof(err)), 0, "%s", err);
	cr_assert_str_eq(type, "png");
	p[30] ^= 0xff; /* damaged IDAT */
	cr_assert_eq(kesu_destroy_photo_check("p.png", p, len, type, err, sizeof(err)), -KESU_EPARSE);
	free(p);
	const unsigned char text[] = "not an image at all";
	cr_assert_eq(kesu_destroy_photo_check("t.txt", text, sizeof(text), type, err, sizeof(err)),
		     -KESU_EPARSE);
	cr_assert_str_eq(err, "t.txt: not a JPEG or PNG image");
	const unsigned char jpeg_head[] = {0xff, 0xd8, 0xff, 0xe0, 0, 16, 'J', 'F', 'I', 'F'};
	cr_assert_eq(kesu_destroy_photo_check("j.jpg", jpeg_head, sizeof(jpeg_head), type, err,
					      sizeof(err)), -KESU_EPARSE, "a cut JPEG is refused");
}

static struct json_object *member(struct json_object *o, const char *path)
{
	char key[64];
	while (o && *path) {
		size_t n = strcspn(path, ".");
		snprintf(key, sizeof(key), "%.*s", (int)n, path);
		o = json_object_object_get(o, key);
		path += n + (path[n] == '.');
	}
	return o;
}

Test(destroy, the_record_and_payload_of_a_medium_not_attached)
{
	struct kesu_job_context ctx = {0};
	snprintf(ctx.operator_name, sizeof(ctx.operator_name), "担当 一郎");
	snprintf(ctx.witness, sizeof(ctx.witness), "立会 花子");
	struct kesu_destroy_target t = {.serial = "SN-1", .model = "M", .media_type = "HDD"};
	struct kesu_destroy_photo ph = {.name = "photo-1.jpg", .type = "jpeg", .len = 543};
	memset(ph.sha256, 'a', 64);
	struct kesu_destroy_facts f = {.technique = KESU_DESTROY_SHRED, .location = "本庁舎",
				       .photos = &ph, .nphotos = 1, .started = 1, .ended = 2,
				       .earlier_jobs_json = "[{\"job_id\":\"x\",\"seq\":3}]"};
	char err[128];
	cr_assert_eq(kesu_destroy_level_of(f.technique, t.media_type, &f.level, err, sizeof(err)), 0);
	size_t len;
	char *rec = kesu_destroy_record(&t, &f, &ctx, "0123", "KESU-20261206-ABCDEF01", &len);
	cr_assert_not_null(rec);
	struct json_object *r = json_tokener_parse(rec);
	cr_assert_str_eq(json_object_get_string(member(r, "kind")), "destruction");
	cr_assert_str_eq(json_object_get_string(member(r, "outcome")), "DESTROYED");
	cr_assert_str_eq(json_object_get_string(member(r, "media.serial")), "SN-1");
	cr_assert(json_object_is_type(member(r, "media.size_bytes"), json_type_null) ||
		  !member(r, "media.size_bytes"));
	cr_assert_null(member(r, "host"), "no host for a medium not attached");
	cr_assert_str_eq(json_object_get_string(member(r, "destruction.nist_level")), "destroy");
	cr_assert_str_eq(json_object_get_string(member(r, "destruction.location")), "本庁舎");
	cr_assert_eq(json_object_array_length(member(r, "destruction.photos")), 1);
	cr_assert_eq(json_object_array_length(member(r, "destruction.earlier_jobs")), 1);
	char subject[64];
	kesu_destroy_subject(&t, subject, sizeof(subject));
	cr_assert_str_eq(subject, "medium:SN-1");

	char *pay = kesu_destroy_payload(rec, 7, "ab", 3, &len);
	struct json_object *p = json_tokener_parse(pay);
	cr_assert_eq(json_object_get_int(member(p, "kesu_certificate")), 3);
	cr_assert_str_eq(json_object_get_string(member(p, "document")), "destruction-certificate");
	cr_assert_eq(json_object_get_int(member(p, "ledger.seq")), 7);
	cr_assert_str_eq(json_object_get_string(member(p, "witness")), "立会 花子");
	/* a malformed earlier-jobs text is never a record that lost it */
	f.earlier_jobs_json = "{";
	cr_assert_null(kesu_destroy_record(&t, &f, &ctx, "0123", "KESU-20261206-ABCDEF01", &len));
	json_object_put(r);
	json_object_put(p);
	free(rec);
	free(pay);
}

/* The renderer draws and attaches only the photographs the signed payload
 * names, byte for byte: a swapped one is refused, naming it. */
Test(destroy, the_page_takes_only_the_photographs_signed_for)
{
	struct kesu_job_context ctx = {0};
	snprintf(ctx.operator_name, sizeof(ctx.operator_name), "担当 一郎");
	struct kesu_destroy_target t = {.serial = "SN-1", .media_type = "HDD"};
	struct kesu_destroy_photo ph = {.name = "photo-1.png", .type = "png"};
	ph.data = png(20, 10, &ph.len);
	char err[KESU_ERRMSG_MAX];
	cr_assert_eq(kesu_destroy_photo_check("p", ph.data, ph.len, ph.type, err, sizeof(err)), 0);
	unsigned char h[32];
	crypto_hash_sha256(h, ph.data, ph.len);
	sodium_bin2hex(ph.sha256, sizeof(ph.sha256), h, sizeof(h));
	struct kesu_destroy_facts f = {.technique = KESU_DESTROY_DRILL, .photos = &ph, .nphotos = 1,
				       .started = 1, .ended = 2};
	kesu_destroy_level_of(f.technique, t.media_type, &f.level, err, sizeof(err));
	size_t len;
	char *rec = kesu_destroy_record(&t, &f, &ctx, "0123", "KESU-20261206-ABCDEF01", &len);
	char *pay = kesu_destroy_payload(rec, 1, "ab", 3, &len);
	struct kesu_pdf_file file = {"photo-1.png", ph.data, ph.len};
	struct kesu_pdf_doc d = {.payload = pay, .payload_len = len, .payload_sig = "sig\nx\n",
				 .sig_len = 6, .files = &file, .nfiles = 1};
	unsigned char *pdf = NULL;
	size_t pdf_len = 0;
	cr_assert_eq(kesu_pdf_render(&d, &pdf, &pdf_len, err, sizeof(err)), 0, "%s", err);
	cr_assert_gt(pdf_len, ph.len);
	free(pdf);
	unsigned char *other = png(20, 11, &file.len); /* another picture */
	file.data = other;
	cr_assert_eq(kesu_pdf_render(&d, &pdf, &pdf_len, err, sizeof(err)), -KESU_EPARSE);
	cr_assert(strstr(err, "photo-1.png") && strstr(err, "SHA-256"), "%s", err);
	d.nfiles = 0; /* and none is not the one it names either */
	cr_assert_eq(kesu_pdf_render(&d, &pdf, &pdf_len, err, sizeof(err)), -KESU_EPARSE);
	free(other);
	free(ph.data);
	free(rec);
	free(pay);
}
