/* The one atomic writer and the one bounded reader (kesu/fileio.h): a file
 * is replaced whole or not at all, with exactly the mode asked for; a
 * failure leaves no temporary behind and the old file as it was; a new
 * secret key never replaces anything; a FIFO, a device or a directory is
 * refused at once, and a file larger than asked for is refused. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kesu/fileio.h"

static char dir[64];

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static void setup(void)
{
	strcpy(dir, "/tmp/kesu-test-fileio.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void teardown(void)
{
	nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

TestSuite(fileio, .init = setup, .fini = teardown, .timeout = 20);

static const char *in_dir(const char *name)
{
	static char path[4][256];
	static int next;
	char *p = path[next++ % 4];
	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	return p;
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	fclose(f);
}

static char *slurp(const char *path)
{
	static char buf[4096];
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "%s", path);
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Entries of a directory whose name has ".tmp" in it. */
static int temporaries_in(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	int n = 0;
	while ((e = readdir(d)))
		n += strstr(e->d_name, ".tmp") != NULL;
	closedir(d);
	return n;
}

static int temporaries(void)
{
	return temporaries_in(dir);
}

static mode_t mode_of(const char *path)
{
	struct stat st;
	cr_assert_eq(stat(path, &st), 0, "%s", path);
	return st.st_mode & 07777;
}

Test(fileio, writes_with_exactly_the_mode)
{
	char err[256] = "";
	umask(077);
	cr_assert_eq(kesu_file_write_atomic(in_dir("cert.pdf"), "new\n", 4, 0644, 0, err, sizeof(err)),
		     0, "%s", err);
	cr_assert_str_eq(slurp(in_dir("cert.pdf")), "new\n");
	cr_assert_eq(mode_of(in_dir("cert.pdf")), 0644);
	umask(0);
	cr_assert_eq(kesu_file_write_atomic(in_dir("k.key"), "s", 1, 0600, 0, err, sizeof(err)), 0);
	cr_assert_eq(mode_of(in_dir("k.key")), 0600);
	cr_assert_eq(kesu_file_write_atomic(in_dir("empty"), NULL, 0, 0644, 0, err, sizeof(err)), 0);
	cr_assert_str_eq(slurp(in_dir("empty")), "");
	cr_assert_eq(temporaries(), 0);
}

/* Replaced by a rename, never rewritten in place: a reader that had the
 * old file open still reads all of the old bytes, and a hard link to the
 * old file keeps them. */
Test(fileio, replaces_atomically)
{
	char err[256] = "";
	spit(in_dir("a.sig"), "old signature\n");
	cr_assert_eq(link(in_dir("a.sig"), in_dir("a.sig.link")), 0);
	int fd = open(in_dir("a.sig"), O_RDONLY);
	cr_assert_geq(fd, 0);
	cr_assert_eq(kesu_file_write_atomic(in_dir("a.sig"), "new\n", 4, 0644, 0, err, sizeof(err)),
		     0, "%s", err);
	char buf[64] = "";
	cr_assert_eq(read(fd, buf, sizeof(buf) - 1), 14);
	close(fd);
	cr_assert_str_eq(buf, "old signature\n");
	cr_assert_str_eq(slurp(in_dir("a.sig.link")), "old signature\n");
	cr_assert_str_eq(slurp(in_dir("a.sig")), "new\n");
	cr_assert_eq(temporaries(), 0);
}

/* The writer of old used PATH.tmp with O_TRUNC: a symbolic link planted
 * there sent the signature into any file the victim could write. */
Test(fileio, a_planted_temporary_name_is_not_followed)
{
	char err[256] = "";
	spit(in_dir("victim"), "precious\n");
	cr_assert_eq(symlink(in_dir("victim"), in_dir("c.pdf.sig.tmp")), 0);
	cr_assert_eq(kesu_file_write_atomic(in_dir("c.pdf.sig"), "sig\n", 4, 0644, 0, err,
					    sizeof(err)),
		     0, "%s", err);
	cr_assert_str_eq(slurp(in_dir("victim")), "precious\n");
	cr_assert_str_eq(slurp(in_dir("c.pdf.sig")), "sig\n");
}

