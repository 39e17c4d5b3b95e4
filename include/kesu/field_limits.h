/* The longest values the record's free-text fields may hold, counted in
 * Unicode code points. One table for both sides: input refuses a longer
 * value (with a clear error), and the certificate guarantees that every
 * value within these limits is printed whole, wrapped but never cut
 * (docs/certificate.md, "Long values").
 *
 * The page wraps at spaces and between CJK characters, never inside a
 * token (a run of characters that are neither CJK nor space, such as a
 * serial number). So a token must fit one line: no token may be wider than
 * KESU_LIMIT_TOKEN_COLUMNS display columns (East Asian wide and fullwidth
 * characters count 2, others 1). */
#ifndef KESU_FIELD_LIMITS_H
#define KESU_FIELD_LIMITS_H

#define KESU_LIMIT_OPERATOR 64       /* operator's name */
#define KESU_LIMIT_OPERATOR_TITLE 64 /* operator's title */
#define KESU_LIMIT_APPROVER 64       /* approver's name */
#define KESU_LIMIT_WITNESS 64        /* witness's name (立会者) */
#define KESU_LIMIT_ORGANISATION 128
#define KESU_LIMIT_DEPARTMENT 128
#define KESU_LIMIT_LOCATION 128
#define KESU_LIMIT_ASSET_NUMBER 64
#define KESU_LIMIT_PHONE 32
#define KESU_LIMIT_TOKEN_COLUMNS 32  /* widest token, in display columns */

/* Bytes that hold n code points of UTF-8 and a NUL. */
#define KESU_LIMIT_BYTES(n) (4 * (n) + 1)

#endif
