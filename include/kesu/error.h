/* kesu error codes: library functions return 0 or a negative value, either
 * -errno or one of the KESU_E* codes below (chosen above errno's range). */
#ifndef KESU_ERROR_H
#define KESU_ERROR_H

enum kesu_error {
	KESU_EBASE = 4096,
	KESU_EPARSE,       /* malformed input (method file, fixture, JSON) */
	KESU_EREFUSED,     /* the safety gate refused the target */
	KESU_EUNSUPPORTED, /* the device cannot do what was asked */
	KESU_EVERIFY,      /* verification found data that should not be there */
	KESU_EINTERRUPTED, /* stopped by a signal or a vanished device */
	KESU_EMEDIA,       /* media error that retries could not clear */
	KESU_ENOTFOUND,    /* named thing (method, device, record) does not exist */
};

/* A static English description of a code returned by any kesu_ function
 * (negative or positive form accepted). Never NULL. */
const char *kesu_strerror(int err);

#endif