Test(fileio, no_replace_refuses_an_existing_file)
{
	char err[256] = "";
	spit(in_dir("station.key"), "the old key\n");
	cr_assert_eq(kesu_file_write_atomic(in_dir("station.key"), "new", 3, 0600,
					    KESU_FILE_NO_REPLACE, err, sizeof(err)),
		     -EEXIST);
	cr_assert(strstr(err, in_dir("station.key")) && strstr(err, "already exists"), "%s", err);
	cr_assert_str_eq(slurp(in_dir("station.key")), "the old key\n");
	/* nor a dangling symbolic link in its place */
	cr_assert_eq(symlink(in_dir("nowhere"), in_dir("link.key")), 0);
	cr_assert_eq(kesu_file_write_atomic(in_dir("link.key"), "new", 3, 0600,
					    KESU_FILE_NO_REPLACE, err, sizeof(err)),
		     -EEXIST);
	cr_assert_eq(access(in_dir("nowhere"), F_OK), -1);
	cr_assert_eq(temporaries(), 0);
	cr_assert_eq(kesu_file_write_atomic(in_dir("new.key"), "new", 3, 0600, KESU_FILE_NO_REPLACE,
					    err, sizeof(err)),
		     0, "%s", err);
	cr_assert_str_eq(slurp(in_dir("new.key")), "new");
	cr_assert_eq(mode_of(in_dir("new.key")), 0600);
	cr_assert_eq(temporaries(), 0);
}

/* A write that fails half-way (the file size limit here; a full disk is
 * the same to the writer): the error is returned, the old file is intact
 * and the temporary is gone. */
Test(fileio, a_failed_write_leaves_the_old_file_and_no_temporary)
{
	char err[256] = "";
	static char big[256 * 1024];
	memset(big, 'x', sizeof(big));
	spit(in_dir("r.pdf"), "old\n");
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit lim = {64 * 1024, 64 * 1024};
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	int rc = kesu_file_write_atomic(in_dir("r.pdf"), big, sizeof(big), 0644, 0, err, sizeof(err));
	cr_assert_eq(rc, -EFBIG, "%d %s", rc, err);
	cr_assert(strstr(err, in_dir("r.pdf")), "the error names the file: %s", err);
	cr_assert_str_eq(slurp(in_dir("r.pdf")), "old\n");
	cr_assert_eq(temporaries(), 0);
	rc = kesu_file_write_atomic(in_dir("n.key"), big, sizeof(big), 0600, KESU_FILE_NO_REPLACE,
				    err, sizeof(err));
	cr_assert_eq(rc, -EFBIG);
	cr_assert_eq(access(in_dir("n.key"), F_OK), -1);
	cr_assert_eq(temporaries(), 0);
}

/* A real full disk: a 64 KiB tmpfs (root only; skipped otherwise). */
Test(fileio, a_full_disk_leaves_no_temporary)
{
	char small[128], path[160], err[256] = "";
	static char big[256 * 1024];
	snprintf(small, sizeof(small), "%s/small", dir);
	cr_assert_eq(mkdir(small, 0700), 0);
	if (mount("tmpfs", small, "tmpfs", 0, "size=64k") != 0)
		cr_skip_test("cannot mount a tmpfs here: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/c.pdf", small);
	spit(path, "old\n");
	int rc = kesu_file_write_atomic(path, big, sizeof(big), 0644, 0, err, sizeof(err));
	int left = temporaries_in(small);
	char *now = slurp(path);
	bool intact = strcmp(now, "old\n") == 0;
	umount2(small, MNT_DETACH);
	cr_assert_eq(rc, -ENOSPC, "%d %s", rc, err);
	cr_assert(strstr(err, path) && strstr(err, strerror(ENOSPC)), "%s", err);
	cr_assert_eq(left, 0, "a temporary was left on the full disk");
	cr_assert(intact, "the old file was changed");
}

Test(fileio, a_directory_that_cannot_take_the_file)
{
	char err[256] = "";
	spit(in_dir("plain"), "x");
	cr_assert_eq(kesu_file_write_atomic(in_dir("plain/x.sig"), "s", 1, 0644, 0, err, sizeof(err)),
		     -ENOTDIR);
	cr_assert_eq(kesu_file_write_atomic(in_dir("missing/x.sig"), "s", 1, 0644, 0, err,
					    sizeof(err)),
		     -ENOENT);
	cr_assert(strstr(err, "missing/x.sig"), "%s", err);
	if (geteuid() != 0) { /* root writes anywhere */
		cr_assert_eq(mkdir(in_dir("ro"), 0500), 0);
		cr_assert_eq(kesu_file_write_atomic(in_dir("ro/x.sig"), "s", 1, 0644, 0, err,
						    sizeof(err)),
			     -EACCES);
	}
	cr_assert_eq(temporaries(), 0);
}

