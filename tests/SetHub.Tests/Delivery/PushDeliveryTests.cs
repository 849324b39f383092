using System.Net;
using System.Text.Json;
using SetHub.Core.Delivery;
using SetHub.Tests.Infrastructure;

namespace SetHub.Tests.Delivery;

/// <summary>RFC 8935 push delivery to a real local receiver: headers, retries per failure class, dead letters,
/// re-drive, and independence of streams.</summary>
public sealed class PushDeliveryTests(SetHubServer server) : PushReceiverTests
{
    [Fact]
    public async Task Push_SendsTheSetWithTheRequiredHeaders()
    {
        // R24, R25, R31: POST application/secevent+jwt, Accept application/json, authorization_header verbatim.
        var (tenant, receiver, name, _) = await NewPushStreamAsync(authorization: "Bearer push-token 42");
        await tenant.PublishAsync(TestTenant.Event(Alice, payload: """{"initiating_entity":"policy","reason_admin":{"en":"test"}}"""));

        var push = await NextEventAsync(name);

        Assert.Equal("application/secevent+jwt", push.ContentType);
        Assert.Equal("application/json", push.Accept);
        Assert.Equal("Bearer push-token 42", push.Authorization);
        var set = await receiver.ValidateSetAsync(push.Body);
        var (type, payload) = TestReceiver.Event(set);
        Assert.Equal(TestReceiver.SessionRevoked, type);
        Assert.Equal("policy", payload.GetProperty("initiating_entity").GetString());
        Assert.Equal("alice@example.com", TestReceiver.Claim(set, "sub_id").GetProperty("email").GetString());
    }

    [Fact]
    public async Task ANewStreamsFirstPush_FollowsTheCreateAnswer_AndARefusalThenIsRetried()
    {
        // Interop: a receiver that learns its stream's aud from the 201 refuses a SET that beats it (400). The first push
        // waits NewStreamDelivery.FirstPushDelay after the create, and a refusal in the stream's first minute is retried.
        var tenant = await TestTenant.CreateAsync(server, """{"default_subjects":"ALL"}""");
        using var receiver = await tenant.AddReceiverAsync();
        var name = NewName();
        Receiver.Script(name, ReceiverBehavior.RejectInvalidRequest);

        var stream = await CreatePushStreamAsync(receiver, Receiver.Url(name), authorization: null);
        var answered = DateTimeOffset.UtcNow;
        var refused = await Receiver.NextAsync(name);
        Receiver.Script(name, ReceiverBehavior.Accept);
        var accepted = await Receiver.NextAsync(name);

        Assert.True(refused.At - answered > NewStreamDelivery.FirstPushDelay - TimeSpan.FromMilliseconds(200), $"the first push came {refused.At - answered} after the 201");
        Assert.Equal(refused.Body, accepted.Body); // the same verification SET, retried
        Assert.Equal(ReceiverBehavior.Accept, accepted.Answer);
        Assert.Equal(0, (await DeadLettersAsync(tenant, stream)).GetArrayLength());
    }

    [Fact]
    public async Task Push_WithoutAuthorizationHeader_SendsNone()
    {
        // OIDF module 21: no authorization_header configured, no Authorization header sent.
        var (tenant, _, name, _) = await NewPushStreamAsync(authorization: null);
        await tenant.PublishAsync(TestTenant.Event(Alice));

        Assert.Null((await NextEventAsync(name)).Authorization);
    }

    [Fact]
    public async Task Push_StatedVerification_ArrivesWithItsState()
    {
        // OIDF module 17: after the 204, the stated verification SET is pushed.
        var (_, receiver, name, stream) = await NewPushStreamAsync(authorization: "Bearer x", drainVerification: false);

        var first = await Receiver.NextAsync(name);
        var (_, initial) = TestReceiver.Event(await receiver.ValidateSetAsync(first.Body));
        Assert.False(initial.TryGetProperty("state", out _)); // SetHub's own verification after creation
        await receiver.VerifyAsync(stream.GetProperty("stream_id").GetString()!, "state-17");

        var stated = await receiver.ValidateSetAsync((await Receiver.NextAsync(name)).Body);
        var (type, payload) = TestReceiver.Event(stated);
        Assert.Equal(TestReceiver.Verification, type);
        Assert.Equal("state-17", payload.GetProperty("state").GetString());
        Assert.Equal(stream.GetProperty("stream_id").GetString(), TestReceiver.Claim(stated, "sub_id").GetProperty("id").GetString());
    }

