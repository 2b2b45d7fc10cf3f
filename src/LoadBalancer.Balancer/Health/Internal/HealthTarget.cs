using System.Net;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Health.Internal;

/// <summary>
/// The mutable runtime state of one real of one VIP: its effective check and probe (none when unchecked),
/// the rise/fall counters and the current state. The probe loop is the only writer of the counters; every
/// change happens under <see cref="Sync"/> so a stop and a state change never interleave.
/// </summary>
internal sealed class HealthTarget
{
    public HealthTarget(TargetKey key, string vipName, HealthCheckConfiguration? check, IPEndPoint? endpoint, HealthProbe? probe, DateTimeOffset now, string? note)
    {
        Key = key;
        VipName = vipName;
        Check = check;
        Endpoint = endpoint;
        Probe = probe;
        Since = now;
        LastError = note;
        Rise = Math.Max(1, check?.Rise ?? 1);
        Fall = Math.Max(1, check?.Fall ?? 1);
        Interval = check is null ? TimeSpan.Zero : check.EffectiveInterval > TimeSpan.Zero ? check.EffectiveInterval : HealthCheckConfiguration.DefaultInterval;
    }

    public TargetKey Key { get; }

    public VipId Vip => Key.Vip;

    public IPAddress Real => Key.Real;

    /// <summary>The VIP's name for logs (may change without restarting the target).</summary>
    public string VipName { get; set; }

    public HealthCheckConfiguration? Check { get; }

    public IPEndPoint? Endpoint { get; }

    /// <summary>Null when the real is not checked.</summary>
    public HealthProbe? Probe { get; }

    public int Rise { get; }

    public int Fall { get; }

    public TimeSpan Interval { get; }

    public object Sync { get; } = new();

    /// <summary>Set once when the target is removed or replaced; no state change is reported after it.</summary>
    public bool Stopped { get; set; }

    public bool Healthy { get; set; } = true;

    public int Successes { get; set; }

    public int Failures { get; set; }

    public long Probes { get; set; }

    public DateTimeOffset Since { get; set; }

    public string? LastError { get; set; }

    public CancellationTokenSource? Cancellation { get; set; }

    public Task Loop { get; set; } = Task.CompletedTask;

    /// <summary>True when a check runs (false for a real without one).</summary>
    public bool Checked => Probe is not null;

    /// <summary>True when this target already runs <paramref name="check"/> against <paramref name="endpoint"/>.</summary>
    public bool Runs(HealthCheckConfiguration? check, IPEndPoint? endpoint) =>
        Equals(Check, check) && Equals(Endpoint, endpoint);

    public RealHealth Status()
    {
        lock (Sync)
        {
            return new RealHealth(Vip, Real, Healthy, Checked, Since, LastError);
        }
    }

    /// <summary>
    /// Counts one probe result (caller holds <see cref="Sync"/>); returns how many consecutive results
    /// flipped the state, or 0 when the state stays.
    /// </summary>
    public int Record(HealthProbeResult result, DateTimeOffset now)
    {
        Probes++;
        LastError = result.Error;
        if (result.Healthy)
        {
            Failures = 0;
            Successes++;
            if (!Healthy && Successes >= Rise)
            {
                Healthy = true;
                Since = now;
                return Successes;
            }
        }
        else
        {
            Successes = 0;
            Failures++;
            if (Healthy && Failures >= Fall)
            {
                Healthy = false;
                Since = now;
                return Failures;
            }
        }

        return 0;
    }
}