Test(fileio, reads_a_whole_file_within_the_limit)
{
	char err[256] = "", *data;
	size_t len;
	spit(in_dir("f"), "0123456789");
	cr_assert_eq(kesu_file_read_bounded(in_dir("f"), 10, 0, &data, &len, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(len, 10);
	cr_assert_str_eq(data, "0123456789");
	free(data);
	cr_assert_eq(kesu_file_read_bounded(in_dir("f"), 9, 0, &data, &len, err, sizeof(err)), -EFBIG);
	cr_assert_null(data);
	cr_assert(strstr(err, in_dir("f")) && strstr(err, "larger than 9 bytes"), "%s", err);
	spit(in_dir("e"), "");
	cr_assert_eq(kesu_file_read_bounded(in_dir("e"), 10, 0, &data, &len, err, sizeof(err)), 0);
	cr_assert_eq(len, 0);
	cr_assert_str_eq(data, "");
	free(data);
	cr_assert_eq(kesu_file_read_bounded(in_dir("none"), 10, 0, &data, &len, err, sizeof(err)),
		     -ENOENT);

	char buf[11];
	cr_assert_eq(kesu_file_read_into(in_dir("f"), 0, buf, sizeof(buf), &len, err, sizeof(err)), 0);
	cr_assert_str_eq(buf, "0123456789");
	cr_assert_eq(kesu_file_read_into(in_dir("f"), 0, buf, 10, &len, err, sizeof(err)), -EFBIG);
}

/* A FIFO without a writer would block a plain open() for ever. */
Test(fileio, a_fifo_a_device_and_a_directory_are_refused_at_once)
{
	char err[256] = "", *data, buf[16];
	size_t len;
	cr_assert_eq(mkfifo(in_dir("fifo"), 0600), 0);
	alarm(5);
	cr_assert_eq(kesu_file_read_bounded(in_dir("fifo"), 100, 0, &data, &len, err, sizeof(err)),
		     -EINVAL);
	cr_assert(strstr(err, in_dir("fifo")) && strstr(err, "not a regular file (a FIFO)"), "%s", err);
	cr_assert_eq(kesu_file_read_into(in_dir("fifo"), 0, buf, sizeof(buf), &len, err, sizeof(err)),
		     -EINVAL);
	alarm(0);
	cr_assert_eq(kesu_file_read_bounded("/dev/null", 100, 0, &data, &len, err, sizeof(err)),
		     -EINVAL);
	cr_assert(strstr(err, "a character device"), "%s", err);
	cr_assert_eq(kesu_file_read_bounded(dir, 100, 0, &data, &len, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "a directory"), "%s", err);
}

Test(fileio, owner_only_and_nofollow)
{
	char err[256] = "", buf[64];
	size_t len;
	spit(in_dir("k"), "secret");
	cr_assert_eq(chmod(in_dir("k"), 0640), 0);
	cr_assert_eq(kesu_file_read_into(in_dir("k"), KESU_FILE_OWNER_ONLY, buf, sizeof(buf), &len,
					 err, sizeof(err)),
		     -EACCES);
	cr_assert(strstr(err, "permissions 0640 are too open; chmod 600"), "%s", err);
	cr_assert_eq(chmod(in_dir("k"), 0600), 0);
	cr_assert_eq(kesu_file_read_into(in_dir("k"), KESU_FILE_OWNER_ONLY, buf, sizeof(buf), &len,
					 err, sizeof(err)),
		     0);
	cr_assert_str_eq(buf, "secret");
	cr_assert_eq(symlink(in_dir("k"), in_dir("l")), 0);
	cr_assert_eq(kesu_file_read_into(in_dir("l"), KESU_FILE_NOFOLLOW, buf, sizeof(buf), &len,
					 err, sizeof(err)),
		     -ELOOP);
	cr_assert_eq(kesu_file_read_into(in_dir("l"), 0, buf, sizeof(buf), &len, err, sizeof(err)), 0);
}
