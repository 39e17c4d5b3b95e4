/* See signed_doc.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canonical_json.h"
#include "kesu/error.h"
#include "kesu/fileio.h"
#include "signed_doc.h"
#include "signify_text.h"
#include "utf8.h"
#include "i18n.h"

int Kesu_signed_doc_write(const char *payload, size_t plen, const struct kesu_secret_key *sk,
			  const char *comment, char **text, size_t *len)
{
	char *sig = NULL;
	size_t slen = 0;
	*text = NULL;
	int rc = kesu_sign_detached(sk, payload, plen, comment, &sig, &slen);
	if (rc)
		return rc;
	char *out = malloc(plen + 1 + slen + 1);
	if (out) {
		memcpy(out, payload, plen);
		out[plen] = '\n';
		memcpy(out + plen + 1, sig, slen);
		out[plen + 1 + slen] = '\0';
		*text = out;
		*len = plen + 1 + slen;
	}
	free(sig);
	return out ? 0 : -ENOMEM;
}

int Kesu_signed_doc_split(const char *text, size_t len, const struct Kesu_signed_doc_kind *kind,
			  size_t *plen, const char **sig, size_t *slen, char *why, size_t whysize)
{
	const char *nl = memchr(text, '\n', len);
	if (!nl || memchr(text, '\0', len))
		return snprintf(why, whysize, _("not %s (no %s line and signature)"), kind->file,
				kind->line), -KESU_EPARSE;
	*plen = (size_t)(nl - text);
	*sig = nl + 1;
	*slen = len - *plen - 1;
	const char *l1 = memchr(*sig, '\n', *slen);
	const char *l2 = l1 ? memchr(l1 + 1, '\n', *slen - (size_t)(l1 + 1 - *sig)) : NULL;
	if (!l2 || l2 + 1 != text + len || strncmp(*sig, KESU_COMMENT_HDR, 19) != 0)
		return snprintf(why, whysize, _("the signature after the %s line is missing or has "
					      "extra lines"), kind->line), -KESU_EPARSE;
	return 0;
}

int Kesu_signed_doc_parse(const char *text, size_t plen, const struct Kesu_signed_doc_kind *kind,
			  Kesu_signed_doc_from_json from_json, void *out, char *why,
			  size_t whysize)
{
	size_t bad = Kesu_utf8_invalid_at(text, plen);
	if (bad < plen)
		return snprintf(why, whysize, _("the %s is not valid UTF-8 (byte %zu)"), kind->line,
				bad + 1), -KESU_EPARSE;
	if (plen == 0 || text[0] != '{' || !Kesu_json_is_canonical(text, plen))
		return snprintf(why, whysize, _("the first line is not canonical JSON (it was changed, "
					      "or this is not %s)"), kind->not_this), -KESU_EPARSE;
	struct json_tokener *tok = json_tokener_new();
	struct json_object *doc = tok ? json_tokener_parse_ex(tok, text, (int)plen) : NULL;
	json_tokener_free(tok);
	if (!doc)
		return snprintf(why, whysize, _("the first line is not JSON")), -KESU_EPARSE;
	int rc = from_json(doc, out, why, whysize);
	json_object_put(doc);
	return rc;
}

int Kesu_signed_doc_read(const char *path, unsigned max, const struct Kesu_signed_doc_kind *kind,
			 char **text, size_t *len, char *err, size_t errsize)
{
	int rc = kesu_file_read_bounded(path, max, 0, text, len, err, errsize);
	if (rc == -EFBIG)
		snprintf(err, errsize, _("%s: larger than %u bytes: not %s"), path, max, kind->not_this);
	return rc == -EFBIG ? -KESU_EPARSE : rc;
}
