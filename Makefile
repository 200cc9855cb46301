# tandem - plain Makefile. `make help` lists the targets.
#
# Variables: CC (gcc or clang), BUILD (output folder), SAN=1 (ASan+UBSan build
# in build/san), DYNAMIC=1 (the tool linked to the shared libraries, in
# build/dynamic), PREFIX (install prefix), SHARED (path of ../shared/data).

CC      ?= cc
PREFIX  ?= /usr/local
SHARED  ?= ../shared/data
FUZZ_SECONDS ?= 600

ifeq ($(SAN),1)
BUILD   ?= build/san
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else ifeq ($(DYNAMIC),1)
BUILD   ?= build/dynamic
SANFLAGS =
else
BUILD   ?= build
SANFLAGS =
endif

WARN = -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
       -Wvla -Wformat=2 -Wconversion -Wno-sign-conversion -Werror
CFLAGS  ?= -O2 -g
# Libraries from Debian, found with pkg-config (scripts/install-deps).
PKGS    = libxml-2.0 libqpdf zlib libpcre2-8 sqlite3 libsodium libpq
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
# libqpdf is not linked: src/einvoice/pdf.c loads it with dlopen() at the
# first PDF, by the soname of the installed library.
PKG_LIBS   := $(shell pkg-config --libs $(filter-out libqpdf libpq,$(PKGS)))
QPDF_SONAME := $(shell objdump -p "$$(pkg-config --variable=libdir libqpdf)/libqpdf.so" 2>/dev/null \
		 | awk '/SONAME/ { print $$2 }')
PKG_CFLAGS += -DTANDEM_QPDF_SONAME='"$(or $(QPDF_SONAME),libqpdf.so)"'
# libpq is not linked either: src/store/postgres.c loads it at the first
# postgresql:// store - it brings some twenty libraries (TLS, Kerberos,
# LDAP) whose loading would cost every run of the tool ~10 ms.
PQ_SONAME := $(shell objdump -p "$$(pkg-config --variable=libdir libpq)/libpq.so" 2>/dev/null \
		 | awk '/SONAME/ { print $$2 }')
PKG_CFLAGS += -DTANDEM_PQ_SONAME='"$(or $(PQ_SONAME),libpq.so.5)"'
# The tests talk to their PostgreSQL server directly (tests/testdb.c).
TEST_LIBS = $(shell pkg-config --libs libpq)

# Multiply and add are never fused into one rounding (clang would by
# default): the classifier's kernels give the same bits on every path, and
# the quantizer the same bits as llama.cpp's reference algorithms.
ALL_CFLAGS = -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE $(WARN) $(CFLAGS) \
	     -ffp-contract=off $(SANFLAGS) -Iinclude -Isrc $(PKG_CFLAGS) -MMD -MP
LDFLAGS ?=
ALL_LDFLAGS = $(LDFLAGS) $(SANFLAGS)
LIBS    = $(PKG_LIBS) -lpthread -lm -ldl
# The tool links libxml2 (with ICU and lzma, which it needs), zlib, pcre2,
# sqlite, libsodium and libstdc++ from Debian's static libraries, and is not
# position-independent; glibc stays shared, so dlopen(libqpdf, libpq) still
# works. A process then starts without loading and relocating six shared
# libraries: some 3 to 4 ms less per one-file run on the bench machine, for
# a binary 34 MB larger (ICU's data, never touched). docs/einvoice.md,
# "Speed". libgcc is linked statically too (-static-libgcc: libstdc++'s
# unwinder comes from libgcc_eh): loading libgcc_s.so.1, and running its
# CPU detection, cost each run some 0.2 ms. The sanitizer build, and
# DYNAMIC=1, link the shared libraries.
ifeq ($(SAN)$(DYNAMIC),)
TOOL_LIBS = -no-pie -static-libgcc \
	    -Wl,-Bstatic -lxml2 -licuuc -licudata -llzma -lz -lpcre2-8 -lsqlite3 -lsodium \
	    -lstdc++ \
	    -Wl,-Bdynamic -lpthread -lm -ldl
else
TOOL_LIBS = $(LIBS)
endif

