using System.Security.Cryptography;
using SetHub.Core;
using SetHub.Core.Security;
using SetHub.Core.Signing;
using SetHub.Core.Storage;
using SetHub.Core.Streams;
using SetHub.Core.Subjects;
using SetHub.Core.Tenants;

namespace SetHub.Storage.Tests;

/// <summary>Builders for store rows.</summary>
internal static class TestData
{
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private static readonly ISecretProtector KeyProtector = new AesGcmSecretProtector(RandomNumberGenerator.GetBytes(32));

    public static Tenant Tenant(string id = "acme") => new(id, "Acme", SsfConstants.DefaultSubjects.None, null, null, null, Now, Now);

    public static SigningKeyRecord Key(string tenantId = "acme", string algorithm = SsfConstants.Algorithms.ES256, DateTimeOffset? at = null) =>
        SigningKeyGenerator.Generate(tenantId, algorithm, KeyProtector, at ?? Now);

    public static Receiver Receiver(string tenantId = "acme", string id = "r1") =>
        new(tenantId, id, "RP", "https://rp.example.com", SsfConstants.Algorithms.ES256, Now);

    public static EventStream Stream(string tenantId = "acme", string id = "s1", string receiverId = "r1", DeliverySettings? delivery = null) => new(
        TenantId: tenantId,
        StreamId: id,
        ReceiverId: receiverId,
        Audience: "https://rp.example.com",
        EventsRequested: [SsfConstants.CaepEvents.SessionRevoked, "urn:example:unknown"],
        EventsDelivered: [SsfConstants.CaepEvents.SessionRevoked],
        Delivery: delivery ?? new DeliverySettings(SsfConstants.DeliveryMethods.Poll, $"https://hub.example.com/tenants/{tenantId}/ssf/poll/{id}"),
        Description: "a stream",
        Status: StreamStatus.Enabled,
        StatusReason: null,
        SigningAlgorithm: SsfConstants.Algorithms.ES256,
        DefaultSubjects: SsfConstants.DefaultSubjects.None,
        InactivityTimeout: null,
        MinVerificationInterval: null,
        CreatedAt: Now,
        UpdatedAt: Now,
        Version: 1);

    public static QueuedSet Set(string jti, string tenantId = "acme", string streamId = "s1", bool control = false, DateTimeOffset? at = null) =>
        new(tenantId, streamId, jti, $"header.{jti}.signature", control ? SsfConstants.SsfEvents.Verification : SsfConstants.CaepEvents.SessionRevoked, control, at ?? Now);

    public static StreamSubject Subject(string json, string tenantId = "acme", string streamId = "s1", bool included = true)
    {
        var subject = SubjectParser.Parse(json).Value;
        return new StreamSubject(tenantId, streamId, SubjectKeys.Key(subject), subject.CanonicalJson, included, Verified: true, SubjectKeys.IndexKeys(subject), Now);
    }

    public static PollQuery Poll(int maxEvents = 100, DateTimeOffset? now = null, IReadOnlyList<string>? acks = null, IReadOnlyDictionary<string, SetError>? errors = null)
    {
        var at = now ?? Now;
        return new PollQuery(acks ?? [], errors ?? new Dictionary<string, SetError>(), maxEvents, at, at.AddMinutes(1));
    }

    public static DeliverySettings Push(string url = "https://rp.example.com/events") => new(SsfConstants.DeliveryMethods.Push, url, "Bearer push");
}
