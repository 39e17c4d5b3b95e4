/* "Erased with exceptions" (docs/certificate.md): a job that wrote and
 * verified everything it was asked to, but that leaves something known.
 * The decision is a pure function of the job's result, so each rule can be
 * tested on its own; the wording is the certificate's and the record's. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "kesu/job.h"

/* The hidden sectors the erase did not reach: an HPA kesu did not remove
 * first (--hpa=keep, or check), and a DCO, which kesu never changes. */
static bool hidden_left(const struct kesu_job_result *r, struct kesu_job_exception *e)
{
	const struct kesu_hidden_areas *h = &r->hidden;
	if (!h->checked)
		return false;
	uint64_t hpa = h->hpa_restored ? 0 : h->hpa_sectors;
	if (!hpa && !h->dco_sectors)
		return false;
	*e = (struct kesu_job_exception){.kind = KESU_EXCEPTION_HIDDEN_AREA, .hpa_sectors = hpa,
					 .dco_sectors = h->dco_sectors};
	return true;
}

/* An ATA drive whose native max kesu could not read: an HPA may hide
 * sectors no command reached, so the erase is never called whole (as for
 * an HPA seen and kept). */
static bool hidden_unchecked(const struct kesu_job_result *r, struct kesu_job_exception *e)
{
	if (r->hidden.checked || !r->hidden.unchecked)
		return false;
	*e = (struct kesu_job_exception){.kind = KESU_EXCEPTION_HIDDEN_UNCHECKED};
	return true;
}

/* Full verification reads every sector and compares; after an erase that
 * leaves vendor-defined contents (a crypto erase: leaves "changed") there
 * is nothing to compare with, and the proof is the sampled markers only.
 * The default (sample) asks for no more than that: no exception. */
static bool proof_sampled(const struct kesu_job_result *r, struct kesu_job_exception *e)
{
	if (r->method.technique != KESU_TECHNIQUE_FIRMWARE || r->method.leaves != KESU_LEAVES_CHANGED ||
	    r->verify_mode != KESU_VMODE_FULL)
		return false;
	*e = (struct kesu_job_exception){.kind = KESU_EXCEPTION_PROOF_SAMPLED,
					 .marker_bytes = r->firmware.marker_bytes,
					 .size_bytes = r->device.size};
	return true;
}

/* A sector the drive retired while kesu overwrote it may keep what it held
 * before: no later write reaches it. A firmware erase is the drive's own
 * and covers retired sectors where the command does (kesu/purge.h rates
 * each command), so only an overwrite is judged by this count. */
static bool reallocated_grew(const struct kesu_job_result *r, struct kesu_job_exception *e)
{
	int64_t before = r->device.smart.reallocated_sectors, after = r->reallocated_after;
	if (r->method.technique != KESU_TECHNIQUE_OVERWRITE || before < 0 || after <= before)
		return false;
	*e = (struct kesu_job_exception){.kind = KESU_EXCEPTION_REALLOCATED_GREW,
					 .reallocated_before = before, .reallocated_after = after};
	return true;
}

unsigned kesu_job_exceptions(const struct kesu_job_result *r,
			     struct kesu_job_exception out[KESU_EXCEPTIONS_MAX])
{
	unsigned n = 0;
	n += hidden_left(r, &out[n]);
	n += hidden_unchecked(r, &out[n]);
	n += proof_sampled(r, &out[n]);
	n += reallocated_grew(r, &out[n]);
	return n;
}

const char *kesu_exception_kind_name(enum kesu_exception_kind kind)
{
	switch (kind) {
	case KESU_EXCEPTION_HIDDEN_AREA: return "hidden-area";
	case KESU_EXCEPTION_PROOF_SAMPLED: return "firmware-proof-sampled";
	case KESU_EXCEPTION_REALLOCATED_GREW: return "reallocated-grew";
	case KESU_EXCEPTION_HIDDEN_UNCHECKED: return "hidden-area-unchecked";
	}
	return "unknown";
}

