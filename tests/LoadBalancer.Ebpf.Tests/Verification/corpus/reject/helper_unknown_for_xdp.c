// a tracing helper XDP programs cannot call
// EXPECT: unknown func
#include "common.h"

SEC("xdp")
int prog(struct xdp_md *ctx)
{
	return bpf_get_current_pid_tgid() & 1;
}
