using System.Text.Json;
using SetHub.Core.Streams;
using SetHub.Core.Tenants;

namespace SetHub.Core.Tests.Streams;

public sealed class StreamRulesTests
{
    private const string SessionRevoked = SsfConstants.CaepEvents.SessionRevoked;
    private const string CredentialChange = SsfConstants.CaepEvents.CredentialChange;
    private const string DeviceCompliance = SsfConstants.CaepEvents.DeviceComplianceChange;
    private const string Issuer = "https://hub.example.com/tenants/acme";

    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly StreamContext Context = new(Issuer, [SessionRevoked, CredentialChange], id => $"{Issuer}/ssf/poll/{id}");
    private static readonly Receiver Receiver = new("acme", "r1", "RP", "https://rp.example.com", SsfConstants.Algorithms.ES256, Now);

    public static TheoryData<string[]?, string[], string> EventsDeliveredCases => new()
    {
        { [SessionRevoked, CredentialChange], [SessionRevoked, CredentialChange], "R93 everything requested is supported" },
        { [SessionRevoked, DeviceCompliance], [SessionRevoked], "R93 requested ∩ supported" },
        { [SessionRevoked, "urn:example:unknown"], [SessionRevoked], "R94 unknown types are ignored, not rejected" },
        { [], [], "R94 an empty request delivers nothing" },
        { null, [SessionRevoked, CredentialChange], "nothing requested: everything supported" },
        { [CredentialChange, SessionRevoked], [CredentialChange, SessionRevoked], "order of the request is kept" },
    };

    [Theory]
    [MemberData(nameof(EventsDeliveredCases))]
    public void EventsDelivered_IsRequestedIntersectSupported(string[]? requested, string[] expected, string requirement)
    {
        var delivered = StreamRules.EventsDelivered(requested, Context.EventsSupported);

        Assert.True(expected.SequenceEqual(delivered), requirement);
    }

    [Fact]
    public void Create_WithoutDelivery_IsPollWithAssignedEndpoint()
    {
        // R99: no delivery means poll, and the response carries the transmitter's endpoint_url.
        var stream = Create("""{"events_requested":["%SR%"],"description":"d"}""").Value;

        Assert.Equal(SsfConstants.DeliveryMethods.Poll, stream.Delivery.Method);
        Assert.Equal($"{Issuer}/ssf/poll/s1", stream.Delivery.EndpointUrl);
        Assert.Equal("https://rp.example.com", stream.Audience);
        Assert.Equal([SessionRevoked], stream.EventsDelivered);
        Assert.Equal("d", stream.Description);
        Assert.Equal(StreamStatus.Enabled, stream.Status);
    }

    [Fact]
    public void Create_Push_KeepsEndpointAndAuthorizationHeader()
    {
        var stream = Create("""{"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"https://rp.example.com/events","authorization_header":"Bearer abc"}}""").Value;

        Assert.True(stream.Delivery.IsPush);
        Assert.Equal("https://rp.example.com/events", stream.Delivery.EndpointUrl);
        Assert.Equal("Bearer abc", stream.Delivery.AuthorizationHeader);
    }

    public static TheoryData<string, string> InvalidCreateBodies => new()
    {
        { """[]""", "R101 body must be an object" },
        { """{"delivery":{"method":"urn:ietf:rfc:8935"}}""", "push without endpoint_url (suite's emulated transmitter: 400)" },
        { """{"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"/relative"}}""", "push endpoint must be absolute" },
        { """{"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"ftp://rp.example.com/x"}}""", "push endpoint must be http(s)" },
        { """{"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"https://u:p@rp.example.com/x"}}""", "credentials belong in authorization_header" },
        { """{"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"https://rp.example.com/x","authorization_header":"Bearer a\r\nX-Injected: 1"}}""", "header injection" },
        { """{"delivery":{"method":"https://schemas.openid.net/secevent/risc/delivery-method/push","endpoint_url":"https://rp.example.com/x"}}""", "A14 legacy delivery URN is not supported" },
        { """{"delivery":{"method":"urn:ietf:rfc:8936","endpoint_url":"https://elsewhere.example.com/poll"}}""", "R96 poll endpoint_url is transmitter-supplied" },
        { """{"delivery":{"method":"urn:ietf:rfc:8936","authorization_header":"Bearer x"}}""", "authorization_header is for push" },
        { """{"delivery":"poll"}""", "delivery must be an object" },
        { """{"events_requested":"%SR%"}""", "events_requested must be an array" },
        { """{"events_requested":[1]}""", "events_requested must hold strings" },
        { """{"description":42}""", "description must be a string" },
        { """{"stream_id":"mine"}""", "A7 stream_id is transmitter-supplied" },
        { """{"iss":"https://hub.example.com/tenants/acme"}""", "A7 iss is transmitter-supplied" },
        { """{"aud":"https://rp.example.com"}""", "A7 aud is transmitter-supplied" },
        { """{"events_delivered":[]}""", "A7 events_delivered is transmitter-supplied" },
        { """{"min_verification_interval":10}""", "A7 min_verification_interval is transmitter-supplied" },
    };

