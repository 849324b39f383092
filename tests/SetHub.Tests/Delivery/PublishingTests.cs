using System.Diagnostics;
using System.Net;
using System.Text.Json;
using SetHub.Tests.Infrastructure;

namespace SetHub.Tests.Delivery;

/// <summary>The publish API and fan-out: validation, subject matching, event filtering, opt-out, long poll.</summary>
public sealed class PublishingTests(SetHubServer server)
{
    private const string Alice = """{"format":"email","email":"alice@example.com"}""";
    private const string Bob = """{"format":"email","email":"bob@example.com"}""";
    private const string CredentialChangePayload = """{"credential_type":"fido2-roaming","change_type":"create"}""";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Publish_QueuesOneSetPerMatchingStream_WithItsOwnJtiAndAudience()
    {
        var tenant = await TestTenant.CreateAsync(server);
        using var first = await tenant.AddReceiverAsync();
        using var second = await tenant.AddReceiverAsync();
        var firstStream = await first.CreateStreamAsync();
        var secondStream = await second.CreateStreamAsync();
        await AddSubjectAsync(first, firstStream, Alice);
        await AddSubjectAsync(second, secondStream, Alice);

        var published = await tenant.PublishAsync(TestTenant.Event(Alice, txn: "txn-1"));

        Assert.Equal("txn-1", published.GetProperty("txn").GetString());
        Assert.Equal(2, published.GetProperty("streams").GetInt32());
        var a = await first.ValidateSetAsync(TestReceiver.Sets(await first.PollAsync(firstStream)).Single().Token);
        var b = await second.ValidateSetAsync(TestReceiver.Sets(await second.PollAsync(secondStream)).Single().Token);
        Assert.NotEqual(a.Id, b.Id);                                   // R2: own jti
        Assert.Equal(first.Audience, Assert.Single(a.Audiences));       // R79: the stream's aud
        Assert.Equal(second.Audience, Assert.Single(b.Audiences));
        Assert.Equal("txn-1", TestReceiver.Claim(a, "txn").GetString()); // same txn
        Assert.Equal("txn-1", TestReceiver.Claim(b, "txn").GetString());
    }

    [Fact]
    public async Task Publish_TheLargestPayloadAccepted_IsDeliveredIntact_AndALargerOneIsRefused()
    {
        // The payload cap keeps every SET within what each store holds in one row (LogLimits.MaxTokenLength; on Azure
        // Table the token spans several properties): the largest payload, in characters that take three UTF-8 bytes,
        // goes through the log and comes back byte for byte; one character more is a 400 and queues nothing.
        var tenant = await TestTenant.CreateAsync(server);
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();
        await AddSubjectAsync(receiver, stream, Alice);
        var wrapper = """{"reason_admin":{"en":""}}""".Length;
        var reason = string.Concat(Enumerable.Repeat('\u9999', Core.Events.PublishRequest.MaxPayloadLength - wrapper));

        await tenant.PublishAsync(TestTenant.Event(Alice, payload: $$$"""{"reason_admin":{"en":"{{{reason}}}"}}""", txn: "largest"));
        using var tooLarge = await tenant.PostPublishAsync(TestTenant.Event(Alice, payload: $$$"""{"reason_admin":{"en":"{{{reason}}}x"}}""", txn: "too-large"));

        var set = await receiver.ValidateSetAsync(Assert.Single(TestReceiver.Sets(await receiver.PollAsync(stream))).Token);
        var (_, payload) = TestReceiver.Event(set);
        Assert.Equal(reason, payload.GetProperty("reason_admin").GetProperty("en").GetString());
        Assert.True(set.EncodedToken.Length > 96 * 1024, "a SET of this payload spans several 32 Ki-character properties");
        Assert.True(set.EncodedToken.Length <= Core.Storage.LogLimits.MaxTokenLength);
        Assert.Equal(HttpStatusCode.BadRequest, tooLarge.StatusCode);
    }

    [Fact]
    public async Task Publish_WithoutTxn_GeneratesOne()
    {
        // SSF 1.0 §4.1.9: transmitters SHOULD set txn.
        var tenant = await TestTenant.CreateAsync(server);

        var published = await tenant.PublishAsync(TestTenant.Event(Alice));

        Assert.False(string.IsNullOrEmpty(published.GetProperty("txn").GetString()));
        Assert.Equal(0, published.GetProperty("streams").GetInt32());
    }

