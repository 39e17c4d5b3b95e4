#include <string.h>

#include "kesu/error.h"

const char *kesu_strerror(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case 0: return "success";
	case KESU_EPARSE: return "malformed input";
	case KESU_EREFUSED: return "refused by the safety gate";
	case KESU_EUNSUPPORTED: return "not supported by the device";
	case KESU_EVERIFY: return "verification failed";
	case KESU_EINTERRUPTED: return "cancelled";
	case KESU_EMEDIA: return "unrecoverable media error";
	case KESU_ENOTFOUND: return "not found";
	default: return strerror(err);
	}
}