LIB_SRC  := $(sort $(wildcard src/core/*.c src/ident/*.c src/schematron/*.c src/einvoice/*.c src/classify/*.c \
			    src/store/*.c src/ledger/*.c src/sepa/*.c src/demo/*.c src/tlog/*.c \
			    src/llm/*.c))
CLI_SRC  := $(sort $(wildcard src/cli/*.c))
TEST_SRC := $(sort $(wildcard tests/*.c))
FUZZ_SRC := $(sort $(wildcard fuzz/fuzz_*.c))
BENCH_SRC := $(sort $(wildcard bench/bench_*.c))

LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/%.o)
CLI_OBJ  := $(CLI_SRC:%.c=$(BUILD)/%.o)
TEST_OBJ := $(TEST_SRC:%.c=$(BUILD)/%.o)
# Fuzz targets are linked into the test binary for corpus replay, each entry
# point renamed after its file (fuzz/fuzz_decimal.c -> fuzz_decimal).
FUZZ_REPLAY_OBJ := $(FUZZ_SRC:%.c=$(BUILD)/replay/%.o)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/%)

LIB   = $(BUILD)/libtandem.a
TOOL  = $(BUILD)/tandem
TESTS = $(BUILD)/tandem-tests

.PHONY: all test check san bench fuzz fuzz-run tidy cppcheck install clean demo help

all: $(TOOL)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# The classifier's inner loops (a row of weights times a value, over the
# classes) are what -O3's loop vectorizer is for; gcc's -O2 leaves them
# scalar. Training time halves.
$(BUILD)/src/classify/%.o: ALL_CFLAGS += -O3

$(BUILD)/replay/fuzz/%.o: fuzz/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -DFUZZ_ENTRY=$* -c $< -o $@

$(LIB): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(TOOL): $(CLI_OBJ) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(CLI_OBJ) $(LIB) $(TOOL_LIBS)

$(TESTS): $(TEST_OBJ) $(FUZZ_REPLAY_OBJ) $(LIB)
	$(CC) $(ALL_LDFLAGS) -o $@ $(TEST_OBJ) $(FUZZ_REPLAY_OBJ) $(LIB) $(LIBS) $(TEST_LIBS)

# The test command of the README. Ends with the line "N passed, N failed".
test: $(TOOL) $(TESTS)
	@TANDEM_BIN=$(TOOL) TANDEM_SHARED_DATA=$(SHARED) $(TESTS) $(T)

check: test

# ASan + UBSan build of the whole suite, in build/san.
san:
	$(MAKE) SAN=1 test

$(BUILD)/bench_%: bench/bench_%.c $(LIB)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(LIB) $(LIBS) $(BENCH_LIBS)

# bench_ledger makes and drops its PostgreSQL schema with libpq itself.
$(BUILD)/bench_ledger: BENCH_LIBS = $(TEST_LIBS)

# Benchmarks print figures; they never pass or fail.
bench: $(TOOL) $(BENCH_BIN)
	@for b in $(BENCH_BIN); do TANDEM_BIN=$(TOOL) TANDEM_SHARED_DATA=$(SHARED) ./$$b || exit 1; done

# libFuzzer binaries (clang only), one per fuzz/fuzz_*.c, in build/fuzz.
FUZZ_FLAGS = -std=c17 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -O1 -g -Iinclude -Isrc \
	     $(PKG_CFLAGS) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
FUZZ_BIN := $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)

build/fuzz/fuzz_%: fuzz/fuzz_%.c $(LIB_SRC)
	@mkdir -p build/fuzz
	clang $(FUZZ_FLAGS) -o $@ $< $(LIB_SRC) $(LIBS)

fuzz: $(FUZZ_BIN)

# Runs every fuzzer for FUZZ_SECONDS on its committed corpus, adding new inputs.
fuzz-run: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do n=$$(basename $$f); mkdir -p fuzz/corpus/$$n; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -max_len=4096 fuzz/corpus/$$n || exit 1; done

# One clang-tidy process per file: clang-tidy 14 carries analyzer state from
# one file to the next and then reports false va_list errors.
TIDY_SRC = $(LIB_SRC) $(CLI_SRC)
tidy:
	@fail=0; for f in $(TIDY_SRC); do \
	  out=$$(clang-tidy --quiet $$f -- -std=c17 -D_POSIX_C_SOURCE=200809L \
	    -D_DEFAULT_SOURCE -Iinclude -Isrc $(PKG_CFLAGS) 2>&1) || { fail=1; printf '%s\n' "$$out"; }; \
	done; [ $$fail = 0 ] && echo "clang-tidy: $(words $(TIDY_SRC)) files clean"; exit $$fail

cppcheck:
	cppcheck --quiet --error-exitcode=1 --std=c11 --enable=warning,performance,portability \
	  --inline-suppr --suppress=missingIncludeSystem -Iinclude -Isrc src

install: $(TOOL) $(LIB)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include/tandem
	install -m 0755 $(TOOL) $(DESTDIR)$(PREFIX)/bin/tandem
	install -m 0644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libtandem.a
	install -m 0644 include/tandem/*.h $(DESTDIR)$(PREFIX)/include/tandem/

# A short tour of what exists, on the embedded defaults.
demo: $(TOOL)
	@TANDEM=$(TOOL) SHARED=$(SHARED) sh scripts/demo

clean:
	rm -rf build

help:
	@echo "make            build build/tandem and build/libtandem.a"
	@echo "make test       run every test (ends with 'N passed, N failed')"
	@echo "make san        the tests again under ASan+UBSan (build/san)"
	@echo "make bench      run the benchmarks (they print figures)"
	@echo "make fuzz       build the libFuzzer targets (clang)"
	@echo "make fuzz-run   run each fuzzer FUZZ_SECONDS on its corpus"
	@echo "make tidy       clang-tidy;  make cppcheck   cppcheck"
	@echo "make install    install into PREFIX (default /usr/local)"
	@echo "make demo       a short demo of tandem on its embedded defaults"
	@echo "CC=clang BUILD=build/clang make test   the same with clang"
	@echo "make DYNAMIC=1  build/dynamic/tandem linked to the shared libraries"

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
