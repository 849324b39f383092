using System.Globalization;
using Microsoft.Extensions.Logging;
using Orleans.Serialization.Serializers;
using Orleans.Storage;
using SetHub.Storage.Relational.Batching;

namespace SetHub.Storage.Relational.Providers;

/// <summary>
/// Orleans grain storage on the <c>grain_state</c> table, one implementation for SQLite and PostgreSQL.
/// <list type="bullet">
/// <item>The ETag is the row's version. A write without an ETag inserts and never overwrites (the first write of any
/// grain state is insert-if-absent); a write with one updates only that version. Either way a mismatch throws
/// <see cref="InconsistentStateException"/>, so of two activations of one grain only one can write.</item>
/// <item>Clearing leaves a tombstone (no payload, next version) instead of deleting the row: the grain can write again
/// with the tombstone's ETag, but an activation that never saw the row cannot re-create the cleared state.</item>
/// <item>Concurrent reads are merged into batched queries (<see cref="BatchingReader{TKey, TResult}"/>), so activating
/// thousands of cold grains at once costs a few queries, not one per grain.</item>
/// </list>
/// </summary>
public sealed partial class RelationalGrainStorage : IGrainStorage
{
    private readonly string _name;
    private readonly RelationalDatabase _database;
    private readonly IGrainStorageSerializer _serializer;
    private readonly IActivatorProvider _activators;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly BatchingReader<GrainStateKey, StoredGrainState> _reader;
    private readonly string _table;

    /// <summary>Creates the storage provider named <paramref name="name"/>.</summary>
    /// <param name="name">The provider's name (for logs).</param>
    /// <param name="database">The database holding <c>grain_state</c>.</param>
    /// <param name="options">Serializer and read batching; <see cref="SetHubGrainStorageOptions.GrainStorageSerializer"/>
    /// must be set (the silo registration fills it in).</param>
    /// <param name="activatorProvider">Creates fresh states for grains with no stored state.</param>
    /// <param name="timeProvider">The clock for <c>updated_at</c>.</param>
    /// <param name="logger">The logger.</param>
    public RelationalGrainStorage(
        string name,
        RelationalDatabase database,
        SetHubGrainStorageOptions options,
        IActivatorProvider activatorProvider,
        TimeProvider timeProvider,
        ILogger<RelationalGrainStorage> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(options);
        _name = name;
        _database = database;
        _serializer = options.GrainStorageSerializer ?? throw new ArgumentException("No grain storage serializer is set.", nameof(options));
        _activators = activatorProvider;
        _timeProvider = timeProvider;
        _logger = logger;
        _table = database.OrleansTable("grain_state");
        _reader = new BatchingReader<GrainStateKey, StoredGrainState>(LoadAsync, options.MaxReadBatchSize, options.MaxConcurrentReadBatches);
    }

    /// <inheritdoc />
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ReadStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var stored = await _reader.ReadAsync(new GrainStateKey(grainId.ToString(), stateName), cancellationToken);
        if (stored?.Payload is { } payload)
        {
            grainState.State = _serializer.Deserialize<T>(new BinaryData(payload)) ?? NewState<T>();
            grainState.ETag = VersionETag.Format(stored.Version);
            grainState.RecordExists = true;
            return;
        }

