using System.Net;
using Grpc.Core;
using LoadBalancer.Balancer.Configuration;
using LoadBalancer.Host.Api.V1;

namespace LoadBalancer.Host.Api.Internal;

/// <summary>Real methods.</summary>
internal sealed partial class LbApiService
{
    public override Task<ListRealsResponse> ListReals(ListRealsRequest request, ServerCallContext context)
    {
        var config = _store.Current;
        var vip = Describe(config.Vips[VipLookup.Find(config, request.Vip)]);
        var response = new ListRealsResponse { Vip = vip.Id };
        response.Reals.AddRange(vip.Reals);
        return Task.FromResult(response);
    }

    public override Task<MutationResponse> AddReal(AddRealRequest request, ServerCallContext context)
    {
        if (request.Real is null)
        {
            throw ApiErrors.InvalidArgument("real", "is missing; give at least its address.");
        }

        var real = ApiMapper.ToConfig(request.Real);
        var address = VipLookup.ParseAddress(real.Address, "real.address");
        return Task.FromResult(Mutate(current =>
        {
            var index = VipLookup.Find(current, request.Vip);
            var vip = current.Vips[index];
            foreach (var existing in vip.Reals)
            {
                if (IPAddress.TryParse(existing.Address, out var e) && e.Equals(address))
                {
                    throw ApiErrors.AlreadyExists("real.address", $"VIP {VipLookup.Label(vip)} has real {address} already; change it with ModifyReal / SetRealWeight.");
                }
            }

            var next = WithVip(current, index, vip with { Reals = new ValueList<RealConfiguration>([.. vip.Reals, real]) });
            return Checked(next, $"vips[{index}].reals[{vip.Reals.Count}]", "real");
        }));
    }

    public override Task<MutationResponse> SetReals(SetRealsRequest request, ServerCallContext context)
    {
        var reals = new List<RealConfiguration>(request.Reals.Count);
        foreach (var real in request.Reals)
        {
            reals.Add(ApiMapper.ToConfig(real));
        }

        return Task.FromResult(Mutate(current =>
        {
            var index = VipLookup.Find(current, request.Vip);
            var next = WithVip(current, index, current.Vips[index] with { Reals = new ValueList<RealConfiguration>(reals) });
            var checkedNext = Checked(next, $"vips[{index}].reals", "reals");
            EnsureNoOrphanQuicIds(next);
            return checkedNext;
        }));
    }

    public override Task<MutationResponse> RemoveReal(RemoveRealRequest request, ServerCallContext context) =>
        Task.FromResult(Mutate(current =>
        {
            var index = VipLookup.Find(current, request.Vip);
            var vip = current.Vips[index];
            var realIndex = VipLookup.FindReal(vip, request.Real);
            var reals = vip.Reals.ToList();
            reals.RemoveAt(realIndex);
            var next = WithVip(current, index, vip with { Reals = new ValueList<RealConfiguration>(reals) });
            EnsureNoOrphanQuicIds(next);
            return Checked(next, null, string.Empty);
        }));

    public override Task<MutationResponse> ModifyReal(ModifyRealRequest request, ServerCallContext context)
    {
        if (request.HealthCheck is not null && request.ClearHealthCheck)
        {
            throw ApiErrors.InvalidArgument("clearHealthCheck", "cannot be combined with healthCheck; give one of them.");
        }

        return Task.FromResult(Mutate(current =>
        {
            var index = VipLookup.Find(current, request.Vip);
            var vip = current.Vips[index];
            var realIndex = VipLookup.FindReal(vip, request.Real);
            var real = vip.Reals[realIndex];
            real = real with
            {
                Port = request.HasPort ? (int)Math.Min(request.Port, int.MaxValue) : real.Port,
                Weight = request.HasWeight ? request.Weight : real.Weight,
                HealthCheck = request.ClearHealthCheck ? null : request.HealthCheck is null ? real.HealthCheck : ApiMapper.ToConfig(request.HealthCheck),
            };
            return Checked(WithVip(current, index, WithReal(vip, realIndex, real)), $"vips[{index}].reals[{realIndex}]", string.Empty);
        }));
    }

    public override Task<MutationResponse> SetRealWeight(SetRealWeightRequest request, ServerCallContext context) =>
        Task.FromResult(SetWeight(request.Vip, request.Real, request.Weight));

    public override Task<MutationResponse> DrainReal(DrainRealRequest request, ServerCallContext context) =>
        Task.FromResult(SetWeight(request.Vip, request.Real, 0));

    private MutationResponse SetWeight(string vipReference, string realReference, uint weight) =>
        Mutate(current =>
        {
            var index = VipLookup.Find(current, vipReference);
            var vip = current.Vips[index];
            var realIndex = VipLookup.FindReal(vip, realReference);
            var next = WithVip(current, index, WithReal(vip, realIndex, vip.Reals[realIndex] with { Weight = weight }));
            return Checked(next, $"vips[{index}].reals[{realIndex}]", string.Empty);
        });

    public override Task<ListRealIndicesResponse> ListRealIndices(ListRealIndicesRequest request, ServerCallContext context)
    {
        var response = new ListRealIndicesResponse();
        foreach (var real in _control.Snapshot().Reals)
        {
            response.Reals.Add(new RealIndex { Address = real.Address.ToString(), Index = real.Index, References = real.References });
        }

        return Task.FromResult(response);
    }
}
