namespace SetHub.Storage.Relational.Providers;

/// <summary>The key of one row of <c>grain_state</c>.</summary>
internal readonly record struct GrainStateKey(string GrainId, string StateName);

/// <summary>One row of <c>grain_state</c> as read: the serialized state (<see langword="null"/> for a cleared state,
/// a tombstone) and its version, which is the ETag.</summary>
internal sealed record StoredGrainState(byte[]? Payload, long Version);
