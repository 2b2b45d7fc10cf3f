using Grpc.Core;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Api.Internal;

/// <summary>VIP methods.</summary>
internal sealed partial class LbApiService
{
    public override Task<ListVipsResponse> ListVips(ListVipsRequest request, ServerCallContext context)
    {
        var (config, generation) = CurrentWithGeneration();
        var snapshot = _control.Snapshot();
        var health = HealthByReal();
        var response = new ListVipsResponse { Generation = generation };
        foreach (var vip in config.Vips)
        {
            response.Vips.Add(ApiMapper.ToMessage(vip, FindSnapshot(snapshot, vip), health));
        }

        return Task.FromResult(response);
    }

    public override Task<Vip> GetVip(GetVipRequest request, ServerCallContext context)
    {
        var config = _store.Current;
        return Task.FromResult(Describe(config.Vips[VipLookup.Find(config, request.Vip)]));
    }

    public override Task<AddVipResponse> AddVip(AddVipRequest request, ServerCallContext context)
    {
        if (request.Vip is null)
        {
            throw ApiErrors.InvalidArgument("vip", "is missing; give address, port, protocol and optionally name, flags and reals.");
        }

        var vip = ApiMapper.ToConfig(request.Vip);
        var result = Mutate(current =>
        {
            var id = VipLookup.TryIdOf(vip);
            foreach (var existing in current.Vips)
            {
                if (id is not null && VipLookup.TryIdOf(existing) == id)
                {
                    throw ApiErrors.AlreadyExists("vip", $"VIP {id} exists already ({VipLookup.Label(existing)}); change it with ModifyVip / SetReals or remove it first.");
                }

                if (vip.Name is not null && string.Equals(existing.Name, vip.Name, StringComparison.Ordinal))
                {
                    throw ApiErrors.AlreadyExists("vip.name", $"the name '{vip.Name}' is taken by {VipLookup.Label(existing)}.");
                }
            }

            var next = current with { Vips = new ValueList<VipConfiguration>([.. current.Vips, vip]) };
            return Checked(next, $"vips[{current.Vips.Count}]", "vip");
        });
        return Task.FromResult(new AddVipResponse { Result = result, Vip = Describe(vip) });
    }

    public override Task<MutationResponse> RemoveVip(RemoveVipRequest request, ServerCallContext context) =>
        Task.FromResult(Mutate(current =>
        {
            var index = VipLookup.Find(current, request.Vip);
            var vips = current.Vips.ToList();
            vips.RemoveAt(index);
            var next = current with { Vips = new ValueList<VipConfiguration>(vips) };
            EnsureNoOrphanQuicIds(next);
            return Checked(next, null, string.Empty);
        }));

    public override Task<ModifyVipResponse> ModifyVip(ModifyVipRequest request, ServerCallContext context)
    {
        CheckFlagNames(request.SetFlags, "setFlags");
        CheckFlagNames(request.ClearFlags, "clearFlags");
        if (request.HealthCheck is not null && request.ClearHealthCheck)
        {
            throw ApiErrors.InvalidArgument("clearHealthCheck", "cannot be combined with healthCheck; give one of them.");
        }

        VipConfiguration? modified = null;
        var result = Mutate(current =>
        {
            var index = VipLookup.Find(current, request.Vip);
            var vip = current.Vips[index];
            var flags = new List<string>();
            foreach (var flag in vip.Flags)
            {
                if (!Contains(request.ClearFlags, flag) && !Contains(flags, flag))
                {
                    flags.Add(flag);
                }
            }

            foreach (var flag in request.SetFlags)
            {
                if (!Contains(flags, flag))
                {
                    flags.Add(flag.ToLowerInvariant());
                }
            }

            var name = request.HasName ? (request.Name.Length == 0 ? null : request.Name) : vip.Name;
            if (name is not null && name != vip.Name)
            {
                foreach (var other in current.Vips)
                {
                    if (string.Equals(other.Name, name, StringComparison.Ordinal))
                    {
                        throw ApiErrors.AlreadyExists("name", $"the name '{name}' is taken by {VipLookup.Label(other)}.");
                    }
                }
            }

            var check = request.ClearHealthCheck ? null : request.HealthCheck is null ? vip.HealthCheck : ApiMapper.ToConfig(request.HealthCheck);
            modified = vip with { Flags = new ValueList<string>(flags), Name = name, HealthCheck = check };
            return Checked(WithVip(current, index, modified), $"vips[{index}]", string.Empty);
        });
        return Task.FromResult(new ModifyVipResponse { Result = result, Vip = Describe(modified!) });
    }

    private static void CheckFlagNames(IReadOnlyList<string> flags, string field)
    {
        for (var i = 0; i < flags.Count; i++)
        {
            if (!VipFlagNames.TryParse(flags[i], out _))
            {
                throw ApiErrors.InvalidArgument($"{field}[{i}]", $"'{flags[i]}' is not a VIP flag; use {VipFlagNames.All}.");
            }
        }
    }

    private static bool Contains(IEnumerable<string> flags, string flag)
    {
        foreach (var f in flags)
        {
            if (string.Equals(f, flag, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
