/* The line layer of kesu's INI-like files (the config file, the policy
 * file): one reader, so that both treat a BOM, CRLF, comments, control
 * characters and white space the same way. The callers give the lines
 * their meaning. */
#ifndef KESU_INI_LINES_H
#define KESU_INI_LINES_H
#include <stdbool.h>
#include <stddef.h>

/* Called for every line that has something left once its comment is cut
 * and it is trimmed; line is that text, which the callee may change.
 * Returns 0 to go on, or a negative error that ends the reading. */
typedef int (*Kesu_ini_line_fn)(void *ctx, unsigned lineno, char *line);

/* Reads text (len bytes, changed in place: each line is NUL-terminated)
 * line by line: a leading UTF-8 BOM (Notepad's) is skipped, a CR before
 * the newline dropped. A line with a NUL byte, invalid UTF-8 or a control
 * character other than tab is -KESU_EPARSE with "PATH:LINE: reason" in
 * err. '#' at the start of a line or after white space starts a comment
 * ("a#b" is a value, as in a URL or "No.#3"); "\#" is a literal '#'.
 * U+3000 counts as white space before a comment (a Japanese keyboard
 * types it between words); ideographic: it is also trimmed from both
 * ends, as Kesu_ini_trim does. */
int Kesu_ini_lines(const char *path, char *text, size_t len, bool ideographic,
		   Kesu_ini_line_fn fn, void *ctx, char *err, size_t errsize);

/* Drops spaces and tabs (and U+3000 when ideographic) at both ends, in
 * place; returns the first kept byte. */
char *Kesu_ini_trim(char *s, bool ideographic);

#endif
