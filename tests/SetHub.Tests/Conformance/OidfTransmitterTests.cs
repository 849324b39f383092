using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SetHub.Tests.Infrastructure;

namespace SetHub.Tests.Conformance;

/// <summary>
/// The OpenID Foundation SSF transmitter test plan (anchors.md §3.2), module by module, as SetHub's own tests. Each
/// test names its module; the checks are the suite's FAIL items plus its WARN items, since SetHub aims for zero WARNs.
/// Push-delivery modules (17, 21) arrive with push delivery.
/// </summary>
public sealed class OidfTransmitterTests(SetHubServer server)
{
    private const string InvalidToken = "invalid:3f4c5a0e-1d4b-4f43-9e55-111111111111";
    private const string BrokenBody = ";{ broken";

    private static readonly string CreateBody = $$"""
        {"description":"Stream for OIDF Conformance Test-Suite",
         "events_requested":["{{TestReceiver.SessionRevoked}}","{{TestReceiver.CredentialChange}}","{{TestReceiver.DeviceComplianceChange}}"],
         "delivery":{"method":"urn:ietf:rfc:8936"} }
        """;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Module01_TransmitterMetadata()
    {
        var tenant = await TestTenant.CreateAsync(server);
        var metadata = tenant.Metadata;

        Assert.Equal(tenant.Issuer, metadata.GetProperty("issuer").GetString());
        Assert.Equal("1_0", metadata.GetProperty("spec_version").GetString());
        Assert.Contains(metadata.GetProperty("default_subjects").GetString(), new[] { "ALL", "NONE" });
        Assert.Equal(["urn:ietf:rfc:8935", "urn:ietf:rfc:8936"], metadata.GetProperty("delivery_methods_supported").EnumerateArray().Select(e => e.GetString()));
        Assert.All(metadata.GetProperty("authorization_schemes").EnumerateArray(), scheme => Assert.StartsWith("urn:", scheme.GetProperty("spec_urn").GetString(), StringComparison.Ordinal));
        foreach (var endpoint in new[] { "jwks_uri", "configuration_endpoint", "status_endpoint", "add_subject_endpoint", "remove_subject_endpoint", "verification_endpoint" })
        {
            Assert.StartsWith(tenant.Issuer + "/", metadata.GetProperty(endpoint).GetString(), StringComparison.Ordinal);
        }

        AssertNoEmptyArrays(metadata); // R90: arrays with no elements are omitted (FAIL in the suite)

        using var anonymous = server.CreateClient();
        var jwks = new JsonWebKeySet(await anonymous.GetStringAsync(tenant.Endpoint("jwks_uri"), Cancel));
        Assert.NotEmpty(jwks.GetSigningKeys());
    }