/* 1,048,576 */
static const char *grouped(uint64_t n, char buf[32])
{
	char digits[24];
	int len = snprintf(digits, sizeof(digits), "%" PRIu64, n), o = 0;
	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			buf[o++] = ',';
		buf[o++] = digits[i];
	}
	buf[o] = '\0';
	return buf;
}

static void hidden_detail(const struct kesu_job_exception *e, char *en, size_t en_size, char *ja,
			  size_t ja_size)
{
	char hpa[32], dco[32], hpa_en[96] = "", dco_en[96] = "", hpa_ja[96] = "", dco_ja[96] = "";
	if (e->hpa_sectors) {
		snprintf(hpa_en, sizeof(hpa_en), "the Host Protected Area (HPA), %s sectors,",
			 grouped(e->hpa_sectors, hpa));
		snprintf(hpa_ja, sizeof(hpa_ja), "HPA（隠し領域）%s セクタ", hpa);
	}
	if (e->dco_sectors) {
		snprintf(dco_en, sizeof(dco_en), "the Device Configuration Overlay (DCO), %s sectors,",
			 grouped(e->dco_sectors, dco));
		snprintf(dco_ja, sizeof(dco_ja), "DCO（隠し領域）%s セクタ", dco);
	}
	bool both = e->hpa_sectors && e->dco_sectors;
	snprintf(en, en_size, "%s%s%s %s not erased", hpa_en, both ? " and " : "", dco_en,
		 both ? "were" : "was");
	snprintf(ja, ja_size, "%s%s%sは消去していません", hpa_ja, both ? "と" : "", dco_ja);
}

void kesu_exception_detail(const struct kesu_job_exception *e, char *en, size_t en_size,
			   char *ja, size_t ja_size)
{
	char a[32], b[32];
	double percent = e->size_bytes ? 100.0 * (double)e->marker_bytes / (double)e->size_bytes : 0;
	switch (e->kind) {
	case KESU_EXCEPTION_HIDDEN_AREA:
		hidden_detail(e, en, en_size, ja, ja_size);
		return;
	case KESU_EXCEPTION_PROOF_SAMPLED:
		snprintf(en, en_size, "full verification was asked for, but this firmware erase leaves "
			 "contents that cannot be compared: only the markers on %s of %s bytes "
			 "(%.2f %%) were proven changed", grouped(e->marker_bytes, a),
			 grouped(e->size_bytes, b), percent);
		snprintf(ja, ja_size, "全数検証が指定されましたが、このファームウェア消去の後の内容は照合できない"
			 "ため、消去を確認したのは目印を書いた %s バイト（全 %s バイトの %.2f %%）のみです",
			 a, b, percent);
		return;
	case KESU_EXCEPTION_HIDDEN_UNCHECKED:
		snprintf(en, en_size, "kesu could not check whether a Host Protected Area (HPA) hides "
			 "sectors (the drive's native max address could not be read): sectors it may "
			 "hide were not erased");
		snprintf(ja, ja_size, "ドライブの本来の最大アドレスを読み取れなかったため、HPA（隠し領域）の有無を"
			 "確認できませんでした。HPA が隠しているかもしれないセクタは消去していません");
		return;
	case KESU_EXCEPTION_REALLOCATED_GREW:
		snprintf(en, en_size, "the drive's reallocated sector count rose from %" PRId64 " to %"
			 PRId64 " during the job: sectors retired then may still hold old data",
			 e->reallocated_before, e->reallocated_after);
		snprintf(ja, ja_size, "作業中に代替処理済みセクタ数が %" PRId64 " から %" PRId64
			 " に増えました。その間に代替されたセクタには元のデータが残っている可能性があります",
			 e->reallocated_before, e->reallocated_after);
		return;
	}
	snprintf(en, en_size, "unknown");
	snprintf(ja, ja_size, "不明");
}
