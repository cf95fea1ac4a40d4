/* fio_output.c - fio's JSON reports and verify messages; see fio_output.h.
 *
 * The verify messages are parsed by hand: fio prints them only as text
 * (log_err in verify.c), and its JSON has just the count (total_err).  The
 * caller compares the two, so a message format we do not recognise shows up
 * as a difference, never as a pass.  Formats seen with fio 3.33:
 *
 *   verify: bad magic header 0, wanted acca at file D/F offset O, length L (...)
 *   verify: bad header offset X, wanted Y at file D/F offset O, length L (...)
 *   crc32c: verify failed at file D/F offset O, length L (...)
 */
#include "workload/fio_output.h"

#include <stdlib.h>
#include <string.h>

#include "util/util.h"

json_t *pc_fio_json_last(const char *buf, size_t len, size_t *end)
{
	json_t *last = NULL;
	size_t pos = 0, last_end = 0;
	while (pos < len) {
		/* A document starts with '{' at the start of a line. */
		if (buf[pos] != '{' || (pos > 0 && buf[pos - 1] != '\n')) {
			const char *nl = memchr(buf + pos, '\n', len - pos);
			if (!nl)
				break;
			pos = (size_t)(nl - buf) + 1;
			continue;
		}
		json_error_t err;
		json_t *doc = json_loadb(buf + pos, len - pos, JSON_DISABLE_EOF_CHECK, &err);
		if (!doc) {
			/* Incomplete (still being written) or not JSON: try the
			 * next line, and keep what we have. */
			const char *nl = memchr(buf + pos, '\n', len - pos);
			if (!nl)
				break;
			pos = (size_t)(nl - buf) + 1;
			continue;
		}
		json_decref(last);
		last = doc;
		pos += (size_t)err.position;
		last_end = pos;
	}
	if (end)
		*end = last_end;
	return last;
}

/* O.A (or O.A.B): 1 and *OUT when it is a count (an integer, not
 * negative); 0 and *OUT = 0 when it is missing or anything else. */
static int get_count(json_t *o, const char *a, const char *b, uint64_t *out)
{
	json_t *v = b ? json_object_get(json_object_get(o, a), b) : json_object_get(o, a);
	json_int_t n = json_is_integer(v) ? json_integer_value(v) : -1;
	*out = n >= 0 ? (uint64_t)n : 0;
	return n >= 0;
}

static uint64_t get_u64(json_t *o, const char *a, const char *b)
{
	uint64_t n;
	get_count(o, a, b, &n);
	return n;
}

uint64_t pc_fio_json_write_bytes(json_t *report)
{
	json_t *jobs = json_object_get(report, "jobs");
	uint64_t sum = 0;
	size_t i;
	json_t *job;
	json_array_foreach(jobs, i, job)
		sum += get_u64(job, "write", "io_bytes");
	return sum;
}

int pc_fio_json_job(json_t *report, const char *name, struct pc_fio_stats *out)
{
	json_t *jobs = json_object_get(report, "jobs");
	size_t i;
	json_t *job;
	memset(out, 0, sizeof(*out));
	json_array_foreach(jobs, i, job) {
		const char *n = json_string_value(json_object_get(job, "jobname"));
		if (!n || strcmp(n, name))
			continue;
		out->has_write = get_count(job, "write", "total_ios", &out->write_ios) &
				 get_count(job, "write", "io_bytes", &out->write_bytes);
		out->has_read = get_count(job, "read", "total_ios", &out->read_ios) &
				get_count(job, "read", "io_bytes", &out->read_bytes);
		/* fio reports total_err only with continue_on_error */
		out->total_err = get_u64(job, "total_err", NULL);
		uint64_t error;
		out->has_error = get_count(job, "error", NULL, &error) && error <= 4095;
		out->error = out->has_error ? (int)error : 0;
		return 0;
	}
	return -1;
}

int pc_fio_signal_line(const char *text, char *out, size_t len)
{
	const char *hit = text ? strstr(text, "got signal") : NULL;
	if (!hit)
		return 0;
	const char *start = hit;
	while (start > text && start[-1] != '\n')
		start--;
	size_t n = strcspn(start, "\n");
	snprintf(out, len, "%.*s", (int)n, start);
	return 1;
}

/* "bad header" or "crc", and fio's words for it, from the text before
 * " at file ". */
static void describe(const char *line, size_t len, char *out, size_t outlen)
{
	const char *kind = "bad header";
	const char *words = line;
	size_t n = len;
	if (n > 8 && !strncmp(line, "verify: ", 8)) {
		words += 8;
		n -= 8;
	} else {
		kind = "crc";
	}
	snprintf(out, outlen, "%s (%.*s)", kind, (int)n, words);
}

static void add_finding(struct pc_verify_result *vr, char *path, char *detail)
{
	vr->findings = xrealloc(vr->findings, (vr->nfindings + 1) * sizeof(*vr->findings));
	vr->findings[vr->nfindings++] = (struct pc_finding){ PC_F_FIO_VERIFY, path, detail };
	vr->counts[PC_F_FIO_VERIFY]++;
	vr->lost++;
}

/* One line: a finding if it names a file and an offset. */
static int parse_line(const char *line, size_t len, const char *dir, struct pc_verify_result *vr)
{
	static const char at[] = " at file ";
	char *copy = xmalloc(len + 1);
	memcpy(copy, line, len);
	copy[len] = '\0';
	int added = 0;
	char *a = strstr(copy, at);
	char *off = a ? strstr(a, " offset ") : NULL;
	if (a && off) {
		char *file = a + strlen(at);
		*off = '\0';
		char *end;
		unsigned long long offset = strtoull(off + strlen(" offset "), &end, 10);
		if (end != off + strlen(" offset ") && (*end == ',' || *end == '\0' || *end == ' ')) {
			size_t dl = dir ? strlen(dir) : 0;
			if (dl && !strncmp(file, dir, dl) && file[dl] == '/')
				file += dl + 1;
			char detail[512];
			describe(copy, (size_t)(a - copy), detail, sizeof(detail));
			add_finding(vr, xasprintf("%s@%llu", file, offset), xstrdup(detail));
			added = 1;
		}
	}
	free(copy);
	return added;
}

size_t pc_fio_verify_findings(const char *text, const char *dir, struct pc_verify_result *vr)
{
	size_t added = 0;
	for (const char *p = text; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		added += (size_t)parse_line(p, len, dir, vr);
		p = nl ? nl + 1 : NULL;
	}
	return added;
}

static uint64_t le64_at(const unsigned char *b)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

static uint32_t le32_at(const unsigned char *b)
{
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24;
}

int pc_fio_state_parse(const void *state, size_t len, struct pc_fio_state *out)
{
	/* verify_state_hdr: version, size, crc (u64 each); then the job's
	 * thread_io_list: no_comps (u64), depth, nofiles (u32), numberio (u64) */
	const unsigned char *b = state;
	if (len < 24 + 24 || le64_at(b) != 3)
		return -1;
	out->no_comps = le64_at(b + 24);
	out->depth = le32_at(b + 32);
	out->nofiles = le32_at(b + 36);
	out->numberio = le64_at(b + 40);
	return 0;
}
