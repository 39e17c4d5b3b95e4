/* Asking a timestamp authority (RFC 3161 over HTTP, RFC 3161 3.4): one POST
 * of a TimeStampReq through libcurl, with a timeout for the whole exchange,
 * no redirects and a bounded reply, and a reply checked before the token
 * is used: granted, over our digest, with our nonce. The token's signature
 * is checked where tokens are verified (cms_verify.c), against anchors. */
#include <curl/curl.h>
#include <errno.h>
#include <openssl/bn.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/ts.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cms.h"
#include "errmsg.h"
#include "kesu/error.h"

#define TSA_REPLY_MAX (64 * 1024) /* a token with a chain is a few KiB */

/* The URL as messages show it: without a user name or password in it. */
static void url_shown(const char *url, char *out, size_t size)
{
	CURLU *u = curl_url();
	char *text = NULL;
	if (u && curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_USER, NULL, 0) == CURLUE_OK &&
	    curl_url_set(u, CURLUPART_PASSWORD, NULL, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_URL, &text, 0) == CURLUE_OK)
		snprintf(out, size, "%s", text);
	else
		snprintf(out, size, "%s", strchr(url, '@') ? "(the URL given)" : url);
	curl_free(text);
	curl_url_cleanup(u);
}

/* A TimeStampReq for a SHA-256 digest with a 64-bit random nonce, asking
 * for the TSA's certificate in the token (certReq: the token then verifies
 * on its own). */
static int make_request(const unsigned char digest[32], ASN1_INTEGER **nonce,
			unsigned char **der, int *len)
{
	TS_REQ *req = TS_REQ_new();
	TS_MSG_IMPRINT *mi = TS_MSG_IMPRINT_new();
	X509_ALGOR *alg = X509_ALGOR_new();
	unsigned char rnd[8];
	BIGNUM *bn = NULL;
	int ok = req && mi && alg && RAND_bytes(rnd, sizeof(rnd)) == 1 &&
		 (bn = BN_bin2bn(rnd, sizeof(rnd), NULL)) != NULL &&
		 (*nonce = BN_to_ASN1_INTEGER(bn, NULL)) != NULL &&
		 X509_ALGOR_set0(alg, OBJ_nid2obj(NID_sha256), V_ASN1_NULL, NULL) &&
		 TS_MSG_IMPRINT_set_algo(mi, alg) && TS_MSG_IMPRINT_set_msg(mi, (unsigned char *)digest, 32) &&
		 TS_REQ_set_version(req, 1) && TS_REQ_set_msg_imprint(req, mi) &&
		 TS_REQ_set_nonce(req, *nonce) && TS_REQ_set_cert_req(req, 1) &&
		 (*len = i2d_TS_REQ(req, der)) > 0;
	BN_free(bn);
	X509_ALGOR_free(alg);
	TS_MSG_IMPRINT_free(mi);
	TS_REQ_free(req);
	return ok ? 0 : -ENOMEM;
}

struct reply {
	unsigned char *buf;
	size_t len;
	bool too_big;
};

static size_t on_data(char *data, size_t size, size_t n, void *user)
{
	struct reply *r = user;
	size_t add = size * n;
	if (add > TSA_REPLY_MAX - r->len) {
		r->too_big = true;
		return 0; /* curl stops with CURLE_WRITE_ERROR */
	}
	unsigned char *p = realloc(r->buf, r->len + add);
	if (!p)
		return 0;
	memcpy(p + r->len, data, add);
	r->buf = p;
	r->len += add;
	return add;
}

static void set_options(CURL *c, const char *url, long timeout_s, const unsigned char *q,
			int qlen, struct curl_slist *headers, struct reply *r, char *ebuf)
{
	curl_easy_setopt(c, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
#endif
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L); /* no SIGALRM: the library may run in threads */
	curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L); /* a redirect is reported, not followed */
	curl_easy_setopt(c, CURLOPT_TIMEOUT, timeout_s);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, timeout_s);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, q);
	curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)qlen);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
	curl_easy_setopt(c, CURLOPT_USERAGENT, "kesu/" KESU_VERSION);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
}

