using System.Net;
using LoadBalancer.Balancer.Configuration.Internal;
using LoadBalancer.Balancer.Control;

namespace LoadBalancer.Balancer.Configuration;

/// <summary>
/// The running configuration over a <see cref="BalancerControl"/>, and the single writer of its maps. Every
/// change is validated first, then serialised under one lock and applied as the smallest set of control-plane
/// calls: a VIP's ring is rebuilt only when that VIP's effective reals or weights changed, settings are written
/// only when they changed, QUIC server ids are added and removed one by one.
/// <para>
/// Health overlay: <see cref="SetRealHealth(VipId, IPAddress, bool)"/> keeps a real in <see cref="Current"/> but
/// gives it weight 0 in its VIP's ring while it is down (a drain: flows tracked in the flow table stay with it);
/// healthy again, it gets its configured weight back. Health state survives reloads for the reals that remain.
/// <see cref="SetRealHealth(IReadOnlyList{RealHealthChange})"/> applies many changes with one ring update per
/// affected VIP (a mass failure costs one Maglev build per VIP, not one per real). Health changes do not change
/// <see cref="Current"/>, <see cref="Generation"/> or raise <see cref="Changed"/>.
/// </para>
/// <para>
/// <see cref="Changed"/> runs on the thread that made the change, after the lock is released; changes from
/// several threads may be reported out of order (<see cref="ConfigurationDiff.Generation"/> orders them).
/// </para>
/// </summary>
public sealed class ConfigurationStore : IConfigurationStore
{
    private readonly BalancerControl _control;
    private readonly Lock _lock = new();
    private HashSet<(VipId Vip, IPAddress Real)> _down = [];
    private HashSet<(VipId Vip, IPAddress Real)> _configured = [];
    private readonly EffectiveState _applied;
    private volatile BalancerConfiguration _current = BalancerConfiguration.Empty;
    private long _generation;

    /// <summary>
    /// A store over <paramref name="control"/> serving <see cref="BalancerConfiguration.Empty"/>; the first
    /// <see cref="Replace"/> makes the maps match its configuration (VIPs the control plane already had and the
    /// configuration does not list are removed).
    /// </summary>
    public ConfigurationStore(BalancerControl control)
    {
        ArgumentNullException.ThrowIfNull(control);
        _control = control;
        _applied = EffectiveState.From(control);
    }

    /// <summary>A store over <paramref name="control"/> serving <paramref name="initial"/> (generation 1).</summary>
    /// <exception cref="ConfigException"><paramref name="initial"/> is invalid.</exception>
    public ConfigurationStore(BalancerControl control, BalancerConfiguration initial)
        : this(control)
    {
        Replace(initial, "initial");
    }

    /// <inheritdoc />
    public BalancerConfiguration Current => _current;

    /// <inheritdoc />
    public long Generation => Interlocked.Read(ref _generation);

    /// <summary>The control plane this store writes.</summary>
    public BalancerControl Control => _control;

    /// <inheritdoc />
    public event EventHandler<ConfigurationDiff>? Changed;

    /// <inheritdoc />
    public ConfigurationDiff Replace(BalancerConfiguration next, string source)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(source);
        ConfigurationDiff diff;
        lock (_lock)
        {
            diff = ApplyLocked(next, source);
        }

        if (!diff.IsEmpty)
        {
            Changed?.Invoke(this, diff);
        }

        return diff;
    }

    /// <inheritdoc />
    public ConfigurationDiff Update(Func<BalancerConfiguration, BalancerConfiguration> change, string source)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(source);
        ConfigurationDiff diff;
        lock (_lock)
        {
            var next = change(_current) ?? throw new ArgumentException("The change returned no configuration.", nameof(change));
            diff = ApplyLocked(next, source);
        }

        if (!diff.IsEmpty)
        {
            Changed?.Invoke(this, diff);
        }

        return diff;
    }

    /// <inheritdoc />
    public void SetRealHealth(VipId vip, IPAddress real, bool healthy)
    {
        ArgumentNullException.ThrowIfNull(real);
        SetRealHealth([new RealHealthChange(vip, real, healthy)]);
    }

    /// <inheritdoc />
    public void SetRealHealth(IReadOnlyList<RealHealthChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        for (var i = 0; i < changes.Count; i++)
        {
            if (changes[i].Real is null)
            {
                throw new ArgumentException($"Health change {i} (VIP {changes[i].Vip}) has no real address.", nameof(changes));
            }
        }

        lock (_lock)
        {
            var changed = false;
            foreach (var change in changes)
            {
                if (!_configured.Contains((change.Vip, change.Real)))
                {
                    continue; // a probe result racing a reload that removed the real
                }

                changed |= change.Healthy ? _down.Remove((change.Vip, change.Real)) : _down.Add((change.Vip, change.Real));
            }

            if (changed)
            {
                // One reconciliation for the whole batch: each VIP whose effective weights changed gets one ring update.
                Reconciler.Apply(_control, _applied, EffectiveState.From(_current, _down));
            }
        }
    }

    /// <summary>True when health checks marked <paramref name="real"/> of <paramref name="vip"/> down (out of the ring).</summary>
    public bool IsDown(VipId vip, IPAddress real)
    {
        ArgumentNullException.ThrowIfNull(real);
        lock (_lock)
        {
            return _down.Contains((vip, real));
        }
    }

    private ConfigurationDiff ApplyLocked(BalancerConfiguration next, string source)
    {
        var errors = BalancerConfigurationValidator.Validate(next);
        if (errors.Count > 0)
        {
            throw new ConfigException(source, errors);
        }

        var previous = _current;
        if (next.Equals(previous))
        {
            return new ConfigurationDiff(ValueList<string>.Empty) { Generation = Generation, Source = source };
        }

        var lines = ConfigurationDiffer.Lines(previous, next);
        if (lines.Count == 0)
        {
            lines.Add("reordered or respelt; nothing to apply");
        }

        var configured = Configured(next);
        var down = new HashSet<(VipId Vip, IPAddress Real)>();
        foreach (var entry in _down)
        {
            if (configured.Contains(entry))
            {
                down.Add(entry);
            }
        }

        try
        {
            Reconciler.Apply(_control, _applied, EffectiveState.From(next, down));
        }
        catch (BalancerException e)
        {
            // Put back what was serving; then nothing has changed for the caller.
            Reconciler.Apply(_control, _applied, EffectiveState.From(previous, _down));
            throw new ConfigException(source, [new ConfigurationError("$", $"the balancer refused the change ({e.Message}); the previous configuration keeps serving.")]);
        }

        _down = down;
        _configured = configured;
        _current = next;
        return new ConfigurationDiff(new ValueList<string>(lines)) { Generation = Interlocked.Increment(ref _generation), Source = source };
    }

    /// <summary>Every (VIP, real) pair of a valid <paramref name="configuration"/>: what health changes may apply to.</summary>
    private static HashSet<(VipId Vip, IPAddress Real)> Configured(BalancerConfiguration configuration)
    {
        var pairs = new HashSet<(VipId Vip, IPAddress Real)>();
        foreach (var v in configuration.Vips)
        {
            if (BalancerConfigurationValidator.TryGetVipId(v) is { } vip)
            {
                foreach (var r in v.Reals)
                {
                    if (IPAddress.TryParse(r.Address, out var address))
                    {
                        pairs.Add((vip, address));
                    }
                }
            }
        }

        return pairs;
    }
}
