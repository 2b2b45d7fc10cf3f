using LoadBalancer.Ebpf.Execution;

namespace LoadBalancer.Ebpf.Tests.Jit;

/// <summary>Compares an interpreter result with a JIT result field by field.</summary>
internal static class JitAssert
{
    /// <summary>
    /// Status, r0, instruction, count and fault details must match; for a used-up budget the JIT
    /// notices at loop headers, exits, calls and faults, so only status and count are compared.
    /// </summary>
    public static void SameResult(RunResult interpreted, RunResult jitted, string what)
    {
        var message = $"{what}: interpreter {interpreted} ({interpreted.InstructionsExecuted} insns), JIT {jitted} ({jitted.InstructionsExecuted} insns)";
        Assert.True(interpreted.Status == jitted.Status, message);
        Assert.True(interpreted.InstructionsExecuted == jitted.InstructionsExecuted, message);
        if (interpreted.Status == RunStatus.BudgetExhausted)
        {
            return;
        }

        Assert.True(interpreted.ReturnValue == jitted.ReturnValue, message);
        Assert.True(interpreted.InstructionIndex == jitted.InstructionIndex, message);
        Assert.True(interpreted.Address == jitted.Address, message);
        Assert.True(interpreted.AccessSize == jitted.AccessSize, message);
        Assert.True(interpreted.IsWrite == jitted.IsWrite, message);
    }
}
