using System.Net;
using System.Text.Json;
using SetHub.Tests.Infrastructure;

namespace SetHub.Tests.Endpoints;

/// <summary>RFC 8936 poll delivery at each stream's endpoint_url.</summary>
public sealed class PollTests(SetHubServer server)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Poll_MaxEvents_LimitsTheAnswerAndSetsMoreAvailable()
    {
        var (receiver, stream) = await NewPollStreamAsync();
        foreach (var state in new[] { "1", "2", "3" })
        {
            await receiver.VerifyAsync(Id(stream), state);
        }

        var first = await receiver.PollAsync(stream, """{"maxEvents":2,"returnImmediately":true}""");
        var second = await receiver.PollAsync(stream, """{"maxEvents":2,"returnImmediately":true}""");

        Assert.Equal(["1", "2"], await StatesAsync(receiver, first));
        Assert.True(first.GetProperty("moreAvailable").GetBoolean()); // R50
        Assert.Equal(["3"], await StatesAsync(receiver, second));
        Assert.False(second.GetProperty("moreAvailable").GetBoolean());
    }

    [Fact]
    public async Task Poll_EmptyObjectAndEmptyBody_AreValid()
    {
        // R47: {} uses the defaults (a long poll, no limit); every 2xx answer has a JSON body with "sets" (R49).
        var (receiver, stream) = await NewPollStreamAsync();
        await receiver.VerifyAsync(Id(stream), "one");

        var fromObject = await receiver.PollAsync(stream, "{}");
        await receiver.VerifyAsync(Id(stream), "two");
        using var fromEmpty = await receiver.Client.PostAsync(Endpoint(stream), content: null, Cancel);

        Assert.Equal(["one"], await StatesAsync(receiver, fromObject));
        Assert.Equal(HttpStatusCode.OK, fromEmpty.StatusCode);
        Assert.Equal(["two"], await StatesAsync(receiver, await TestTenant.ReadJsonAsync(fromEmpty)));
    }

    [Fact]
    public async Task Poll_ReturnedButUnacknowledged_IsNotHandedOutAgainAtOnce()
    {
        // A second poller does not get the same SET while the first one holds it (RFC 8936 §2.4).
        var (receiver, stream) = await NewPollStreamAsync();
        await receiver.VerifyAsync(Id(stream), "held");

        Assert.Single(TestReceiver.Sets(await receiver.PollAsync(stream)));
        Assert.Empty(TestReceiver.Sets(await receiver.PollAsync(stream)));
    }

    [Fact]
    public async Task Poll_AcknowledgeAndPollInOneRequest()
    {
        // R56: ack plus poll. R55: the acknowledged jti never comes back, while the unacknowledged one does once the
        // redelivery interval (1 ms here) has passed, so an ignored ack would show.
        await using var quick = new QuickRedeliveryServer();
        await quick.InitializeAsync();
        var (receiver, stream) = await NewPollStreamAsync(quick);
        await receiver.VerifyAsync(Id(stream), "a");
        var acknowledged = TestReceiver.Sets(await receiver.PollAsync(stream)).Single();
        await receiver.VerifyAsync(Id(stream), "b");

        var second = await receiver.PollAsync(stream, $$"""{"returnImmediately":true,"ack":["{{acknowledged.Jti}}"]}""");
        var third = await receiver.PollAsync(stream, "{}"); // a long poll: answers once "b" is due again

        Assert.Equal(["b"], await StatesAsync(receiver, second));
        var unacknowledged = TestReceiver.Sets(second).Single();
        Assert.Equal([unacknowledged.Jti], TestReceiver.Sets(third).Select(set => set.Jti));
    }

    [Fact]
    public async Task Poll_SetErrs_AreAcceptedAndNotRedelivered()
    {
        // R56: a SET reported in setErrs is settled like an acknowledged one; the unreported one comes back (1 ms here).
        await using var quick = new QuickRedeliveryServer();
        await quick.InitializeAsync();
        var (receiver, stream) = await NewPollStreamAsync(quick);
        await receiver.VerifyAsync(Id(stream), "bad");
        await receiver.VerifyAsync(Id(stream), "kept");
        var first = await receiver.PollAsync(stream);
        Assert.Equal(["bad", "kept"], await StatesAsync(receiver, first));
        var (bad, kept) = (TestReceiver.Sets(first)[0], TestReceiver.Sets(first)[1]);

        // A long poll: answers once "kept" is due again.
        var answer = await receiver.PollAsync(stream, $$"""{"setErrs":{"{{bad.Jti}}":{"err":"invalid_state","description":"state mismatch"} } }""");

        Assert.Equal([kept.Jti], TestReceiver.Sets(answer).Select(set => set.Jti));
    }

    [Theory]
    [InlineData(";{ broken")]
    [InlineData("""{"maxEvents":-1}""")]
    [InlineData("""{"returnImmediately":"yes"}""")]
    [InlineData("""{"ack":"jti"}""")]
    [InlineData("""{"setErrs":{"jti":{"description":"no err"}}}""")]
    [InlineData("""{"ack":["%xFF%%xFE%"]}""")] // RFC 8259 §8.1
    [InlineData("""{"ack":["\ud800"]}""")] // RFC 8259 §8.2
    [InlineData("""{"setErrs":{"\udc00":{"err":"invalid_key"}}}""")]
    [InlineData("""{"maxEvents":1,"maxEvents":2}""")] // RFC 8259 §4
    public async Task Poll_InvalidRequest_Returns400WithAnRfc8935ErrorBody(string body)
    {
        // R58; the body follows RFC 8935 §2.3: {"err", "description"}.
        var (receiver, stream) = await NewPollStreamAsync();

        using var response = await receiver.SendAsync(HttpMethod.Post, Endpoint(stream), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertRfc8935ErrorAsync(response, "invalid_request");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("invalid:3f4c5a0e-1d4b-4f43-9e55-111111111111")]
    public async Task Poll_WithoutOrWithWrongToken_Returns401AuthenticationFailed(string? token)
    {
        // R59, R125: the poll endpoint is protected like the management API; RFC 8935 §2.4 code, WWW-Authenticate kept.
        var (_, stream) = await NewPollStreamAsync();
        using var client = server.CreateClient(token);

        using var response = await client.PostAsync(Endpoint(stream), TestTenant.Json("{}"), Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        await AssertRfc8935ErrorAsync(response, "authentication_failed");
    }

    [Fact]
    public async Task Poll_WithAnotherTenantsOrANonReceiverToken_Returns403AccessDenied()
    {
        // RFC 8935 §2.4: access_denied, in the {"err"} shape of the poll endpoint.
        var (receiver, stream) = await NewPollStreamAsync();
        using var stranger = await (await TestTenant.CreateAsync(server)).AddReceiverAsync();
        using var tenantAdmin = server.CreateClient(receiver.Tenant.Token);

        using var otherTenant = await stranger.SendAsync(HttpMethod.Post, Endpoint(stream), "{}");
        using var notAReceiver = await tenantAdmin.PostAsync(Endpoint(stream), TestTenant.Json("{}"), Cancel);

        foreach (var response in new[] { otherTenant, notAReceiver })
        {
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            await AssertRfc8935ErrorAsync(response, "access_denied");
        }
    }

    [Fact]
    public async Task Poll_PushStreamOrUnknownStream_Returns404()
    {
        var tenant = await TestTenant.CreateAsync(server);
        using var receiver = await tenant.AddReceiverAsync();
        var push = await receiver.CreateStreamAsync("""{"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"https://rp.example.com/e"}}""");
        var pollUrlOfPushStream = tenant.Endpoint("configuration_endpoint").Replace("/streams", $"/poll/{Id(push)}", StringComparison.Ordinal);

        using var pushed = await receiver.SendAsync(HttpMethod.Post, pollUrlOfPushStream, "{}");
        using var unknown = await receiver.SendAsync(HttpMethod.Post, pollUrlOfPushStream.Replace(Id(push), "nope", StringComparison.Ordinal), "{}");

        // RFC 8935 §2.4 has no "not found" code: invalid_request.
        foreach (var response in new[] { pushed, unknown })
        {
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            await AssertRfc8935ErrorAsync(response, "invalid_request");
        }
    }

    [Fact]
    public async Task Poll_SetsKeepTheirBytesAndJti()
    {
        var (receiver, stream) = await NewPollStreamAsync();
        await receiver.VerifyAsync(Id(stream), "x");

        var (jti, token) = TestReceiver.Sets(await receiver.PollAsync(stream)).Single();
        var set = await receiver.ValidateSetAsync(token);

        Assert.Equal(jti, set.Id);
        Assert.Equal(receiver.Audience, Assert.Single(set.Audiences));
        Assert.Equal(receiver.Tenant.Issuer, set.Issuer);
    }

    [Fact]
    public async Task LongPoll_OnAStreamThatIsDeleted_EndsAtOnceWith404()
    {
        // The stream wakes the polls waiting on it as it is deleted: they need not wait out the 10 s timeout.
        var (receiver, stream) = await NewPollStreamAsync();
        var waiting = receiver.Client.PostAsync(Endpoint(stream), TestTenant.Json("""{"maxEvents":10}"""), Cancel);
        await Task.Delay(300, Cancel);
        Assert.False(waiting.IsCompleted, "the poll waits while nothing is queued");

        using var deleted = await receiver.SendAsync(HttpMethod.Delete, $"{receiver.Tenant.Endpoint("configuration_endpoint")}?stream_id={Id(stream)}");
        using var answer = await waiting.WaitAsync(TimeSpan.FromSeconds(5), Cancel);

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, answer.StatusCode);
        await AssertRfc8935ErrorAsync(answer, "invalid_request");
    }

    [Fact]
    public async Task LongPoll_OfAReceiverThatIsRevoked_EndsAtOnceWith401()
    {
        var (receiver, stream) = await NewPollStreamAsync();
        var waiting = receiver.Client.PostAsync(Endpoint(stream), TestTenant.Json("""{"maxEvents":10}"""), Cancel);
        await Task.Delay(300, Cancel);
        Assert.False(waiting.IsCompleted, "the poll waits while nothing is queued");

        using var admin = server.CreateClient(receiver.Tenant.Token);
        using var revoked = await admin.DeleteAsync($"/admin/tenants/{receiver.Tenant.TenantId}/receivers/{receiver.ReceiverId}", Cancel);
        using var answer = await waiting.WaitAsync(TimeSpan.FromSeconds(5), Cancel);

        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        // The credential stops working on every silo before the receiver's streams are deleted.
        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        await AssertRfc8935ErrorAsync(answer, "authentication_failed");
        Assert.NotEmpty(answer.Headers.WwwAuthenticate);
    }

    private async Task<(TestReceiver Receiver, JsonElement Stream)> NewPollStreamAsync(SetHubServer? on = null)
    {
        var receiver = await (await TestTenant.CreateAsync(on ?? server)).AddReceiverAsync();
        return (receiver, await receiver.CreateStreamAsync());
    }

    private static async Task<IReadOnlyList<string?>> StatesAsync(TestReceiver receiver, JsonElement poll)
    {
        var states = new List<string?>();
        foreach (var (_, token) in TestReceiver.Sets(poll))
        {
            var (_, payload) = TestReceiver.Event(await receiver.ValidateSetAsync(token));
            states.Add(payload.GetProperty("state").GetString());
        }

        return states;
    }

    // The RFC 8935 §2.3 body: {"err", "description"}, never the management API's {"error"}.
    private static async Task AssertRfc8935ErrorAsync(HttpResponseMessage response, string code)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var error = await TestTenant.ReadJsonAsync(response);
        Assert.Equal(code, error.GetProperty("err").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("description").GetString()));
        Assert.False(error.TryGetProperty("error", out _));
    }

    private static string Endpoint(JsonElement stream) => stream.GetProperty("delivery").GetProperty("endpoint_url").GetString()!;

    private static string Id(JsonElement stream) => stream.GetProperty("stream_id").GetString()!;
}