        // Never written (no ETag) or cleared (the tombstone's ETag, which the next write must present).
        grainState.State = NewState<T>();
        grainState.ETag = stored is null ? null : VersionETag.Format(stored.Version);
        grainState.RecordExists = false;
    }

    /// <inheritdoc />
    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var payload = _serializer.Serialize(grainState.State).ToArray();
        var version = await WriteRowAsync(stateName, grainId, payload, grainState.ETag, cancellationToken);
        grainState.ETag = VersionETag.Format(version);
        grainState.RecordExists = true;
    }

    /// <inheritdoc />
    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    /// <inheritdoc />
    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var version = await WriteRowAsync(stateName, grainId, payload: null, grainState.ETag, cancellationToken);
        grainState.State = NewState<T>();
        grainState.ETag = VersionETag.Format(version);
        grainState.RecordExists = false;
    }

    private T NewState<T>() => _activators.GetActivator<T>().Create();

    /// <summary>Writes a payload (or a tombstone, for <see langword="null"/>) conditionally on <paramref name="etag"/>
    /// and returns the new version; throws <see cref="InconsistentStateException"/> when the stored version differs.</summary>
    private async Task<long> WriteRowAsync(string stateName, GrainId grainId, byte[]? payload, string? etag, CancellationToken cancellationToken)
    {
        long? expected = null;
        if (etag is not null)
        {
            if (!VersionETag.TryParse(etag, out var parsed))
            {
                throw Conflict(stateName, grainId, stored: null, etag);
            }

            expected = parsed;
        }

        var key = grainId.ToString();
        var now = _timeProvider.GetUtcNow().ToDb();
        var (written, stored) = await _database.WriteAsync(async (connection, transaction) =>
        {
            // Without an ETag the caller believes no row exists: insert, and never touch a row that does exist (not
            // even a tombstone). With one, update exactly that version.
            var command = expected is null
                ? connection.CreateCommand(transaction, $"""
                    INSERT INTO {_table} (grain_id, state_name, payload, version, updated_at)
                    VALUES (@grain_id, @state_name, @payload, 1, @now)
                    ON CONFLICT (grain_id, state_name) DO NOTHING
                    """)
                : connection.CreateCommand(transaction, $"""
                    UPDATE {_table} SET payload = @payload, version = @expected + 1, updated_at = @now
                    WHERE grain_id = @grain_id AND state_name = @state_name AND version = @expected
                    """).With("@expected", expected.Value);
            var rows = await command
                .With("@grain_id", key)
                .With("@state_name", stateName)
                .With("@payload", payload)
                .With("@now", now)
                .ExecuteAsync(cancellationToken);
            if (rows == 1)
            {
                return (Written: true, Version: (expected ?? 0) + 1);
            }

            // Refused: read what is stored, for the exception (and the logs) to say how far behind the caller is.
            var current = await connection.CreateCommand(transaction, $"SELECT version FROM {_table} WHERE grain_id = @grain_id AND state_name = @state_name")
                .With("@grain_id", key)
                .With("@state_name", stateName)
                .ScalarAsync(cancellationToken);
            return (Written: false, Version: current is null ? -1 : Convert.ToInt64(current, CultureInfo.InvariantCulture));
        }, cancellationToken);

        if (!written)
        {
            throw Conflict(stateName, grainId, stored < 0 ? null : VersionETag.Format(stored), etag);
        }

        return stored;
    }

    private InconsistentStateException Conflict(string stateName, GrainId grainId, string? stored, string? current)
    {
        // The grain id is left out of logs and messages on purpose: subject grains are keyed by subject identifiers.
        LogConflict(_logger, _name, grainId.Type, stateName, stored, current);
        return new InconsistentStateException(
            $"Grain storage '{_name}': the version of state '{stateName}' of a {grainId.Type} grain is {stored ?? "absent"}, not the expected {current ?? "absent"}; another activation wrote it.",
            stored,
            current,
            null);
    }

    /// <summary>One batched read: every row whose grain and state name were asked for. The two lists select a
    /// superset (a grain's other state names that another read of the batch asked for); the exact pairs are kept.</summary>
    private async Task<IReadOnlyDictionary<GrainStateKey, StoredGrainState>> LoadAsync(IReadOnlyList<GrainStateKey> keys, CancellationToken cancellationToken)
    {
        await using var connection = await _database.OpenAsync(cancellationToken);
        var command = connection.CreateCommand(null, $"""
            SELECT grain_id, state_name, payload, version FROM {_table}
            WHERE grain_id {_database.InList("@grain_ids")} AND state_name {_database.InList("@state_names")}
            """);
        _database.AddList(command, "@grain_ids", keys.Select(k => k.GrainId).Distinct().ToArray());
        _database.AddList(command, "@state_names", keys.Select(k => k.StateName).Distinct().ToArray());
        var rows = await command.QueryAsync(
            reader => (
                Key: new GrainStateKey(reader.GetString(0), reader.GetString(1)),
                State: new StoredGrainState(reader.IsDBNull(2) ? null : (byte[])reader.GetValue(2), reader.GetInt64(3))),
            cancellationToken);

        var wanted = keys.ToHashSet();
        var found = new Dictionary<GrainStateKey, StoredGrainState>(rows.Count);
        foreach (var (key, state) in rows)
        {
            if (wanted.Contains(key))
            {
                found[key] = state;
            }
        }

        return found;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Grain storage {Provider}: write of state {StateName} of a {GrainType} grain refused; stored ETag {StoredETag}, expected {ExpectedETag}")]
    private static partial void LogConflict(ILogger logger, string provider, GrainType grainType, string stateName, string? storedETag, string? expectedETag);
}
