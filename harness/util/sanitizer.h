/* sanitizer.h - what a sanitized build (make powercut-asan, powercut-tsan)
 * needs from the program itself; nothing in a plain build. */
#ifndef PC_SANITIZER_H
#define PC_SANITIZER_H

/* Before a chroot: open this process's sanitizer report file (log_path in
 * ASAN_OPTIONS, TSAN_OPTIONS...) while its path still leads to it.  The
 * sanitizer opens it lazily, at the first report, as log_path.PID; a forked
 * child chrooted into a target would find no such folder, and the report
 * would be lost.  (Its stack frames stay unsymbolized, binary+offset: the
 * symbolizer cannot be started in there; addr2line -e BINARY OFFSET names
 * them.) */
void pc_sanitizer_before_chroot(void);

/* Before a forked child's _exit: run LeakSanitizer's check now.  It runs at
 * exit() only, so a child that ends with _exit (the unpack child) was never
 * checked for leaks; a leak found makes the child exit with LSan's
 * exitcode (23 unless LSAN_OPTIONS says otherwise), reported to its
 * parent as the child failing.  A chrooted child must have called
 * pc_sanitizer_before_chroot: the check leaves the chroot through the root
 * kept there (LSan needs /proc).  Nothing in other builds. */
void pc_sanitizer_leak_check(void);

#endif