/* POSTs the request; 0 with the body of a 200 answer, else one line. */
static int post(const char *url, const char *shown, long timeout_s, const unsigned char *q,
		int qlen, struct reply *r, char *err, size_t errsize)
{
	char ebuf[CURL_ERROR_SIZE] = "";
	CURL *c = curl_easy_init();
	struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/timestamp-query");
	struct curl_slist *h2 = h ? curl_slist_append(h, "Accept: application/timestamp-reply") : NULL;
	if (!c || !h2) {
		curl_slist_free_all(h);
		curl_easy_cleanup(c);
		return Kesu_errorf(err, errsize, -ENOMEM, "timestamp authority %s: out of memory", shown);
	}
	set_options(c, url, timeout_s, q, qlen, h2, r, ebuf);
	CURLcode cc = curl_easy_perform(c);
	long status = 0;
	curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	int rc = 0;
	if (cc == CURLE_OPERATION_TIMEDOUT)
		rc = Kesu_errorf(err, errsize, -EHOSTUNREACH,
			  "timestamp authority %s: no answer within %ld second%s", shown, timeout_s,
			  timeout_s == 1 ? "" : "s");
	else if (cc != CURLE_OK && r->too_big)
		rc = Kesu_errorf(err, errsize, -KESU_EPARSE,
			  "timestamp authority %s: not a timestamp reply (more than %d KiB)", shown,
			  TSA_REPLY_MAX / 1024);
	else if (cc != CURLE_OK)
		rc = Kesu_errorf(err, errsize, -EHOSTUNREACH, "timestamp authority %s: cannot connect: %s",
			  shown, *ebuf ? ebuf : curl_easy_strerror(cc));
	else if (status >= 300 && status < 400)
		rc = Kesu_errorf(err, errsize, -EHOSTUNREACH,
			  "timestamp authority %s: HTTP %ld (a redirect, not followed)", shown,
			  status);
	else if (status != 200)
		rc = Kesu_errorf(err, errsize, -EHOSTUNREACH, "timestamp authority %s: HTTP %ld", shown,
			  status);
	curl_slist_free_all(h2);
	curl_easy_cleanup(c);
	return rc;
}

/* The PKIStatus and failure bits of a refusal, for the one line. */
static void refusal_text(TS_STATUS_INFO *si, long status, char *out, size_t size)
{
	static const char *const statuses[] = {"granted", "granted with modifications",
					       "rejection", "waiting", "revocation warning",
					       "revocation notification"};
	static const struct { int bit; const char *name; } bits[] = {
		{TS_INFO_BAD_ALG, "unsupported digest algorithm"},
		{TS_INFO_BAD_REQUEST, "bad request"},
		{TS_INFO_BAD_DATA_FORMAT, "bad data format"},
		{TS_INFO_TIME_NOT_AVAILABLE, "time not available"},
		{TS_INFO_UNACCEPTED_POLICY, "policy not accepted"},
		{TS_INFO_UNACCEPTED_EXTENSION, "extension not accepted"},
		{TS_INFO_ADD_INFO_NOT_AVAILABLE, "additional information not available"},
		{TS_INFO_SYSTEM_FAILURE, "system failure"},
	};
	const ASN1_BIT_STRING *fi = TS_STATUS_INFO_get0_failure_info(si);
	size_t n = (size_t)snprintf(out, size, "%s",
				    status >= 0 && status <= 5 ? statuses[status] : "unknown status");
	for (size_t i = 0; i < sizeof(bits) / sizeof(bits[0]) && n < size; i++)
		if (fi && ASN1_BIT_STRING_get_bit(fi, bits[i].bit))
			n += (size_t)snprintf(out + n, size - n, ", %s", bits[i].name);
	/* The TSA's own words, when it sent any: printable ASCII only (they
	 * come from the network and end up on a terminal). */
	const STACK_OF(ASN1_UTF8STRING) *text = TS_STATUS_INFO_get0_text(si);
	if (sk_ASN1_UTF8STRING_num(text) > 0 && n + 4 < size) {
		const ASN1_UTF8STRING *t = sk_ASN1_UTF8STRING_value(text, 0);
		const unsigned char *s = ASN1_STRING_get0_data(t);
		n += (size_t)snprintf(out + n, size - n, " (");
		for (int i = 0; i < ASN1_STRING_length(t) && i < 120 && n + 2 < size; i++)
			out[n++] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
		snprintf(out + n, size - n, ")");
	}
}

