/* mountinfo.c - see mountinfo.h. */
#include "util/mountinfo.h"
#include "util/util.h"

#include <stdio.h>
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