    [Theory]
    [InlineData(ReceiverBehavior.Unavailable)]
    [InlineData(ReceiverBehavior.TooManyRequests)]
    [InlineData(ReceiverBehavior.CloseConnection)]
    [InlineData(ReceiverBehavior.Hang)]
    [InlineData(ReceiverBehavior.RejectAccessDenied)]
    public async Task Push_RetryableFailure_IsRetriedWithTheSameBytes(ReceiverBehavior failure)
    {
        var (tenant, _, name, _) = await NewPushStreamAsync(authorization: null);
        Receiver.Script(name, failure, ReceiverBehavior.Accept);
        await tenant.PublishAsync(TestTenant.Event(Alice));

        var failed = await Receiver.NextAsync(name, TimeSpan.FromSeconds(15));
        var retried = await Receiver.NextAsync(name, TimeSpan.FromSeconds(15));

        Assert.Equal(failure, failed.Answer);
        Assert.Equal(ReceiverBehavior.Accept, retried.Answer);
        Assert.Equal(failed.Body, retried.Body); // signed once: same bytes, same jti
        await Receiver.AssertNothingAsync(name, TimeSpan.FromMilliseconds(800));
    }

    [Fact]
    public async Task Push_PermanentRejection_IsDeadLetteredAndNotRetried()
    {
        // R29: a 400 invalid_request cannot succeed on retry; it is recorded, not retried in a loop. A stream in its first
        // minute gets NewStreamDelivery's few attempts first (its receiver may not have read the create's answer yet).
        var (tenant, _, name, stream) = await NewPushStreamAsync(authorization: null);
        Receiver.Script(name, ReceiverBehavior.RejectInvalidRequest);
        await tenant.PublishAsync(TestTenant.Event(Alice));

        var rejected = await Receiver.NextAsync(name);
        for (var attempt = 2; attempt <= NewStreamDelivery.MaxAttemptsBeforeRefusalCounts; attempt++)
        {
            await Receiver.NextAsync(name);
        }

        await WaitForDeadLettersAsync(tenant, stream, 1);
        await Receiver.AssertNothingAsync(name, TimeSpan.FromSeconds(1));

        var letters = await DeadLettersAsync(tenant, stream);
        var letter = Assert.Single(letters.EnumerateArray());
        Assert.Contains("invalid_request", letter.GetProperty("last_error").GetString(), StringComparison.Ordinal);
        Assert.Equal(NewStreamDelivery.MaxAttemptsBeforeRefusalCounts, letter.GetProperty("attempts").GetInt32());
        Assert.Equal(ReceiverBehavior.RejectInvalidRequest, rejected.Answer);
    }

    [Fact]
    public async Task Push_DeadLetters_CanBeRedriven_AsReissuedSets()
    {
        // Interop: a receiver refuses SETs older than its own age limit, so a re-drive re-issues each dead letter: a new
        // jti and a fresh iat, every other claim as it was (same txn), signed with the tenant's active key.
        var (tenant, receiver, name, stream) = await NewPushStreamAsync(authorization: null);
        Receiver.Script(name, ReceiverBehavior.RejectInvalidRequest);
        var published = await tenant.PublishAsync(TestTenant.Event(Alice, payload: """{"initiating_entity":"policy"}"""));
        var rejected = await receiver.ValidateSetAsync((await Receiver.NextAsync(name)).Body);
        await WaitForDeadLettersAsync(tenant, stream, 1);
        Receiver.Drain(name); // a new stream's refused SET is tried a few times before it is dead-lettered
        Receiver.Script(name, ReceiverBehavior.Accept);
        await Task.Delay(TimeSpan.FromSeconds(1.1), Cancel); // so the fresh iat is a later second

        using var admin = server.CreateClient(tenant.Token);
        using var redrive = await admin.PostAsync($"/admin/tenants/{tenant.TenantId}/streams/{Id(stream)}/dead-letters:redrive", TestTenant.Json("{}"), Cancel);

        Assert.Equal(HttpStatusCode.OK, redrive.StatusCode);
        var answer = await TestTenant.ReadJsonAsync(redrive);
        Assert.Equal(1, answer.GetProperty("redriven").GetInt32());
        var reissued = await receiver.ValidateSetAsync((await Receiver.NextAsync(name)).Body);
        Assert.NotEqual(rejected.Id, reissued.Id);
        Assert.Equal(reissued.Id, answer.GetProperty("reissued").GetProperty(rejected.Id).GetString());
        Assert.True(reissued.IssuedAt > rejected.IssuedAt);
        Assert.Equal(published.GetProperty("txn").GetString(), TestReceiver.Claim(reissued, "txn").GetString());
        Assert.Equal(TestReceiver.Event(rejected).Payload.GetRawText(), TestReceiver.Event(reissued).Payload.GetRawText());
        Assert.Equal(TestReceiver.Claim(rejected, "sub_id").GetRawText(), TestReceiver.Claim(reissued, "sub_id").GetRawText());
        Assert.Equal(0, (await DeadLettersAsync(tenant, stream)).GetArrayLength());
    }

