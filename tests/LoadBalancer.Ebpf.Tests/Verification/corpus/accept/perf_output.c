// bpf_perf_event_output of a stack record.
#include "common.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, 4);
	__uint(value_size, 4);
	__uint(max_entries, 4);
} perf SEC(".maps");

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	__u64 rec[2] = { bpf_get_prandom_u32(), bpf_get_smp_processor_id() };
	bpf_perf_event_output(ctx, &perf, BPF_F_CURRENT_CPU, rec, sizeof(rec));
	return XDP_PASS;
}
