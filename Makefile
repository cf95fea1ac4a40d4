# powercut - power-failure crash-test harness.
#
#   make            build ./powercut (and the image generator)
#   make run        install missing packages, build, run scenarios/default.ini
#   make check      unit tests (CUnit; natively, under valgrind and under
#                   ASan+UBSan: make unit-asan), integration tests (root)
#   make install PREFIX=/usr/local
#   make SANITIZE=1 build with ASan + UBSan
#   make fuzz       build the libFuzzer targets with clang, run each for
#                   FUZZ_SECONDS (default 60); make check runs them 15 s each

PREFIX ?= /usr/local
CC ?= cc
PKGS := libarchive fuse3 devmapper blkid jansson inih libcrypto zlib

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wno-format-nonliteral
CFLAGS += -D_GNU_SOURCE -Iharness
ifeq ($(SANITIZE),1)
CFLAGS += -fsanitize=address,undefined -fno-omit-frame-pointer
# GCC 12's overread and format-overflow analyses misfire on sanitizer-
# instrumented code (the plain build keeps them as errors).
CFLAGS += -Wno-error=stringop-overread -Wno-error=format-overflow
LDFLAGS += -fsanitize=address,undefined
endif

DEPS_OK := $(shell pkg-config --exists $(PKGS) cunit 2>/dev/null && echo yes)
ifeq ($(DEPS_OK),yes)
CFLAGS += $(shell pkg-config --cflags $(PKGS))
LIBS := $(shell pkg-config --libs $(PKGS))
CUNIT_LIBS := $(shell pkg-config --libs cunit)
endif

# pkg-config is read when make starts: if packages are missing, install them
# and start make again so the flags are read afresh.
ifneq ($(DEPS_OK),yes)
.PHONY: all run check unit unit-valgrind unit-asan integration install sample-image powercut fuzz fuzz-ci
all run check unit unit-valgrind unit-asan integration install sample-image powercut fuzz fuzz-ci:
	bash scripts/install-deps.sh
	$(MAKE) $@
else