    [Theory]
    [MemberData(nameof(InvalidCreateBodies))]
    public void Create_InvalidBody_IsRefused(string body, string requirement)
    {
        var result = Create(body);

        Assert.False(result.IsSuccess, requirement);
        Assert.Equal(Core.Results.ErrorKind.Invalid, result.Error.Kind);
    }

    [Fact]
    public void Create_LongDescription_IsTruncated()
    {
        // R97: the transmitter MAY truncate beyond its maximum length.
        var stream = Create($$"""{"description":"{{new string('d', 5000)}}"}""").Value;

        Assert.Equal(StreamRequest.MaxDescriptionLength, stream.Description!.Length);
    }

    [Fact]
    public void Update_ChangesOnlyPresentProperties()
    {
        // R103: present receiver-supplied properties change, missing ones stay.
        var current = Create("""{"events_requested":["%SR%"],"description":"old"}""").Value;

        var updated = Apply(current, """{"stream_id":"s1","description":"new"}""", StreamOperation.Update).Value;

        Assert.Equal("new", updated.Description);
        Assert.Equal([SessionRevoked], updated.EventsRequested);
        Assert.Equal(current.Delivery, updated.Delivery);
    }

    [Fact]
    public void Replace_DeletesMissingReceiverSuppliedProperties()
    {
        // R104: a PUT without description deletes it; without events_requested, the request is withdrawn.
        var current = Create("""{"events_requested":["%SR%"],"description":"old"}""").Value;

        var replaced = Apply(current, """{"stream_id":"s1","delivery":{"method":"urn:ietf:rfc:8936"}}""", StreamOperation.Replace).Value;

        Assert.Null(replaced.Description);
        Assert.Null(replaced.EventsRequested);
        Assert.Equal(Context.EventsSupported, replaced.EventsDelivered);
    }

    [Fact]
    public void Update_EventsRequested_RecomputesEventsDelivered()
    {
        var current = Create("""{"events_requested":["%SR%"]}""").Value;

        var updated = Apply(current, $$"""{"stream_id":"s1","events_requested":["{{CredentialChange}}","{{DeviceCompliance}}"]}""", StreamOperation.Update).Value;

        Assert.Equal([CredentialChange], updated.EventsDelivered);
    }

    public static TheoryData<string, bool, string> TransmitterSuppliedEchoes => new()
    {
        { $$"""{"stream_id":"s1","iss":"{{Issuer}}"}""", true, "R105 matching iss is accepted" },
        { """{"stream_id":"s1","iss":"https://other.example.com"}""", false, "R105 different iss" },
        { """{"stream_id":"s1","aud":"https://rp.example.com"}""", true, "R105 same aud" },
        { """{"stream_id":"s1","aud":["https://rp.example.com"]}""", true, "R105 same aud as a one-element array" },
        { """{"stream_id":"s1","aud":"https://attacker.example.com"}""", false, "R92 aud cannot be updated" },
        { $$"""{"stream_id":"s1","events_delivered":["{{SessionRevoked}}"]}""", true, "R105 events_delivered equal to the value before the update" },
        { $$"""{"stream_id":"s1","events_delivered":["{{CredentialChange}}"]}""", false, "R105 events_delivered differs" },
        { $$"""{"stream_id":"s1","events_supported":["{{CredentialChange}}","{{SessionRevoked}}"]}""", true, "R105 same events_supported, any order" },
        { $$"""{"stream_id":"s1","events_supported":["{{SessionRevoked}}"]}""", false, "R105 events_supported differs" },
        { """{"stream_id":"s1","inactivity_timeout":60}""", false, "R105 a value the transmitter does not set cannot match" },
    };

    [Theory]
    [MemberData(nameof(TransmitterSuppliedEchoes))]
    public void Update_TransmitterSuppliedProperties_MustMatch(string body, bool accepted, string requirement)
    {
        var current = Create("""{"events_requested":["%SR%"]}""").Value;

        foreach (var operation in new[] { StreamOperation.Update, StreamOperation.Replace })
        {
            var result = Apply(current, body, operation);
            Assert.True(accepted == result.IsSuccess, $"{operation}: {requirement}");
        }
    }

