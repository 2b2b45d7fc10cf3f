namespace LoadBalancer.Ebpf.Tests.Jit;

/// <summary>
/// Tests that measure the process's managed heap and working set: xunit runs this collection alone,
/// after the parallel ones, so other tests' allocations do not count.
/// </summary>
[CollectionDefinition(nameof(JitUnloadCollection), DisableParallelization = true)]
public sealed class JitUnloadCollection;
