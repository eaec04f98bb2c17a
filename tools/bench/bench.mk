# tools/bench/bench.mk - `make bench`: host benchmark of mm/ (optimised, no
# sanitizers) in wall-clock ns and callgrind instruction counts.
BENCH_OBJS := $(patsubst %.c,$(BUILD)/bench/obj/%.o,tools/bench/bench.c $(MM_SRCS) tests/host/host_shim.c)

$(BUILD)/bench/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -c $< -o $@

$(BUILD)/bench/bench: $(BENCH_OBJS)
	$(CC) $(BENCH_CFLAGS) -o $@ $^

.PHONY: bench
bench: deps $(BUILD)/bench/bench
	./tools/bench/run-bench.sh

# mmsim optimised and without sanitizers, for replaying long traces at full
# speed (docs/replay.md): build/bench/mmsim. Built apart from the benchmark,
# without HOST_ONE_CPU: a replay runs each event on the CPU the trace names.
MMSIM_FAST_CFLAGS := $(filter-out -DHOST_ONE_CPU,$(BENCH_CFLAGS))
MMSIM_FAST_OBJS := $(patsubst %.c,$(BUILD)/bench/mmsim-obj/%.o,$(MMSIM_SRCS) $(MM_SRCS) \
	tests/host/host_shim.c tests/host/ramdisk_host.c)
$(BUILD)/bench/mmsim-obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(MMSIM_FAST_CFLAGS) -c $< -o $@
$(BUILD)/bench/mmsim: $(MMSIM_FAST_OBJS)
	$(CC) $(MMSIM_FAST_CFLAGS) -o $@ $^ -lm
