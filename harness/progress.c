/* progress.c - one status line on a terminal; see progress.h.
 *
 * "[2/6] default/ext4/syncfs: unpack 12.3 MiB", rewritten in place with a
 * carriage return and ESC[K (erase to end of line).  The line is cut to
 * the terminal's width: a line that wraps cannot be rewritten with \r.
 * Nothing at all is written when stderr is not a terminal, so logs and CI
 * output stay clean.
 */
#include "progress.h"

#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util.h"

#define REDRAW_INTERVAL 0.1  /* seconds: at most ~10 redraws a second */

static struct {
	int enabled;
	int shown;          /* a line is on screen */
	unsigned i, n;
	char id[256];
	char phase[64];
	uint64_t bytes;
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

static void draw(void)
{
	char line[512], size[32] = "";
	if (pg.bytes)
		human_bytes(pg.bytes, size, sizeof(size));
	int n = snprintf(line, sizeof(line), "[%u/%u] %s%s%s%s%s", pg.i, pg.n, pg.id,
			 pg.phase[0] ? ": " : "", pg.phase, size[0] ? " " : "", size);
	size_t len = n < 0 ? 0 : (size_t)n >= sizeof(line) ? sizeof(line) - 1 : (size_t)n;
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
	pg.enabled = isatty(STDERR_FILENO);
	if (pg.enabled)
		pc_before_message = pc_progress_clear;
}

void pc_progress_case(unsigned i, unsigned n, const char *case_id)
{
	if (!pg.enabled)
		return;
	pg.i = i;
	pg.n = n;
	snprintf(pg.id, sizeof(pg.id), "%s", case_id ? case_id : "");
	pg.phase[0] = '\0';
	pg.bytes = 0;
	draw();
}

void pc_progress_phase(const char *phase)
{
	if (!pg.enabled)
		return;
	snprintf(pg.phase, sizeof(pg.phase), "%s", phase ? phase : "");
	pg.bytes = 0;
	draw();
}

void pc_progress_bytes(uint64_t bytes, void *unused)
{
	(void)unused;
	if (!pg.enabled)
		return;
	pg.bytes = bytes;
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