    [Fact]
    public async Task Push_ADeadReceiver_DoesNotDelayAnotherStream()
    {
        // No head-of-line blocking: while the dead stream's request hangs, the healthy stream is served.
        var tenant = await TestTenant.CreateAsync(server, """{"default_subjects":"ALL"}""");
        using var dead = await tenant.AddReceiverAsync();
        using var healthy = await tenant.AddReceiverAsync();
        var deadName = NewName();
        var healthyName = NewName();
        await CreatePushStreamAsync(dead, Receiver.Url(deadName, ReceiverBehavior.Hang), null);
        await CreatePushStreamAsync(healthy, Receiver.Url(healthyName), null);
        await Receiver.NextAsync(healthyName); // its creation verification
        var hanging = await Receiver.NextAsync(deadName); // the dead stream is now stuck on its verification

        await tenant.PublishAsync(TestTenant.Event(Alice));
        await Receiver.NextAsync(healthyName);

        // The healthy stream got its SET while the dead stream's request was still hanging: it waited for nothing.
        Assert.False(hanging.Completed.IsCompleted, "the healthy stream was served only after the hung request ended");
    }

    [Fact]
    public async Task Push_PausedMidBatch_SendsNothingMore()
    {
        // SSF 1.0 §8.1.2.1: a paused stream MUST NOT transmit, even when a batch of its SETs is already on its way.
        var (tenant, receiver, name, stream) = await NewPushStreamAsync(authorization: null);
        await QueueOneBatchAsync(tenant, receiver, stream, [.. Enumerable.Range(0, 5).Select(i => $"batch-{i}")]);
        Receiver.Script(name, ReceiverBehavior.Hold, ReceiverBehavior.Accept);
        await SetStatusAsync(receiver, stream, "enabled"); // all five go out in one batch

        var held = await NextEventAsync(name);
        await SetStatusAsync(receiver, stream, "paused");
        Receiver.Release(name);
        await held.Completed;
        await Receiver.AssertNothingAsync(name, TimeSpan.FromSeconds(1));

        await SetStatusAsync(receiver, stream, "enabled");
        var rest = new List<string>();
        for (var i = 1; i < 5; i++)
        {
            rest.Add(TestReceiver.Claim(await receiver.ValidateSetAsync((await NextEventAsync(name)).Body), "txn").GetString()!);
        }

        Assert.Equal("batch-0", TestReceiver.Claim(await receiver.ValidateSetAsync(held.Body), "txn").GetString());
        Assert.Equal(["batch-1", "batch-2", "batch-3", "batch-4"], rest);
    }

    [Fact]
    public async Task Push_DisabledStream_DropsWhatItHeldAndGetsNothing()
    {
        // SSF 1.0 §8.1.2.1: a disabled stream holds nothing; events raised while disabled never arrive.
        var (tenant, receiver, name, stream) = await NewPushStreamAsync(authorization: null);
        await QueueOneBatchAsync(tenant, receiver, stream, ["in-flight", "queued-behind"]);
        Receiver.Script(name, ReceiverBehavior.Hold, ReceiverBehavior.Accept);
        await SetStatusAsync(receiver, stream, "enabled");
        var held = await NextEventAsync(name);

        await SetStatusAsync(receiver, stream, "disabled");
        var published = await tenant.PublishAsync(TestTenant.Event(Alice, txn: "while-disabled"));
        Receiver.Release(name);
        await held.Completed;
        await SetStatusAsync(receiver, stream, "enabled");
        await tenant.PublishAsync(TestTenant.Event(Alice, txn: "after"));

        Assert.Equal(0, published.GetProperty("streams").GetInt32());
        Assert.Equal("after", TestReceiver.Claim(await receiver.ValidateSetAsync((await NextEventAsync(name)).Body), "txn").GetString());
    }

    [Fact]
    public async Task Push_BadRequestWithoutErrorCode_IsDeadLettered_AfterANewStreamsFewAttempts()
    {
        var (tenant, _, name, stream) = await NewPushStreamAsync(authorization: null);
        Receiver.Script(name, ReceiverBehavior.RejectWithoutCode);
        await tenant.PublishAsync(TestTenant.Event(Alice));

        for (var attempt = 1; attempt <= NewStreamDelivery.MaxAttemptsBeforeRefusalCounts; attempt++)
        {
            await NextEventAsync(name);
        }

        await WaitForDeadLettersAsync(tenant, stream, 1);

        var letter = Assert.Single((await DeadLettersAsync(tenant, stream)).EnumerateArray());
        Assert.Equal("HTTP 400", letter.GetProperty("last_error").GetString());
        Assert.Equal(NewStreamDelivery.MaxAttemptsBeforeRefusalCounts, letter.GetProperty("attempts").GetInt32()); // a new stream's few tries
        await Receiver.AssertNothingAsync(name, TimeSpan.FromMilliseconds(500));
    }