    [Fact]
    public async Task Publish_OnlyToStreamsThatAddedTheSubject()
    {
        var tenant = await TestTenant.CreateAsync(server); // default_subjects NONE
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();
        await AddSubjectAsync(receiver, stream, Alice);

        Assert.Equal(0, (await tenant.PublishAsync(TestTenant.Event(Bob))).GetProperty("streams").GetInt32());
        Assert.Equal(1, (await tenant.PublishAsync(TestTenant.Event("""{"format":"email","email":"ALICE@example.com"}"""))).GetProperty("streams").GetInt32());

        await RemoveSubjectAsync(receiver, stream, Alice);
        Assert.Equal(0, (await tenant.PublishAsync(TestTenant.Event(Alice))).GetProperty("streams").GetInt32());
    }

    [Fact]
    public async Task Publish_ComplexSubjects_MatchPerSsf()
    {
        // R112: added {tenant}, event {tenant, user}: delivered; conflicting member: not delivered.
        var tenant = await TestTenant.CreateAsync(server);
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();
        await AddSubjectAsync(receiver, stream, """{"format":"complex","tenant":{"format":"opaque","id":"t-1"}}""");

        var matching = """{"format":"complex","tenant":{"format":"opaque","id":"t-1"},"user":{"format":"email","email":"jdoe@example.com"}}""";
        var other = """{"format":"complex","tenant":{"format":"opaque","id":"t-2"},"user":{"format":"email","email":"jdoe@example.com"}}""";

        Assert.Equal(1, (await tenant.PublishAsync(TestTenant.Event(matching))).GetProperty("streams").GetInt32());
        Assert.Equal(0, (await tenant.PublishAsync(TestTenant.Event(other))).GetProperty("streams").GetInt32());
        var set = await receiver.ValidateSetAsync(TestReceiver.Sets(await receiver.PollAsync(stream)).Single().Token);
        Assert.Equal("complex", TestReceiver.Claim(set, "sub_id").GetProperty("format").GetString());
    }

    [Fact]
    public async Task Publish_DefaultSubjectsAll_ReachesEveryStreamButRemovedSubjects()
    {
        var tenant = await TestTenant.CreateAsync(server, """{"default_subjects":"ALL"}""");
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();

        Assert.Equal(1, (await tenant.PublishAsync(TestTenant.Event(Bob))).GetProperty("streams").GetInt32());

        await RemoveSubjectAsync(receiver, stream, Bob);
        Assert.Equal(0, (await tenant.PublishAsync(TestTenant.Event(Bob))).GetProperty("streams").GetInt32());
        Assert.Equal(1, (await tenant.PublishAsync(TestTenant.Event(Alice))).GetProperty("streams").GetInt32());

        await AddSubjectAsync(receiver, stream, Bob); // R89: re-adding works under ALL
        Assert.Equal(1, (await tenant.PublishAsync(TestTenant.Event(Bob))).GetProperty("streams").GetInt32());
    }

    [Fact]
    public async Task Publish_OnlyEventTypesTheStreamDelivers()
    {
        var tenant = await TestTenant.CreateAsync(server, """{"default_subjects":"ALL"}""");
        using var receiver = await tenant.AddReceiverAsync();
        await receiver.CreateStreamAsync($$"""{"events_requested":["{{TestReceiver.SessionRevoked}}"]}""");

        Assert.Equal(0, (await tenant.PublishAsync(TestTenant.Event(Alice, TestReceiver.CredentialChange, CredentialChangePayload))).GetProperty("streams").GetInt32());
        Assert.Equal(1, (await tenant.PublishAsync(TestTenant.Event(Alice))).GetProperty("streams").GetInt32());
    }

    [Fact]
    public async Task Publish_PausedStreamHolds_DisabledStreamDrops()
    {
        // R117: pause, emit, enable: delivered; disable, emit, enable: not.
        var tenant = await TestTenant.CreateAsync(server, """{"default_subjects":"ALL"}""");
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();

        await SetStatusAsync(receiver, stream, "paused");
        Assert.Equal(1, (await tenant.PublishAsync(TestTenant.Event(Alice, txn: "while-paused"))).GetProperty("streams").GetInt32());
        Assert.Empty(TestReceiver.Sets(await receiver.PollAsync(stream)));
        await SetStatusAsync(receiver, stream, "enabled");
        Assert.Equal("while-paused", TestReceiver.Claim(await receiver.ValidateSetAsync(TestReceiver.Sets(await receiver.PollAsync(stream)).Single().Token), "txn").GetString());

        await SetStatusAsync(receiver, stream, "disabled");
        Assert.Equal(0, (await tenant.PublishAsync(TestTenant.Event(Alice, txn: "while-disabled"))).GetProperty("streams").GetInt32());
        await SetStatusAsync(receiver, stream, "enabled");
        Assert.Empty(TestReceiver.Sets(await receiver.PollAsync(stream)));
    }

