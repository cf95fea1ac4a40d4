/* mountinfo.c - see mountinfo.h. */
#include "util/mountinfo.h"
#include "util/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int octal_digit(char c, char max)
{
	return c >= '0' && c <= max;
}

void pc_mountinfo_unescape(char *s)
{
	char *out = s;
	while (*s) {
		if (s[0] == '\\' && octal_digit(s[1], '3') && octal_digit(s[2], '7') &&
		    octal_digit(s[3], '7')) {
			*out++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*out++ = *s++;
		}
	}
	*out = '\0';
}

char *pc_mountinfo_escape(const char *path)
{
	char *out = xcalloc(4 * strlen(path) + 1, 1), *o = out;
	for (const char *p = path; *p; p++)
		o += strchr(" \t\n\\", *p) ? sprintf(o, "\\%03o", (unsigned char)*p)
					     : sprintf(o, "%c", *p);
	return out;
}

/* LINE split at blanks, in place, into at most MAX fields F: how many. */
static size_t split_fields(char *line, char **f, size_t max)
{
	size_t n = 0;
	for (char *save = NULL, *t = strtok_r(line, " \n", &save); t && n < max;
	     t = strtok_r(NULL, " \n", &save))
		f[n++] = t;
	return n;
}

int pc_mount_top(const char *mp, struct pc_mount_top *t)
{
	memset(t, 0, sizeof(*t));
	FILE *f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return -1;
	char *want = pc_mountinfo_escape(mp), *line = NULL;
	size_t cap = 0;
	int found = 0;
	/* the last line for MP is the mount on top */
	while (getline(&line, &cap, f) > 0) {
		char *v[64];
		size_t n = split_fields(line, v, 64), dash = 6;
		while (dash < n && strcmp(v[dash], "-"))
			dash++;
		if (n < 6 || dash + 3 >= n || strcmp(v[4], want))
			continue;
		pc_mount_top_free(t);
		t->type = xstrdup(v[dash + 1]);
		t->vfs_opts = xstrdup(v[5]);
		t->super_opts = xstrdup(v[dash + 3]);
		found = 1;
	}
	free(line);
	free(want);
	fclose(f);
	return found;
}

void pc_mount_top_free(struct pc_mount_top *t)
{
	free(t->type);
	free(t->vfs_opts);
	free(t->super_opts);
	memset(t, 0, sizeof(*t));
}