    [Fact]
    public void Create_WithAnExtensionMember_IgnoresIt_ButAMemberOfAnotherEndpoint_IsRefusedByName()
    {
        Assert.True(Create("""{"x-vendor-tier":"gold"}""").IsSuccess);

        var result = Create("""{"status":"disabled"}""");

        Assert.False(result.IsSuccess);
        Assert.Contains("'status'", result.Error!.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_WithoutStreamId_IsRefused()
    {
        Assert.False(StreamRequest.Parse(Json("""{"description":"x"}"""), StreamOperation.Update).IsSuccess);
        Assert.False(StreamRequest.Parse(Json("""{"description":"x"}"""), StreamOperation.Replace).IsSuccess);
    }

    [Fact]
    public void Update_RedactedAuthorizationHeader_KeepsTheStoredSecret()
    {
        var current = Create("""{"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"https://rp.example.com/e","authorization_header":"Bearer s3cret"}}""").Value;
        var redacted = AuthorizationHeaderRedaction.Redact("Bearer s3cret");

        var updated = Apply(current, $$$"""{"stream_id":"s1","delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"https://rp.example.com/e","authorization_header":"{{{redacted}}}"}}""", StreamOperation.Replace).Value;

        Assert.Equal("Bearer ****", redacted);
        Assert.Equal("Bearer s3cret", updated.Delivery.AuthorizationHeader);
    }

    [Theory]
    [InlineData("Bearer ****")]
    [InlineData("****")]
    public void Create_WithTheRedactedForm_IsRefused_ForThereIsNoSecretToKeep(string redacted)
    {
        var result = Create($$$"""{"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"https://rp.example.com/e","authorization_header":"{{{redacted}}}"}}""");

        Assert.False(result.IsSuccess);
        Assert.Contains("redacted form", result.Error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_WithTheRedactedFormOfAnotherScheme_IsRefused()
    {
        var current = Create("""{"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"https://rp.example.com/e","authorization_header":"Bearer s3cret"}}""").Value;

        var result = Apply(current, """{"stream_id":"s1","delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"https://rp.example.com/e","authorization_header":"Basic ****"}}""", StreamOperation.Replace);

        Assert.False(result.IsSuccess);
    }

    [Theory]
    [InlineData(@"https://rp.example.com/x\n")]
    [InlineData(@"https://rp.example.com/x\r")]
    [InlineData(" https://rp.example.com/x")]
    [InlineData("https://rp.example.com/x ")]
    [InlineData(@"https://rp.example.com/a\tb")]
    [InlineData(@"https://rp.example.com/x\u0000")]
    public void Create_PushEndpoint_WithWhitespaceOrControlCharacters_IsRefused(string url)
    {
        // JSON escapes: the parsed URL holds the character itself.
        var result = Create($$$"""{"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"{{{url}}}"}}""");

        Assert.False(result.IsSuccess);
        Assert.Contains("endpoint_url", result.Error.Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Update_SwitchPushToPoll_AssignsPollEndpoint()
    {
        var current = Create("""{"delivery":{"method":"urn:ietf:rfc:8935","endpoint_url":"https://rp.example.com/e"}}""").Value;

        var updated = Apply(current, """{"stream_id":"s1","delivery":{"method":"urn:ietf:rfc:8936"}}""", StreamOperation.Update).Value;

        Assert.Equal(SsfConstants.DeliveryMethods.Poll, updated.Delivery.Method);
        Assert.Equal($"{Issuer}/ssf/poll/s1", updated.Delivery.EndpointUrl);
        Assert.Null(updated.Delivery.AuthorizationHeader);
    }

    [Fact]
    public void Update_PollEndpointEcho_IsAccepted()
    {
        // Read-modify-write: sending back the assigned poll URL is not a change.
        var current = Create("{}").Value;

        var updated = Apply(current, $$$"""{"stream_id":"s1","delivery":{"method":"urn:ietf:rfc:8936","endpoint_url":"{{{current.Delivery.EndpointUrl}}}"}}""", StreamOperation.Update);

        Assert.True(updated.IsSuccess);
    }

    private static Core.Results.Result<EventStream> Create(string body)
    {
        var request = StreamRequest.Parse(Json(body), StreamOperation.Create);
        return request.IsSuccess
            ? StreamRules.Create(request.Value, Context, Receiver, "s1", SsfConstants.DefaultSubjects.None, Now)
            : request.Error;
    }

    private static Core.Results.Result<EventStream> Apply(EventStream current, string body, StreamOperation operation)
    {
        var request = StreamRequest.Parse(Json(body), operation);
        return request.IsSuccess
            ? StreamRules.Apply(current, request.Value, operation, Context, Now.AddMinutes(1))
            : request.Error;
    }

    private static JsonElement Json(string body) =>
        JsonDocument.Parse(body.Replace("%SR%", SessionRevoked, StringComparison.Ordinal)).RootElement.Clone();
}
