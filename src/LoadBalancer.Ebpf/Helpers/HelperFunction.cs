using LoadBalancer.Ebpf.Execution;

namespace LoadBalancer.Ebpf.Helpers;

/// <summary>
/// A helper callable from eBPF code: arguments are r1-r5 as raw 64-bit values (pointers are native
/// addresses, check them with <see cref="RunContext.IsAccessible"/>), the result goes to r0.
/// Helpers must not throw; report failure through the return value as the kernel's helpers do, or
/// stop the program with <see cref="RunContext.Abort"/>.
/// </summary>
public delegate ulong HelperFunction(RunContext context, ulong r1, ulong r2, ulong r3, ulong r4, ulong r5);
