namespace SetHub.Grains.Tenants;

/// <summary>A receiver credential, as silos check it.</summary>
/// <param name="ReceiverId">The receiver.</param>
/// <param name="TokenHash">The hash of its bearer token.</param>
[GenerateSerializer, Immutable, Alias("SetHub.SnapshotReceiver")]
public sealed record SnapshotReceiver([property: Id(0)] string ReceiverId, [property: Id(1)] string TokenHash);

/// <summary>A stream in the tenant's directory, as fan-out reads it.</summary>
/// <param name="StreamId">The stream.</param>
/// <param name="ReceiverId">Its receiver.</param>
/// <param name="Audience">Its <c>aud</c>.</param>
/// <param name="SigningAlgorithm">The algorithm of its SETs.</param>
/// <param name="IncludesAllSubjects">Whether it has every subject unless removed.</param>
/// <param name="Disabled">Whether it is disabled.</param>
/// <param name="EventSet">The index of its <c>events_delivered</c> in <see cref="TenantDirectory.EventSets"/>.</param>
[GenerateSerializer, Immutable, Alias("SetHub.SnapshotStream")]
public sealed record SnapshotStream(
    [property: Id(0)] string StreamId,
    [property: Id(1)] string ReceiverId,
    [property: Id(2)] string Audience,
    [property: Id(3)] string SigningAlgorithm,
    [property: Id(4)] bool IncludesAllSubjects,
    [property: Id(5)] bool Disabled,
    [property: Id(6)] int EventSet);

/// <summary>
/// What a silo needs to decide, without asking the tenant grain, who a bearer token is and which key signs. It only
/// speeds up decisions the owning grains would make anyway: each stream re-checks its receiver on every poll and
/// append. Small, and changed rarely (settings, receivers, keys); the stream directory is a snapshot of its own
/// (<see cref="TenantDirectory"/>), so creating streams does not make every silo fetch the credentials again.
/// </summary>
/// <param name="Version">The version of these parts of the tenant: any change to them makes a new one.</param>
/// <param name="Tenant">The tenant's settings.</param>
/// <param name="TokenHash">The hash of the tenant token.</param>
/// <param name="Receivers">The active receivers' credentials.</param>
/// <param name="Keys">The published keys; only active ones carry their (encrypted) private key.</param>
[GenerateSerializer, Immutable, Alias("SetHub.TenantSnapshot")]
public sealed record TenantSnapshot(
    [property: Id(0)] string Version,
    [property: Id(1)] TenantData Tenant,
    [property: Id(2)] string TokenHash,
    [property: Id(3)] SnapshotReceiver[] Receivers,
    [property: Id(4)] SigningKeyData[] Keys);

/// <summary>
/// The tenant's stream directory as fan-out reads it: which streams an event may go to. Each stream re-checks its
/// status, event types and subjects on every append.
/// </summary>
/// <param name="Version">The directory's version: any change to a stream's row makes a new one.</param>
/// <param name="Streams">The streams.</param>
/// <param name="EventSets">The distinct <c>events_delivered</c> lists of the streams (most streams share a few).</param>
[GenerateSerializer, Immutable, Alias("SetHub.TenantDirectory")]
public sealed record TenantDirectory(
    [property: Id(0)] string Version,
    [property: Id(1)] SnapshotStream[] Streams,
    [property: Id(2)] string[][] EventSets);

/// <summary>The answer to <see cref="ITenantGrain.GetSnapshot"/> or <see cref="ITenantGrain.GetDirectory"/>.</summary>
/// <typeparam name="T">The snapshot's type.</typeparam>
/// <param name="Exists">Whether the tenant exists.</param>
/// <param name="Version">The snapshot's current version.</param>
/// <param name="Snapshot">The snapshot, or <see langword="null"/> when the caller's version is current.</param>
[GenerateSerializer, Immutable, Alias("SetHub.SnapshotAnswer`1")]
public sealed record SnapshotAnswer<T>([property: Id(0)] bool Exists, [property: Id(1)] string Version, [property: Id(2)] T? Snapshot)
    where T : class;
