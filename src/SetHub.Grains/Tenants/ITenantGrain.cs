using SetHub.Core.Streams;
using SetHub.Grains.Streams;

namespace SetHub.Grains.Tenants;

/// <summary>
/// One tenant (key: the tenant id): its settings, signing keys, receivers and the directory of its streams that
/// fan-out needs. Silos serve hot paths from its snapshots (<see cref="GetSnapshot"/>, <see cref="GetDirectory"/>); every change returns only
/// after every live silo has taken it. Stream management goes through it so the directory follows every change; those
/// calls interleave, one at a time per stream, so one tenant's streams are managed in parallel.
/// </summary>
[Alias("SetHub.ITenantGrain")]
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>Creates the tenant or updates it from a <c>PUT /admin/tenants/{id}</c> body (JSON text, or
    /// <see langword="null"/> for none), parsed here with Core's rules.</summary>
    [Alias("Put")]
    Task<Outcome<TenantPutResult>> Put(string? body);

    /// <summary>Deletes the tenant and everything it owns: streams with their SETs and subjects, receivers, opt-outs,
    /// keys. It is gone for every caller on every silo before this returns.</summary>
    /// <returns><see langword="false"/> when there is no such tenant.</returns>
    [Alias("Delete")]
    Task<bool> Delete();

    /// <summary>The settings, or <see langword="null"/> when there is no tenant.</summary>
    [AlwaysInterleave, Alias("Get")]
    Task<TenantData?> Get();

    /// <summary>The snapshot silos check credentials and sign with, unless <paramref name="knownVersion"/> is current.</summary>
    [AlwaysInterleave, Alias("GetSnapshot")]
    Task<SnapshotAnswer<TenantSnapshot>> GetSnapshot(string? knownVersion);

    /// <summary>The stream directory silos fan out with, unless <paramref name="knownVersion"/> is current.</summary>
    [AlwaysInterleave, Alias("GetDirectory")]
    Task<SnapshotAnswer<TenantDirectory>> GetDirectory(string? knownVersion);

    /// <summary>Registers a receiver (its signing algorithm's key is created now, so it is published before the first SET).</summary>
    [Alias("RegisterReceiver")]
    Task<Outcome<ReceiverRegistration>> RegisterReceiver(string name, string audience, string signingAlgorithm);

    /// <summary>The active receivers, oldest first.</summary>
    [AlwaysInterleave, Alias("ListReceivers")]
    Task<ReceiverData[]> ListReceivers();

    /// <summary>Revokes a receiver: its token stops working on every silo at once; its streams and their SETs are deleted.</summary>
    /// <returns><see langword="false"/> when there is no such receiver.</returns>
    [Alias("RevokeReceiver")]
    Task<bool> RevokeReceiver(string receiverId);

    /// <summary>Issues the tenant a new token; the old one stops working on every live silo before this returns.</summary>
    [Alias("ReissueTenantToken")]
    Task<Outcome<TenantPutResult>> ReissueTenantToken();

    /// <summary>Issues a receiver a new token; the old one stops working on every live silo before this returns.</summary>
    [Alias("ReissueReceiverToken")]
    Task<Outcome<ReceiverRegistration>> ReissueReceiverToken(string receiverId);

    /// <summary>The keys published in the JWKS (without private parts).</summary>
    [AlwaysInterleave, Alias("GetPublishedKeys")]
    Task<SigningKeyData[]> GetPublishedKeys();

    /// <summary>Rotates: new keys for every algorithm in use; the old ones stay published for the grace period.</summary>
    /// <returns>The new keys (without private parts).</returns>
    [Alias("RotateKeys")]
    Task<Outcome<SigningKeyData[]>> RotateKeys();

    /// <summary>Creates a stream for a receiver from a create body (SSF 1.0 §8.1.1.1), already validated.</summary>
    [AlwaysInterleave, Alias("CreateStream")]
    Task<Outcome<StreamData>> CreateStream(string receiverId, string body);

    /// <summary>Updates or replaces a receiver's stream (SSF 1.0 §8.1.1.3–4).</summary>
    [AlwaysInterleave, Alias("ConfigureStream")]
    Task<Outcome<StreamData>> ConfigureStream(string receiverId, string streamId, string body, StreamOperation operation);

    /// <summary>Sets a stream's status: by its receiver (SSF 1.0 §8.1.2.2), or, with no receiver id, by the transmitter,
    /// which announces it with a stream-updated SET (§8.1.5).</summary>
    [AlwaysInterleave, Alias("SetStreamStatus")]
    Task<Outcome<StreamData>> SetStreamStatus(string? receiverId, string streamId, StreamStatus status, string? reason);

    /// <summary>Deletes a stream (SSF 1.0 §8.1.1.5): of the receiver, or any with no receiver id.</summary>
    [AlwaysInterleave, Alias("DeleteStream")]
    Task<Failure?> DeleteStream(string? receiverId, string streamId);

    /// <summary>The ids of the receiver's streams (all streams with no receiver id), oldest first.</summary>
    [AlwaysInterleave, Alias("ListStreams")]
    Task<string[]> ListStreams(string? receiverId);

    /// <summary>Brings a directory row in line with its stream, after fan-out found them apart (a stream that refused
    /// an event the directory said it wants, or that no longer exists).</summary>
    [AlwaysInterleave, OneWay, Alias("SyncStream")]
    Task SyncStream(string streamId);
}