    [Fact]
    public async Task Push_ManySets_ArriveInOrder()
    {
        var (tenant, receiver, name, _) = await NewPushStreamAsync(authorization: null);
        for (var i = 0; i < 20; i++)
        {
            await tenant.PublishAsync(TestTenant.Event(Alice, txn: $"txn-{i:D2}"));
        }

        var transactions = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            transactions.Add(TestReceiver.Claim(await receiver.ValidateSetAsync((await NextEventAsync(name)).Body), "txn").GetString()!);
        }

        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"txn-{i:D2}"), transactions);
    }

    [Fact]
    public async Task Push_PausedStream_HoldsEventsUntilEnabled()
    {
        var (tenant, receiver, name, stream) = await NewPushStreamAsync(authorization: null);
        await SetStatusAsync(receiver, stream, "paused");
        await tenant.PublishAsync(TestTenant.Event(Alice, txn: "held"));
        await Receiver.AssertNothingAsync(name, TimeSpan.FromMilliseconds(700));

        await SetStatusAsync(receiver, stream, "enabled");

        Assert.Equal("held", TestReceiver.Claim(await receiver.ValidateSetAsync((await NextEventAsync(name)).Body), "txn").GetString());
    }

    [Fact]
    public async Task Push_EndpointOnLoopback_IsRefusedWhenPrivateEndpointsAreNotAllowed()
    {
        await using var strict = new StrictServer();
        await strict.InitializeAsync();
        var tenant = await TestTenant.CreateAsync(strict);
        using var receiver = await tenant.AddReceiverAsync();

        foreach (var url in new[] { Receiver.Url("strict"), "https://127.0.0.1/events", "https://10.1.2.3/events", "https://[::1]/events", "https://169.254.169.254/latest" })
        {
            using var response = await receiver.SendAsync(HttpMethod.Post, tenant.Endpoint("configuration_endpoint"),
                $$"""{"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"{{url}}"} }""");
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, url);
        }
    }

    private sealed class StrictServer : SetHubServer
    {
        protected override IEnumerable<string> Settings => ["--SetHub:Delivery:AllowPrivateEndpoints=false"];
    }

    private sealed record PushStream(TestTenant Tenant, TestReceiver Receiver, string Name, JsonElement Stream);

    private async Task<PushStream> NewPushStreamAsync(string? authorization, bool drainVerification = true)
    {
        var tenant = await TestTenant.CreateAsync(server, """{"default_subjects":"ALL"}""");
        var receiver = await tenant.AddReceiverAsync();
        var name = NewName();
        var stream = await CreatePushStreamAsync(receiver, Receiver.Url(name), authorization);
        if (drainVerification)
        {
            var verification = await Receiver.NextAsync(name);
            Assert.Equal(TestReceiver.Verification, TestReceiver.Event(await receiver.ValidateSetAsync(verification.Body)).Type);
        }

        return new PushStream(tenant, receiver, name, stream);
    }

    private static Task<JsonElement> CreatePushStreamAsync(TestReceiver receiver, string url, string? authorization) =>
        receiver.CreatePushStreamAsync(url, authorization);

    private Task<ReceivedPush> NextEventAsync(string name) => Receiver.NextEventAsync(name);

    private async Task<JsonElement> DeadLettersAsync(TestTenant tenant, JsonElement stream)
    {
        using var admin = server.CreateClient(tenant.Token);
        return await admin.GetFromJsonElementAsync($"/admin/tenants/{tenant.TenantId}/streams/{Id(stream)}/dead-letters");
    }

    private async Task WaitForDeadLettersAsync(TestTenant tenant, JsonElement stream, int count)
    {
        for (var i = 0; i < 50 && (await DeadLettersAsync(tenant, stream)).GetArrayLength() < count; i++)
        {
            await Task.Delay(100, Cancel);
        }
    }

    // Queues events on a paused stream, so that re-enabling it releases them all at once, into one claimed batch.
    private static async Task QueueOneBatchAsync(TestTenant tenant, TestReceiver receiver, JsonElement stream, string[] transactions)
    {
        await SetStatusAsync(receiver, stream, "paused");
        foreach (var txn in transactions)
        {
            await tenant.PublishAsync(TestTenant.Event(Alice, txn: txn));
        }
    }

    private static async Task SetStatusAsync(TestReceiver receiver, JsonElement stream, string status)
    {
        using var response = await receiver.SendAsync(HttpMethod.Post, receiver.Tenant.Endpoint("status_endpoint"), $$"""{"stream_id":"{{Id(stream)}}","status":"{{status}}"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static string Id(JsonElement stream) => stream.GetProperty("stream_id").GetString()!;

    private static string NewName() => Guid.NewGuid().ToString("N")[..10];
}
