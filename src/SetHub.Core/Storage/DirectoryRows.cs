namespace SetHub.Core.Storage;

/// <summary>A receiver of a tenant, as stored: one row per receiver.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="ReceiverId">Its id.</param>
/// <param name="Name">A human-friendly name.</param>
/// <param name="Audience">The <c>aud</c> of its streams.</param>
/// <param name="SigningAlgorithm">The JWS algorithm of its SETs.</param>
/// <param name="TokenHash">The hash of its bearer token (the token itself is never stored).</param>
/// <param name="CreatedAt">When it was registered.</param>
/// <param name="Revoked">Whether it was revoked and its streams are being deleted: its token no longer works.</param>
public sealed record ReceiverRow(
    string TenantId,
    string ReceiverId,
    string Name,
    string Audience,
    string SigningAlgorithm,
    string TokenHash,
    DateTimeOffset CreatedAt,
    bool Revoked = false);

/// <summary>
/// A stream in its tenant's directory: what fan-out needs to pick the streams an event goes to, without asking every
/// stream. One row per stream. Changes are written as a superset first (the union of the old and new event types,
/// enabled if either is) and exactly after the stream changed, so a crash in between can only make fan-out sign a
/// SET the stream then refuses, never miss one it wants.
/// </summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="StreamId">The stream.</param>
/// <param name="ReceiverId">Its receiver.</param>
/// <param name="Audience">Its <c>aud</c>.</param>
/// <param name="SigningAlgorithm">The algorithm its SETs are signed with.</param>
/// <param name="IncludesAllSubjects">Whether it has every subject unless removed (<c>default_subjects</c> ALL).</param>
/// <param name="Disabled">Whether it is disabled (it gets no events).</param>
/// <param name="EventsDelivered">The event types it gets.</param>
/// <param name="CreatedAt">When it was created.</param>
public sealed record StreamRow(
    string TenantId,
    string StreamId,
    string ReceiverId,
    string Audience,
    string SigningAlgorithm,
    bool IncludesAllSubjects,
    bool Disabled,
    IReadOnlyList<string> EventsDelivered,
    DateTimeOffset CreatedAt);

/// <summary>What a tenant grain loads on activation besides its own state.</summary>
/// <param name="Receivers">Its receivers, oldest first.</param>
/// <param name="Streams">Its streams, oldest first.</param>
public sealed record TenantRows(IReadOnlyList<ReceiverRow> Receivers, IReadOnlyList<StreamRow> Streams);

/// <summary>The per-tenant lists a tenant grain owns, kept as rows (not one growing state blob): receivers and the
/// directory of streams, and the registry of tenants.</summary>
public interface ITenantDirectoryStore
{
    /// <summary>Records that a tenant exists (for listing every tenant); a repeated call changes nothing.</summary>
    Task AddTenantAsync(string tenantId, DateTimeOffset createdAt, CancellationToken cancellationToken = default);

    /// <summary>Removes a tenant from the registry (its receiver and directory rows are deleted one by one before).</summary>
    Task RemoveTenantAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Every tenant id, in order.</summary>
    Task<IReadOnlyList<string>> ListTenantsAsync(CancellationToken cancellationToken = default);

    /// <summary>Loads a tenant's receivers and stream directory.</summary>
    Task<TenantRows> LoadAsync(string tenantId, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces a receiver row.</summary>
    Task PutReceiverAsync(ReceiverRow receiver, CancellationToken cancellationToken = default);

    /// <summary>Deletes a receiver row.</summary>
    Task DeleteReceiverAsync(string tenantId, string receiverId, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces a directory row.</summary>
    Task PutStreamAsync(StreamRow stream, CancellationToken cancellationToken = default);

    /// <summary>Deletes a directory row.</summary>
    Task DeleteStreamAsync(string tenantId, string streamId, CancellationToken cancellationToken = default);
}
