using System.Net;
using Grpc.Core;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Balancer.Control;
using LoadBalancer.Balancer.Health;
using LoadBalancer.Balancer.Runtime;
using LoadBalancer.Host.Api.V1;
using LoadBalancer.Host.Serve;
using Microsoft.Extensions.DependencyInjection;

namespace LoadBalancer.Host.Api.Internal;

/// <summary>
/// The <c>lb.v1.Lb</c> service. Mutations are read-modify-write functions run by
/// <see cref="IConfigurationStore.Update"/> (atomic, validated, nothing changed on error); reads come from the
/// store, <see cref="BalancerControl"/>, <see cref="IHealthStatus"/> and <see cref="IServeRuntime"/>.
/// </summary>
internal sealed partial class LbApiService(IServiceProvider services) : Lb.LbBase
{
    private const string Source = "api";

    private readonly IConfigurationStore _store = services.GetRequiredService<IConfigurationStore>();
    private readonly BalancerControl _control = ResolveControl(services);
    private readonly IHealthStatus? _health = services.GetService<IHealthStatus>();
    private readonly IServeRuntime? _runtime = services.GetService<IServeRuntime>();

    /// <summary>The control plane: registered itself, or that of the registered balancer instance or configuration store.</summary>
    private static BalancerControl ResolveControl(IServiceProvider services) =>
        services.GetService<BalancerControl>()
        ?? services.GetService<BalancerInstance>()?.Control
        ?? (services.GetService<IConfigurationStore>() as ConfigurationStore)?.Control
        ?? throw new InvalidOperationException("The control API needs the balancer: register BalancerControl, BalancerInstance or ConfigurationStore in DI before AddLbApi.");

    /// <summary>Runs a read-modify-write through the store and reports the generation and changes.</summary>
    private MutationResponse Mutate(Func<BalancerConfiguration, BalancerConfiguration> change)
    {
        ConfigurationDiff diff;
        try
        {
            diff = _store.Update(change, Source);
        }
        catch (ConfigException e)
        {
            throw ApiErrors.FromConfigException(e);
        }
        catch (BalancerCapacityException e)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"the balancer is full: {e.Message}"));
        }
        catch (BalancerException e)
        {
            throw ApiErrors.FailedPrecondition($"the balancer rejected the change: {e.Message}");
        }

        var response = new MutationResponse { Generation = diff.IsEmpty ? _store.Generation : diff.Generation };
        response.Changes.AddRange(diff.Changes);
        return response;
    }

    /// <summary>The running configuration and the generation it belongs to (re-read if a change landed in between).</summary>
    private (BalancerConfiguration Config, long Generation) CurrentWithGeneration()
    {
        while (true)
        {
            var before = _store.Generation;
            var config = _store.Current;
            if (_store.Generation == before)
            {
                return (config, before);
            }
        }
    }

    /// <summary>Validates a candidate configuration inside a mutation; see <see cref="ApiErrors.FromValidation"/>.</summary>
    private static BalancerConfiguration Checked(BalancerConfiguration next, string? configPrefix, string requestField)
    {
        var errors = BalancerConfigurationValidator.Validate(next);
        return errors.Count == 0 ? next : throw ApiErrors.FromValidation(errors, configPrefix, requestField);
    }

    private static BalancerConfiguration WithVip(BalancerConfiguration config, int index, VipConfiguration vip)
    {
        var vips = config.Vips.ToArray();
        vips[index] = vip;
        return config with { Vips = new ValueList<VipConfiguration>(vips) };
    }

    private static VipConfiguration WithReal(VipConfiguration vip, int index, RealConfiguration real)
    {
        var reals = vip.Reals.ToArray();
        reals[index] = real;
        return vip with { Reals = new ValueList<RealConfiguration>(reals) };
    }

    private Dictionary<(VipId, IPAddress), Balancer.Health.RealHealth>? HealthByReal()
    {
        if (_health is null)
        {
            return null;
        }

        var map = new Dictionary<(VipId, IPAddress), Balancer.Health.RealHealth>();
        foreach (var h in _health.Snapshot())
        {
            map[(h.Vip, h.Real)] = h;
        }

        return map;
    }

    private static VipSnapshot? FindSnapshot(BalancerSnapshot snapshot, VipConfiguration vip)
    {
        var id = VipLookup.TryIdOf(vip);
        foreach (var v in snapshot.Vips)
        {
            if (v.Id == id)
            {
                return v;
            }
        }

        return null;
    }

    private Vip Describe(VipConfiguration vip) => ApiMapper.ToMessage(vip, FindSnapshot(_control.Snapshot(), vip), HealthByReal());

    /// <summary>Refuses a change that would leave a QUIC server id routing to an address no VIP of <paramref name="config"/> has as a real.</summary>
    private static void EnsureNoOrphanQuicIds(BalancerConfiguration config)
    {
        foreach (var quic in config.QuicServerIds)
        {
            if (!IPAddress.TryParse(quic.Real, out var address))
            {
                continue;
            }

            var used = false;
            foreach (var vip in config.Vips)
            {
                foreach (var real in vip.Reals)
                {
                    used |= IPAddress.TryParse(real.Address, out var r) && r.Equals(address);
                }
            }

            if (!used)
            {
                throw ApiErrors.FailedPrecondition(
                    $"real {address} is the target of QUIC server id {quic.Id} and would be left in no VIP; remove the mapping first (DELETE /v1/quic-server-ids/{quic.Id}).");
            }
        }
    }
}
