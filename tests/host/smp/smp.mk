# tests/host/smp/smp.mk - the SMP harness (tests/host/smp/: pthreads as
# CPUs, smp_stress), included by the top Makefile, built four ways into
# build/smp/<variant>/smp_stress:
#   tsan       ThreadSanitizer (the race detector; make tsan runs it)
#   tsan-race  the same with zone->lock dropped in mm/pcp.c's batch moves
#              (race_drop_zone_lock.h): TSan must report it
#   asan       AddressSanitizer + UBSan, faster than TSan
#   o2         no sanitizer, -O2: the throughput figures
# mm/ is compiled again for each, with mm/host.h's out-of-line interface.
#
#   make tsan         build, then the short runs of tests/host/smp_tsan.sh
#   make tsan-soak    longer runs (SMP_SOAK_OPS, SMP_SOAK_ROUNDS)
#   make smp-harness  all four, o2 included (smp_stress --bench-ms, BENCHMARKS.md)

SMP_SRCS := $(wildcard tests/host/smp/*.c) tests/host/host_shim.c tests/host/ramdisk_host.c \
	$(MM_SRCS)
SMP_CFLAGS := -std=c11 -D_GNU_SOURCE -g -Wall -Wextra -Werror -I. -DHOST_SHIM_NO_CPUS \
	-fno-omit-frame-pointer -pthread -MMD -MP
SMP_CFLAGS_tsan      := $(SMP_CFLAGS) -O1 -fsanitize=thread
SMP_CFLAGS_tsan-race := $(SMP_CFLAGS_tsan)
SMP_CFLAGS_asan      := $(SMP_CFLAGS) -O1 -fsanitize=address,undefined -fno-sanitize-recover=all
SMP_CFLAGS_o2        := $(SMP_CFLAGS) -O2
SMP_VARIANTS := tsan tsan-race asan o2
SMP_BINS     := $(SMP_VARIANTS:%=$(BUILD)/smp/%/smp_stress)

define SMP_VARIANT_RULES
$(BUILD)/smp/$(1)/obj/%.o: %.c
	@mkdir -p $$(dir $$@)
	$$(CC) $$(SMP_CFLAGS_$(1)) $$(SMP_EXTRA) -c $$< -o $$@
$(BUILD)/smp/$(1)/smp_stress: $$(SMP_SRCS:%.c=$(BUILD)/smp/$(1)/obj/%.o)
	$$(CC) $$(SMP_CFLAGS_$(1)) -o $$@ $$^ -lm
endef
$(foreach v,$(SMP_VARIANTS),$(eval $(call SMP_VARIANT_RULES,$(v))))

# The deliberate race: one file, one lock, test build only.
$(BUILD)/smp/tsan-race/obj/mm/pcp.o: SMP_EXTRA := -include tests/host/smp/race_drop_zone_lock.h
$(BUILD)/smp/tsan-race/obj/mm/pcp.o: tests/host/smp/race_drop_zone_lock.h

# What tests/host/smp_tsan.sh runs; o2 (the benchmark) only with smp-harness.
SMP_TEST_BINS := $(filter-out $(BUILD)/smp/o2/%,$(SMP_BINS))

.PHONY: tsan tsan-soak smp-harness
smp-harness: $(SMP_BINS)
host-tests: $(SMP_TEST_BINS)

tsan: $(SMP_TEST_BINS)
	tests/host/smp_tsan.sh

SMP_SOAK_OPS    ?= 20000
SMP_SOAK_ROUNDS ?= 4
tsan-soak: $(SMP_TEST_BINS)
	SMP_OPS=$(SMP_SOAK_OPS) SMP_ROUNDS=$(SMP_SOAK_ROUNDS) tests/host/smp_tsan.sh
