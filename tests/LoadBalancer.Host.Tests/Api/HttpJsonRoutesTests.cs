using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LoadBalancer.Balancer.Configuration;

namespace LoadBalancer.Host.Tests.Api;

/// <summary>The JSON routes as curl uses them: HTTP/1.1, JSON bodies, status codes from the gRPC status.</summary>
public sealed class HttpJsonRoutesTests
{
    [Fact]
    public async Task Vip_routes_list_get_add_modify_and_delete()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var http = host.Http();

        var list = await GetJson(http, "/v1/vips");
        var byId = await GetJson(http, "/v1/vips/10.0.0.11:53%2Fudp");
        var added = await Send(http, HttpMethod.Post, "/v1/vips", """{"name":"api","address":"10.9.0.1","port":443,"protocol":"tcp","reals":[{"address":"10.9.1.1","weight":2},{"address":"10.9.1.2"}]}""");
        var modified = await Send(http, HttpMethod.Patch, "/v1/vips/api", """{"setFlags":["no-lru"],"name":"api2"}""");
        var deleted = await Send(http, HttpMethod.Delete, "/v1/vips/10.0.0.11:53%2Fudp");

        Assert.Equal(["10.0.0.10:80/tcp", "10.0.0.11:53/udp"], list.GetProperty("vips").EnumerateArray().Select(v => v.GetProperty("id").GetString()));
        Assert.Equal(4, list.GetProperty("vips")[0].GetProperty("reals").GetArrayLength());
        Assert.Equal("10.0.2.1", byId.GetProperty("reals")[0].GetProperty("address").GetString());
        Assert.Equal(HttpStatusCode.OK, added.Status);
        Assert.Equal("10.9.0.1:443/tcp", added.Json.GetProperty("vip").GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, modified.Status);
        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal(["web", "api2"], host.Store.Current.Vips.Select(v => v.Name));
        Assert.Equal(["no-lru"], host.Store.Current.Vips[1].Flags);
        Assert.Equal(host.Store.Generation, deleted.Json.GetProperty("generation").GetInt64());
    }

    [Fact]
    public async Task Real_routes_add_weight_drain_modify_replace_and_delete()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var http = host.Http();

        Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Post, "/v1/vips/web/reals", """{"address":"10.0.1.9","weight":4}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Put, "/v1/vips/web/reals/10.0.1.1/weight", """{"weight":5}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Post, "/v1/vips/web/reals/10.0.1.2:drain")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Patch, "/v1/vips/web/reals/10.0.1.3", """{"port":8080}""")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Delete, "/v1/vips/10.0.0.10:80%2Ftcp/reals/10.0.1.4")).Status);
        var reals = await GetJson(http, "/v1/vips/web/reals");

        Assert.Equal(
            [new RealConfiguration("10.0.1.1", 5), new RealConfiguration("10.0.1.2", 0), new RealConfiguration("10.0.1.3", 1, 8080), new RealConfiguration("10.0.1.9", 4)],
            host.Store.Current.Vips[0].Reals);
        Assert.Equal(["10.0.1.1", "10.0.1.2", "10.0.1.3", "10.0.1.9"], reals.GetProperty("reals").EnumerateArray().Select(r => r.GetProperty("address").GetString()));
        Assert.Equal(0, reals.GetProperty("reals")[1].GetProperty("ringSlots").GetInt32());

        Assert.Equal(HttpStatusCode.OK, (await Send(http, HttpMethod.Put, "/v1/vips/web/reals", """{"reals":[{"address":"10.0.1.1"}]}""")).Status);
        Assert.Equal(["10.0.1.1"], host.Store.Current.Vips[0].Reals.Select(r => r.Address));
    }

    [Fact]
    public async Task Errors_map_to_400_404_and_409_with_the_message_naming_the_field()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var http = host.Http();
        var before = host.Store.Current;

        var invalid = await Send(http, HttpMethod.Post, "/v1/vips", """{"address":"10.0.0.300","port":80}""");
        var missing = await Send(http, HttpMethod.Delete, "/v1/vips/db");
        var duplicate = await Send(http, HttpMethod.Post, "/v1/vips/web/reals", """{"address":"10.0.1.1"}""");
        var noReal = await Send(http, HttpMethod.Put, "/v1/vips/web/reals/10.0.9.9/weight", """{"weight":1}""");
        var precondition = await Send(http, HttpMethod.Put, "/v1/quic-server-ids/3", """{"real":"10.0.9.9"}""");

        Assert.Equal((HttpStatusCode.BadRequest, 3), (invalid.Status, invalid.Json.GetProperty("code").GetInt32()));
        Assert.StartsWith("vip.address: '10.0.0.300' is not an IPv4 or IPv6 address", invalid.Json.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.StartsWith("vip: no VIP is named 'db'", missing.Json.GetProperty("message").GetString());
        Assert.Equal(HttpStatusCode.Conflict, duplicate.Status);
        Assert.Equal(HttpStatusCode.NotFound, noReal.Status);
        Assert.Equal(HttpStatusCode.BadRequest, precondition.Status);
        Assert.Equal(9, precondition.Json.GetProperty("code").GetInt32());
        Assert.Same(before, host.Store.Current);
    }

    [Fact]
    public async Task Settings_quic_stats_health_flow_whatif_and_real_index_routes_answer()
    {
        await using var host = await ApiTestHost.StartAsync(ApiTestConfigurations.TwoVips());
        var http = host.Http();

        var settings = await Send(http, HttpMethod.Patch, "/v1/settings", """{"gatewayMac":"02:00:00:00:00:01","guePort":7000}""");
        var setQuic = await Send(http, HttpMethod.Put, "/v1/quic-server-ids/9", """{"real":"10.0.1.1"}""");
        var quic = await GetJson(http, "/v1/quic-server-ids");
        var deleteQuic = await Send(http, HttpMethod.Delete, "/v1/quic-server-ids/9");
        var stats = await GetJson(http, "/v1/stats");
        var vipStats = await GetJson(http, "/v1/vips/web/stats");
        var health = await GetJson(http, "/v1/health?vip=web");
        var flow = await GetJson(http, "/v1/flows/real?source=198.51.100.1&destination=10.0.0.10&sourcePort=5555&destinationPort=80");
        var whatIf = await Send(http, HttpMethod.Post, "/v1/vips/web/whatif", """{"reals":[{"address":"10.0.1.1"},{"address":"10.0.1.2"}]}""");
        var indices = await GetJson(http, "/v1/reals");
        var current = await GetJson(http, "/v1/settings");

        Assert.Equal("02:00:00:00:00:01", settings.Json.GetProperty("settings").GetProperty("gatewayMac").GetString());
        Assert.Equal(7000, current.GetProperty("guePort").GetInt32());
        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (setQuic.Status, deleteQuic.Status));
        Assert.Equal(9, quic.GetProperty("serverIds")[0].GetProperty("id").GetInt32());
        Assert.Empty(host.Store.Current.QuicServerIds);
        Assert.Equal(2, stats.GetProperty("vips").GetArrayLength());
        Assert.Equal("web", vipStats.GetProperty("name").GetString());
        Assert.Equal(4, health.GetProperty("reals").GetArrayLength());
        Assert.StartsWith("10.0.1.", flow.GetProperty("real").GetString());
        Assert.InRange(whatIf.Json.GetProperty("shareOfSlotsMoved").GetDouble(), 0.45, 0.55);
        Assert.Equal(5, indices.GetProperty("reals").GetArrayLength());
    }

    [Fact]
    public async Task An_ipv6_vip_is_reachable_by_its_bracketed_id_in_the_path()
    {
        await using var host = await ApiTestHost.StartAsync();
        var http = host.Http();

        var added = await Send(http, HttpMethod.Post, "/v1/vips", """{"address":"fd00::10","port":443,"protocol":"tcp","reals":[{"address":"fd00::1:1"}]}""");
        var drained = await Send(http, HttpMethod.Post, "/v1/vips/%5Bfd00::10%5D:443%2Ftcp/reals/fd00::1:1:drain");
        var vip = await GetJson(http, "/v1/vips/%5Bfd00::10%5D:443%2Ftcp");

        Assert.Equal(HttpStatusCode.OK, added.Status);
        Assert.Equal("[fd00::10]:443/tcp", vip.GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.OK, drained.Status);
        Assert.Equal(0, vip.GetProperty("reals")[0].GetProperty("weight").GetInt32());
    }

    internal static async Task<JsonElement> GetJson(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    internal static async Task<(HttpStatusCode Status, JsonElement Json)> Send(HttpClient http, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        using var response = await http.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
