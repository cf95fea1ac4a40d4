/* progress.c - one status line on a terminal; see progress.h.
 *
 * "[1/6 done, ETA 2m10s] default/ext4/syncfs: unpack 45% of 12.3 MiB",
 * rewritten in place with a carriage return and ESC[K (erase to end of
 * line).  The numbers come first and the line is cut to the terminal's
 * width: a line that wraps cannot be rewritten with \r.  The ETA is the
 * mean time of the cases done so far times the cases left, less the time
 * the current case has already taken; "ETA ?" until a case is done.
 * Nothing at all is written when stderr is not a terminal, so logs and CI
 * output stay clean.
 */
#include "run/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util/escape.h"
#include "util/util.h"

#define REDRAW_INTERVAL 0.1  /* seconds: at most ~10 redraws a second */

static struct {
	int enabled;
	int shown;          /* a line is on screen */
	unsigned i, n;
	char id[256];
	char phase[64];
	uint64_t bytes, total;
	double run_start, case_start;
	double last_draw;
} pg;

static void human_bytes(uint64_t b, char *out, size_t len)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	if (b < 1024) {
		snprintf(out, len, "%llu B", (unsigned long long)b);
		return;
	}
	double v = (double)b / 1024.0;
	size_t u = 0;
	while (v >= 1024.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024.0;
		u++;
	}
	snprintf(out, len, "%.1f %s", v, units[u]);
}

static size_t term_width(void)
{
	struct winsize ws;
	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1)
		return ws.ws_col;
	return 80;
}

/* "2m10s", "1h05m", "40s". */
static void human_duration(double s, char *out, size_t len)
{
	unsigned long t = s < 0 ? 0 : (unsigned long)(s + 0.5);
	if (t >= 3600)
		snprintf(out, len, "%luh%02lum", t / 3600, t / 60 % 60);
	else if (t >= 60)
		snprintf(out, len, "%lum%02lus", t / 60, t % 60);
	else
		snprintf(out, len, "%lus", t);
}

/* What is left of the run, from the mean of the cases done; -1 unknown. */
static double eta(double now)
{
	unsigned done = pg.i ? pg.i - 1 : 0;
	if (!done || pg.n < pg.i)
		return -1;
	double mean = (pg.case_start - pg.run_start) / done;
	double left = mean * (pg.n - done) - (now - pg.case_start);
	return left < 0 ? 0 : left;
}

void pc_progress_format(char *out, size_t len, double now)
{
	char when[32] = "?", size[32] = "", share[48] = "";
	double e = eta(now);
	if (e >= 0)
		human_duration(e, when, sizeof(when));
	if (pg.total) {
		human_bytes(pg.total, size, sizeof(size));
		uint64_t b = pg.bytes > pg.total ? pg.total : pg.bytes;
		snprintf(share, sizeof(share), " %u%% of %s", (unsigned)(b * 100 / pg.total), size);
	} else if (pg.bytes) {
		human_bytes(pg.bytes, size, sizeof(size));
		snprintf(share, sizeof(share), " %s", size);
	}
	/* the share is for the unpack only: other phases do not count bytes */
	int unpacking = !strncmp(pg.phase, "unpack", 6);
	snprintf(out, len, "[%u/%u done, ETA %s] %s%s%s%s", pg.i ? pg.i - 1 : 0, pg.n, when,
		 pg.id, pg.phase[0] ? ": " : "", pg.phase, unpacking ? share : "");
}

static void draw(void)
{
	char line[512];
	pc_progress_format(line, sizeof(line), pc_now());
	size_t len = strlen(line);
	size_t max = term_width() - 1;  /* the last column would wrap */
	if (len > max)
		len = max;
	fprintf(stderr, "\r%.*s\033[K", (int)len, line);
	fflush(stderr);
	pg.shown = 1;
	pg.last_draw = pc_now();
}

void pc_progress_init(void)
{
	memset(&pg, 0, sizeof(pg));
	pg.run_start = pc_now();
	pg.enabled = isatty(STDERR_FILENO);
	if (pg.enabled)
		pc_before_message = pc_progress_clear;
}

/* State is kept even when nothing is drawn, so that the line can be
 * checked without a terminal (pc_progress_format). */
void pc_progress_case(unsigned i, unsigned n, const char *case_id)
{
	pg.i = i;
	pg.n = n;
	pg.case_start = pc_now();
	char *shown = pc_esc_text(case_id ? case_id : ""); /* ids come from scenarios */
	snprintf(pg.id, sizeof(pg.id), "%s", shown);
	free(shown);
	pg.phase[0] = '\0';
	pg.bytes = 0;
	pg.total = 0;
	if (pg.enabled)
		draw();
}

void pc_progress_phase(const char *phase)
{
	snprintf(pg.phase, sizeof(pg.phase), "%s", phase ? phase : "");
	pg.bytes = 0;
	if (pg.enabled)
		draw();
}

void pc_progress_total(uint64_t bytes)
{
	pg.total = bytes;
}

void pc_progress_bytes(uint64_t bytes, void *unused)
{
	(void)unused;
	pg.bytes = bytes;
	if (!pg.enabled)
		return;
	if (pc_now() - pg.last_draw >= REDRAW_INTERVAL)
		draw();
}

void pc_progress_clear(void)
{
	if (!pg.enabled || !pg.shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	pg.shown = 0;
}