/* The token of a granted reply whose imprint and nonce are ours. */
static int check_reply(const struct reply *r, const char *shown, const unsigned char digest[32],
		       const ASN1_INTEGER *nonce, TS_RESP **out, char *err, size_t errsize)
{
	const unsigned char *p = r->buf;
	TS_RESP *resp = d2i_TS_RESP(NULL, &p, (long)r->len);
	if (!resp || p != r->buf + r->len) {
		TS_RESP_free(resp);
		return Kesu_errorf(err, errsize, -KESU_EPARSE,
			    "timestamp authority %s: not a timestamp reply", shown);
	}
	*out = resp;
	TS_STATUS_INFO *si = TS_RESP_get_status_info(resp);
	long status = ASN1_INTEGER_get(TS_STATUS_INFO_get0_status(si));
	if (status != 0 && status != 1) {
		char why[256];
		refusal_text(si, status, why, sizeof(why));
		return Kesu_errorf(err, errsize, -KESU_EVERIFY,
			    "timestamp authority %s: rejected the request: %s", shown, why);
	}
	TS_TST_INFO *tst = TS_RESP_get_tst_info(resp);
	if (!tst || !TS_RESP_get_token(resp))
		return Kesu_errorf(err, errsize, -KESU_EPARSE,
			    "timestamp authority %s: granted, but sent no token", shown);
	TS_MSG_IMPRINT *mi = TS_TST_INFO_get_msg_imprint(tst);
	const ASN1_OCTET_STRING *md = TS_MSG_IMPRINT_get_msg(mi);
	if (OBJ_obj2nid(TS_MSG_IMPRINT_get_algo(mi)->algorithm) != NID_sha256 ||
	    ASN1_STRING_length(md) != 32 || CRYPTO_memcmp(ASN1_STRING_get0_data(md), digest, 32))
		return Kesu_errorf(err, errsize, -KESU_EVERIFY,
			    "timestamp authority %s: the token is for other data", shown);
	const ASN1_INTEGER *got = TS_TST_INFO_get_nonce(tst);
	if (!got || ASN1_INTEGER_cmp(got, nonce))
		return Kesu_errorf(err, errsize, -KESU_EVERIFY,
			    "timestamp authority %s: the token answers another request (nonce)",
			    shown);
	return 0;
}

static int token_der(TS_RESP *resp, unsigned char **token, size_t *token_len, char *err,
		     size_t errsize)
{
	unsigned char *buf = NULL;
	int len = i2d_PKCS7(TS_RESP_get_token(resp), &buf);
	if (len <= 0 || !(*token = malloc((size_t)len))) {
		OPENSSL_free(buf);
		return Kesu_errorf(err, errsize, -ENOMEM, "cannot encode the timestamp token");
	}
	memcpy(*token, buf, (size_t)len);
	*token_len = (size_t)len;
	OPENSSL_free(buf);
	return 0;
}

int Kesu_tsa_token(const char *url, long timeout_s, const unsigned char digest[32],
		   unsigned char **token, size_t *token_len, char *err, size_t errsize)
{
	char shown[512];
	ASN1_INTEGER *nonce = NULL;
	unsigned char *q = NULL;
	int qlen = 0;
	struct reply r = {0};
	TS_RESP *resp = NULL;
	*token = NULL;
	*token_len = 0;
	url_shown(url, shown, sizeof(shown));
	if (timeout_s <= 0)
		timeout_s = KESU_TSA_TIMEOUT_DEFAULT;
	int rc = make_request(digest, &nonce, &q, &qlen);
	if (rc < 0)
		Kesu_errorf(err, errsize, rc, "timestamp authority %s: cannot make the request", shown);
	else
		rc = post(url, shown, timeout_s, q, qlen, &r, err, errsize);
	if (rc == 0)
		rc = check_reply(&r, shown, digest, nonce, &resp, err, errsize);
	if (rc == 0)
		rc = token_der(resp, token, token_len, err, errsize);
	TS_RESP_free(resp);
	free(r.buf);
	OPENSSL_free(q);
	ASN1_INTEGER_free(nonce);
	ERR_clear_error();
	return rc;
}
