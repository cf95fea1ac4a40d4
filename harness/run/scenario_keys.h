/* scenario_keys.h - the table of scenario keys (private to scenario*.c).
 *
 * One row per key, as fio's options table: its name, its type, where its
 * value goes in struct pc_settings, the values it allows (taken from the
 * owning module's names), its limits, its default and its help.  One
 * generic setter per type checks a value and stores it; help, the
 * documentation test and error messages read the same rows.
 */
#ifndef PC_SCENARIO_KEYS_H
#define PC_SCENARIO_KEYS_H

#include <stddef.h>

#include "run/scenario.h"

enum pc_key_type {
	PC_KEY_TEXT,       /* free text, kept as written */
	PC_KEY_PATHS,      /* list of paths, resolved and checked by `resolve` */
	PC_KEY_ENUM,       /* one of `choice` (an index within min..max) */
	PC_KEY_ENUM_LIST,  /* one or more of `choice`, each once */
	PC_KEY_SIZE,       /* bytes with K/M/G/T suffix, min..max, a multiple of
			      `step`; `special` (e.g. "auto") stores 0 */
	PC_KEY_COUNT,      /* whole number, min..max */
	PC_KEY_ALTERNATIVES, /* text alternatives split on `|` (optalt.h): an
				option matrix */
};

enum pc_key_flags {
	PC_KEY_REQUIRED = 1 << 0,  /* no default: each group must get it */
	PC_KEY_IMAGE_ONLY = 1 << 2, /* REQUIRED for workload = image only */
	PC_KEY_PER_MODE = 1 << 1,  /* one key NAME_MODE per durability mode; the
				      field is an unsigned array indexed by enum
				      pc_mode (ENUM and COUNT rows) */
	/* Not part of a case's "settings" in results.json (pc_case_settings):
	 * the key judges or names the case (expect, retries, known, repeat),
	 * or results.json gives what it sets field by field (options,
	 * backend, cut, images, ...).  A key without it is compared. */
	PC_KEY_NOT_SETTINGS = 1 << 3,
};

struct pc_key {
	const char *name;
	enum pc_key_type type;
	size_t offset;              /* of the field in struct pc_settings */
	size_t count_offset;        /* PATHS: of its size_t count */
	/* ENUM, ENUM_LIST: the I-th allowed value, NULL past the end. */
	const char *(*choice)(unsigned i);
	unsigned long long min, max; /* COUNT, SIZE; ENUM: index range (max 0: all) */
	unsigned long long step;    /* SIZE: a multiple of this (0: any) */
	const char *special;        /* SIZE: a word that means 0 */
	const char *def;            /* default, written as in a file */
	const char *(*def_for)(unsigned mode); /* PER_MODE: default per mode */
	unsigned flags;             /* enum pc_key_flags */
	const char *meta;           /* TEXT, PATHS: the value in help ("SPEC ...") */
	const char *help;           /* one sentence for `powercut help keys` */
	/* PATHS: resolve WORD against DIR into a malloc'd absolute path, or
	 * NULL with the reason in why. */
	char *(*resolve)(const char *dir, const char *word, char *why, size_t len);
	/* TEXT: 0 when VALUE is well formed (DIR resolves relative paths), or
	 * -1 with the reason in why; NULL: any text.  Run on every line that
	 * sets the key, so that a value no group ends up using (a [global]
	 * value every group overrides) is checked as well. */
	int (*check)(const char *value, const char *dir, char *why, size_t len);
};

/* Slots: one per key a file may set (a PER_MODE row has one per mode). */
size_t pc_key_nslots(void);
/* Slot I's row; *mode receives its mode (PER_MODE rows), name its name. */
const struct pc_key *pc_key_slot(size_t i, unsigned *mode, char *name, size_t len);
/* The slot called NAME, or -1. */
long pc_key_lookup(const char *name);
/* The default of slot I as written in a file, or NULL if it has none. */
const char *pc_key_default(size_t i);

/* Check VALUE for slot I and store it in S (replacing what was there).
 * DIR resolves relative paths.  0, or -1 with the reason in why (nothing
 * printed: the caller adds file, line and key). */
int pc_key_set(size_t i, struct pc_settings *s, const char *value, const char *dir,
	       char *why, size_t whylen);
void pc_settings_free(struct pc_settings *s);

#endif
