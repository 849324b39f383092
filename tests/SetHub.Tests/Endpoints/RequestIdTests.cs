using System.Net;
using SetHub.Tests.Infrastructure;

namespace SetHub.Tests.Endpoints;

/// <summary>Every answer carries X-Request-Id, a client's W3C traceparent gives it, and every error body names it.</summary>
public sealed class RequestIdTests(SetHubServer server)
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryAnswer_CarriesARequestId_OfTheW3cTraceIdShape()
    {
        using var anonymous = server.CreateClient();

        using var healthy = await anonymous.GetAsync("/healthz", Cancel);
        using var refused = await anonymous.GetAsync("/admin/tenants", Cancel);

        var first = Assert.Single(healthy.Headers.GetValues("X-Request-Id"));
        var second = Assert.Single(refused.Headers.GetValues("X-Request-Id"));
        Assert.Matches("^[0-9a-f]{32}$", first);
        Assert.NotEqual(first, second);
        Assert.Equal(second, (await TestTenant.ReadJsonAsync(refused)).GetProperty("request_id").GetString());
    }

    [Fact]
    public async Task AClientsTraceparent_GivesTheRequestId_InTheHeaderAndTheErrorBody()
    {
        var tenant = await TestTenant.CreateAsync(server);
        using var admin = server.CreateClient(tenant.Token);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/admin/tenants/{tenant.TenantId}/events") { Content = TestTenant.Json("""{"events":{}}""") };
        request.Headers.Add("traceparent", $"00-{TraceId}-00f067aa0ba902b7-01");

        using var response = await admin.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(TraceId, Assert.Single(response.Headers.GetValues("X-Request-Id")));
        Assert.Equal(TraceId, (await TestTenant.ReadJsonAsync(response)).GetProperty("request_id").GetString());
    }

    [Theory]
    [InlineData("00-00000000000000000000000000000000-00f067aa0ba902b7-01")] // all-zero trace id
    [InlineData("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01")] // all-zero parent id
    [InlineData("00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01")] // uppercase
    [InlineData("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")] // the forbidden version
    [InlineData("not a traceparent")]
    public async Task AnInvalidTraceparent_IsIgnored_AndTheRequestGetsAnIdOfItsOwn(string traceparent)
    {
        using var anonymous = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/healthz");
        request.Headers.TryAddWithoutValidation("traceparent", traceparent);

        using var response = await anonymous.SendAsync(request, Cancel);

        var id = Assert.Single(response.Headers.GetValues("X-Request-Id"));
        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.NotEqual(TraceId, id);
    }

    [Fact]
    public async Task APollError_NamesTheRequestToo()
    {
        var tenant = await TestTenant.CreateAsync(server);
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();

        using var response = await receiver.SendAsync(HttpMethod.Post, stream.GetProperty("delivery").GetProperty("endpoint_url").GetString()!, """{"maxEvents":-1}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await TestTenant.ReadJsonAsync(response);
        Assert.Equal("invalid_request", body.GetProperty("err").GetString());
        Assert.Equal(Assert.Single(response.Headers.GetValues("X-Request-Id")), body.GetProperty("request_id").GetString());
    }
}
