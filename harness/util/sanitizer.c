/* sanitizer.c - see sanitizer.h. */
#include "util/sanitizer.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define PC_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define PC_SANITIZED 1
#endif

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PC_LSAN 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define PC_LSAN 1
#endif

#ifdef PC_LSAN
#include <fcntl.h>
#include <sanitizer/lsan_interface.h>
#include <sys/mount.h>
#include <unistd.h>

/* The root before pc_sanitizer_before_chroot's caller chrooted: LSan lists
 * the threads it stops in /proc/PID/task, which a chrooted child cannot
 * see, so the check steps back out to here first, and mounts a proc there
 * if its private mount namespace (pc_isolate_nodev) dropped /proc. */
static int outer_root = -1;

static void keep_outer_root(void)
{
	if (outer_root < 0)
		outer_root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
}

void pc_sanitizer_leak_check(void)
{
	if (outer_root >= 0 && (fchdir(outer_root) < 0 || chroot(".") < 0))
		return; /* the report would be "cannot list threads", not a leak */
	if (outer_root >= 0 && access("/proc/self/task", R_OK) < 0)
		(void)mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	__lsan_do_leak_check();
}
#else
static inline void keep_outer_root(void)
{
}

void pc_sanitizer_leak_check(void)
{
}
#endif

#ifdef PC_SANITIZED
#include <sanitizer/common_interface_defs.h>

void pc_sanitizer_before_chroot(void)
{
	/* Asking for the path opens the file for this pid (a no-op when the
	 * reports go to stderr). */
	(void)__sanitizer_get_report_path();
	keep_outer_root();
}
#else
void pc_sanitizer_before_chroot(void)
{
}
#endif
