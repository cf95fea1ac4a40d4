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

#ifdef PC_SANITIZED
#include <sanitizer/common_interface_defs.h>

void pc_sanitizer_before_chroot(void)
{
	/* Asking for the path opens the file for this pid (a no-op when the
	 * reports go to stderr). */
	(void)__sanitizer_get_report_path();
}
#else
void pc_sanitizer_before_chroot(void)
{
}
#endif