    [Fact]
    public async Task Module02_StreamControlHappyPath()
    {
        using var receiver = await NewReceiverAsync();
        await CleanupPreambleAsync(receiver);

        // Create.
        var created = await receiver.CreateStreamAsync(CreateBody);
        var streamId = created.GetProperty("stream_id").GetString()!;
        Assert.Equal(receiver.Tenant.Issuer, created.GetProperty("iss").GetString());
        Assert.Equal(receiver.Audience, created.GetProperty("aud").GetString());
        Assert.Equal("urn:ietf:rfc:8936", created.GetProperty("delivery").GetProperty("method").GetString());
        Assert.True(created.TryGetProperty("events_delivered", out _));

        // Read.
        var read = await receiver.Client.GetFromJsonElementAsync($"{Config(receiver)}?stream_id={streamId}");
        Assert.Equal(receiver.Tenant.Issuer, read.GetProperty("iss").GetString());
        Assert.Contains(TestReceiver.SessionRevoked, read.GetProperty("events_supported").EnumerateArray().Select(e => e.GetString()));

        // Update and replace with the same delivery and events and a new description.
        foreach (var method in new[] { HttpMethod.Patch, HttpMethod.Put })
        {
            var body = $$"""
                {"stream_id":"{{streamId}}","description":"changed by {{method}}",
                 "delivery":{{created.GetProperty("delivery").GetRawText()}},
                 "events_requested":{{created.GetProperty("events_requested").GetRawText()}}}
                """;
            using var response = await receiver.SendAsync(method, Config(receiver), body);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var updated = await TestTenant.ReadJsonAsync(response);
            Assert.Equal(receiver.Tenant.Issuer, updated.GetProperty("iss").GetString());
            Assert.Equal($"changed by {method}", updated.GetProperty("description").GetString());
        }

        // Status read and every status value.
        Assert.Equal("enabled", (await receiver.Client.GetFromJsonElementAsync($"{Status(receiver)}?stream_id={streamId}")).GetProperty("status").GetString());
        foreach (var status in new[] { "enabled", "paused", "disabled" })
        {
            using var response = await receiver.SendAsync(HttpMethod.Post, $"{Status(receiver)}?stream_id={streamId}",
                $$"""{"stream_id":"{{streamId}}","status":"{{status}}","reason":"conformance"}""");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var body = await TestTenant.ReadJsonAsync(response);
            Assert.Equal(status, body.GetProperty("status").GetString());
            Assert.Equal(streamId, body.GetProperty("stream_id").GetString());
        }

        // Delete.
        using var deleted = await receiver.SendAsync(HttpMethod.Delete, $"{Config(receiver)}?stream_id={streamId}");
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task Module03_CreateStreamWithBrokenInput_Returns400()
    {
        using var receiver = await NewReceiverAsync();

        using var response = await receiver.SendAsync(HttpMethod.Post, Config(receiver), BrokenBody);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertJsonErrorAsync(response);
    }

    [Fact]
    public async Task Module04_CreateStreamWithInvalidToken_Returns401()
    {
        using var receiver = await NewReceiverAsync();
        using var client = server.CreateClient(InvalidToken);

        using var response = await client.PostAsync(Config(receiver), TestTenant.Json(CreateBody), Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal); // R59
        await AssertJsonErrorAsync(response);
    }

    [Fact]
    public async Task Module05_CreateStreamWithDuplicateConfig_ReturnsANewStream()
    {
        using var receiver = await NewReceiverAsync();

        var first = await receiver.CreateStreamAsync(CreateBody);
        var second = await receiver.CreateStreamAsync(CreateBody);

        // R100: SetHub allows several streams per receiver, so the second create gets a new stream id.
        Assert.NotEqual(first.GetProperty("stream_id").GetString(), second.GetProperty("stream_id").GetString());
        Assert.NotEqual(first.GetProperty("delivery").GetProperty("endpoint_url").GetString(), second.GetProperty("delivery").GetProperty("endpoint_url").GetString());
    }

    [Fact]
    public async Task Module06_ReadStreamWithInvalidToken_Returns401()
    {
        using var receiver = await NewReceiverAsync();
        using var client = server.CreateClient(InvalidToken);

        using var response = await client.GetAsync(Config(receiver), Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Module07_ReadUnknownStream_Returns404()
    {
        using var receiver = await NewReceiverAsync();
        var deleted = await CreateAndDeleteAsync(receiver);

        using var response = await receiver.Client.GetAsync($"{Config(receiver)}?stream_id={deleted}", Cancel);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await AssertJsonErrorAsync(response);
    }

    [Fact]
    public async Task Module08_UpdateStreamWithInvalidToken_Returns401()
    {
        using var receiver = await NewReceiverAsync();
        using var client = server.CreateClient(InvalidToken);

        using var response = await client.PatchAsync(Config(receiver), TestTenant.Json("""{"stream_id":"none","description":"x"}"""), Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Module09_UpdateStreamWithInvalidBody_Returns400()
    {
        using var receiver = await NewReceiverAsync();

        using var response = await receiver.SendAsync(HttpMethod.Patch, Config(receiver), BrokenBody);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Module10_UpdateUnknownStream_Returns404()
    {
        using var receiver = await NewReceiverAsync();
        var deleted = await CreateAndDeleteAsync(receiver);

        using var response = await receiver.SendAsync(HttpMethod.Patch, Config(receiver), $$"""{"stream_id":"{{deleted}}","description":"x"}""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Module11_ReplaceStreamWithInvalidBody_Returns400()
    {
        using var receiver = await NewReceiverAsync();

        using var response = await receiver.SendAsync(HttpMethod.Put, Config(receiver), BrokenBody);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Module12_ReplaceStreamWithInvalidToken_Returns401()
    {
        using var receiver = await NewReceiverAsync();
        using var client = server.CreateClient(InvalidToken);

        // The suite accepts only 401 here, so authentication must run before the body is even read.
        using var response = await client.PutAsync(Config(receiver), TestTenant.Json(BrokenBody), Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Module13_ReplaceUnknownStream_Returns404()
    {
        using var receiver = await NewReceiverAsync();
        var deleted = await CreateAndDeleteAsync(receiver);

        using var response = await receiver.SendAsync(HttpMethod.Put, Config(receiver), $$"""{"stream_id":"{{deleted}}","delivery":{"method":"urn:ietf:rfc:8936"} }""");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Module14_DeleteStreamWithInvalidToken_Returns401()
    {
        using var receiver = await NewReceiverAsync();
        var deleted = await CreateAndDeleteAsync(receiver);
        using var client = server.CreateClient(InvalidToken);

        using var response = await client.DeleteAsync($"{Config(receiver)}?stream_id={deleted}", Cancel);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Module15_DeleteUnknownStream_Returns404()
    {
        using var receiver = await NewReceiverAsync();
        var deleted = await CreateAndDeleteAsync(receiver);

        using var response = await receiver.SendAsync(HttpMethod.Delete, $"{Config(receiver)}?stream_id={deleted}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Module16_StreamSubjectControl()
    {
        using var receiver = await NewReceiverAsync();
        var streamId = (await receiver.CreateStreamAsync(CreateBody)).GetProperty("stream_id").GetString();

        using var added = await receiver.SendAsync(HttpMethod.Post, receiver.Tenant.Endpoint("add_subject_endpoint"),
            $$"""{"stream_id":"{{streamId}}","subject":{"format":"email","email":"example.user@example.com"},"verified":true}""");
        using var removed = await receiver.SendAsync(HttpMethod.Post, receiver.Tenant.Endpoint("remove_subject_endpoint"),
            $$"""{"stream_id":"{{streamId}}","subject":{"format":"email","email":"example.user@example.com"} }""");

        Assert.Equal(HttpStatusCode.OK, added.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
    }

    [Fact]
    public async Task Module18_VerificationPollOnly()
    {
        using var receiver = await NewReceiverAsync();
        var stream = await receiver.CreateStreamAsync(CreateBody);
        var streamId = stream.GetProperty("stream_id").GetString()!;
        var state = Guid.NewGuid().ToString();

        await receiver.VerifyAsync(streamId, state);
        var poll = await receiver.PollAsync(stream, """{"maxEvents":10,"returnImmediately":true}""");

        var verification = await FindStatedVerificationsAsync(receiver, poll, streamId);
        Assert.Equal([state], verification);
    }

    [Fact]
    public async Task Module19_VerificationPollAndAck()
    {
        // Unacknowledged SETs are due again after 1 ms here, so acks that were not applied would bring poll 1 back.
        await using var quick = new QuickRedeliveryServer();
        await quick.InitializeAsync();
        using var receiver = await (await TestTenant.CreateAsync(quick)).AddReceiverAsync();
        var stream = await receiver.CreateStreamAsync(CreateBody);
        var streamId = stream.GetProperty("stream_id").GetString()!;

        await receiver.VerifyAsync(streamId, "first");
        var firstPoll = await receiver.PollAsync(stream, """{"maxEvents":10,"returnImmediately":true}""");
        var acks = TestReceiver.Sets(firstPoll).Select(s => s.Jti).ToArray();
        Assert.NotEmpty(acks);

        await receiver.VerifyAsync(streamId, "second");
        var secondPoll = await receiver.PollAsync(stream, $$"""{"maxEvents":10,"returnImmediately":true,"ack":{{JsonSerializer.Serialize(acks)}} }""");

        // The suite takes the first stated verification in sets order: it must be the new one.
        var states = await FindStatedVerificationsAsync(receiver, secondPoll, streamId);
        Assert.Equal("second", states[0]);
        Assert.DoesNotContain(TestReceiver.Sets(secondPoll), set => acks.Contains(set.Jti));

        // Poll 2 acknowledged nothing: its SETs come back (a long poll answers once they are due), poll 1's never do.
        var thirdPoll = await receiver.PollAsync(stream, """{"maxEvents":10}""");
        Assert.Equal(TestReceiver.Sets(secondPoll).Select(s => s.Jti).Order(), TestReceiver.Sets(thirdPoll).Select(s => s.Jti).Order());
    }

    [Fact]
    public async Task Module20_VerificationAckOnly()
    {
        using var receiver = await NewReceiverAsync();
        var stream = await receiver.CreateStreamAsync(CreateBody);
        var streamId = stream.GetProperty("stream_id").GetString()!;
        await receiver.VerifyAsync(streamId, "ack-only");
        var poll = await receiver.PollAsync(stream, """{"maxEvents":10,"returnImmediately":true}""");
        var acks = TestReceiver.Sets(poll).Select(s => s.Jti).ToArray();
        Assert.NotEmpty(acks);

        var ackOnly = await receiver.PollAsync(stream, $$"""{"maxEvents":0,"returnImmediately":true,"ack":{{JsonSerializer.Serialize(acks)}} }""");

        Assert.Empty(TestReceiver.Sets(ackOnly)); // a JSON body, {"sets":{}}, as the suite requires
        Assert.Empty(TestReceiver.Sets(await receiver.PollAsync(stream)));
    }

    [Fact]
    public async Task CaepProfile_Rs256Receiver_GetsRs256SignedSets()
    {
        // R146 / caep-interop module: RS256 with a key of at least 2048 bits, published in the JWKS.
        var tenant = await TestTenant.CreateAsync(server);
        using var receiver = await tenant.AddReceiverAsync(signingAlgorithm: "RS256");
        var stream = await receiver.CreateStreamAsync(CreateBody);
        await receiver.VerifyAsync(stream.GetProperty("stream_id").GetString()!, "rs");

        var set = await receiver.ValidateSetAsync(TestReceiver.Sets(await receiver.PollAsync(stream)).Single().Token);

        Assert.Equal("RS256", set.Alg);
        using var anonymous = server.CreateClient();
        var key = new JsonWebKeySet(await anonymous.GetStringAsync(tenant.Endpoint("jwks_uri"), Cancel)).Keys.Single(k => k.Kid == set.Kid);
        Assert.True(Base64UrlEncoder.DecodeBytes(key.N).Length * 8 >= 2048);
    }

    [Fact]
    public async Task Module22_CaepInterop_DeliversEveryCaepTypeOfEventsDelivered()
    {
        // anchors.md §3.2 module 22: every CAEP type in events_delivered arrives, and every SET passes what the module
        // FAILs on (and WARNs on). The events carry each optional claim the module checks, so every check runs.
        var tenant = await TestTenant.CreateAsync(server, """{"default_subjects":"ALL"}""");
        using var receiver = await tenant.AddReceiverAsync(signingAlgorithm: "RS256");
        var stream = await receiver.CreateStreamAsync(CreateBody);
        var delivered = stream.GetProperty("events_delivered").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Contains(TestReceiver.SessionRevoked, delivered);
        const string Subject = """{"format":"email","email":"user@example.com"}""";
        await tenant.PublishAsync(TestTenant.Event(Subject, TestReceiver.SessionRevoked, """
            {"initiating_entity":"policy","reason_admin":{"en":"Landspeed Policy Violation: C076E82F"},
             "reason_user":{"en":"Access attempt from multiple regions.","es-410":"Intento de acceso desde varias regiones."},
             "event_timestamp":1700000000}
            """));
        await tenant.PublishAsync(TestTenant.Event(Subject, TestReceiver.CredentialChange, """
            {"credential_type":"fido2-roaming","change_type":"create","friendly_name":"Jane's USB authenticator",
             "initiating_entity":"user","reason_user":{"en":"A security key was added."},"event_timestamp":1700000001}
            """));
        await tenant.PublishAsync(TestTenant.Event(Subject, TestReceiver.DeviceComplianceChange, """
            {"previous_status":"compliant","current_status":"not-compliant","initiating_entity":"admin",
             "reason_admin":{"en":"Location Policy Violation: C076E8A3"},"event_timestamp":1700000002}
            """));

        var seen = new List<string>();
        var checkedClaims = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (jti, token) in TestReceiver.Sets(await receiver.PollAsync(stream, """{"maxEvents":10,"returnImmediately":true}""")))
        {
            seen.Add(AssertCaepInteropSet(await receiver.ValidateSetAsync(token), jti, tenant.Issuer, receiver.Audience, checkedClaims));
        }

        Assert.Equal(delivered.Order(), seen.Order());
        Assert.Superset(
            new HashSet<string>(StringComparer.Ordinal) { "event_timestamp", "initiating_entity", "reason_admin", "reason_user", "credential_type", "change_type", "current_status", "previous_status" },
            checkedClaims);
    }

    /// <summary>
    /// What the caep-interop module FAILs (and WARNs) on, for one SET: the SET checks of anchors.md §3.1 item 8 with
    /// RS256 and exactly one event, then the per-event checks of §3.2 item 22. Returns the event type; adds the names
    /// of the optional and event-specific claims it checked to <paramref name="checkedClaims"/>.
    /// </summary>
    private static string AssertCaepInteropSet(JsonWebToken set, string jti, string issuer, string audience, HashSet<string> checkedClaims)
    {
        Assert.Equal(jti, set.Id);                                          // R49: key equals the jti inside
        Assert.Equal("RS256", set.Alg);                                     // R146: the CAEP profile's algorithm
        Assert.Equal("secevent+jwt", set.Typ);                              // R63
        Assert.False(set.TryGetPayloadValue<object>("sub", out _));         // R74
        Assert.False(set.TryGetPayloadValue<object>("exp", out _));         // R75
        var iss = TestReceiver.Claim(set, "iss");
        Assert.Equal(JsonValueKind.String, iss.ValueKind);
        Assert.Equal(issuer, iss.GetString());                              // the metadata issuer, exact string
        Assert.Equal([audience], set.Audiences);                            // a subset of the stream's aud
        var iat = TestReceiver.Claim(set, "iat");
        Assert.Equal(JsonValueKind.Number, iat.ValueKind);                  // present
        Assert.True(iat.GetInt64() <= DateTimeOffset.UtcNow.AddSeconds(5).ToUnixTimeSeconds(), "iat is in the future");
        Assert.Single(TestReceiver.Claim(set, "events").EnumerateObject()); // exactly one event (FAIL under CAEP)
        var (type, payload) = TestReceiver.Event(set);

        // CAEP 1.0 §2: the claims every CAEP event may carry.
        if (payload.TryGetProperty("event_timestamp", out var timestamp))
        {
            Assert.Equal(JsonValueKind.Number, timestamp.ValueKind);        // seconds, a JSON number
            checkedClaims.Add("event_timestamp");
        }

        if (payload.TryGetProperty("initiating_entity", out var initiator))
        {
            Assert.Contains(initiator.ValueKind == JsonValueKind.String ? initiator.GetString() : null, new[] { "admin", "user", "policy", "system" });
            checkedClaims.Add("initiating_entity");
        }

        foreach (var reason in new[] { "reason_admin", "reason_user" })
        {
            if (payload.TryGetProperty(reason, out var text))
            {
                Assert.Equal(JsonValueKind.Object, text.ValueKind);         // language tag → string, at least one
                Assert.NotEmpty(text.EnumerateObject());
                Assert.All(text.EnumerateObject(), entry => Assert.Equal(JsonValueKind.String, entry.Value.ValueKind));
                checkedClaims.Add(reason);
            }
        }

        if (type == TestReceiver.CredentialChange)
        {
            // R130: both strings (FAIL); standard values, or the module WARNs.
            Assert.Equal(JsonValueKind.String, payload.GetProperty("credential_type").ValueKind);
            Assert.Equal(JsonValueKind.String, payload.GetProperty("change_type").ValueKind);
            Assert.Contains(payload.GetProperty("credential_type").GetString(), new[] { "password", "pin", "x509", "fido2-platform", "fido2-roaming", "fido-u2f", "verifiable-credential", "phone-voice", "phone-sms", "app" });
            Assert.Contains(payload.GetProperty("change_type").GetString(), new[] { "create", "revoke", "update", "delete" });
            checkedClaims.UnionWith(["credential_type", "change_type"]);
        }

        if (type == TestReceiver.DeviceComplianceChange)
        {
            // R132
            foreach (var status in new[] { "current_status", "previous_status" })
            {
                var value = payload.GetProperty(status);
                Assert.Contains(value.ValueKind == JsonValueKind.String ? value.GetString() : null, new[] { "compliant", "not-compliant" });
                checkedClaims.Add(status);
            }
        }

        return type;
    }

    /// <summary>Every SET check of anchors.md §3.1 item 8 on each verification SET; returns their states in order.</summary>
    private static async Task<IReadOnlyList<string?>> FindStatedVerificationsAsync(TestReceiver receiver, JsonElement poll, string streamId)
    {
        var states = new List<string?>();
        foreach (var (jti, token) in TestReceiver.Sets(poll))
        {
            var set = await receiver.ValidateSetAsync(token);
            Assert.Equal(jti, set.Id);                                        // R49: key equals the jti inside
            Assert.Equal("secevent+jwt", set.Typ);                           // R63
            Assert.False(set.TryGetPayloadValue<object>("sub", out _));     // R74
            Assert.False(set.TryGetPayloadValue<object>("exp", out _));     // R75
            Assert.True(set.IssuedAt <= DateTime.UtcNow.AddSeconds(5));      // iat not in the future
            var (type, payload) = TestReceiver.Event(set);                   // exactly one event
            if (type != TestReceiver.Verification)
            {
                continue;
            }

            var subject = TestReceiver.Claim(set, "sub_id");
            Assert.Equal("opaque", subject.GetProperty("format").GetString()); // R120
            Assert.Equal(streamId, subject.GetProperty("id").GetString());
            Assert.Equal(2, subject.EnumerateObject().Count());
            if (payload.TryGetProperty("state", out var state))
            {
                states.Add(state.GetString());
            }
        }

        return states;
    }

    private async Task<TestReceiver> NewReceiverAsync() => await (await TestTenant.CreateAsync(server)).AddReceiverAsync();

    private static string Config(TestReceiver receiver) => receiver.Tenant.Endpoint("configuration_endpoint");

    private static string Status(TestReceiver receiver) => receiver.Tenant.Endpoint("status_endpoint");

    private static async Task CleanupPreambleAsync(TestReceiver receiver)
    {
        // anchors.md §3.1 item 6: GET without stream_id answers 200 with a JSON array.
        var list = await receiver.Client.GetFromJsonElementAsync(Config(receiver));
        Assert.Equal(JsonValueKind.Array, list.ValueKind);
    }

    private static async Task<string> CreateAndDeleteAsync(TestReceiver receiver)
    {
        var streamId = (await receiver.CreateStreamAsync(CreateBody)).GetProperty("stream_id").GetString()!;
        using var response = await receiver.SendAsync(HttpMethod.Delete, $"{Config(receiver)}?stream_id={streamId}");
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return streamId;
    }

    private static async Task AssertJsonErrorAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var body = await TestTenant.ReadJsonAsync(response);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("description").GetString()));
    }

    private static void AssertNoEmptyArrays(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                Assert.NotEqual(0, element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    AssertNoEmptyArrays(item);
                }

                break;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    AssertNoEmptyArrays(property.Value);
                }

                break;
            default:
                break;
        }
    }
}
