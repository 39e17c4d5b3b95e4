/* "Erased with exceptions": the decision (job_exceptions.c) from a job's
 * result alone, one rule at a time, and the lines the record and the
 * certificate carry. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "kesu/job.h"

/* A finished overwrite of a 16 MiB drive without SMART or hidden areas. */
static struct kesu_job_result *plain(void)
{
	struct kesu_job_result *r = calloc(1, sizeof(*r));
	r->method.technique = KESU_TECHNIQUE_OVERWRITE;
	r->verify_mode = KESU_VMODE_SAMPLE;
	r->device.size = 16 << 20;
	r->device.smart.reallocated_sectors = -1;
	r->reallocated_after = -1;
	return r;
}

static unsigned decide(const struct kesu_job_result *r, struct kesu_job_exception *out)
{
	return kesu_job_exceptions(r, out);
}

Test(exceptions, none_for_a_plain_job)
{
	struct kesu_job_result *r = plain();
	struct kesu_job_exception e[KESU_EXCEPTIONS_MAX];
	cr_assert_eq(decide(r, e), 0);
	r->hidden.checked = true; /* asked, nothing hidden */
	cr_assert_eq(decide(r, e), 0);
	free(r);
}

Test(exceptions, hidden_area_kept_or_restored)
{
	struct kesu_job_result *r = plain();
	struct kesu_job_exception e[KESU_EXCEPTIONS_MAX];
	r->hidden = (struct kesu_hidden_areas){.checked = true, .hpa_sectors = 1024};
	cr_assert_eq(decide(r, e), 1);
	cr_assert_eq(e[0].kind, KESU_EXCEPTION_HIDDEN_AREA);
	cr_assert_eq(e[0].hpa_sectors, 1024);
	cr_assert_eq(e[0].dco_sectors, 0);
	char en[400], ja[400];
	kesu_exception_detail(&e[0], en, sizeof(en), ja, sizeof(ja));
	cr_assert_str_eq(ja, "HPA（隠し領域）1,024 セクタは消去していません");
	cr_assert_str_eq(en, "the Host Protected Area (HPA), 1,024 sectors, was not erased");
	cr_assert_str_eq(kesu_exception_kind_name(e[0].kind), "hidden-area");
	/* --hpa=restore: opened and erased with the rest */
	r->hidden.hpa_restored = true;
	cr_assert_eq(decide(r, e), 0);
	/* a DCO is never changed: an exception whatever was done to the HPA */
	r->hidden.dco_sectors = 2048;
	cr_assert_eq(decide(r, e), 1);
	cr_assert_eq(e[0].hpa_sectors, 0);
	cr_assert_eq(e[0].dco_sectors, 2048);
	r->hidden.hpa_restored = false;
	cr_assert_eq(decide(r, e), 1);
	kesu_exception_detail(&e[0], en, sizeof(en), ja, sizeof(ja));
	cr_assert_str_eq(ja, "HPA（隠し領域）1,024 セクタとDCO（隠し領域）2,048 セクタは消去していません");
	cr_assert_str_eq(en, "the Host Protected Area (HPA), 1,024 sectors, and the Device "
			     "Configuration Overlay (DCO), 2,048 sectors, were not erased");
	/* not asked (not an ATA drive): nothing known, nothing claimed */
	r->hidden.checked = false;
	cr_assert_eq(decide(r, e), 0);
	free(r);
}

/* Issue 20: an ATA drive whose HPA could not be checked (native max
 * refused or truncated) is never certified as erased whole. */
Test(exceptions, hidden_area_unchecked_on_an_ata_drive)
{
	struct kesu_job_result *r = plain();
	struct kesu_job_exception e[KESU_EXCEPTIONS_MAX];
	char en[400], ja[400];
	r->method.technique = KESU_TECHNIQUE_FIRMWARE;
	r->hidden = (struct kesu_hidden_areas){.unchecked = true};
	cr_assert_eq(decide(r, e), 1);
	cr_assert_eq(e[0].kind, KESU_EXCEPTION_HIDDEN_UNCHECKED);
	cr_assert_str_eq(kesu_exception_kind_name(e[0].kind), "hidden-area-unchecked");
	kesu_exception_detail(&e[0], en, sizeof(en), ja, sizeof(ja));
	cr_assert(strstr(en, "could not check whether a Host Protected Area"), "%s", en);
	cr_assert(strstr(ja, "HPA（隠し領域）の有無を確認できませんでした"), "%s", ja);
	/* checked after all (a contradiction): the facts win, no such exception */
	r->hidden.checked = true;
	cr_assert_eq(decide(r, e), 0);
	free(r);
}

