# powercut - power-failure crash-test harness.
#
#   make            build ./powercut (and the image generator)
#   make run        install missing packages, build, run scenarios/default.ini
#   make check      unit tests (CUnit) and integration tests (root)
#   make install PREFIX=/usr/local
#   make SANITIZE=1 build with ASan + UBSan

PREFIX ?= /usr/local
CC ?= cc
PKGS := libarchive fuse3 devmapper blkid jansson inih libcrypto

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
.PHONY: all run check unit unit-valgrind integration install sample-image powercut
all run check unit unit-valgrind integration install sample-image powercut:
	bash scripts/install-deps.sh
	$(MAKE) $@
else

LIB_SRCS := $(filter-out harness/main.c,$(wildcard harness/*.c))
LIB_OBJS := $(LIB_SRCS:.c=.o)
UNIT_SRCS := $(wildcard tests/unit/*.c)
UNIT_OBJS := $(UNIT_SRCS:.c=.o)

.PHONY: all run check unit unit-valgrind integration install sample-image

GENERATORS := $(patsubst %.c,%,$(wildcard images/*.c))

all: powercut $(GENERATORS)

powercut: harness/main.o harness/libpowercut.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LIBS)

harness/libpowercut.a: $(LIB_OBJS)
	$(AR) rcs $@ $^

harness/%.o: harness/%.c $(wildcard harness/*.h)
	$(CC) $(CFLAGS) -c -o $@ $<

# Every images/NAME.c is a stand-alone generator images/NAME.
images/%: images/%.c harness/libpowercut.a
	$(CC) $(CFLAGS) -o $@ $< harness/libpowercut.a $(LDFLAGS) $(LIBS)

tests/unit/%.o: tests/unit/%.c $(wildcard harness/*.h) $(wildcard tests/unit/*.h)
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

integration: all sample-image
	bash tests/integration/run.sh

check: unit unit-valgrind integration

install: all
	install -D -m 0755 powercut $(DESTDIR)$(PREFIX)/bin/powercut
	install -D -m 0644 powercut.1 $(DESTDIR)$(PREFIX)/share/man/man1/powercut.1

endif

.PHONY: clean
clean:
	rm -f powercut harness/*.o harness/*.a tests/unit/*.o tests/unit/run-unit $(patsubst %.c,%,$(wildcard images/*.c))
	rm -rf images/sample