# harness/FOLDER/*.c: one folder per part of the architecture (docs/design.md);
# headers are included by FOLDER/NAME.h from -Iharness.
LIB_SRCS := $(filter-out harness/cmd/main.c,$(wildcard harness/*/*.c))
LIB_HDRS := $(wildcard harness/*/*.h)
LIB_OBJS := $(LIB_SRCS:.c=.o)
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(UNIT_SRCS:.c=.o)

.PHONY: all run check unit unit-valgrind unit-asan integration install sample-image

GENERATORS := $(patsubst %.c,%,$(wildcard images/*.c))

all: powercut $(GENERATORS)

powercut: harness/cmd/main.o harness/libpowercut.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

harness/libpowercut.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

harness/%.o: harness/%.c $(LIB_HDRS)
	$(CC) $(CFLAGS) -c -o $@ $<

# Every images/NAME.c is a stand-alone generator images/NAME.
images/%: images/%.c harness/libpowercut.a
	$(CC) $(CFLAGS) -o $@ $< harness/libpowercut.a $(LDFLAGS) $(LIBS)

tests/unit/%.o: tests/unit/%.c $(LIB_HDRS) $(wildcard tests/unit/*.h)
	$(CC) $(CFLAGS) -Itests/unit -c -o $@ $<

tests/unit/run-unit: $(UNIT_OBJS) harness/libpowercut.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS) $(CUNIT_LIBS)

SAMPLE := images/sample/layer1.tar.gz images/sample/layer2.tar.gz images/sample/layer3.tar.zst

sample-image: $(SAMPLE)
# The generator is deterministic: regenerate when its source changes, not
# when it is merely relinked; write beside and rename so readers never see a
# half-written image.
$(SAMPLE) &: images/mkimage.c | images/mkimage
	rm -rf images/sample.tmp
	./images/mkimage sample images/sample.tmp
	rm -rf images/sample && mv images/sample.tmp images/sample

run: all sample-image
	./powercut run scenarios/default.ini

unit: tests/unit/run-unit
	./tests/unit/run-unit

# The unit suite again under valgrind: any invalid access or definite leak
# fails the check.  Forked children (the unpack process) are not traced.
unit-valgrind: tests/unit/run-unit
	valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
		--child-silent-after-fork=yes ./tests/unit/run-unit

# The unit suite again, built by gcc with ASan and UBSan into build/asan/
# (the plain build is untouched): any invalid access, leak or undefined
# behaviour fails the check.
ASAN_DIR := build/asan
ASAN_FLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
ASAN_CFLAGS := $(CFLAGS) $(ASAN_FLAGS) -Wno-error=stringop-overread -Wno-error=format-overflow
ASAN_LIB_OBJS := $(patsubst harness/%.c,$(ASAN_DIR)/harness/%.o,$(LIB_SRCS))
ASAN_UNIT_OBJS := $(patsubst tests/unit/%.c,$(ASAN_DIR)/unit/%.o,$(UNIT_SRCS))

$(ASAN_DIR)/harness/%.o: harness/%.c $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -c -o $@ $<

$(ASAN_DIR)/unit/%.o: tests/unit/%.c $(LIB_HDRS) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(ASAN_CFLAGS) -Itests/unit -c -o $@ $<

$(ASAN_DIR)/run-unit: $(ASAN_UNIT_OBJS) $(ASAN_LIB_OBJS)
	$(CC) $(LDFLAGS) $(ASAN_FLAGS) -o $@ $^ $(LIBS) $(CUNIT_LIBS)

unit-asan: $(ASAN_DIR)/run-unit
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 $(ASAN_DIR)/run-unit

integration: all sample-image
	bash tests/integration/run.sh

check: unit unit-valgrind unit-asan integration fuzz-ci

# ---- fuzzing (libFuzzer) --------------------------------------------------
# Each tests/fuzz/fuzz_NAME.c is a libFuzzer target.  libFuzzer needs clang:
# the library is built again with clang into build/fuzz/ (the gcc build is
# untouched) with ASan and UBSan.  `make fuzz` starts from the seed corpus
# tests/fuzz/corpus/NAME (read only: what the fuzzer finds goes to
# build/fuzz/corpus-NAME), replays it first (every input a crash once
# produced is kept there), then fuzzes each target for FUZZ_SECONDS.  A
# crash, leak or sanitizer report fails the target; its input is left in
# build/fuzz/NAME-crash-*.
FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_DIR := build/fuzz
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
# The gcc build holds the warnings gate; clang's own warnings are shown only.
FUZZ_CFLAGS := -O1 -g -std=gnu11 -Wall -Wextra -D_GNU_SOURCE -Iharness \
	$(shell pkg-config --cflags $(PKGS)) $(FUZZ_SAN)
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_LIB_OBJS := $(patsubst harness/%.c,$(FUZZ_DIR)/%.o,$(LIB_SRCS))

$(FUZZ_DIR)/%.o: harness/%.c $(LIB_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

$(FUZZ_DIR)/libpowercut.a: $(FUZZ_LIB_OBJS)
	$(AR) rcs $@ $^

$(FUZZ_DIR)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz_common.h $(FUZZ_DIR)/libpowercut.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< $(FUZZ_DIR)/libpowercut.a $(LIBS)

.PHONY: fuzz fuzz-build fuzz-ci
fuzz-build: $(addprefix $(FUZZ_DIR)/,$(FUZZ_TARGETS))

fuzz: fuzz-build
	@set -e; for t in $(FUZZ_TARGETS); do \
		name=$${t#fuzz_}; mkdir -p $(FUZZ_DIR)/corpus-$$name; \
		echo "fuzz: $$name for $(FUZZ_SECONDS) s"; \
		$(FUZZ_DIR)/$$t -max_total_time=$(FUZZ_SECONDS) -timeout=20 -rss_limit_mb=2048 \
			-max_len=65536 -print_final_stats=1 -artifact_prefix=$(FUZZ_DIR)/$$name- \
			$(FUZZ_DIR)/corpus-$$name tests/fuzz/corpus/$$name 2> $(FUZZ_DIR)/$$name.log \
			|| { tail -n 60 $(FUZZ_DIR)/$$name.log; echo "fuzz: $$name FAILED (log: $(FUZZ_DIR)/$$name.log)"; exit 1; }; \
		grep -E '^stat::number_of_executed_units|^stat::new_units_added' $(FUZZ_DIR)/$$name.log | tr '\n' ' '; echo; \
	done

# What `make check` (CI) runs: every target briefly.
fuzz-ci:
	$(MAKE) fuzz FUZZ_SECONDS=$${FUZZ_CI_SECONDS:-15}

install: all
	install -D -m 0755 powercut $(DESTDIR)$(PREFIX)/bin/powercut
	install -D -m 0644 powercut.1 $(DESTDIR)$(PREFIX)/share/man/man1/powercut.1

endif

.PHONY: clean
clean:
	rm -f powercut harness/*/*.o harness/*.a tests/unit/*.o tests/unit/run-unit $(patsubst %.c,%,$(wildcard images/*.c))
	rm -rf images/sample build
