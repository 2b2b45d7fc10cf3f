namespace LoadBalancer.Host.Serve;

/// <summary>The program <c>lb serve</c> runs.</summary>
/// <param name="Object">Object file name (e.g. "balancer.bpf.o", embedded).</param>
/// <param name="Section">Program section ("xdp").</param>
/// <param name="Engine">"jit" or "interpreter".</param>
/// <param name="Instructions">Instruction count.</param>
/// <param name="Verifier">Verifier verdict, e.g. "accepted (89008 insns processed, 640 ms)".</param>
/// <param name="Workers">Dataplane workers (per-CPU map slots).</param>
public sealed record ProgramInfo(string Object, string Section, string Engine, int Instructions, string Verifier, int Workers);
