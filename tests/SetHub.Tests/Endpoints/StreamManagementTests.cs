using System.Net;
using System.Text.Json;
using SetHub.Tests.Infrastructure;

namespace SetHub.Tests.Endpoints;

/// <summary>SSF 1.0 §8 beyond the OIDF modules: the rules a demanding receiver relies on.</summary>
public sealed class StreamManagementTests(SetHubServer server)
{
    private const string PushDelivery = """{"method":"urn:ietf:rfc:8935","endpoint_url":"https://rp.example.com/events","authorization_header":"Bearer push-secret-123"}""";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Create_Push_RedactsTheAuthorizationHeaderEverywhere()
    {
        using var receiver = await NewReceiverAsync();

        var created = await receiver.CreateStreamAsync($$"""{"delivery":{{PushDelivery}} }""");
        var read = await receiver.Client.GetFromJsonElementAsync($"{Config(receiver)}?stream_id={Id(created)}");

        foreach (var stream in new[] { created, read })
        {
            var delivery = stream.GetProperty("delivery");
            Assert.Equal("urn:ietf:rfc:8935", delivery.GetProperty("method").GetString());
            Assert.Equal("https://rp.example.com/events", delivery.GetProperty("endpoint_url").GetString());
            Assert.Equal("Bearer ****", delivery.GetProperty("authorization_header").GetString());
            Assert.DoesNotContain("push-secret-123", stream.GetRawText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Create_EventsDelivered_IsRequestedIntersectSupported()
    {
        // R93, R94: unknown event types are ignored, not rejected.
        using var receiver = await NewReceiverAsync();

        var stream = await receiver.CreateStreamAsync($$"""{"events_requested":["{{TestReceiver.SessionRevoked}}","urn:example:not-supported"]}""");

        Assert.Equal([TestReceiver.SessionRevoked], stream.GetProperty("events_delivered").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(2, stream.GetProperty("events_requested").GetArrayLength());
    }

    [Theory]
    [InlineData("""{"stream_id":"chosen-by-me"}""")]
    [InlineData("""{"aud":"https://someone-else.example.com"}""")]
    [InlineData("""{"delivery":{"method":"urn:ietf:rfc:8935"}}""")]
    [InlineData("""{"delivery":{"method":"urn:example:carrier-pigeon"}}""")]
    [InlineData("""{"events_requested":"all"}""")]
    [InlineData("""{"description":"%xFF%%xFE%"}""")] // RFC 8259 §8.1: not UTF-8
    [InlineData("""{"description":"\ud800"}""")] // RFC 8259 §8.2: a lone surrogate is no Unicode text
    [InlineData("""{"\ud800":"x"}""")]
    [InlineData("""{"description":"a","description":"b"}""")] // RFC 8259 §4: no "first wins here, last wins there"
    [InlineData("""{"delivery":{"method":"urn:ietf:rfc:8936","method":"urn:ietf:rfc:8935"}}""")]
    [InlineData("""{"status":"paused"}""")] // SSF 1.0 §8.1.2.2: status has its own endpoint
    [InlineData("""{"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"https://93.184.215.14/x\n"}}""")] // stored with it, pushed without it
    [InlineData("""{"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"https://93.184.215.14/x","authorization_header":"Bearer ****"}}""")] // no secret to keep
    public async Task Create_BadBody_Returns400AndCreatesNothing(string body)
    {
        using var receiver = await NewReceiverAsync();

        using var response = await receiver.SendAsync(HttpMethod.Post, Config(receiver), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await TestTenant.ReadJsonAsync(response)).GetProperty("error").GetString());
        Assert.Equal(0, (await receiver.Client.GetFromJsonElementAsync(Config(receiver))).GetArrayLength());
    }

    [Fact]
    public async Task ABodyOverTheLimit_Is413WithAJsonError_AndCreatesNothing()
    {
        using var receiver = await NewReceiverAsync();
        var body = $$"""{"description":"{{new string('x', 1024 * 1024)}}"}""";

        using var response = await receiver.SendAsync(HttpMethod.Post, Config(receiver), body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var error = await TestTenant.ReadJsonAsync(response);
        Assert.Equal("invalid_request", error.GetProperty("error").GetString());
        Assert.Contains("larger than", error.GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, (await receiver.Client.GetFromJsonElementAsync(Config(receiver))).GetArrayLength());
    }

    [Fact]
    public async Task ConcurrentUpdatesOfOneStream_TakeTurns_AndAllSucceed()
    {
        // The stream grain is the single writer of its configuration: parallel PATCHes serialize, none is refused.
        using var receiver = await NewReceiverAsync();
        var id = Id(await receiver.CreateStreamAsync());

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            receiver.SendAsync(HttpMethod.Patch, Config(receiver), $$"""{"stream_id":"{{id}}","description":"update {{i}}"}""")));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        foreach (var response in responses)
        {
            response.Dispose();
        }

        var read = await receiver.Client.GetFromJsonElementAsync($"{Config(receiver)}?stream_id={id}");
        Assert.StartsWith("update ", read.GetProperty("description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Create_EmptyBody_CreatesAPollStream()
    {
        using var receiver = await NewReceiverAsync();

        using var response = await receiver.Client.PostAsync(Config(receiver), content: null, Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("urn:ietf:rfc:8936", (await TestTenant.ReadJsonAsync(response)).GetProperty("delivery").GetProperty("method").GetString());
    }

    [Fact]
    public async Task Read_WithoutStreamId_IsAlwaysAnArray()
    {
        // R102: [] with no streams, and still an array with one.
        using var receiver = await NewReceiverAsync();
        Assert.Equal(JsonValueKind.Array, (await receiver.Client.GetFromJsonElementAsync(Config(receiver))).ValueKind);

        var stream = await receiver.CreateStreamAsync();
        var list = await receiver.Client.GetFromJsonElementAsync(Config(receiver));

        Assert.Equal(Id(stream), Assert.Single(list.EnumerateArray()).GetProperty("stream_id").GetString());
    }

    [Fact]
    public async Task Streams_AreVisibleOnlyToTheirReceiver()
    {
        // R108: receiver B cannot see or change receiver A's stream, not even within one tenant.
        var tenant = await TestTenant.CreateAsync(server);
        using var alice = await tenant.AddReceiverAsync();
        using var bob = await tenant.AddReceiverAsync();
        var stream = await alice.CreateStreamAsync();
        var id = Id(stream);

        Assert.Equal(0, (await bob.Client.GetFromJsonElementAsync(Config(bob))).GetArrayLength());
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Client.GetAsync($"{Config(bob)}?stream_id={id}", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.SendAsync(HttpMethod.Patch, Config(bob), $$"""{"stream_id":"{{id}}","description":"x"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.SendAsync(HttpMethod.Delete, $"{Config(bob)}?stream_id={id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.Client.GetAsync($"{Status(bob)}?stream_id={id}", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.SendAsync(HttpMethod.Post, Status(bob), $$"""{"stream_id":"{{id}}","status":"disabled"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.SendAsync(HttpMethod.Post, tenant.Endpoint("verification_endpoint"), $$"""{"stream_id":"{{id}}"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.SendAsync(HttpMethod.Post, tenant.Endpoint("add_subject_endpoint"), $$"""{"stream_id":"{{id}}","subject":{"format":"opaque","id":"x"} }""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.SendAsync(HttpMethod.Post, stream.GetProperty("delivery").GetProperty("endpoint_url").GetString()!, "{}")).StatusCode);

        Assert.Equal("enabled", (await alice.Client.GetFromJsonElementAsync($"{Status(alice)}?stream_id={id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task ReceiverToken_OfAnotherTenant_IsForbidden()
    {
        var acme = await TestTenant.CreateAsync(server);
        var other = await TestTenant.CreateAsync(server);
        using var intruder = await other.AddReceiverAsync();

        using var response = await intruder.Client.GetAsync(acme.Endpoint("configuration_endpoint"), Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [InlineData("""{"stream_id":"%ID%","aud":"https://attacker.example.com"}""", "R92 aud cannot change")]
    [InlineData("""{"stream_id":"%ID%","iss":"https://other.example.com"}""", "R105 iss must match")]
    [InlineData("""{"stream_id":"%ID%","events_delivered":["urn:x"]}""", "R105 events_delivered must match")]
    [InlineData("""{"description":"no stream id"}""", "R103 stream_id is required")]
    [InlineData("""{"stream_id":"%ID%","description":"changed","delivery":{"method":"urn:ietf:rfc:8935"}}""", "an invalid part refuses the whole update")]
    [InlineData("""{"stream_id":"%ID%","description":"%xFF%%xFE%"}""", "RFC 8259 §8.1 not UTF-8")]
    [InlineData("""{"stream_id":"%ID%","description":"\ud800"}""", "RFC 8259 §8.2 lone surrogate")]
    [InlineData("""{"stream_id":"%ID%","stream_id":"other"}""", "RFC 8259 §4 duplicate stream_id")]
    [InlineData("""{"stream_id":"%ID%","description":"a","description":"b"}""", "RFC 8259 §4 duplicate member")]
    [InlineData("""{"stream_id":"%ID%","status":"disabled"}""", "SSF 1.0 §8.1.2.2: status has its own endpoint")]
    [InlineData("""{"stream_id":"%ID%","description":"x","reason":"because"}""", "reason goes with status")]
    public async Task Update_BadBody_Returns400AndChangesNothing(string body, string requirement)
    {
        using var receiver = await NewReceiverAsync();
        var stream = await receiver.CreateStreamAsync();

        using var response = await receiver.SendAsync(HttpMethod.Patch, Config(receiver), body.Replace("%ID%", Id(stream), StringComparison.Ordinal));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, requirement);
        var read = await receiver.Client.GetFromJsonElementAsync($"{Config(receiver)}?stream_id={Id(stream)}");
        Assert.Equal(stream.GetRawText(), read.GetRawText());
    }

    [Theory]
    [InlineData("""{"stream_id":"%ID%","description":"%xFF%%xFE%"}""", "RFC 8259 §8.1 not UTF-8")]
    [InlineData("""{"stream_id":"%ID%","description":"x\udc00"}""", "RFC 8259 §8.2 lone surrogate")]
    [InlineData("""{"stream_id":"%ID%","delivery":{"method":"urn:ietf:rfc:8936"},"delivery":{"method":"urn:ietf:rfc:8935"}}""", "RFC 8259 §4 duplicate member")]
    [InlineData("""{"stream_id":"other","stream_id":"%ID%"}""", "RFC 8259 §4 duplicate stream_id")]
    public async Task Replace_BadBody_Returns400AndChangesNothing(string body, string requirement)
    {
        using var receiver = await NewReceiverAsync();
        var stream = await receiver.CreateStreamAsync();

        using var response = await receiver.SendAsync(HttpMethod.Put, Config(receiver), body.Replace("%ID%", Id(stream), StringComparison.Ordinal));

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, requirement);
        Assert.Equal("invalid_request", (await TestTenant.ReadJsonAsync(response)).GetProperty("error").GetString());
        var read = await receiver.Client.GetFromJsonElementAsync($"{Config(receiver)}?stream_id={Id(stream)}");
        Assert.Equal(stream.GetRawText(), read.GetRawText());
    }

    [Fact]
    public async Task Update_EchoingTheWholeConfiguration_IsAccepted()
    {
        // A read-modify-write client sends every transmitter-supplied property back unchanged (R105).
        using var receiver = await NewReceiverAsync();
        var stream = await receiver.CreateStreamAsync($$"""{"delivery":{{PushDelivery}},"events_requested":["{{TestReceiver.SessionRevoked}}"],"description":"test"}""");
        var echoed = stream.GetRawText().Replace("\"description\":\"test\"", "\"description\":\"edited\"", StringComparison.Ordinal);

        using var response = await receiver.SendAsync(HttpMethod.Put, Config(receiver), echoed);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var replaced = await TestTenant.ReadJsonAsync(response);
        Assert.Equal("edited", replaced.GetProperty("description").GetString());
        Assert.Equal("Bearer ****", replaced.GetProperty("delivery").GetProperty("authorization_header").GetString());
    }

    [Fact]
    public async Task Replace_WithoutDescription_DeletesIt()
    {
        // R104: missing receiver-supplied properties are deleted by a PUT.
        using var receiver = await NewReceiverAsync();
        var stream = await receiver.CreateStreamAsync();

        using var response = await receiver.SendAsync(HttpMethod.Put, Config(receiver), $$"""{"stream_id":"{{Id(stream)}}","delivery":{"method":"urn:ietf:rfc:8936"} }""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.False((await TestTenant.ReadJsonAsync(response)).TryGetProperty("description", out _));
    }

    [Fact]
    public async Task Delete_WithoutStreamId_Returns400()
    {
        using var receiver = await NewReceiverAsync();

        using var response = await receiver.SendAsync(HttpMethod.Delete, Config(receiver));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData("GET", "configuration_endpoint", "?stream_id=")] // SSF 1.0 §8.1.1.2
    [InlineData("GET", "configuration_endpoint", "?stream_id=%ID%&stream_id=%ID%")]
    [InlineData("DELETE", "configuration_endpoint", "?stream_id=")] // SSF 1.0 §8.1.1.5
    [InlineData("DELETE", "configuration_endpoint", "?stream_id=%ID%&stream_id=other")]
    [InlineData("GET", "status_endpoint", "?stream_id=")] // SSF 1.0 §8.1.2.1
    [InlineData("GET", "status_endpoint", "?stream_id=%ID%&stream_id=%ID%")]
    [InlineData("POST", "status_endpoint", "?stream_id=")] // SSF 1.0 §8.1.2.2
    [InlineData("POST", "status_endpoint", "?stream_id=%ID%&stream_id=%ID%")]
    public async Task StreamIdQuery_EmptyOrRepeated_Returns400AndChangesNothing(string method, string endpoint, string query)
    {
        // A present stream_id names exactly one stream: never "" and never the joined "a,b" of a repeated parameter.
        using var receiver = await NewReceiverAsync();
        var id = Id(await receiver.CreateStreamAsync());
        var body = method == "POST" ? $$"""{"stream_id":"{{id}}","status":"disabled"}""" : null;

        using var response = await receiver.SendAsync(new HttpMethod(method), receiver.Tenant.Endpoint(endpoint) + query.Replace("%ID%", id, StringComparison.Ordinal), body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await TestTenant.ReadJsonAsync(response)).GetProperty("error").GetString());
        Assert.Equal("enabled", (await receiver.Client.GetFromJsonElementAsync($"{Status(receiver)}?stream_id={id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Status_KeepsTheReason()
    {
        using var receiver = await NewReceiverAsync();
        var id = Id(await receiver.CreateStreamAsync());

        using var paused = await receiver.SendAsync(HttpMethod.Post, Status(receiver), $$"""{"stream_id":"{{id}}","status":"paused","reason":"maintenance"}""");
        var read = await receiver.Client.GetFromJsonElementAsync($"{Status(receiver)}?stream_id={id}");

        Assert.Equal("paused", read.GetProperty("status").GetString());
        Assert.Equal("maintenance", read.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("""{"stream_id":"%ID%","status":"stopped"}""")]
    [InlineData("""{"stream_id":"%ID%","status":"Enabled"}""")]
    [InlineData("""{"stream_id":"%ID%"}""")]
    [InlineData("""{"status":"paused"}""")]
    [InlineData("""{"stream_id":"%ID%","status":"paused","reason":7}""")]
    [InlineData("""{"stream_id":"%ID%","status":"paused","reason":"%xFF%%xFE%"}""")] // RFC 8259 §8.1
    [InlineData("""{"stream_id":"%ID%","status":"paused","reason":"\ud800"}""")] // RFC 8259 §8.2
    [InlineData("""{"stream_id":"%ID%","status":"paused","status":"disabled"}""")] // RFC 8259 §4
    public async Task Status_BadBody_Returns400(string body)
    {
        using var receiver = await NewReceiverAsync();
        var id = Id(await receiver.CreateStreamAsync());

        using var response = await receiver.SendAsync(HttpMethod.Post, Status(receiver), body.Replace("%ID%", id, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("enabled", (await receiver.Client.GetFromJsonElementAsync($"{Status(receiver)}?stream_id={id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Status_QueryAndBodyStreamIdsMustAgree()
    {
        using var receiver = await NewReceiverAsync();
        var id = Id(await receiver.CreateStreamAsync());

        using var mismatch = await receiver.SendAsync(HttpMethod.Post, $"{Status(receiver)}?stream_id=other", $$"""{"stream_id":"{{id}}","status":"paused"}""");
        using var queryOnly = await receiver.SendAsync(HttpMethod.Post, $"{Status(receiver)}?stream_id={id}", """{"status":"paused"}""");

        Assert.Equal(HttpStatusCode.BadRequest, mismatch.StatusCode);
        Assert.Equal(HttpStatusCode.OK, queryOnly.StatusCode);
    }

    [Fact]
    public async Task Status_ReadWithoutStreamId_Returns400_AndUnknownStreamReturns404()
    {
        using var receiver = await NewReceiverAsync();

        Assert.Equal(HttpStatusCode.BadRequest, (await receiver.Client.GetAsync(Status(receiver), Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await receiver.Client.GetAsync($"{Status(receiver)}?stream_id=nope", Cancel)).StatusCode); // R115
    }

    [Theory]
    [InlineData("""{"format":"email","email":"not-an-address"}""", "R14")]
    [InlineData("""{"format":"phone_number","phone_number":"2065550100"}""", "R17")]
    [InlineData("""{"format":"iss_sub","iss":"https://idp.example.com"}""", "R15")]
    [InlineData("""{"format":"complex","user":{"format":"complex","device":{"format":"opaque","id":"d"}}}""", "R66")]
    [InlineData("""{"format":"aliases","identifiers":[]}""", "R20")]
    [InlineData("\"alice@example.com\"", "R12")]
    public async Task AddSubject_InvalidIdentifier_Returns400(string subject, string requirement)
    {
        using var receiver = await NewReceiverAsync();
        var id = Id(await receiver.CreateStreamAsync());

        using var response = await receiver.SendAsync(HttpMethod.Post, receiver.Tenant.Endpoint("add_subject_endpoint"), $$"""{"stream_id":"{{id}}","subject":{{subject}} }""");

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, requirement); // R23
        Assert.Equal("invalid_request", (await TestTenant.ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    // The same body rules on add and remove (a malformed "verified" included, though only add uses it).
    public static TheoryData<string, string> BadSubjectRequests()
    {
        string[] bodies =
        [
            """{"stream_id":"%ID%"}""",
            """{"subject":{"format":"opaque","id":"x"}}""",
            """{"stream_id":"%ID%","subject":{"format":"opaque","id":"x"},"verified":"yes"}""",
            """{"stream_id":"%ID%","subject":{"format":"opaque","id":"x"},"verified":5}""",
            """{"stream_id":42,"subject":{"format":"opaque","id":"x"}}""",
            """{"stream_id":"%ID%","subject":{"format":"opaque","id":"%xFF%%xFE%"}}""", // RFC 8259 §8.1
            """{"stream_id":"%ID%","subject":{"format":"opaque","id":"\ud800"}}""", // RFC 8259 §8.2
            """{"stream_id":"%ID%","subject":{"format":"opaque","\ud800":"x","id":"x"}}""",
            """{"stream_id":"%ID%","subject":{"format":"opaque","id":"x","id":"y"}}""", // RFC 8259 §4
        ];
        var data = new TheoryData<string, string>();
        foreach (var endpoint in (string[])["add_subject_endpoint", "remove_subject_endpoint"])
        {
            foreach (var body in bodies)
            {
                data.Add(endpoint, body);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(BadSubjectRequests))]
    public async Task Subjects_BadRequest_Returns400_OnAddAndRemoveAlike(string endpoint, string body)
    {
        using var receiver = await NewReceiverAsync();
        var id = Id(await receiver.CreateStreamAsync());

        using var response = await receiver.SendAsync(HttpMethod.Post, receiver.Tenant.Endpoint(endpoint), body.Replace("%ID%", id, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", (await TestTenant.ReadJsonAsync(response)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Subjects_UnknownStream_Returns404_AndUnknownSubjectRemovalSucceeds()
    {
        using var receiver = await NewReceiverAsync();
        var id = Id(await receiver.CreateStreamAsync());
        const string Subject = """{"format":"complex","user":{"format":"email","email":"a@example.com"},"tenant":{"format":"opaque","id":"t"}}""";

        using var unknownStream = await receiver.SendAsync(HttpMethod.Post, receiver.Tenant.Endpoint("add_subject_endpoint"), $$"""{"stream_id":"nope","subject":{{Subject}} }""");
        using var neverAdded = await receiver.SendAsync(HttpMethod.Post, receiver.Tenant.Endpoint("remove_subject_endpoint"), $$"""{"stream_id":"{{id}}","subject":{{Subject}} }""");

        Assert.Equal(HttpStatusCode.NotFound, unknownStream.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, neverAdded.StatusCode); // R111: no oracle for which subjects exist
    }

    [Fact]
    public async Task Subjects_TheStreamsOwnSubject_CannotBeRemoved()
    {
        // R114: the stream's opaque subject is always in the stream.
        using var receiver = await NewReceiverAsync();
        var id = Id(await receiver.CreateStreamAsync());
        var own = $$"""{"stream_id":"{{id}}","subject":{"format":"opaque","id":"{{id}}"} }""";

        using var added = await receiver.SendAsync(HttpMethod.Post, receiver.Tenant.Endpoint("add_subject_endpoint"), own);
        using var removed = await receiver.SendAsync(HttpMethod.Post, receiver.Tenant.Endpoint("remove_subject_endpoint"), own);

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, removed.StatusCode);
    }

    [Fact]
    public async Task Subjects_AddReturnsAnEmpty200()
    {
        using var receiver = await NewReceiverAsync();
        var id = Id(await receiver.CreateStreamAsync());

        using var response = await receiver.SendAsync(HttpMethod.Post, receiver.Tenant.Endpoint("add_subject_endpoint"), $$"""{"stream_id":"{{id}}","subject":{"format":"phone_number","phone_number":"+12065550100"} }""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync(Cancel));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"stream_id":"%ID%","state":42}""")]
    [InlineData(";{ broken")]
    [InlineData("""{"stream_id":"%ID%","state":"%xFF%%xFE%"}""")] // RFC 8259 §8.1
    [InlineData("""{"stream_id":"%ID%","state":"\ud800"}""")] // RFC 8259 §8.2
    [InlineData("""{"stream_id":"%ID%","stream_id":"other"}""")] // RFC 8259 §4
    public async Task Verify_BadBody_Returns400(string body)
    {
        using var receiver = await NewReceiverAsync();
        var id = Id(await receiver.CreateStreamAsync());

        using var response = await receiver.SendAsync(HttpMethod.Post, receiver.Tenant.Endpoint("verification_endpoint"), body.Replace("%ID%", id, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Verify_WithoutState_SendsAVerificationWithoutState()
    {
        using var receiver = await NewReceiverAsync();
        var stream = await receiver.CreateStreamAsync();

        await receiver.VerifyAsync(Id(stream), state: null);
        var set = await receiver.ValidateSetAsync(TestReceiver.Sets(await receiver.PollAsync(stream)).Single().Token);

        var (type, payload) = TestReceiver.Event(set);
        Assert.Equal(TestReceiver.Verification, type);
        Assert.Equal(JsonValueKind.Object, payload.ValueKind);
        Assert.False(payload.TryGetProperty("state", out _));
    }

    [Fact]
    public async Task Verify_OnAPausedStream_IsStillDelivered()
    {
        // Verification SETs are control events: delivered whatever the stream's status (SSF 1.0 §8.1.4).
        using var receiver = await NewReceiverAsync();
        var stream = await receiver.CreateStreamAsync();
        await receiver.SendAsync(HttpMethod.Post, Status(receiver), $$"""{"stream_id":"{{Id(stream)}}","status":"paused"}""");

        await receiver.VerifyAsync(Id(stream), "while paused");

        Assert.Single(TestReceiver.Sets(await receiver.PollAsync(stream)));
    }

    [Fact]
    public async Task UnknownRouteAndWrongMethod_AnswerWithJson()
    {
        using var receiver = await NewReceiverAsync();

        using var wrongMethod = await receiver.Client.GetAsync(receiver.Tenant.Endpoint("verification_endpoint"), Cancel);
        using var unknown = await receiver.Client.GetAsync("/no/such/endpoint", Cancel);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("method_not_allowed", (await TestTenant.ReadJsonAsync(wrongMethod)).GetProperty("error").GetString());
        Assert.Equal("not_found", (await TestTenant.ReadJsonAsync(unknown)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task ManagementResponses_AreNotCached()
    {
        using var receiver = await NewReceiverAsync();

        using var response = await receiver.Client.GetAsync(Config(receiver), Cancel);

        Assert.True(response.Headers.CacheControl?.NoStore);
    }

    private async Task<TestReceiver> NewReceiverAsync() => await (await TestTenant.CreateAsync(server)).AddReceiverAsync();

    private static string Config(TestReceiver receiver) => receiver.Tenant.Endpoint("configuration_endpoint");

    private static string Status(TestReceiver receiver) => receiver.Tenant.Endpoint("status_endpoint");

    private static string Id(JsonElement stream) => stream.GetProperty("stream_id").GetString()!;
}