Test(exceptions, firmware_proof_sampled_only_when_full_was_asked)
{
	struct kesu_job_result *r = plain();
	struct kesu_job_exception e[KESU_EXCEPTIONS_MAX];
	r->method.technique = KESU_TECHNIQUE_FIRMWARE;
	r->method.leaves = KESU_LEAVES_CHANGED;
	r->firmware.marker_bytes = 167936;
	cr_assert_eq(decide(r, e), 0, "sample verification asks for no more than markers");
	r->verify_mode = KESU_VMODE_FULL;
	cr_assert_eq(decide(r, e), 1);
	cr_assert_eq(e[0].kind, KESU_EXCEPTION_PROOF_SAMPLED);
	cr_assert_eq(e[0].marker_bytes, 167936);
	cr_assert_eq(e[0].size_bytes, 16 << 20);
	char en[400], ja[400];
	kesu_exception_detail(&e[0], en, sizeof(en), ja, sizeof(ja));
	cr_assert_not_null(strstr(en, "167,936 of 16,777,216 bytes (1.00 %)"), "%s", en);
	cr_assert_not_null(strstr(ja, "全数検証が指定されましたが"), "%s", ja);
	/* an erase that leaves zeros can be read in full: no exception */
	r->method.leaves = KESU_LEAVES_ZERO;
	cr_assert_eq(decide(r, e), 0);
	/* an overwrite verified in full is a plain SUCCESS */
	r->method.technique = KESU_TECHNIQUE_OVERWRITE;
	cr_assert_eq(decide(r, e), 0);
	free(r);
}

Test(exceptions, reallocated_grew_during_an_overwrite)
{
	struct kesu_job_result *r = plain();
	struct kesu_job_exception e[KESU_EXCEPTIONS_MAX];
	r->reallocated_after = 7; /* before unknown: no claim */
	cr_assert_eq(decide(r, e), 0);
	r->device.smart.reallocated_sectors = 7;
	cr_assert_eq(decide(r, e), 0, "unchanged");
	r->reallocated_after = -1;
	cr_assert_eq(decide(r, e), 0, "not read again");
	r->reallocated_after = 9;
	cr_assert_eq(decide(r, e), 1);
	cr_assert_eq(e[0].kind, KESU_EXCEPTION_REALLOCATED_GREW);
	cr_assert_eq(e[0].reallocated_before, 7);
	cr_assert_eq(e[0].reallocated_after, 9);
	char en[400], ja[400];
	kesu_exception_detail(&e[0], en, sizeof(en), ja, sizeof(ja));
	cr_assert_not_null(strstr(en, "rose from 7 to 9"), "%s", en);
	cr_assert_not_null(strstr(ja, "7 から 9 に増えました"), "%s", ja);
	cr_assert_str_eq(kesu_exception_kind_name(e[0].kind), "reallocated-grew");
	/* a firmware erase covers retired sectors where its command does */
	r->method.technique = KESU_TECHNIQUE_FIRMWARE;
	r->method.leaves = KESU_LEAVES_ZERO;
	cr_assert_eq(decide(r, e), 0);
	free(r);
}

Test(exceptions, all_three_in_order)
{
	struct kesu_job_result *r = plain();
	struct kesu_job_exception e[KESU_EXCEPTIONS_MAX];
	r->hidden = (struct kesu_hidden_areas){.checked = true, .hpa_sectors = 8};
	r->device.smart.reallocated_sectors = 0;
	r->reallocated_after = 1;
	cr_assert_eq(decide(r, e), 2);
	cr_assert_eq(e[0].kind, KESU_EXCEPTION_HIDDEN_AREA);
	cr_assert_eq(e[1].kind, KESU_EXCEPTION_REALLOCATED_GREW);
	free(r);
}