    [Fact]
    public async Task OptOut_StopsEventsAboutTheSubject_UntilOptIn()
    {
        // Seed 000 "User Opt-Out", RISC 1.0 §2.8.
        var tenant = await TestTenant.CreateAsync(server, """{"default_subjects":"ALL"}""");
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync($$"""{"events_requested":["{{TestReceiver.SessionRevoked}}","{{Risc("opt-out-effective")}}","{{Risc("opt-in")}}"]}""");
        using var noneReceiver = await tenant.AddReceiverAsync();

        Assert.Equal(1, (await tenant.PublishAsync(TestTenant.Event(Alice, Risc("opt-out-effective")))).GetProperty("streams").GetInt32());
        Assert.Equal(0, (await tenant.PublishAsync(TestTenant.Event(Alice))).GetProperty("streams").GetInt32());
        Assert.Equal(1, (await tenant.PublishAsync(TestTenant.Event(Bob))).GetProperty("streams").GetInt32());

        // SSF 1.0 §9.1: adding an opted-out subject is silently ignored.
        await AddSubjectAsync(receiver, stream, Alice);

        Assert.Equal(1, (await tenant.PublishAsync(TestTenant.Event(Alice, Risc("opt-in")))).GetProperty("streams").GetInt32());
        Assert.Equal(1, (await tenant.PublishAsync(TestTenant.Event(Alice))).GetProperty("streams").GetInt32());
        Assert.Equal(
            [Risc("opt-out-effective"), TestReceiver.SessionRevoked, Risc("opt-in"), TestReceiver.SessionRevoked],
            await EventTypesAsync(receiver, stream));
    }

    [Fact]
    public async Task OptOut_AddSubjectIsIgnored_OnNoneStreams()
    {
        var tenant = await TestTenant.CreateAsync(server);
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();
        await tenant.PublishAsync(TestTenant.Event(Alice, Risc("opt-out-effective")));

        await AddSubjectAsync(receiver, stream, Alice);
        await tenant.PublishAsync(TestTenant.Event(Alice, Risc("opt-in")));

        Assert.Equal(0, (await tenant.PublishAsync(TestTenant.Event(Alice))).GetProperty("streams").GetInt32()); // the ignored add did not stick
    }

    [Fact]
    public async Task LongPoll_WakesWhenASetIsQueued()
    {
        // RFC 8936 §2.2: a long poll answers as soon as a SET arrives. Its timeout and periodic re-check are ten
        // minutes here, so only the SET being queued can wake it.
        await using var patient = new PatientLongPollServer();
        await patient.InitializeAsync();
        var tenant = await TestTenant.CreateAsync(patient, """{"default_subjects":"ALL"}""");
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();

        var poll = receiver.PollAsync(stream, """{"returnImmediately":false}""");
        await Task.Delay(300, Cancel);
        Assert.False(poll.IsCompleted, "the poll is held while nothing is queued");
        await tenant.PublishAsync(TestTenant.Event(Alice));
        var answer = await poll.WaitAsync(TimeSpan.FromSeconds(60), Cancel);

        Assert.Single(TestReceiver.Sets(answer));
    }

    [Fact]
    public async Task LongPoll_WithNothingQueued_AnswersEmptyAfterTheTimeout()
    {
        await using var quick = new QuickLongPollServer();
        await quick.InitializeAsync();
        using var receiver = await (await TestTenant.CreateAsync(quick)).AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync();

        var stopwatch = Stopwatch.StartNew();
        var answer = await receiver.PollAsync(stream, "{}");

        Assert.Empty(TestReceiver.Sets(answer));
        Assert.True(stopwatch.Elapsed >= TimeSpan.FromMilliseconds(900), $"answered after {stopwatch.Elapsed}");
    }

