/* Internal steps of probing a device; device.c strings them together. */
#ifndef KESU_PROBE_H
#define KESU_PROBE_H
#include "kesu/device.h"

/* Root of sysfs for this probe ("/sys" unless a test says otherwise). */
const char *kesu_env_sysfs(const struct kesu_probe_env *env);

/* Transport from the real sysfs path of a block device and its name. */
enum kesu_transport kesu_transport_from_path(const char *real_block_dir, const char *name);

/* Fills identity, geometry, partitions, holders and capabilities of the
 * block device called NAME from sysfs. */
int kesu_probe_sysfs(const char *name, const struct kesu_probe_env *env,
		     struct kesu_device *dev);

/* Partition table and signatures through libblkid on dev->path. */
int kesu_probe_contents(struct kesu_device *dev);

/* Mounts, swap and SYSTEM marks from mountinfo / swaps / boot medium. */
int kesu_probe_usage(const struct kesu_probe_env *env, struct kesu_device *dev);

/* SMART through libatasmart (ATA-family transports only). */
void kesu_probe_smart(struct kesu_device *dev);


/* Probes the block device called NAME in the sysfs of env (the node is
 * taken to be /dev/NAME). Used by kesu_device_probe and by the tests,
 * which point env at captured fixture trees. */
int kesu_device_probe_block(const char *name, const struct kesu_probe_env *env,
			    struct kesu_device *dev);
#endif
