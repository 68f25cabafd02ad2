# tsmsim - see README.md.  `make demo` and `make test` are the two commands.
#
# One static library (everything but tools/cmd/main.c) is linked by the CLI,
# the Check suites and the fuzzers.  Three build flavours share the sources:
#   build/       -O2 -g                 (the CLI users run)
#   build-asan/  -O1 -g ASan + UBSan    (make test runs everything again here)
#   build-cov/   -O0 --coverage         (make coverage)
# `make V=1` prints the full commands; CFLAGS=... and LDFLAGS=... are
# appended to the project's own flags; PREFIX and DESTDIR steer `make install`.

CC       ?= cc
SHELL    := /bin/bash
# tools/ is layered: each folder may include only its own headers and the
# public header of a folder before it in TOOL_DIRS (tests/check_layers.sh)
TOOL_DIRS := load run out cli sweep minimize explore cmd
MODDIRS  := sim $(sort $(dir $(wildcard models/*/*.h))) $(addprefix tools/,$(TOOL_DIRS))
INCLUDES := $(addprefix -I,$(MODDIRS))
WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-unused-parameter
BASE_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(INCLUDES) $(shell pkg-config --cflags yaml-0.1 2>/dev/null)
LIBS     := $(shell pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null || echo -lcheck -lsubunit -lm -lrt)

LIB_SRCS  := $(sort $(wildcard sim/*.c models/*/*.c $(addsuffix /*.c,$(addprefix tools/,$(TOOL_DIRS)))))
LIB_SRCS  := $(filter-out tools/cmd/main.c,$(LIB_SRCS))
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

# short lines unless V=1
ifeq ($(V),1)
Q :=
say = @:
else
Q := @
say = @printf '  %-4s %s\n'
endif

PREFIX  ?= /usr/local
BINDIR  := $(PREFIX)/bin
MAN1DIR := $(PREFIX)/share/man/man1
BASHCOMPDIR := $(PREFIX)/share/bash-completion/completions

# make test's checks run quietly: tests/quiet.sh prints one line per check
# and the whole output only when it fails; the last line counts them all.
export TSMSIM_TEST_SUMMARY
QUIET := bash tests/quiet.sh

.PHONY: all deps deps-demo demo test unit scenarios-test bad-test cli-test docs docs-test determinism-test \
	runahead-test sweep-test scaleout-test test-slurm explore-test test-spin asan-test browser-test coverage check-includes check-headers clean bench valgrind-test fuzz \
	install uninstall install-test make-test repo-test test-fresh test-steps man completion

all: build/tsmsim build/tsmsim.1 build/tsmsim.bash

# -MMD -MP: each object's .d lists the headers it includes, so a header
# change rebuilds only the objects that use it; an object without its .d
# (built before the .d existed) is rebuilt once to get one
define flavour
$(1)/%.o: %.c $(1)/%.d | $(1)/.dirs
	@mkdir -p $$(dir $$@)
	$$(say) CC $$<
	$$(Q)$$(CC) $$(BASE_CFLAGS) $$(CFLAGS_$(1)) $$(CFLAGS) -MMD -MP -c $$< -o $$@

$(1)/.dirs:
	@mkdir -p $(1) && touch $$@

$(1)/libtsmsim.a: $$(patsubst %.c,$(1)/%.o,$$(LIB_SRCS))
	@rm -f $$@
	$$(say) AR $$@
	$$(Q)ar rcs $$@ $$^

$(1)/tsmsim: $(1)/tools/cmd/main.o $(1)/libtsmsim.a
	$$(say) LD $$@
	$$(Q)$$(CC) $$(CFLAGS_$(1)) $$(CFLAGS) $$(LDFLAGS_$(1)) $$(LDFLAGS) -o $$@ $$^ $$(LIBS)

$(1)/tests/suites.inc: $$(TEST_SRCS) | $(1)/.dirs
	@mkdir -p $$(dir $$@)
	@grep -ho '^Suite \*[a-z0-9_]*_suite(void)' $$(TEST_SRCS) | \
		sed 's/^Suite \*\([a-z0-9_]*\)_suite(void)/SUITE(\1)/' > $$@.tmp
	@cmp -s $$@.tmp $$@ || mv $$@.tmp $$@; rm -f $$@.tmp

$(1)/tests/unit/check_main.o: $(1)/tests/suites.inc
$(1)/check_tsmsim: $$(patsubst %.c,$(1)/%.o,$$(TEST_SRCS)) $(1)/libtsmsim.a
	$$(say) LD $$@
	$$(Q)$$(CC) $$(CFLAGS_$(1)) $$(CFLAGS) $$(LDFLAGS_$(1)) $$(LDFLAGS) -o $$@ $$^ $$(LIBS) $$(CHECK_LIBS)
endef
$(foreach f,$(FLAVOURS),$(eval $(call flavour,$(f))))
# every .d named explicitly, so a missing one is not an intermediate file
# make could skip: its empty rule then counts as new and rebuilds the object
DEPFILES := $(foreach f,$(FLAVOURS),$(patsubst %.c,$(f)/%.d,$(LIB_SRCS) $(TEST_SRCS) tools/cmd/main.c))
$(DEPFILES): ;
-include $(shell find $(FLAVOURS) -name '*.d' 2>/dev/null)

# check_main.c includes the generated suite list of its flavour
build/tests/unit/check_main.o:      BASE_CFLAGS += -Ibuild/tests
build-asan/tests/unit/check_main.o: BASE_CFLAGS += -Ibuild-asan/tests
build-cov/tests/unit/check_main.o:  BASE_CFLAGS += -Ibuild-cov/tests

# ---------------------------------------------------------------- deps
# Installs what a fresh Debian 12 machine lacks; a no-op when all is there.
# Each target asks only for its own group (tests/deps.sh lists them).
deps:
	@bash tests/deps.sh test

deps-demo:
	@bash tests/deps.sh demo

# ---------------------------------------------------------------- demo
demo: deps-demo
	@$(MAKE) --no-print-directory build/tsmsim
	./build/tsmsim run $(DEMO)

# ---------------------------------------------------------------- test
# Each check runs under tests/quiet.sh: one line when it passes, all its
# output when it fails; tests/total.sh adds the lines up at the end.
T_unit      = env CK_FORK=no $(1)/check_tsmsim
T_scenarios = bash tests/run_scenarios.sh $(1)/tsmsim $(SCENARIOS)
T_bad       = bash tests/run_bad.sh $(1)/tsmsim tests/bad
T_cli       = bash tests/run_cli.sh $(1)/tsmsim
T_hostile   = bash tests/run_hostile.sh $(1)/tsmsim
T_sweep     = bash tests/run_sweep.sh $(1)/tsmsim $(DEMO)
T_docs      = bash tests/gen_reference.sh ./build/tsmsim | diff -u docs/reference.md - >/dev/null || \
		{ echo "docs/reference.md is out of date: run make docs"; exit 1; }
ASAN_ENV    = env ASAN_OPTIONS=detect_leaks=1

test: deps
	@mkdir -p build && : > build/test-summary.txt
	@$(MAKE) --no-print-directory TSMSIM_TEST_SUMMARY=$(CURDIR)/build/test-summary.txt test-steps || \
		{ bash tests/total.sh build/test-summary.txt; exit 1; }
	@bash tests/total.sh build/test-summary.txt

test-steps:
	@$(QUIET) includes $(MAKE) --no-print-directory check-includes
	@$(QUIET) headers $(MAKE) --no-print-directory check-headers
	@$(QUIET) repo bash tests/run_repo.sh
	@$(QUIET) build $(MAKE) --no-print-directory build/tsmsim build/check_tsmsim build/tsmsim.1 \
		build/tsmsim.bash build/bench/dma_stream_loop
	@$(QUIET) unit $(call T_unit,./build)
	@$(QUIET) scenarios $(call T_scenarios,./build)
	@$(QUIET) bad $(call T_bad,./build)
	@$(QUIET) cli $(call T_cli,./build)
	@$(QUIET) hostile $(call T_hostile,./build)
	@$(QUIET) docs bash -c '$(T_docs)'
	@$(QUIET) determinism bash tests/run_determinism.sh ./build/tsmsim $(SCENARIOS)
	@$(QUIET) run-ahead bash tests/run_exact.sh TSMSIM_NO_RUNAHEAD ./build/tsmsim $(SCENARIOS)
	@$(QUIET) runs bash tests/run_exact.sh TSMSIM_NO_RUNS ./build/tsmsim $(SCENARIOS)
	@$(QUIET) sweep $(call T_sweep,./build)
	@$(QUIET) scale-out bash tests/run_scaleout.sh ./build/tsmsim
	@$(QUIET) explore bash tests/run_explore.sh ./build/tsmsim
	@$(QUIET) browser bash tests/run_browser.sh ./build/tsmsim build
	@$(QUIET) makefile bash tests/run_make.sh
	@$(QUIET) "bench loop" bash tests/run_bench_loop.sh ./build/bench/dma_stream_loop
	@$(QUIET) install bash tests/run_install.sh
	@$(QUIET) "asan build" $(MAKE) --no-print-directory build-asan/tsmsim build-asan/check_tsmsim
	@$(QUIET) "asan unit" $(ASAN_ENV) $(call T_unit,./build-asan)
	@$(QUIET) "asan scenarios" $(ASAN_ENV) $(call T_scenarios,./build-asan)
	@$(QUIET) "asan bad" $(ASAN_ENV) $(call T_bad,./build-asan)
	@$(QUIET) "asan cli" $(ASAN_ENV) $(call T_cli,./build-asan)
	@$(QUIET) "asan hostile" $(ASAN_ENV) HOSTILE_TIME_LIMIT=60 $(call T_hostile,./build-asan)
	@$(QUIET) "asan sweep" $(ASAN_ENV) $(call T_sweep,./build-asan) --arch tdx
	@$(QUIET) "asan scale-out" $(ASAN_ENV) bash tests/run_scaleout.sh ./build-asan/tsmsim quick
	@$(QUIET) "asan explore" $(ASAN_ENV) bash tests/run_explore.sh ./build-asan/tsmsim quick

unit: build/check_tsmsim
	$(call T_unit,./build)

scenarios-test: build/tsmsim
	@$(call T_scenarios,./build)

bad-test: build/tsmsim
	@$(call T_bad,./build)

cli-test: build/tsmsim
	@$(call T_cli,./build)
	@$(call T_hostile,./build)

# the --html timeline in headless Chromium; screenshots stay in build/
browser-test: build/tsmsim
	@bash tests/run_browser.sh ./build/tsmsim build

docs: build/tsmsim
	@bash tests/gen_reference.sh ./build/tsmsim > docs/reference.md

docs-test: build/tsmsim
	@$(T_docs)
	@echo "docs: reference up to date"

sweep-test: build/tsmsim
	@$(call T_sweep,./build)

determinism-test: build/tsmsim
	@bash tests/run_determinism.sh ./build/tsmsim $(SCENARIOS)

runahead-test: build/tsmsim
	@bash tests/run_exact.sh TSMSIM_NO_RUNAHEAD ./build/tsmsim $(SCENARIOS)
	@bash tests/run_exact.sh TSMSIM_NO_RUNS ./build/tsmsim $(SCENARIOS)

# workers die with the sweep (TERM, KILL, a stopped parent), GNU parallel
# shards merge into the unsharded result, minimize's output lints and
# reproduces
scaleout-test: build/tsmsim
	@bash tests/run_scaleout.sh ./build/tsmsim

# A single-node Slurm on this machine (root): see tests/run_slurm.sh.
test-slurm: build/tsmsim
	@bash tests/deps.sh slurm
	@bash tests/run_slurm.sh ./build/tsmsim

explore-test: build/tsmsim
	@bash tests/run_explore.sh ./build/tsmsim

# Spin (Debian `spin`, and gcc for its verifier) and tsmsim explore on one
# ordering question must find the same violating orders (tests/spin/).
test-spin:
	@bash tests/deps.sh spin
	@$(MAKE) --no-print-directory build/tsmsim
	@bash tests/run_spin.sh ./build/tsmsim

asan-test:
	@$(MAKE) --no-print-directory build-asan/tsmsim build-asan/check_tsmsim
	$(ASAN_ENV) $(call T_unit,./build-asan)
	@$(ASAN_ENV) $(call T_scenarios,./build-asan)
	@$(ASAN_ENV) $(call T_bad,./build-asan)
	@$(ASAN_ENV) $(call T_cli,./build-asan)
	@$(ASAN_ENV) HOSTILE_TIME_LIMIT=60 $(call T_hostile,./build-asan)
	@$(ASAN_ENV) $(call T_sweep,./build-asan) --arch tdx
	@$(ASAN_ENV) bash tests/run_scaleout.sh ./build-asan/tsmsim quick
	@$(ASAN_ENV) bash tests/run_explore.sh ./build-asan/tsmsim quick

# the Makefile's own promises: header dependencies, short lines, CFLAGS
make-test: build/tsmsim
	@bash tests/run_make.sh

# nothing outside the repository is referenced; the licence tags agree
repo-test:
	@bash tests/run_repo.sh

install-test: build/tsmsim build/tsmsim.1 build/tsmsim.bash
	@bash tests/run_install.sh

valgrind-test:
	@bash tests/deps.sh valgrind
	@$(MAKE) --no-print-directory build/tsmsim build/check_tsmsim
	CK_FORK=no valgrind -q --leak-check=full --error-exitcode=9 ./build/check_tsmsim
	@VALGRIND=1 bash tests/run_scenarios.sh ./build/tsmsim $(SCENARIOS)

coverage:
	@bash tests/deps.sh coverage
	@$(MAKE) --no-print-directory build-cov/tsmsim build-cov/check_tsmsim
	@find build-cov -name '*.gcda' -delete
	CK_FORK=no ./build-cov/check_tsmsim
	@$(call T_scenarios,./build-cov) >/dev/null
	@$(call T_bad,./build-cov) >/dev/null
	@$(call T_cli,./build-cov) >/dev/null
	@HOSTILE_TIME_LIMIT=60 $(call T_hostile,./build-cov) >/dev/null
	@bash tests/run_explore.sh ./build-cov/tsmsim quick >/dev/null
	@mkdir -p build-cov/html
	gcovr --root . --object-directory build-cov --filter 'sim/' --filter 'models/' --filter 'tools/' \
		--html-details build-cov/html/index.html --print-summary --fail-under-line 85 build-cov

# The README's two commands on a bare Debian 12 minbase root (debootstrap
# + chroot, as root); the debootstrap download is cached in build/fresh/.
test-fresh:
	@bash tests/deps.sh fresh
	@bash tests/fresh.sh

# ---------------------------------------------------------------- install
# The man page and the bash completion are generated from the binary's own
# --help and `tsmsim list` output, so they name what the tables hold.
man: build/tsmsim.1
completion: build/tsmsim.bash

build/tsmsim.1: build/tsmsim tools/cmd/gen_man.sh
	$(say) GEN $@
	$(Q)bash tools/cmd/gen_man.sh ./build/tsmsim > $@.tmp && mv $@.tmp $@

build/tsmsim.bash: build/tsmsim tools/cmd/gen_completion.sh
	$(say) GEN $@
	$(Q)bash tools/cmd/gen_completion.sh ./build/tsmsim > $@.tmp && mv $@.tmp $@

install: build/tsmsim build/tsmsim.1 build/tsmsim.bash
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MAN1DIR) $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 build/tsmsim $(DESTDIR)$(BINDIR)/tsmsim
	install -m 644 build/tsmsim.1 $(DESTDIR)$(MAN1DIR)/tsmsim.1
	install -m 644 build/tsmsim.bash $(DESTDIR)$(BASHCOMPDIR)/tsmsim

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/tsmsim $(DESTDIR)$(MAN1DIR)/tsmsim.1 $(DESTDIR)$(BASHCOMPDIR)/tsmsim

# A module's private header may be included only from its own folder.
# The toy arch of tests/unit/check_arch_toy.c is an arch implementation:
# like models/arch/<arch>.c it builds on the arch kit, arch_internal.h.
check-includes:
	@bad=$$(grep -rn '#include "[a-z_]*_internal.h"' sim models tools tests 2>/dev/null | \
		while IFS=: read -r f l rest; do \
			h=$$(echo "$$rest" | sed 's/.*"\(.*\)".*/\1/'); \
			[ -f "$$(dirname $$f)/$$h" ] || \
			[ "$$f:$$h" = "tests/unit/check_arch_toy.c:arch_internal.h" ] || \
			echo "$$f:$$l: includes $$h from outside its module"; \
		done); \
	if [ -n "$$bad" ]; then echo "$$bad"; exit 1; fi
	@bash tests/check_layers.sh $(TOOL_DIRS)

# Every header must build on its own.
check-headers:
	@n=0; for h in $$(find sim models tools -name '*.h'); do \
		echo "#include \"$$(basename $$h)\"" | \
		$(CC) $(BASE_CFLAGS) -I$$(dirname $$h) -x c -fsyntax-only - || { echo "$$h does not build alone"; exit 1; }; \
		n=$$((n + 1)); \
	done; echo "headers: $$n passed, 0 failed"

# libFuzzer targets (tests/fuzz, docs/robustness.md): the loader and the
# runner on all three arches, the writers, the profile loader, the sweep
# line reader and merge.  ASan, and UBSan set to halt, so undefined
# behaviour is a saved crash.  Not part of make test: `make fuzz` runs each
# for FUZZ_SECONDS (default 60); run longer ones by hand, niced.
FUZZ_TARGETS := loader outputs profile sweepline merge
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS  := -std=c11 -D_GNU_SOURCE $(INCLUDES) -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN)
build-fuzz/%.o: %.c $(wildcard sim/*.h models/*/*.h tools/*/*.h)
	@mkdir -p $(dir $@)
	$(say) CLANG $@
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@
build-fuzz/libtsmsim.a: $(patsubst %.c,build-fuzz/%.o,$(LIB_SRCS))
	@rm -f $@
	$(Q)ar rcs $@ $^
build-fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h build-fuzz/libtsmsim.a
	$(say) CLANG $@
	$(Q)clang $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< build-fuzz/libtsmsim.a $(LIBS)

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
	@bash tests/deps.sh fuzz
	@for t in $(FUZZ_TARGETS); do \
		$(MAKE) --no-print-directory fuzz-$$t || exit 1; \
	done

# the team's own bare-loop reference of the dma-stream workload
build/bench/dma_stream_loop: tools/bench/dma_stream_loop.c | build/.dirs
	@mkdir -p $(dir $@)
	$(say) CC $<
	$(Q)$(CC) -std=c11 -D_GNU_SOURCE $(WARN) -O2 $(CFLAGS) $(LDFLAGS) -o $@ $<

# BENCH_REF=DIR also times the reference implementations kept in DIR
# exactness and times, interleaved ratios (BENCH_REF=DIR adds the
# workload's reference engines), checkers on against off, scale over
# pages and N, corpus scenarios' wall time, sweep throughput
bench: build/tsmsim build/bench/dma_stream_loop
	@bash tests/deps.sh bench
	@bash tools/bench/run.sh
	@bash tools/bench/ratios.sh
	@bash tools/bench/checkers.sh
	@bash tools/bench/scale.sh
	@bash tools/bench/corpus.sh
	@bash tools/bench/sweep.sh

# keeps build/fresh/, test-fresh's debootstrap download
clean:
	rm -rf build-asan build-cov build-fuzz
	@find build -mindepth 1 -maxdepth 1 ! -name fresh -exec rm -rf {} + 2>/dev/null || true

# Suites are found by name; they need no prototype of their own.
$(foreach f,$(FLAVOURS),$(eval $(f)/tests/%.o: BASE_CFLAGS += -Wno-missing-prototypes))
