using LoadBalancer.Ebpf.Maps;
using LoadBalancer.Ebpf.Objects;
using LoadBalancer.Ebpf.Verification;

namespace LoadBalancer.Host.Cli;

/// <summary>The verdict on one program for <c>lb verify</c>: the result when accepted, the exception when rejected.</summary>
internal sealed record VerifyOutcome(ProgramDefinition Program, VerifierResult? Result, VerificationException? Error)
{
    /// <summary>True when the verifier accepted the program.</summary>
    public bool Accepted => Error is null;

    /// <summary>Verifies <paramref name="program"/> against the object's <paramref name="maps"/>.</summary>
    public static VerifyOutcome Of(ProgramDefinition program, IReadOnlyList<MapDefinition> maps, VerifierOptions options)
    {
        try
        {
            return new VerifyOutcome(program, Verifier.Verify(program, maps, options), null);
        }
        catch (VerificationException e)
        {
            return new VerifyOutcome(program, null, e);
        }
    }
}