    [Theory]
    [InlineData("""{"events":{},"sub_id":{"format":"opaque","id":"x"}}""", "no event")]
    [InlineData("""{"events":{"urn:a":{},"urn:b":{}},"sub_id":{"format":"opaque","id":"x"}}""", "R72 two events")]
    [InlineData("""{"events":{"urn:a":"x"},"sub_id":{"format":"opaque","id":"x"}}""", "R4 payload not an object")]
    [InlineData("""{"events":{"urn:a":{}}}""", "R64 no sub_id")]
    [InlineData("""{"events":{"urn:a":{}},"sub_id":{"format":"email","email":"nope"}}""", "R14 bad subject")]
    [InlineData("""{"events":{"not a uri":{}},"sub_id":{"format":"opaque","id":"x"}}""", "event type not a URI")]
    [InlineData("""{"events":{"https://schemas.openid.net/secevent/ssf/event-type/verification":{}},"sub_id":{"format":"opaque","id":"x"}}""", "control events are the hub's")]
    [InlineData("""{"events":{"urn:a":{}},"sub_id":{"format":"opaque","id":"x"},"txn":5}""", "txn not a string")]
    [InlineData("""{"events":{"https://schemas.openid.net/secevent/caep/event-type/session-revoked":{}},"sub_id":{"format":"opaque","id":"x"},"txn":"a\u202Eb"}""", "txn with a bidi override")]
    [InlineData("""{"events":{"urn:a":{}},"sub_id":{"format":"opaque","id":"x"},"toe":"yesterday"}""", "toe not a NumericDate")]
    [InlineData("""{"events":{"urn:a":{}},"sub_id":{"format":"opaque","id":"x"},"iss":"https://me"}""", "unknown member")]
    [InlineData("""{"events":{"https://schemas.openid.net/secevent/caep/event-type/credential-change":{"credential_type":"password"}},"sub_id":{"format":"opaque","id":"x"}}""", "R130 change_type required")]
    [InlineData("""{"events":{"https://schemas.openid.net/secevent/caep/event-type/credential-change":{"credential_type":"password","change_type":"rotate"}},"sub_id":{"format":"opaque","id":"x"}}""", "R130 change_type enumeration")]
    [InlineData("""{"events":{"https://schemas.openid.net/secevent/caep/event-type/device-compliance-change":{"current_status":"compliant"}},"sub_id":{"format":"opaque","id":"x"}}""", "R132 previous_status required")]
    [InlineData("""{"events":{"https://schemas.openid.net/secevent/caep/event-type/risk-level-change":{"principal":"USER","current_level":"SEVERE"}},"sub_id":{"format":"opaque","id":"x"}}""", "R135 level enumeration")]
    [InlineData("""{"events":{"https://schemas.openid.net/secevent/caep/event-type/session-revoked":{"initiating_entity":"robot"}},"sub_id":{"format":"opaque","id":"x"}}""", "R127 initiating_entity")]
    [InlineData("""{"events":{"https://schemas.openid.net/secevent/caep/event-type/session-revoked":{"reason_admin":{}}},"sub_id":{"format":"opaque","id":"x"}}""", "R127 empty reason_admin")]
    [InlineData("""{"events":{"https://schemas.openid.net/secevent/caep/event-type/session-revoked":{"event_timestamp":"now"}},"sub_id":{"format":"opaque","id":"x"}}""", "R127 event_timestamp is a number")]
    [InlineData("""{"events":{"https://schemas.openid.net/secevent/risc/event-type/identifier-changed":{}},"sub_id":{"format":"opaque","id":"x"}}""", "R139 subject is an email or phone")]
    [InlineData("""{"events":{"https://schemas.openid.net/secevent/risc/event-type/account-disabled":{"reason":"vacation"}},"sub_id":{"format":"opaque","id":"x"}}""", "R138 reason enumeration")]
    [InlineData("""{"events":{"https://schemas.openid.net/secevent/risc/event-type/credential-compromise":{}},"sub_id":{"format":"opaque","id":"x"}}""", "R141 credential_type required")]
    [InlineData("""{"events":{"urn:a":{"note":"%xFF%%xFE%"}},"sub_id":{"format":"opaque","id":"x"}}""", "RFC 8259 §8.1 payload not UTF-8")]
    [InlineData("""{"events":{"urn:a":{"note":"\ud800"}},"sub_id":{"format":"opaque","id":"x"}}""", "RFC 8259 §8.2 lone surrogate in the payload")]
    [InlineData("""{"events":{"urn:a":{}},"sub_id":{"format":"opaque","id":"\udc00"}}""", "RFC 8259 §8.2 lone surrogate in the subject")]
    [InlineData("""{"events":{"urn:a":{},"urn:a":{}},"sub_id":{"format":"opaque","id":"x"}}""", "RFC 8259 §4 one event type twice")]
    [InlineData("""{"events":{"urn:a":{}},"sub_id":{"format":"opaque","id":"x"},"txn":"a","txn":"b"}""", "RFC 8259 §4 duplicate member")]
    public async Task Publish_InvalidEvent_Returns400AndQueuesNothing(string body, string requirement)
    {
        var tenant = await TestTenant.CreateAsync(server, """{"default_subjects":"ALL","events_supported":["urn:a","urn:b"]}""");
        using var receiver = await tenant.AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync("{}");

        using var response = await tenant.PostPublishAsync(body);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, requirement);
        Assert.Equal("invalid_request", (await TestTenant.ReadJsonAsync(response)).GetProperty("error").GetString());
        Assert.Empty(TestReceiver.Sets(await receiver.PollAsync(stream)));
    }

    [Theory]
    [InlineData(TestReceiver.CredentialChange, """{"credential_type":"x-hardware-token","change_type":"revoke","friendly_name":"YubiKey"}""")]
    [InlineData(TestReceiver.DeviceComplianceChange, """{"previous_status":"compliant","current_status":"not-compliant","initiating_entity":"policy"}""")]
    [InlineData("https://schemas.openid.net/secevent/caep/event-type/assurance-level-change", """{"namespace":"NIST-AAL","current_level":"nist-aal2","previous_level":"nist-aal1","change_direction":"increase"}""")]
    [InlineData("https://schemas.openid.net/secevent/caep/event-type/session-established", """{"amr":["pwd","otp"],"acr":"urn:mace:incommon:iap:silver"}""")]
    [InlineData("https://schemas.openid.net/secevent/caep/event-type/token-claims-change", """{"claims":{"role":"ro-admin"}}""")]
    [InlineData("urn:example:custom-event", """{"anything":["goes"]}""")]
    public async Task Publish_ValidEvent_IsAccepted(string eventType, string payload)
    {
        var tenant = await TestTenant.CreateAsync(server);

        using var response = await tenant.PostPublishAsync(TestTenant.Event(Alice, eventType, payload));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Publish_Authorization()
    {
        var tenant = await TestTenant.CreateAsync(server);
        var other = await TestTenant.CreateAsync(server);
        using var receiver = await tenant.AddReceiverAsync();
        using var operatorClient = server.CreateClient(SetHubServer.AdminToken);
        using var otherTenant = server.CreateClient(other.Token);

        Assert.Equal(HttpStatusCode.Accepted, (await operatorClient.PostAsync($"/admin/tenants/{tenant.TenantId}/events", TestTenant.Json(TestTenant.Event(Alice)), Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await otherTenant.PostAsync($"/admin/tenants/{tenant.TenantId}/events", TestTenant.Json(TestTenant.Event(Alice)), Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await receiver.Client.PostAsync($"/admin/tenants/{tenant.TenantId}/events", TestTenant.Json(TestTenant.Event(Alice)), Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await operatorClient.PostAsync("/admin/tenants/no-such-tenant/events", TestTenant.Json(TestTenant.Event(Alice)), Cancel)).StatusCode);
    }

    private sealed class QuickLongPollServer : SetHubServer
    {
        protected override IEnumerable<string> Settings => ["--SetHub:Poll:LongPollTimeout=00:00:01"];
    }

    private sealed class PatientLongPollServer : SetHubServer
    {
        protected override IEnumerable<string> Settings => ["--SetHub:Poll:LongPollTimeout=00:10:00", "--SetHub:Poll:RecheckInterval=00:10:00"];
    }

    private static string Risc(string name) => $"https://schemas.openid.net/secevent/risc/event-type/{name}";

    private static async Task AddSubjectAsync(TestReceiver receiver, JsonElement stream, string subject)
    {
        using var response = await receiver.SendAsync(HttpMethod.Post, receiver.Tenant.Endpoint("add_subject_endpoint"), $$"""{"stream_id":"{{Id(stream)}}","subject":{{subject}} }""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task RemoveSubjectAsync(TestReceiver receiver, JsonElement stream, string subject)
    {
        using var response = await receiver.SendAsync(HttpMethod.Post, receiver.Tenant.Endpoint("remove_subject_endpoint"), $$"""{"stream_id":"{{Id(stream)}}","subject":{{subject}} }""");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    private static async Task SetStatusAsync(TestReceiver receiver, JsonElement stream, string status)
    {
        using var response = await receiver.SendAsync(HttpMethod.Post, receiver.Tenant.Endpoint("status_endpoint"), $$"""{"stream_id":"{{Id(stream)}}","status":"{{status}}"}""");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<IReadOnlyList<string>> EventTypesAsync(TestReceiver receiver, JsonElement stream)
    {
        var types = new List<string>();
        foreach (var (_, token) in TestReceiver.Sets(await receiver.PollAsync(stream)))
        {
            types.Add(TestReceiver.Event(await receiver.ValidateSetAsync(token)).Type);
        }

        return types;
    }

    private static string Id(JsonElement stream) => stream.GetProperty("stream_id").GetString()!;
}
