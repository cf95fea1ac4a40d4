/* commit.h - the commit record: the promise that the tree is durable. */
#ifndef PC_COMMIT_H
#define PC_COMMIT_H

#include "image/manifest.h"

#define PC_COMMIT_NAME "powercut-commit"

struct pc_commit {
	char case_id[256];
	char mode[32];
	char manifest_sha256[65];
	unsigned long long entries;
	/* layout = snapshots: the layer (1-based) this record commits, written
	 * as a "layer=N" line; 0: the whole tree (no such line). */
	unsigned layer;
};

/* The record that commits M (its digest and count) for case CASE_ID in
 * durability mode MODE; LAYER as in struct pc_commit. */
void pc_commit_build(struct pc_commit *rec, struct pc_manifest *m, const char *case_id,
		     const char *mode, unsigned layer);
/* The same from a digest (32 bytes) and a count, for a workload whose
 * promise is not a manifest. */
void pc_commit_build_digest(struct pc_commit *rec, const unsigned char digest[32],
			    unsigned long long entries, const char *case_id, const char *mode,
			    unsigned layer);
/* Write DIR/powercut-commit (text, key=value lines), fsync it, fsync DIR. */
int pc_commit_write(const char *dir, const struct pc_commit *c);
/* 1: present and well-formed (filled in); 0: absent or unreadable or
 * malformed (a torn record is not a commit); -1: error accessing DIR. */
int pc_commit_read(const char *dir, struct pc_commit *c);
/* REC is a commit of the case R: its digest becomes R's tested_sha256,
 * chained after the earlier ones when there are several (layout =
 * snapshots: one per layer, in layer order), SHA-256 of
 * "EARLIER-HEX NEW-HEX". */
struct pc_case_result;
void pc_commit_note_tested(struct pc_case_result *r, const struct pc_commit *rec);

#endif
