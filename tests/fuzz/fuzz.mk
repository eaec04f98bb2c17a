# tests/fuzz/fuzz.mk - libFuzzer targets (clang, ASan+UBSan), included by
# the top Makefile. Each tests/fuzz/fuzz_NAME.c is one target linked with
# mm/*.c, the host shim and mmsim's parsers (e820_file.c, trace_parse.c),
# built into build/fuzz/.
#
#   make fuzz [FUZZ_SECONDS=60] [FUZZ_JOBS=1]
#                      fuzz each target for that long on a scratch copy of
#                      its seed corpus (build/fuzz/work/NAME); crashes land
#                      in build/fuzz/artifacts/
#   make fuzz-smoke    run each target once over its seed corpus (no fuzzing)
#   make fuzz-corpus   regenerate tests/fuzz/corpus/ (tests/fuzz/make-corpus.sh)
#
# Without clang and its libFuzzer runtime (Debian: clang, libclang-rt-14-dev)
# the targets are not part of host-tests and tests/host/fuzz_smoke.sh skips.
# ramdisk_host.c backs fuzz_alloc_ops's page-cache file.

FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CFLAGS  := -std=c11 -D_GNU_SOURCE -O1 -g -Wall -Wextra -Werror -I. \
	-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -MMD -MP
FUZZ_NAMES   := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))
FUZZ_BINS    := $(FUZZ_NAMES:%=$(BUILD)/fuzz/%)
FUZZ_LIB_SRCS := $(MM_SRCS) tests/host/host_shim.c tests/host/ramdisk_host.c \
	tools/mmsim/e820_file.c tools/mmsim/trace_parse.c
FUZZ_LIB_OBJS := $(FUZZ_LIB_SRCS:%.c=$(BUILD)/fuzz/obj/%.o)
# Per-target libFuzzer options: the allocator target checks every invariant
# after each operation, so it gets short inputs.
FUZZ_OPTS_fuzz_alloc_ops := -max_len=512 -len_control=10
FUZZ_OPTS_fuzz_reserves := -max_len=384 -len_control=10

FUZZ_HAVE := $(shell d=$$($(FUZZ_CC) -print-resource-dir 2>/dev/null) && \
	ls "$$d"/lib/linux/libclang_rt.fuzzer-x86_64.a "$$d"/lib/x86_64-*/libclang_rt.fuzzer.a \
	2>/dev/null | grep -q . && echo yes)

.PHONY: fuzz fuzz-build fuzz-smoke fuzz-corpus

$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

$(BUILD)/fuzz/%: $(BUILD)/fuzz/obj/tests/fuzz/%.o $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^ -lm

fuzz-build: $(FUZZ_BINS)

ifeq ($(FUZZ_HAVE),yes)
host-tests: $(FUZZ_BINS)
endif

fuzz-smoke: fuzz-build
	bash tests/host/fuzz_smoke.sh

fuzz-corpus:
	bash tests/fuzz/make-corpus.sh

# One target at a time (each libFuzzer process is single-threaded), on a
# scratch copy of the seed corpus so the committed one never changes.
fuzz: fuzz-build
	@mkdir -p $(BUILD)/fuzz/artifacts
	@for t in $(FUZZ_NAMES); do \
		rm -rf $(BUILD)/fuzz/work/$$t; mkdir -p $(BUILD)/fuzz/work/$$t; \
		cp tests/fuzz/corpus/$$t/* $(BUILD)/fuzz/work/$$t/ 2>/dev/null; \
		echo "fuzz: $$t for $(FUZZ_SECONDS) s"; \
		opts=; [ $$t = fuzz_alloc_ops ] && opts="$(FUZZ_OPTS_fuzz_alloc_ops)"; \
		$(BUILD)/fuzz/$$t -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=$(BUILD)/fuzz/artifacts/$$t- $$opts \
			$(BUILD)/fuzz/work/$$t >$(BUILD)/fuzz/$$t.log 2>&1; rc=$$?; \
		grep -E '^stat::(number_of_executed_units|average_exec_per_sec|new_units_added)' \
			$(BUILD)/fuzz/$$t.log | sed "s/^/fuzz: $$t /"; \
		if [ $$rc != 0 ]; then echo "fuzz: $$t FAILED (status $$rc), see $(BUILD)/fuzz/$$t.log"; \
			grep -m1 -E 'ERROR|check failed|panic' $(BUILD)/fuzz/$$t.log; exit 1; fi; \
	done
