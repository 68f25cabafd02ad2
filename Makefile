# tsmsim - see README.md.  `make demo` and `make test` are the two commands.
#
# One static library (everything but tools/main.c) is linked by the CLI,
# the Check suites and the fuzzers.  Three build flavours share the sources:
#   build/       -O2 -g                 (the CLI users run)
#   build-asan/  -O1 -g ASan + UBSan    (make test runs everything again here)
#   build-cov/   -O0 --coverage         (make coverage)

CC       ?= cc
SHELL    := /bin/bash
MODDIRS  := sim $(sort $(dir $(wildcard models/*/*.h))) tools
INCLUDES := $(addprefix -I,$(MODDIRS))
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(INCLUDES) $(shell pkg-config --cflags yaml-0.1 2>/dev/null)
LIBS     := $(shell pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt)

LIB_SRCS  := $(sort $(wildcard sim/*.c models/*/*.c tools/*.c))
LIB_SRCS  := $(filter-out tools/main.c,$(LIB_SRCS))
TEST_SRCS := $(sort $(wildcard tests/unit/check_*.c))
SCENARIOS := $(sort $(shell find scenarios -name '*.yaml' -not -path 'scenarios/profiles/*' 2>/dev/null))
DEMO      := scenarios/seed/two-dmabuf.yaml

FLAVOURS := build build-asan build-cov
# -flto: the access path crosses sim/, models/ and tools/ (docs/performance.md)
CFLAGS_build      := -O2 -g -flto=auto
CFLAGS_build-asan := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
CFLAGS_build-cov  := -O0 -g --coverage -DTSMSIM_GCOV
LDFLAGS_build      := -flto=auto
LDFLAGS_build-asan := -fsanitize=address,undefined
LDFLAGS_build-cov  := --coverage

.PHONY: all deps demo test unit scenarios-test bad-test cli-test docs docs-test determinism-test runahead-test sweep-test \
	scaleout-test test-slurm explore-test test-spin asan-test browser-test coverage check-includes check-headers \
	clean bench valgrind-test fuzz

all: build/tsmsim

define flavour
$(1)/%.o: %.c $$(wildcard sim/*.h models/*/*.h tools/*.h) | $(1)/.dirs
	@mkdir -p $$(dir $$@)
	$$(CC) $$(BASE_CFLAGS) $$(CFLAGS_$(1)) -c $$< -o $$@

$(1)/.dirs:
	@mkdir -p $(1) && touch $$@

$(1)/libtsmsim.a: $$(patsubst %.c,$(1)/%.o,$$(LIB_SRCS))
	@rm -f $$@
	ar rcs $$@ $$^

$(1)/tsmsim: $(1)/tools/main.o $(1)/libtsmsim.a
	$$(CC) $$(CFLAGS_$(1)) $$(LDFLAGS_$(1)) -o $$@ $$^ $$(LIBS)

$(1)/tests/suites.inc: $$(TEST_SRCS) | $(1)/.dirs
	@mkdir -p $$(dir $$@)
	@grep -ho '^Suite \*[a-z0-9_]*_suite(void)' $$(TEST_SRCS) | \
		sed 's/^Suite \*\([a-z0-9_]*\)_suite(void)/SUITE(\1)/' > $$@.tmp
	@cmp -s $$@.tmp $$@ || mv $$@.tmp $$@; rm -f $$@.tmp

$(1)/tests/unit/check_main.o: $(1)/tests/suites.inc
$(1)/check_tsmsim: $$(patsubst %.c,$(1)/%.o,$$(TEST_SRCS)) $(1)/libtsmsim.a
	$$(CC) $$(CFLAGS_$(1)) $$(LDFLAGS_$(1)) -o $$@ $$^ $$(LIBS) $$(CHECK_LIBS)
endef
$(foreach f,$(FLAVOURS),$(eval $(call flavour,$(f))))

# check_main.c includes the generated suite list of its flavour
build/tests/unit/check_main.o:      BASE_CFLAGS += -Ibuild/tests
build-asan/tests/unit/check_main.o: BASE_CFLAGS += -Ibuild-asan/tests
build-cov/tests/unit/check_main.o:  BASE_CFLAGS += -Ibuild-cov/tests

# ---------------------------------------------------------------- deps
# Installs what a fresh Debian 12 machine lacks; a no-op when all is there.
deps:
	@bash tests/deps.sh

# ---------------------------------------------------------------- demo
demo: deps
	@$(MAKE) --no-print-directory build/tsmsim
	./build/tsmsim run $(DEMO)

# ---------------------------------------------------------------- test
test: deps
	@$(MAKE) --no-print-directory check-includes check-headers
	@$(MAKE) --no-print-directory build/tsmsim build/check_tsmsim
	@$(MAKE) --no-print-directory unit scenarios-test bad-test cli-test docs-test determinism-test runahead-test sweep-test browser-test
	@$(MAKE) --no-print-directory scaleout-test explore-test
	@$(MAKE) --no-print-directory asan-test
	@echo "make test: all passed"

unit: build/check_tsmsim
	CK_FORK=no ./build/check_tsmsim

scenarios-test: build/tsmsim
	@bash tests/run_scenarios.sh ./build/tsmsim $(SCENARIOS)

bad-test: build/tsmsim
	@bash tests/run_bad.sh ./build/tsmsim tests/bad

cli-test: build/tsmsim
	@bash tests/run_cli.sh ./build/tsmsim
	@bash tests/run_hostile.sh ./build/tsmsim

# the --html timeline in headless Chromium; screenshots stay in build/
browser-test: build/tsmsim
	@bash tests/run_browser.sh ./build/tsmsim build

docs: build/tsmsim
	@bash tests/gen_reference.sh ./build/tsmsim > docs/reference.md

docs-test: build/tsmsim
	@bash tests/gen_reference.sh ./build/tsmsim | diff -u docs/reference.md - >/dev/null || \
		{ echo "docs/reference.md is out of date: run make docs"; exit 1; }
	@echo "docs: reference up to date"

sweep-test: build/tsmsim
	@bash tests/run_sweep.sh ./build/tsmsim $(DEMO)

# workers die with the sweep (TERM, KILL, a stopped parent), GNU parallel
# shards merge into the unsharded result, minimize's output lints and
# reproduces
scaleout-test: build/tsmsim
	@bash tests/run_scaleout.sh ./build/tsmsim

# A single-node Slurm on this machine (root): see tests/run_slurm.sh.
test-slurm: build/tsmsim
	@TSMSIM_DEPS_SLURM=1 bash tests/deps.sh
	@bash tests/run_slurm.sh ./build/tsmsim

explore-test: build/tsmsim
	@bash tests/run_explore.sh ./build/tsmsim

# Spin (Debian `spin`, and gcc for its verifier) and tsmsim explore on one
# ordering question must find the same violating orders (tests/spin/).
test-spin:
	@bash tests/deps.sh spin
	@$(MAKE) --no-print-directory build/tsmsim
	@bash tests/run_spin.sh ./build/tsmsim

determinism-test: build/tsmsim
	@bash tests/run_determinism.sh ./build/tsmsim $(SCENARIOS)

runahead-test: build/tsmsim
	@bash tests/run_runahead.sh ./build/tsmsim $(SCENARIOS)

asan-test:
	@$(MAKE) --no-print-directory build-asan/tsmsim build-asan/check_tsmsim
	CK_FORK=no ASAN_OPTIONS=detect_leaks=1 ./build-asan/check_tsmsim
	@ASAN_OPTIONS=detect_leaks=1 bash tests/run_scenarios.sh ./build-asan/tsmsim $(SCENARIOS)
	@ASAN_OPTIONS=detect_leaks=1 bash tests/run_bad.sh ./build-asan/tsmsim tests/bad
	@ASAN_OPTIONS=detect_leaks=1 bash tests/run_cli.sh ./build-asan/tsmsim
	@HOSTILE_TIME_LIMIT=60 ASAN_OPTIONS=detect_leaks=1 bash tests/run_hostile.sh ./build-asan/tsmsim
	@ASAN_OPTIONS=detect_leaks=1 bash tests/run_sweep.sh ./build-asan/tsmsim $(DEMO) --arch tdx
	@ASAN_OPTIONS=detect_leaks=1 bash tests/run_scaleout.sh ./build-asan/tsmsim quick
	@ASAN_OPTIONS=detect_leaks=1 bash tests/run_explore.sh ./build-asan/tsmsim quick

valgrind-test: build/tsmsim build/check_tsmsim
	CK_FORK=no valgrind -q --leak-check=full --error-exitcode=9 ./build/check_tsmsim
	@VALGRIND=1 bash tests/run_scenarios.sh ./build/tsmsim $(SCENARIOS)

coverage: deps
	@$(MAKE) --no-print-directory build-cov/tsmsim build-cov/check_tsmsim
	@find build-cov -name '*.gcda' -delete
	CK_FORK=no ./build-cov/check_tsmsim
	@bash tests/run_scenarios.sh ./build-cov/tsmsim $(SCENARIOS) >/dev/null
	@bash tests/run_bad.sh ./build-cov/tsmsim tests/bad >/dev/null
	@bash tests/run_cli.sh ./build-cov/tsmsim >/dev/null
	@HOSTILE_TIME_LIMIT=60 bash tests/run_hostile.sh ./build-cov/tsmsim >/dev/null
	@bash tests/run_explore.sh ./build-cov/tsmsim quick >/dev/null
	@mkdir -p build-cov/html
	gcovr --root . --object-directory build-cov --filter 'sim/' --filter 'models/' --filter 'tools/' \
		--html-details build-cov/html/index.html --print-summary --fail-under-line 85 build-cov

# A module's private header may be included only from its own folder.
check-includes:
	@bad=$$(grep -rn '#include "[a-z_]*_internal.h"' sim models tools tests 2>/dev/null | \
		while IFS=: read -r f l rest; do \
			h=$$(echo "$$rest" | sed 's/.*"\(.*\)".*/\1/'); \
			[ -f "$$(dirname $$f)/$$h" ] || echo "$$f:$$l: includes $$h from outside its module"; \
		done); \
	if [ -n "$$bad" ]; then echo "$$bad"; exit 1; fi

# Every header must build on its own.
check-headers:
	@for h in $$(find sim models tools -name '*.h'); do \
		echo "#include \"$$(basename $$h)\"" | \
		$(CC) $(BASE_CFLAGS) -I$$(dirname $$h) -x c -fsyntax-only - || { echo "$$h does not build alone"; exit 1; }; \
	done

# libFuzzer targets (tests/fuzz, docs/robustness.md): the loader and the
# runner on all three arches, the writers, the profile loader, the sweep
# line reader and merge.  ASan, and UBSan set to halt, so undefined
# behaviour is a saved crash.  Not part of make test: `make fuzz` runs each
# for FUZZ_SECONDS (default 60); run longer ones by hand, niced.
FUZZ_TARGETS := loader outputs profile sweepline merge
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS  := -std=c11 -D_GNU_SOURCE $(INCLUDES) -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN)
build-fuzz/%.o: %.c $(wildcard sim/*.h models/*/*.h tools/*.h)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
build-fuzz/libtsmsim.a: $(patsubst %.c,build-fuzz/%.o,$(LIB_SRCS))
	@rm -f $@
	ar rcs $@ $^
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h build-fuzz/libtsmsim.a
	clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< build-fuzz/libtsmsim.a $(LIBS)

# Seeds: the bundled scenarios and bad cases, profiles, result lines, and
# generated inputs at the loader's limits (tests/fuzz/seeds.sh).  Crashes,
# leaks and timeouts are saved as build-fuzz/crash-* (leak-*, timeout-*).
FUZZ_SEEDS_loader    := $(sort $(dir $(SCENARIOS))) tests/bad build-fuzz/seeds
FUZZ_SEEDS_outputs   := $(FUZZ_SEEDS_loader)
FUZZ_SEEDS_profile   := scenarios/profiles
FUZZ_SEEDS_sweepline := tests/fuzz/lines
FUZZ_SEEDS_merge     := tests/fuzz/lines
build-fuzz/seeds/.done: tests/fuzz/seeds.sh
	@bash tests/fuzz/seeds.sh build-fuzz/seeds && touch $@

fuzz-%: build-fuzz/fuzz_% build-fuzz/seeds/.done
	@mkdir -p build-fuzz/corpus-$*
	./build-fuzz/fuzz_$* -max_total_time=$${FUZZ_SECONDS:-60} -max_len=65536 \
		-timeout=10 -rss_limit_mb=2048 -close_fd_mask=3 -print_final_stats=1 \
		-artifact_prefix=build-fuzz/ build-fuzz/corpus-$* $(FUZZ_SEEDS_$*)

fuzz:
	@for t in $(FUZZ_TARGETS); do \
		$(MAKE) --no-print-directory fuzz-$$t || exit 1; \
	done

bench: build/tsmsim
	@bash tools/bench/run.sh
	@bash tools/bench/sweep.sh

clean:
	rm -rf $(FLAVOURS) build-fuzz

# Suites are found by name; they need no prototype of their own.
$(foreach f,$(FLAVOURS),$(eval $(f)/tests/%.o: BASE_CFLAGS += -Wno-missing-prototypes))
